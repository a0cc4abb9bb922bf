"""OAI-PMH parsing of the recorded pages and a harvest replayed by the stand-in arXiv."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from arxivbot.errors import FeedParseError, FetchError
from arxivbot.sources.http import PoliteClient
from arxivbot.sources.oai import harvest, parse_list_records
from support.arxiv_server import ArxivServer
from support.fixtures import fixtures_dir, shared_fixtures_dir
from support.httpserver import Reply

# The compact in-repo pages keep their first 40 records (tests/data/build_recorded.py).
RECORDS_PER_PAGE = 40


def page(name: str) -> bytes:
    return (fixtures_dir() / "oai" / "cs_full_harvest_2016-03-09" / name).read_bytes()


@pytest.fixture(scope="module")
def first_page() -> bytes:
    return page("page_001.xml")


def test_first_page_records_and_token(first_page: bytes) -> None:
    result = parse_list_records(first_page)
    assert len(result.papers) == RECORDS_PER_PAGE
    assert result.resumption_token == "1122234|1001"
    assert (result.cursor, result.complete_list_size) == (0, 102538)
    assert result.deleted == ()


def test_record_fields(first_page: bytes) -> None:
    papers = {p.arxiv_id: p for p in parse_list_records(first_page).papers}
    sparsity = papers["0704.0002"]
    assert sparsity.title == "Sparsity-certifying Graph Decompositions"
    assert sparsity.authors == ("Ileana Streinu", "Louis Theran")
    assert sparsity.categories == ("math.CO", "cs.CG") and sparsity.primary_category == "math.CO"
    assert sparsity.comment == "To appear in Graphs and Combinatorics"
    assert sparsity.license == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
    assert sparsity.submitted == datetime(2007, 3, 30, tzinfo=UTC)
    assert sparsity.updated == datetime(2008, 12, 13, tzinfo=UTC)
    assert sparsity.abstract.startswith("We describe a new algorithm, the $(k,\\ell)$-pebble game")
    assert "\n" not in sparsity.abstract and "  " not in sparsity.abstract
    entropy = papers["0704.0046"]
    assert entropy.journal_ref == "J. Math. Phys. 48(2007), 092102."
    assert entropy.doi == "10.1063/1.2779138"
    assert entropy.updated is None and entropy.version == 1


def test_suffix_and_wrapped_titles(first_page: bytes) -> None:
    papers = parse_list_records(first_page).papers
    assert any("Robert W. Heath, Jr." in p.authors for p in papers)
    assert all("\n" not in p.title and "  " not in p.title for p in papers)
    assert all(p.primary_category and p.categories[0] == p.primary_category for p in papers)


def test_final_page_has_empty_token() -> None:
    result = parse_list_records(page("page_103_final.xml"))
    assert len(result.papers) == RECORDS_PER_PAGE
    assert result.resumption_token is None
    assert (result.cursor, result.complete_list_size) == (102000, 102538)


def test_no_records_match_is_empty_not_an_error() -> None:
    content = (
        b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        b'<error code="noRecordsMatch">nothing</error></OAI-PMH>'
    )
    result = parse_list_records(content)
    assert result.papers == () and result.resumption_token is None


def test_other_oai_errors_raise() -> None:
    content = (
        b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        b'<error code="badResumptionToken">expired</error></OAI-PMH>'
    )
    with pytest.raises(FetchError, match="badResumptionToken: expired"):
        parse_list_records(content)


def test_deleted_records_are_listed_apart() -> None:
    content = (
        b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>'
        b'<record><header status="deleted"><identifier>oai:arXiv.org:0704.0001</identifier>'
        b"</header></record><resumptionToken/></ListRecords></OAI-PMH>"
    )
    result = parse_list_records(content)
    assert result.papers == () and result.deleted == ("0704.0001",)


def test_wrong_document_and_truncated_page() -> None:
    with pytest.raises(FeedParseError, match="not an OAI-PMH response"):
        parse_list_records(b"<feed/>")
    with pytest.raises(FeedParseError, match="malformed XML"):
        parse_list_records(page("page_002.xml")[:10_000])


@pytest.fixture(scope="module")
def arxiv() -> Iterator[ArxivServer]:
    with ArxivServer() as server:
        yield server


def test_harvest_follows_tokens_to_the_end(arxiv: ArxivServer) -> None:
    arxiv.local.log.clear()
    settings = arxiv.settings()
    with PoliteClient(settings) as client:
        pages = list(harvest(client, settings, "cs", date(2007, 1, 1), date(2016, 3, 9)))
    assert [len(p.papers) for p in pages] == [RECORDS_PER_PAGE] * 3
    sent = arxiv.requests("/oai")
    assert sent[0].query == {
        "verb": ["ListRecords"],
        "metadataPrefix": ["arXiv"],
        "set": ["cs"],
        "from": ["2007-01-01"],
        "until": ["2016-03-09"],
    }
    assert sent[1].query == {"verb": ["ListRecords"], "resumptionToken": ["1122234|1001"]}
    assert sent[2].query["resumptionToken"] == ["1122234|2001"]


def test_harvest_survives_503_with_retry_after(arxiv: ArxivServer) -> None:
    arxiv.local.log.clear()
    arxiv.fail_next("/oai", Reply(503, b"", {"Retry-After": "5"}))
    slept: list[float] = []
    settings = arxiv.settings()
    with PoliteClient(settings, sleep=slept.append) as client:
        pages = list(harvest(client, settings, "cs", resumption_token="1122234|2001"))
    assert len(pages) == 1 and pages[0].resumption_token is None
    assert slept == [5.0]


def test_bad_token_is_a_clear_error(arxiv: ArxivServer) -> None:
    settings = arxiv.settings()
    with PoliteClient(settings) as client, pytest.raises(FetchError, match="badResumptionToken"):
        list(harvest(client, settings, "cs", resumption_token="nope"))


def test_repeated_token_stops(arxiv: ArxivServer) -> None:
    body = page("page_001.xml")
    arxiv.fail_next("/oai", Reply(200, body), Reply(200, body))
    settings = arxiv.settings()
    with PoliteClient(settings) as client, pytest.raises(FetchError, match="repeated"):
        list(harvest(client, settings, "cs"))


def test_fixture_paths_exist() -> None:
    assert Path(shared_fixtures_dir() / "corpus" / "oai_cs_2016-03-09" / "MANIFEST.tsv").is_file()
