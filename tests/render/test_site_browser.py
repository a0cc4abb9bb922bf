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
    details = tab.locator("details.summary").first
    assert details.get_attribute("open") is None
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
    tab.locator("details.summary summary").first.click()
    # The README's image is made from a real demo run by docs/make_screenshot.py, not here.
    target = tmp_path / "s.png"
    tab.screenshot(path=str(target))
    assert target.stat().st_size > 10_000
    context.close()
