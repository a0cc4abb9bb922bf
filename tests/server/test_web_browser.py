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
