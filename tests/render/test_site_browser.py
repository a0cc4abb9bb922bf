"""The generated site in headless Chromium: over HTTP and from file://."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from render_samples import EARLY_ABSTRACT_WORD

from arxivbot.config import Config, Profile
from arxivbot.models import Digest
from arxivbot.render import FeedMeta, write_feeds, write_site
from support.live import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site(
    tmp_path_factory: pytest.TempPathFactory,
    history: list[Digest],
    profile: Profile,
    config: Config,
    meta: FeedMeta,
) -> Path:
    root = tmp_path_factory.mktemp("browser-site") / "repo"  # served under /repo/
    write_feeds(root, history, profile, config, meta)
    write_site(root, history, profile, config, meta)
    return root


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(site.parent))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{site.name}/"  # a sub-path
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab, errors
    context.close()


def test_digest_page_and_summary_expands(page: tuple[Any, list[str]], base_url: str) -> None:
    tab, errors = page
    tab.goto(base_url + "index.html")
    assert tab.locator("article.paper").count() == 2
    assert "RLHFSpec" in tab.locator("h2.paper-title").first.inner_text()
    details = tab.locator("details.paper-more").first
    assert details.get_attribute("open") is None  # the compact view: title, authors, why, tags
    assert not details.locator(".summary-body").is_visible()
    details.locator("summary").click()
    assert details.get_attribute("open") is not None
    assert details.locator(".summary-body").is_visible()
    assert "RLHF" in details.locator(".summary-body").inner_text()
    tab.goto(base_url + "stats.html")
    assert tab.locator("svg.chart").count() == 4
    assert errors == []


def test_search_finds_earlier_day_over_http(page: tuple[Any, list[str]], base_url: str) -> None:
    tab, errors = page
    tab.goto(base_url + "search.html")
    tab.fill("#search-input", EARLY_ABSTRACT_WORD)
    tab.press("#search-input", "Enter")
    results = tab.locator("#search-results li")
    results.first.wait_for()
    assert results.count() == 1
    assert "VS-Graph" in results.first.inner_text() and "2025-12-04" in results.first.inner_text()
    results.first.locator("a").click()
    tab.wait_for_url("**/papers/2512.03394.html")
    assert "VS-Graph" in tab.locator("h2.paper-title").inner_text()
    assert errors == []


def test_search_works_from_file_url(page: tuple[Any, list[str]], site: Path) -> None:
    tab, errors = page
    tab.goto((site / "search.html").as_uri() + f"?q={EARLY_ABSTRACT_WORD}")
    results = tab.locator("#search-results li")
    results.first.wait_for()
    assert "VS-Graph" in results.first.inner_text()
    tab.goto((site / "index.html").as_uri())
    assert tab.locator("article.paper").count() == 2
    assert errors == []


def test_screenshot_and_mobile_layout(browser: Any, base_url: str, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    tab = context.new_page()
    tab.goto(base_url + "index.html")
    overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the page scrolls sideways on a phone"
    context.close()
    context = browser.new_context(viewport={"width": 1000, "height": 1250})
    tab = context.new_page()
    tab.goto(base_url + "index.html")
    tab.locator("details.paper-more summary").first.click()
    # The README's image is made from a real demo run by docs/make_screenshot.py, not here.
    target = tmp_path / "s.png"
    tab.screenshot(path=str(target))
    assert target.stat().st_size > 10_000
    context.close()


def test_static_search_speaks_the_query_language(
    page: tuple[Any, list[str]], base_url: str
) -> None:
    tab, errors = page
    tab.goto(base_url + "index.html")
    tab.fill(".nav-search input", f"abs:{EARLY_ABSTRACT_WORD} -zebrafish")  # from any page
    tab.press(".nav-search input", "Enter")
    tab.wait_for_url("**/search.html?q=*")
    results = tab.locator("#search-results li")
    results.first.wait_for()
    assert results.count() == 1 and "VS-Graph" in results.first.inner_text()
    assert tab.locator("#search-results mark").count() >= 1  # the match is highlighted
    assert "2 announcement days" in tab.locator("#search-coverage").inner_text()
    # the shareable URL: the same search, with a facet, from a fresh tab
    tab.goto(base_url + "search.html?q=graph*+OR+RLHF*&cat=cs.LG")
    results.first.wait_for()
    texts = results.all_inner_texts()
    assert texts and all("cs.LG" in text for text in texts)
    # a bad query answers with the parser's message and a caret under the position
    tab.fill("#search-input", "(attention OR survey")
    tab.press("#search-input", "Enter")
    error = tab.locator("#search-error")
    error.wait_for()
    assert "expected ')' to close the '(' opened at 0 at position 20" in error.inner_text()
    assert results.count() == 0
    assert errors == []


def test_keyboard_navigation_and_read_marks(page: tuple[Any, list[str]], base_url: str) -> None:
    tab, errors = page
    day = base_url + "days/2025-12-04.html"
    tab.goto(day)
    cards = tab.locator("article.paper")
    assert cards.count() == 4
    assert tab.locator(".new-badge:visible").count() == 0  # a first visit: nothing is "new"
    tab.keyboard.press("j")
    tab.keyboard.press("j")
    assert "is-current" in (cards.nth(1).get_attribute("class") or "")
    tab.keyboard.press("k")
    assert "is-current" in (cards.nth(0).get_attribute("class") or "")
    tab.keyboard.press("o")
    assert cards.nth(0).locator("details.paper-more").get_attribute("open") is not None
    assert cards.nth(0).locator(".abstract").is_visible()
    assert "is-read" in (cards.nth(0).get_attribute("class") or "")  # opened = read
    tab.keyboard.press("o")
    assert cards.nth(0).locator("details.paper-more").get_attribute("open") is None
    # the later day holds papers this browser has not seen: they are marked new
    tab.goto(base_url + "days/2025-12-05.html")
    assert tab.locator(".new-badge:visible").count() >= 1
    tab.locator("button.mark-all-read").click()
    assert tab.locator("article.paper.is-read").count() == tab.locator("article.paper").count()
    tab.reload()
    assert tab.locator(".new-badge:visible").count() == 0  # seen now, and all read
    assert tab.locator("article.paper.is-read").count() == tab.locator("article.paper").count()
    assert errors == []


def test_pages_work_without_javascript(browser: Any, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(base_url + "index.html")
    card = tab.locator("article.paper").first
    assert not card.locator(".abstract").is_visible()
    card.locator("details.paper-more summary").click()  # <details> needs no script
    assert card.locator(".abstract").is_visible()
    assert tab.locator(".reader-tools").is_hidden() and tab.locator(".feedback").first.is_hidden()
    context.close()
