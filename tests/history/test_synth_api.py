"""The stand-in's synthesised API answers look like arXiv's and page like arXiv's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import httpx
import pytest
from history_helpers import first_announcements
from lxml import etree

from arxivbot.sources.api import ApiClient
from arxivbot.sources.backfill import listing_for_day
from arxivbot.sources.http import PoliteClient
from support.arxiv_server import ArxivServer
from support.fixtures import fixtures_dir

CATS = ["cs.AI", "cs.CL", "cs.DC", "cs.LG"]


@pytest.fixture(scope="module")
def server() -> Iterator[ArxivServer]:
    with ArxivServer(day="2026-06-12", synth_api=True) as arxiv:
        yield arxiv


def shape(element: etree._Element) -> list[str]:
    return list(dict.fromkeys(etree.QName(child).localname for child in element))


def test_same_structure_as_the_recorded_answer(server: ArxivServer) -> None:
    recorded = etree.parse(
        str(fixtures_dir() / "arxiv-api/millennium_2026-06/arxiv_results.xml")
    ).getroot()
    query = "cat:cs.CL AND submittedDate:[202606050000 TO 202606082359]"
    answer = httpx.get(f"{server.url}/api/query", params={"search_query": query, "max_results": 5})
    assert answer.status_code == 200
    synth = etree.fromstring(answer.content)
    assert synth.nsmap == recorded.nsmap
    assert shape(synth) == shape(recorded)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entry, real = synth.find("a:entry", ns), recorded.find("a:entry", ns)
    assert entry is not None and real is not None
    optional = {"comment", "journal_ref"}
    assert [t for t in shape(entry) if t not in optional] == [
        t for t in shape(real) if t not in optional
    ]


@pytest.mark.parametrize("day", ["2026-06-02", "2026-06-09", "2026-06-23"])
def test_backfilled_day_is_the_feeds_first_announcements(server: ArxivServer, day: str) -> None:
    settings = server.settings()
    with PoliteClient(settings) as http:
        small_pages = ApiClient(http, settings, page_size=50)
        listing = listing_for_day(small_pages, CATS, date.fromisoformat(day))
    assert listing.announced_on == date.fromisoformat(day)
    ids = [paper.arxiv_id for paper, _a in listing.items]
    assert len(ids) == len(set(ids))
    assert set(ids) == first_announcements(day)


def test_other_queries_still_404(server: ArxivServer) -> None:
    answer = httpx.get(f"{server.url}/api/query", params={"search_query": "ti:quantum"})
    assert answer.status_code == 404
