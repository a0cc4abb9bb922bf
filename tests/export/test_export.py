"""``arxivbot export``: BibTeX, CSL-JSON and Obsidian notes from a real SQLite store."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml

from arxivbot.config import LoadedConfig, load_config, resolve_profiles
from arxivbot.export import ExportFormat, Selection, export_papers, select_papers
from arxivbot.export.obsidian import BEGIN, END
from arxivbot.models import (
    Announcement,
    AnnounceType,
    Paper,
    RankedPaper,
    ScoreComponent,
    Summary,
    SummaryKey,
    SummarySource,
)
from arxivbot.paths import Paths, resolve_paths
from arxivbot.rank.seeds import parse_bibtex, parse_csl_json
from arxivbot.store import open_store

DAY = date(2026, 6, 2)
NOW = datetime(2026, 6, 2, 12, tzinfo=UTC)
HOSTILE = (
    'Agents} , title = {Pwned}}\n@misc{evil, title={x} "\n---\nliked: true <!-- arxivbot:end -->'
)


def _paper(n: int, title: str, authors: tuple[str, ...], abstract: str = "An abstract.") -> Paper:
    return Paper(f"2606.0000{n}", 1, title, authors, abstract, "cs.LG", ("cs.LG", "cs.AI"),
                 comment="ICML 2026", doi="10.1/x" if n == 1 else "")  # fmt: skip


PAPERS = [
    _paper(1, "Agents that plan & act 100%", ("Ada Lovelace", "Alan Turing"),
           "Code: https://github.com/lab/planner."),
    _paper(2, "Agents that plan better", ("Ada Lovelace",)),
    _paper(3, HOSTILE, ("Mallory {Evil}",)),
    _paper(4, "Liked but never kept", ("José Núñez",)),
]  # fmt: skip


@pytest.fixture
def world(tmp_path: Path) -> tuple[LoadedConfig, Paths]:
    path = tmp_path / "config.json"
    config = {"categories": ["cs.LG"], "keywords": ["agents"], "store": {"path": "store.db"},
              "output": {"dir": "out"}}  # fmt: skip
    path.write_text(json.dumps(config))
    loaded = load_config(path)
    paths = resolve_paths(loaded, None, None)
    profile = resolve_profiles(loaded.config)[0].name
    ranked = [
        RankedPaper(p, Announcement(p.arxiv_id, 1, DAY, AnnounceType.NEW, "cs.LG"), 3.0 - i,
                    (ScoreComponent("term", "agents", "title", 1.0),), i + 1)
        for i, p in enumerate(PAPERS[:3])
    ]  # fmt: skip
    with open_store(paths.db) as store:
        store.upsert_papers(PAPERS)
        store.add_announcements(r.announcement for r in ranked)
        store.save_ranking(profile, DAY, ranked, matched=3)
        store.add_feedback(profile, "2606.00004", 1, NOW)
        store.add_feedback(profile, "2606.00002", 1, NOW)
        store.add_feedback(profile, "2606.09999", 1, NOW)  # not in the store yet: skipped
    return loaded, paths


def test_selection(world: tuple[LoadedConfig, Paths]) -> None:
    _, paths = world
    with open_store(paths.db) as store:
        kept = [i.paper.arxiv_id for i in select_papers(store, "default", Selection.KEPT)]
        liked = [i.paper.arxiv_id for i in select_papers(store, "default", Selection.LIKED)]
        both = select_papers(store, "default", Selection.BOTH)
        later = select_papers(store, "default", Selection.KEPT, since=date(2026, 6, 3))
    assert kept == ["2606.00001", "2606.00002", "2606.00003"]
    assert liked == ["2606.00002", "2606.00004"]
    assert [i.paper.arxiv_id for i in both] == [*kept, "2606.00004"]
    assert both[0].score == 3.0 and both[0].first_kept == DAY and both[3].first_kept is None
    assert later == []


def test_bibtex_reads_back_and_resists_injection(
    world: tuple[LoadedConfig, Paths], tmp_path: Path
) -> None:
    loaded, paths = world
    out = tmp_path / "refs.bib"
    report = export_papers(loaded, paths, ExportFormat.BIBTEX, out, Selection.BOTH)
    text = out.read_text()
    assert report.papers == 4 and text.count("@misc{") == 4
    assert "@misc{lovelace2026agents,\n" in text and "@misc{lovelace2026agentsa,\n" in text
    assert "nunez2026liked" in text  # accents folded in the key
    assert r"plan \& act 100\%" in text
    seeds = parse_bibtex(text)  # our own reader, as a user's semantic.bibtex
    assert [s.arxiv_id for s in seeds] == ["2606.00001", "2606.00002", "2606.00003", "2606.00004"]
    assert seeds[0].title == "Agents that plan & act 100%"
    assert "Pwned" in seeds[2].title  # still inside the title: no field was injected
    export_papers(loaded, paths, ExportFormat.BIBTEX, out, Selection.BOTH)
    assert out.read_text() == text  # same papers, same bytes


def test_csl_json_reads_back(world: tuple[LoadedConfig, Paths], tmp_path: Path) -> None:
    loaded, paths = world
    out = tmp_path / "refs.json"
    export_papers(loaded, paths, ExportFormat.CSL, out, Selection.KEPT)
    items = json.loads(out.read_text())
    assert items[0]["id"] == "arXiv:2606.00001" and items[0]["type"] == "article"
    assert items[0]["author"][0] == {"family": "Lovelace", "given": "Ada"}
    assert items[0]["issued"] == {"date-parts": [[2026, 6, 1]]} and items[0]["DOI"] == "10.1/x"
    seeds = parse_csl_json(out.read_text())
    assert [s.arxiv_id for s in seeds] == ["2606.00001", "2606.00002", "2606.00003"]


def _front(path: Path) -> dict[str, object]:
    text = path.read_text()
    data = yaml.safe_load(text.split("---\n")[1])
    assert isinstance(data, dict)
    return data


def test_obsidian_notes_update_never_duplicate(
    world: tuple[LoadedConfig, Paths], tmp_path: Path
) -> None:
    loaded, paths = world
    vault = tmp_path / "vault" / "arxiv"
    first = export_papers(loaded, paths, ExportFormat.OBSIDIAN, vault, Selection.KEPT)
    assert first.notes is not None and len(first.notes.created) == 3
    note = vault / "2606.00001.md"
    front = _front(note)
    assert front["arxiv_id"] == "2606.00001" and front["code"] == ["https://github.com/lab/planner"]
    assert front["tags"] == ["arxiv", "arxiv/cs-LG", "arxiv/cs-AI"] and front["liked"] is False
    hostile = _front(vault / "2606.00003.md")
    assert hostile["title"] == " ".join(HOSTILE.split()) and hostile["liked"] is False
    body = (vault / "2606.00003.md").read_text().split("\n---\n", 1)[1]
    assert body.count(END) == 1 and body.count(BEGIN) == 1

    # The user renames a note, adds a key and writes below the block.
    renamed = vault / "Planning agents.md"
    note.rename(renamed)
    text = renamed.read_text().replace("---\n" + BEGIN, "rating: 5\n---\n" + BEGIN)
    renamed.write_text(text + "\nMy notes: read section 3.\n")
    with open_store(paths.db) as store:
        key = SummaryKey("2606.00001", 1, "stand-in", "h", "en")
        store.put_summary(Summary(key, "It **plans**.", SummarySource.HTML, NOW))
        store.add_feedback("default", "2606.00001", 1, NOW)

    again = export_papers(loaded, paths, ExportFormat.OBSIDIAN, vault, Selection.KEPT)
    assert again.notes is not None
    assert again.notes.updated == (renamed,) and again.notes.unchanged == 2
    assert not again.notes.created and sorted(p.name for p in vault.iterdir()) == [
        "2606.00002.md", "2606.00003.md", "Planning agents.md",
    ]  # fmt: skip
    updated = renamed.read_text()
    assert "## Summary (stand-in)" in updated and "It **plans**." in updated
    assert updated.endswith("\nMy notes: read section 3.\n")
    front = _front(renamed)
    assert front["rating"] == 5 and front["liked"] is True

    third = export_papers(loaded, paths, ExportFormat.OBSIDIAN, vault, Selection.KEPT)
    assert third.notes is not None and third.notes.unchanged == 3


def test_cli_export(world: tuple[LoadedConfig, Paths]) -> None:
    loaded, paths = world
    assert loaded.path is not None
    result = subprocess.run(
        [sys.executable, "-m", "arxivbot.cli", "export", "--config", str(loaded.path),
         "--format", "bibtex", "--papers", "liked"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "exported 2 paper(s)" in result.stdout
    assert (paths.output / "papers.bib").read_text().count("@misc{") == 2
