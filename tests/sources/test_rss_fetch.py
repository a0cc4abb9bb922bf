"""fetch_listing end to end: PoliteClient → stand-in arXiv serving the recorded June days."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from arxivbot.errors import FeedParseError, HttpStatusError
from arxivbot.models import AnnounceType
from arxivbot.sources.http import PoliteClient
from arxivbot.sources.rss import feed_url, fetch_listing
from support.arxiv_server import ArxivServer
from support.httpserver import Reply

CATS = ["cs.AI", "cs.CL", "cs.DC", "cs.LG"]
DATA = Path(__file__).resolve().parents[1] / "data" / "sources"


class MemoryCache:
    def __init__(self) -> None:
        self.entries: dict[str, tuple[str, str]] = {}

    def get_http_cache(self, url: str) -> tuple[str, str] | None:
        return self.entries.get(url)

    def put_http_cache(self, url: str, etag: str, last_modified: str) -> None:
        self.entries[url] = (etag, last_modified)


@pytest.fixture(scope="module")
def arxiv() -> Iterator[ArxivServer]:
    with ArxivServer() as server:
        yield server


@pytest.fixture
def server(arxiv: ArxivServer) -> ArxivServer:
    arxiv.local.log.clear()
    arxiv.set_day("2026-06-02")
    return arxiv


def no_sleep(_seconds: float) -> None:
    return None


def stated(server: ArxivServer, kind: str, fmt: str = "rss", cats: str = "+".join(CATS)) -> int:
    """How many items of announce type ``kind`` ("" for all) the served file holds."""
    raw = server.feed_path(fmt, cats).read_text(encoding="utf-8")
    return len(re.findall(rf"<arxiv:announce_type>{kind or '[a-z-]+'}<", raw))


@pytest.mark.parametrize("day", ["2026-06-01", "2026-06-09", "2026-06-23"])
def test_one_multi_category_request_per_day(server: ArxivServer, day: str) -> None:
    server.set_day(day)
    new, cross = stated(server, "new"), stated(server, "cross")
    assert new and cross
    settings = server.settings()
    with PoliteClient(settings) as client:
        listing = fetch_listing(client, settings, CATS)
    assert listing.announced_on == date.fromisoformat(day)
    first = [a.announce_type for _, a in listing.items if a.announce_type.is_first_announcement]
    assert first.count(AnnounceType.NEW) == new and first.count(AnnounceType.CROSS) == cross
    sent = server.requests("/rss/")
    assert [r.path for r in sent] == ["/rss/cs.AI+cs.CL+cs.DC+cs.LG"]


def test_atom_format(server: ArxivServer) -> None:
    server.set_day("2026-06-05")
    settings = server.settings(feed_format="atom")
    with PoliteClient(settings) as client:
        listing = fetch_listing(client, settings, ["cs.AI"])
    assert listing.source_url == f"{server.url}/atom/cs.AI"
    total = stated(server, "", "atom", "cs.AI")
    assert listing.announced_on == date(2026, 6, 5) and len(listing.items) == total


def test_weekend_is_an_empty_listing(server: ArxivServer) -> None:
    server.set_day("2026-06-06")
    settings = server.settings()
    with PoliteClient(settings) as client:
        listing = fetch_listing(client, settings, CATS)
    assert listing.is_empty and listing.announced_on is None and not listing.not_modified


def test_day_switch_and_conditional_get(server: ArxivServer) -> None:
    settings = server.settings()
    day2_items = stated(server, "")
    cache = MemoryCache()
    with PoliteClient(settings, store=cache) as client:
        first = fetch_listing(client, settings, CATS)
        assert cache.entries == {}  # validators are the store stage's to save, with the items
        cache.put_http_cache(first.source_url, *first.validators)
        again = fetch_listing(client, settings, CATS)
        server.set_day("2026-06-03")
        next_day = fetch_listing(client, settings, CATS)
        cache.put_http_cache(next_day.source_url, *next_day.validators)
    assert first.announced_on == date(2026, 6, 2) and len(first.items) == day2_items
    assert again.not_modified and again.is_empty and again.announced_on is None
    assert next_day.announced_on == date(2026, 6, 3) and not next_day.not_modified
    sent = server.requests("/rss/")
    assert "If-None-Match" not in sent[0].headers
    day2_etag = sent[1].headers["If-None-Match"]
    assert sent[2].headers["If-None-Match"] == day2_etag  # still the 06-02 validator
    assert cache.entries[feed_url(settings, CATS)][0] != day2_etag  # updated to 06-03


def test_503_then_success(server: ArxivServer) -> None:
    server.fail_next("/rss/", Reply(503, b"busy", {"Retry-After": "1"}))
    slept: list[float] = []
    settings = server.settings()
    with PoliteClient(settings, sleep=slept.append) as client:
        listing = fetch_listing(client, settings, CATS)
    assert len(listing.items) == stated(server, "") and slept == [1.0]
    assert len(server.requests("/rss/")) == 2


def test_html_error_page_with_status_200(server: ArxivServer) -> None:
    page = (DATA / "maintenance.html").read_bytes()
    server.fail_next("/rss/", Reply(200, page, {"Content-Type": "text/html"}))
    settings = server.settings()
    with PoliteClient(settings) as client, pytest.raises(FeedParseError) as info:
        fetch_listing(client, settings, CATS)
    assert "HTML page instead of a feed" in str(info.value)
    assert info.value.url.endswith("/rss/cs.AI+cs.CL+cs.DC+cs.LG")


def test_truncated_body_is_a_parse_error(server: ArxivServer) -> None:
    body = server.feed_path("rss", "+".join(CATS)).read_bytes()
    server.fail_next("/rss/", Reply(200, body[:5000]))
    settings = server.settings()
    with PoliteClient(settings) as client, pytest.raises(FeedParseError, match="malformed XML"):
        fetch_listing(client, settings, CATS)


def test_unrecorded_categories_are_a_404(server: ArxivServer) -> None:
    settings = server.settings()
    with PoliteClient(settings) as client, pytest.raises(HttpStatusError) as info:
        fetch_listing(client, settings, ["math.AG"])
    assert info.value.status == 404


def test_429_then_success_with_fake_sleep(server: ArxivServer) -> None:
    server.fail_next("/rss/", Reply(429), Reply(429, b"", {"Retry-After": "2"}))
    slept: list[float] = []
    settings = server.settings(max_retries=3)
    with PoliteClient(settings, sleep=slept.append) as client:
        listing = fetch_listing(client, settings, ["cs.CL"])
    assert len(listing.items) == stated(server, "", "rss", "cs.CL")
    assert len(slept) == 2 and slept[1] == 2.0


def test_feed_url_deduplicates_and_validates(server: ArxivServer) -> None:
    settings = server.settings(rss_base="https://rss.arxiv.org/")
    assert (
        feed_url(settings, ["cs.AI", "cs.CL", "cs.AI"]) == "https://rss.arxiv.org/rss/cs.AI+cs.CL"
    )
    with pytest.raises(ValueError, match="at least one"):
        feed_url(settings, [])


def test_no_sleep_helper_is_usable(server: ArxivServer) -> None:
    settings = server.settings(min_interval_seconds=3)
    with PoliteClient(settings, sleep=no_sleep) as client:
        for _ in range(2):
            fetch_listing(client, settings, ["cs.DC"])
    assert len(server.requests("/rss/cs.DC")) == 2
