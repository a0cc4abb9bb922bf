"""The served site in headless Chromium: like / dislike from the page reach the store."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from web_world import CLOCK, World, build_world

from arxivbot.server import create_app
from arxivbot.store import open_store
from support.live import CHROMIUM, CHROMIUM_ARGS, uvicorn_server

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")
TOKEN = "browser-test-token"


@pytest.fixture(scope="module")
def world(fixtures: Path, tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(fixtures, tmp_path_factory.mktemp("browser-world"))


@pytest.fixture(scope="module")
def base_url(world: World) -> Iterator[str]:
    variable = world.loaded.config.server.admin_token_env
    previous = os.environ.get(variable)
    os.environ[variable] = TOKEN
    app = create_app(world.loaded, db_path=world.db_path, output_dir=world.output_dir, clock=CLOCK)
    try:
        with uvicorn_server(app) as url:
            yield f"{url}/"
    finally:
        if previous is None:
            os.environ.pop(variable, None)
        else:
            os.environ[variable] = previous


def test_like_button_on_the_served_page_records_feedback(base_url: str, world: World) -> None:
    errors: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("dialog", lambda dialog: dialog.accept(TOKEN))  # the one-time token prompt
        page.goto(base_url)
        box = page.locator(".feedback").first
        box.wait_for(state="visible")
        arxiv_id = box.get_attribute("data-arxiv-id")
        box.get_by_role("button", name="More like this").click()
        sync_api.expect(box.locator(".feedback-status")).to_have_text("Noted: more like this.")
        browser.close()
    assert errors == []
    with open_store(world.db_path) as store:
        assert store.feedback(world.profile.name).get(str(arxiv_id)) == 1
    with open_store(world.db_path) as store:  # pressing it again takes the like back
        store.add_feedback(world.profile.name, str(arxiv_id), 0, CLOCK())


def test_like_state_is_visible_and_s_key_likes(base_url: str, world: World) -> None:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.on("dialog", lambda dialog: dialog.accept(TOKEN))
        page.goto(base_url)
        page.locator(".feedback").first.wait_for(state="visible")
        page.keyboard.press("j")  # the first paper
        page.keyboard.press("s")  # like it
        like = page.locator("article.paper").first.locator("button.like")
        sync_api.expect(like).to_have_attribute("aria-pressed", "true")
        arxiv_id = page.locator("article.paper").first.get_attribute("data-arxiv-id")
        page.reload()  # the state survives a reload
        sync_api.expect(
            page.locator("article.paper").first.locator("button.like")
        ).to_have_attribute("aria-pressed", "true")
        browser.close()
    with open_store(world.db_path) as store:
        assert store.feedback(world.profile.name).get(str(arxiv_id)) == 1


def test_served_search_and_its_atom_feed(base_url: str) -> None:
    import feedparser

    errors: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(base_url + "search?q=" + "learning+-survey")
        results = page.locator("#search-results li.result")
        assert results.count() >= 5
        assert page.locator("#search-results mark").count() >= 1
        assert "survey" not in " ".join(results.all_inner_texts()).lower()
        # a facet link narrows the same search; the URL is the shareable form
        page.locator(".facet-list a").first.click()
        page.wait_for_url("**/search?*category=*")
        assert "q=learning+-survey" in page.url
        # the static site's search page points at the full history on this server
        page.goto(base_url + "search.html?q=learning")
        link = page.locator("#search-server-link")
        link.wait_for(state="visible")
        assert link.get_attribute("href") == "/search?q=learning"
        # a bad query: the parser's message, position and caret, on the page
        page.goto(base_url + "search?q=" + "%28attention+OR+survey")
        assert "at position 20" in page.locator("#search-error").inner_text()
        # subscribe: the link is an Atom feed a reader accepts
        page.goto(base_url + "search?q=learning+-survey")
        href = page.locator("#search-feed").get_attribute("href")
        feed = page.request.get(base_url.rstrip("/") + str(href))
        assert feed.headers["content-type"].startswith("application/atom+xml")
        parsed = feedparser.parse(feed.body())
        assert not parsed.bozo and parsed.version == "atom10" and parsed.entries
        browser.close()
    assert errors == []
