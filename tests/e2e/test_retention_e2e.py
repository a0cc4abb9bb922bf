"""Retention over a pre-filled store: counted from the newest announcement, before ranking,
never removing what the outputs show, and a re-run pays for nothing (issue 20)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from arxivbot.app import RunOptions, run_pipeline
from arxivbot.clock import fixed_clock
from arxivbot.config import load_config
from arxivbot.sources.rss import parse_feed
from arxivbot.store import open_store
from support.arxiv_server import ArxivServer
from support.fixtures import feed_path
from support.llm_server import FakeLlm

# The wall clock is half a year after the recorded days: retention must not count from it.
WALL = fixed_clock(datetime(2026, 12, 4, 12, 0, tzinfo=UTC))
OLD_DAYS = ("2026-06-10", "2026-06-11", "2026-06-12", "2026-06-15", "2026-06-16")
OLD_START = date(2026, 1, 5)  # the pre-filled papers' (re-dated) announcement days


@pytest.fixture
def llm() -> Iterator[FakeLlm]:
    with FakeLlm() as server:
        yield server


def _prefill(db: Path) -> set[str]:
    """A store holding five old announcement days (real papers, announced in January)."""
    parse_clock = fixed_clock(datetime(2026, 7, 1, tzinfo=UTC))
    ids: set[str] = set()
    with open_store(db, clock=fixed_clock(datetime(2026, 1, 10, tzinfo=UTC))) as store:
        for offset, day in enumerate(OLD_DAYS):
            listing = parse_feed(
                feed_path(day).read_bytes(), feed_path(day).name, clock=parse_clock
            )
            old = OLD_START + timedelta(days=offset)
            store.upsert_papers(p for p, _a in listing.items)
            store.add_announcements(replace(a, announced_on=old) for _p, a in listing.items)
            ids.update(p.arxiv_id for p, _a in listing.items)
    return ids


def _configure(workdir: Path, llm: FakeLlm, monkeypatch: pytest.MonkeyPatch, **store: int) -> None:
    data = json.loads((workdir / "config.json").read_text())
    data["ai_summary"].update(base_url=llm.base_url, mode="abstract", retry_base_seconds=0.01)
    data["sources"] = {"min_interval_seconds": 0}
    data["catch_up"] = {"enabled": False}
    data["store"] = store
    (workdir / "config.json").write_text(json.dumps(data))
    monkeypatch.setenv("DASHSCOPE_API_KEY", "sk-test-not-a-real-key")


def _run(workdir: Path, day: date | None = None) -> tuple[str, tuple[str, ...]]:
    loaded = load_config(workdir / "config.json")
    options = RunOptions(db_path=workdir / "db.sqlite3", output_dir=workdir / "out", day=day)
    report = run_pipeline(loaded, options, clock=WALL)
    assert report.status == "ok", report
    return (workdir / "out/README.md").read_text(), report.notes


def _stored_ids(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {row[0] for row in conn.execute("SELECT arxiv_id FROM papers")}


def test_rerun_over_a_prefilled_store_pays_nothing(
    workdir: Path, llm: FakeLlm, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = _prefill(workdir / "db.sqlite3")
    _configure(workdir, llm, monkeypatch, retention_days=90)
    readme, notes = _run(workdir)
    assert llm.chat_calls == 15
    assert any(note.startswith("retention: pruned") for note in notes)
    day_ids = {p.arxiv_id for p, _a in parse_feed(feed_path("2026-06-02").read_bytes(), "x",
                                                     clock=WALL).items}  # fmt: skip
    stored = _stored_ids(workdir / "db.sqlite3")
    assert day_ids <= stored  # the day itself is 0 days old, whatever the wall clock says
    assert not (old - day_ids) & stored  # January is > 90 days before the newest day
    for rerun in (None, date(2026, 6, 2)):  # the 304 re-run and an explicit --day
        llm.reset()
        again, notes = _run(workdir, rerun)
        assert llm.chat_calls == 0
        assert again == readme
        assert not any(note.startswith("retention") for note in notes)


def test_retention_never_removes_what_the_outputs_show(
    workdir: Path, arxiv: ArxivServer, llm: FakeLlm, monkeypatch: pytest.MonkeyPatch
) -> None:
    _configure(workdir, llm, monkeypatch, retention_days=1)  # shorter than the feeds' 30 days
    _run(workdir)
    arxiv.set_day("2026-06-03")
    _run(workdir)
    with sqlite3.connect(workdir / "db.sqlite3") as conn:
        days = {row[0] for row in conn.execute("SELECT DISTINCT announced_on FROM rankings")}
        first_day = [row[0] for row in conn.execute(
            "SELECT arxiv_id FROM rankings WHERE announced_on = '2026-06-02'")]  # fmt: skip
    assert days == {"2026-06-02", "2026-06-03"}
    rss = (workdir / "out/rss.xml").read_text()
    assert first_day and all(f"arxiv.org/abs/{arxiv_id}" in rss for arxiv_id in first_day[:5])


def test_reprocessing_a_past_day_after_later_ones_ranks_it_the_same(
    workdir: Path, arxiv: ArxivServer, llm: FakeLlm, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Term statistics come from the papers announced up to the day ranked, so later days
    stored since change neither the day's ranking nor what it pays for: only a paper
    replaced by a new version since (new content, a new summary key) is summarised again."""
    _configure(workdir, llm, monkeypatch, retention_days=90)
    _run(workdir)
    before = _ranking(workdir / "db.sqlite3", "2026-06-02")
    for day in ("2026-06-03", "2026-06-04", "2026-06-05"):
        arxiv.set_day(day)
        _run(workdir)
    llm.reset()
    _run(workdir, date(2026, 6, 2))
    after = _ranking(workdir / "db.sqlite3", "2026-06-02")
    assert [arxiv_id for arxiv_id, _v in after] == [arxiv_id for arxiv_id, _v in before]
    with sqlite3.connect(workdir / "db.sqlite3") as conn:
        now = dict(conn.execute("SELECT arxiv_id, version FROM papers").fetchall())
    replaced = [arxiv_id for arxiv_id, version in before[:15] if now[arxiv_id] != version]
    assert llm.chat_calls == len(replaced)


def _ranking(db: Path, day: str) -> list[tuple[str, int]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT arxiv_id, version FROM rankings WHERE announced_on = ? ORDER BY rank", (day,)
        ).fetchall()
