"""Rebuilding a missed announcement day from the API (stand-in arXiv with scripted answers)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from arxivbot.models import AnnounceType
from arxivbot.sources.api import ApiClient
from arxivbot.sources.backfill import estimate_requests, listing_for_day
from arxivbot.sources.http import PoliteClient
from support.arxiv_server import ArxivServer

QUERY = "(cat:cs.AI OR cat:cs.CL) AND submittedDate:[202605291800 TO 202606011801]"


def entry(ident: str, published: str, primary: str, *others: str) -> str:
    categories = "".join(f'<category term="{c}"/>' for c in (primary, *others))
    return (
        f"<entry><id>http://arxiv.org/abs/{ident}</id><title>Paper {ident}</title>"
        f"<updated>2026-06-10T10:00:00Z</updated><published>{published}</published>"
        f"<summary>  Abstract of\n {ident}. </summary>{categories}"
        f'<arxiv:primary_category term="{primary}"/>'
        f"<author><name>A. Author</name></author></entry>"
    )


def feed(*entries: str) -> str:
    return (
        '<feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
        'xmlns:arxiv="http://arxiv.org/schemas/atom">'
        f"<opensearch:totalResults>{len(entries)}</opensearch:totalResults>"
        "<opensearch:startIndex>0</opensearch:startIndex>"
        f"<opensearch:itemsPerPage>{len(entries)}</opensearch:itemsPerPage>"
        f"{''.join(entries)}</feed>"
    )


@pytest.fixture
def api() -> Iterator[tuple[ArxivServer, ApiClient]]:
    with ArxivServer() as server:
        settings = server.settings()
        with PoliteClient(settings) as client:
            yield server, ApiClient(client, settings, page_size=100)


def test_listing_for_a_missed_tuesday(api: tuple[ArxivServer, ApiClient]) -> None:
    server, client = api
    body = feed(
        entry("2605.30001v1", "2026-05-29T18:00:00Z", "cs.AI", "cs.LG"),  # window start: new
        entry("2605.30002v3", "2026-05-31T09:00:00Z", "cs.LG", "cs.CL"),  # cross, now v3
        entry("2606.00003v1", "2026-06-01T17:59:59Z", "cs.CL"),  # last second: new
        entry("2606.00004v1", "2026-06-01T18:00:30Z", "cs.AI"),  # past the deadline: out
    )
    server.add_api_answer(body, search_query=QUERY, max_results=100)
    listing = listing_for_day(client, ["cs.AI", "cs.CL"], date(2026, 6, 2))
    assert listing.announced_on == date(2026, 6, 2)
    got = {p.arxiv_id: (p, a) for p, a in listing.items}
    assert set(got) == {"2605.30001", "2605.30002", "2606.00003"}
    cross_paper, cross = got["2605.30002"]
    assert cross.announce_type is AnnounceType.CROSS and cross.feed_category == "cs.CL"
    assert cross.version == 1 and cross_paper.version == 3
    assert got["2605.30001"][1].announce_type is AnnounceType.NEW
    assert got["2605.30001"][1].feed_category == "cs.AI"
    assert [a.announce_type for _, a in listing.items][-1] is AnnounceType.CROSS
    assert got["2606.00003"][0].abstract == "Abstract of 2606.00003v1."
    assert "reconstructed from the arXiv API" in listing.notes[0]
    assert len(server.requests("/api/query")) == 1


def test_weekend_and_holiday_need_no_request(api: tuple[ArxivServer, ApiClient]) -> None:
    server, client = api
    for day in (date(2026, 6, 6), date(2026, 6, 22)):
        listing = listing_for_day(client, ["cs.AI"], day)
        assert listing.is_empty and listing.announced_on is None
    assert server.requests("/api/query") == []


def test_empty_answer_is_an_empty_day(api: tuple[ArxivServer, ApiClient]) -> None:
    server, client = api
    server.add_api_answer(feed(), search_query=QUERY, max_results=100)
    listing = listing_for_day(client, ["cs.AI", "cs.CL"], date(2026, 6, 2))
    assert listing.items == () and listing.announced_on == date(2026, 6, 2)


def test_estimate_requests() -> None:
    june = [date(2026, 6, d) for d in range(1, 31)]
    estimate = estimate_requests(june, ["cs.AI", "cs.CL", "cs.LG"], min_interval_seconds=3)
    assert estimate.days == 21
    assert estimate.requests == 21  # 600 expected papers fit one 1000-result page
    assert estimate.seconds == 63
    assert "21 days" in estimate.describe()
    bigger = estimate_requests(
        5, ["cs.AI", "cs.CL", "cs.CV", "cs.LG", "cs.RO", "stat.ML"], page_size=500
    )
    assert bigger.requests == 5 * 3
