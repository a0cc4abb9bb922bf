"""The arXiv API client against recorded responses served by the stand-in arXiv."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from arxivbot.errors import FeedParseError, HttpStatusError
from arxivbot.sources.api import (
    ApiClient,
    ApiQueryError,
    category_query,
    parse_api_feed,
    submitted_range,
)
from arxivbot.sources.http import PoliteClient
from support.arxiv_server import ArxivServer
from support.fixtures import fixtures_dir
from support.httpserver import Reply


def api_dir() -> Path:
    return fixtures_dir() / "arxiv-api"


def envelope(prefix: str) -> dict[str, object]:
    path = next((api_dir() / "arxiv_py_golden_2026-04").glob(f"{prefix}_*.json"))
    data: dict[str, object] = json.loads(path.read_text())
    return data


@pytest.fixture(scope="module")
def arxiv() -> Iterator[ArxivServer]:
    with ArxivServer() as server:
        yield server


@pytest.fixture
def api(arxiv: ArxivServer) -> Iterator[ApiClient]:
    arxiv.local.log.clear()
    settings = arxiv.settings()
    with PoliteClient(settings, sleep=lambda _s: None) as client:
        yield ApiClient(client, settings, page_size=10)


def test_parse_current_format_entry() -> None:
    page = parse_api_feed(str(envelope("id_1605.08386")["body"]).encode())
    assert (page.total_results, page.start, page.items_per_page) == (1, 0, 100)
    (paper,) = page.papers
    assert (paper.arxiv_id, paper.version) == ("1605.08386", 1)
    assert paper.title == "Heat-bath random walks with Markov bases"
    assert paper.authors == ("Caprice Stanley", "Tobias Windisch")
    assert paper.primary_category == "math.CO" and paper.categories == ("math.CO", "math.ST")
    assert paper.comment == "20 pages, 3 figures"
    assert paper.submitted == datetime(2016, 5, 26, 17, 59, 46, tzinfo=UTC)


def test_parse_2016_format_with_doi_and_journal_ref() -> None:
    content = (api_dir() / "arxiv_py_2016" / "search_query=au_del_maestro.xml").read_bytes()
    page = parse_api_feed(content)
    assert page.total_results == 31 and len(page.papers) == 10
    first = page.papers[0]
    assert first.arxiv_id == "1201.4869" and first.doi == "10.1142/S021797921244002X"
    assert first.journal_ref == "Int. J. Mod. Phys. B, 26, 1244002 (2012)"
    assert first.primary_category == "cond-mat.mes-hall"
    assert "\n" not in first.abstract and first.abstract.startswith("As helium-4 is cooled")
    assert sum(1 for p in page.papers if p.doi) >= 1


def test_old_style_ids_via_by_ids(api: ApiClient) -> None:
    papers = api.by_ids(["quant-ph/0201082v1"])
    assert [(p.arxiv_id, p.version) for p in papers] == [("quant-ph/0201082", 1)]
    assert papers[0].primary_category == "quant-ph"
    (astro,) = api.by_ids(["arXiv:astro-ph/0601001"])
    assert astro.arxiv_id == "astro-ph/0601001"


def test_by_ids_unknown_ids_are_absent(api: ApiClient) -> None:
    assert api.by_ids(["0000.0000"]) == []
    papers = api.by_ids(["0808.05394", "1707.08567"])
    assert [p.arxiv_id for p in papers] == ["1707.08567"]
    sent = api.client.request_count
    assert sent == 2


def test_by_ids_batches(arxiv: ArxivServer, api: ApiClient) -> None:
    ids = ["1605.08386", "1707.08567", "2104.12255v1"]
    papers = ApiClient(api.client, api.settings).by_ids(ids, batch_size=1)
    assert len(arxiv.requests("/api/query")) == 3
    assert [p.arxiv_id for p in papers] == ["1605.08386", "1707.08567", "2104.12255"]


def test_error_entry_becomes_api_query_error(api: ApiClient) -> None:
    with pytest.raises(ApiQueryError) as info:
        api.query(id_list=["abc"], max_results=100)
    assert "incorrect id format for abc" in str(info.value)
    assert isinstance(info.value, HttpStatusError) and info.value.status == 400


def test_paging_stops_at_total_results(arxiv: ArxivServer, api: ApiClient) -> None:
    # The recorded "testing" series has pages at start 0, 10, 20, ... 50 of size 10.
    pages = []
    for page in api.iter_pages("testing", limit=60):
        pages.append(page)
    assert [p.start for p in pages] == [0, 10, 20, 30, 40, 50]
    assert all(len(p.papers) == 10 for p in pages)
    starts = [r.query["start"][0] for r in arxiv.requests("/api/query")]
    assert starts == ["0", "10", "20", "30", "40", "50"]


def test_paging_ends_on_total(arxiv: ArxivServer, api: ApiClient) -> None:
    def feed(start: int, n: int, total: int) -> str:
        entries = "".join(
            f"<entry><id>http://arxiv.org/abs/2606.{10000 + start + i}v1</id><title>T{i}</title>"
            f"<summary>A</summary><published>2026-06-01T10:00:00Z</published>"
            f'<category term="cs.AI"/><author><name>X</name></author></entry>'
            for i in range(n)
        )
        return (
            '<feed xmlns="http://www.w3.org/2005/Atom" '
            'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">'
            f"<opensearch:totalResults>{total}</opensearch:totalResults>"
            f"<opensearch:startIndex>{start}</opensearch:startIndex>"
            f"<opensearch:itemsPerPage>{n}</opensearch:itemsPerPage>{entries}</feed>"
        )

    query = "cat:cs.AI"
    for start, n in [(0, 10), (10, 10), (20, 5)]:
        arxiv.add_api_answer(feed(start, n, 25), search_query=query, start=start, max_results=10)
    papers = api.search(categories=["cs.AI"])
    assert len(papers) == 25 and len({p.arxiv_id for p in papers}) == 25
    assert len(arxiv.requests("/api/query")) == 3


def test_empty_result(api: ApiClient) -> None:
    page = api.query(id_list=["0000.0000"], max_results=100)
    assert page.papers == () and page.total_results == 0


def test_503_then_success(arxiv: ArxivServer, api: ApiClient) -> None:
    arxiv.fail_next("/api/query", Reply(503, b"", {"Retry-After": "3"}))
    (paper,) = api.by_ids(["1605.08386"])
    assert paper.arxiv_id == "1605.08386"
    assert len(arxiv.requests("/api/query")) == 2


def test_html_instead_of_atom() -> None:
    with pytest.raises(FeedParseError, match="HTML page"):
        parse_api_feed(b"<!DOCTYPE html><html><body>down</body></html>")


def test_query_builders() -> None:
    assert category_query(["cs.AI"]) == "cat:cs.AI"
    assert category_query(["cs.AI", "cs.CL", "cs.AI"]) == "(cat:cs.AI OR cat:cs.CL)"
    start = datetime(2026, 6, 1, 18, 0, tzinfo=UTC)
    end = datetime(2026, 6, 2, 18, 0, tzinfo=UTC)
    assert submitted_range(start, end) == "submittedDate:[202606011800 TO 202606021801]"
