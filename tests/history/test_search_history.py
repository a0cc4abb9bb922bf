"""`arxivbot search` over a store filled from several recorded days (query language + FTS5)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from arxivbot.app import search_history
from arxivbot.app.ingest import store_listing
from arxivbot.cli.main import main
from arxivbot.config import LoadedConfig, load_config
from arxivbot.paths import Paths
from arxivbot.rank.query import parse_query
from arxivbot.sources.rss import parse_feed
from arxivbot.store import SearchFilters, open_store
from support.fixtures import feed_path, seed_config_path

DAYS = ["2026-06-01", "2026-06-02", "2026-06-03", "2026-06-04", "2026-06-05", "2026-06-08"]
QUERIES = [
    "language model",
    '"language model"',
    "ti:agent*",
    "abs:reinforcement learning",
    "cat:cs.DC",
    "cat:cs.CV AND ti:diffusion",
    "quantiz*",
    "LLM NOT survey",
    "ti:(graph OR graphs) NOT abs:molecule*",
    "optimi* AND (RL OR reinforcement)",
    "au:Wang AND ti:efficient",
    "speculative decoding OR KV cache",
    "self-supervised",
]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LoadedConfig, Paths]]:
    """A store with six recorded announcement days (new, cross and replacements)."""
    folder = tmp_path_factory.mktemp("search")
    loaded = load_config(seed_config_path())
    paths = Paths(db=folder / "db.sqlite3", output=folder / "out")
    with open_store(paths.db) as store:
        for day in DAYS:
            path = feed_path(day)
            store_listing(store, parse_feed(path.read_bytes(), str(path)), loaded.config)
    yield loaded, paths


def everything(paths: Paths) -> list[object]:
    with open_store(paths.db) as store:
        return list(store.search("", SearchFilters(limit=100_000)))


@pytest.mark.parametrize("text", QUERIES)
def test_search_finds_exactly_what_the_matcher_accepts(
    world: tuple[LoadedConfig, Paths], text: str
) -> None:
    """The FTS prefilter loses nothing: same ids as checking every stored paper."""
    loaded, paths = world
    query = parse_query(text)
    expected = {hit.paper.arxiv_id for hit in everything(paths) if query.matches(hit.paper)}  # type: ignore[attr-defined]
    found = search_history(loaded, paths, text, limit=1000)
    assert {hit.paper.arxiv_id for hit in found} == expected
    assert len(found) == len(expected)  # each paper once


def test_limit_and_best_first(world: tuple[LoadedConfig, Paths]) -> None:
    loaded, paths = world
    few = search_history(loaded, paths, "language model", limit=5)
    many = search_history(loaded, paths, "language model", limit=50)
    assert len(few) == 5 and len(many) == 50
    assert [h.paper.arxiv_id for h in few] == [h.paper.arxiv_id for h in many[:5]]


def test_date_and_category_filters(world: tuple[LoadedConfig, Paths]) -> None:
    loaded, paths = world
    start, end = date(2026, 6, 2), date(2026, 6, 3)
    hits = search_history(loaded, paths, "model", start, end, limit=1000)
    assert hits and all(h.announced_on and start <= h.announced_on <= end for h in hits)
    in_cv = search_history(loaded, paths, "model", categories=["cs.CV"], limit=1000)
    assert in_cv and all("cs.CV" in h.paper.categories for h in in_cv)
    assert len(in_cv) < len(search_history(loaded, paths, "model", limit=1000))


def cli(paths: Paths, *args: str) -> tuple[int, str]:
    config = str(seed_config_path())
    result = CliRunner().invoke(main, ["search", "--config", config, "--db", str(paths.db), *args])
    return result.exit_code, result.output


def test_cli_json_lines(world: tuple[LoadedConfig, Paths]) -> None:
    _loaded, paths = world
    code, output = cli(
        paths, "ti:agent*", "--from", "2026-06-02", "--to", "2026-06-04", "--limit", "7", "--json"
    )
    assert code == 0, output
    lines = [json.loads(line) for line in output.splitlines()]
    assert len(lines) == 7
    for item in lines:
        assert set(item) >= {"id", "title", "authors", "categories", "announced_on", "url"}
        assert "2026-06-02" <= item["announced_on"] <= "2026-06-04"
        assert "agent" in item["title"].lower()
        assert item["url"] == f"https://arxiv.org/abs/{item['id']}"


def test_cli_category_option_and_table(world: tuple[LoadedConfig, Paths]) -> None:
    _loaded, paths = world
    code, output = cli(paths, "diffusion", "--category", "cs.CV", "--json")
    assert code == 0
    assert all("cs.CV" in json.loads(line)["categories"] for line in output.splitlines())
    code, output = cli(paths, "diffusion", "--limit", "3")
    assert code == 0 and "arXiv" in output and "title" in output
    code, output = cli(paths, "zzqxvnothing")
    assert code == 0 and "no papers found" in output


@pytest.mark.parametrize(
    ("text", "position"),
    [("ti:(graph", 9), ('"unclosed phrase', 0), ("graph AND", 9), ("ab*c", 2)],
)
def test_malformed_query_exits_2_with_position(
    world: tuple[LoadedConfig, Paths], text: str, position: int
) -> None:
    _loaded, paths = world
    code, output = cli(paths, text)
    assert code == 2, output
    assert f"at position {position}" in output
    assert "Traceback" not in output


def test_only_negative_terms_is_a_usage_error(world: tuple[LoadedConfig, Paths]) -> None:
    _loaded, paths = world
    code, output = cli(paths, "NOT survey")
    assert code == 2 and "not negated" in output


def test_bad_limit_and_date_are_usage_errors(world: tuple[LoadedConfig, Paths]) -> None:
    _loaded, paths = world
    assert cli(paths, "graph", "--limit", "0")[0] == 2
    code, output = cli(paths, "graph", "--from", "yesterday")
    assert code == 2 and "YYYY-MM-DD" in output


def test_unused_path_is_not_needed(tmp_path: Path) -> None:
    """Searching a store that holds nothing yet answers "no papers found"."""
    result = CliRunner().invoke(
        main,
        ["search", "--config", str(seed_config_path()), "--db", str(tmp_path / "x.db"), "llm"],
    )
    assert result.exit_code == 0 and "no papers found" in result.output
