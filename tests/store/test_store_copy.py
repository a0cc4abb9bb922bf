"""``copy_store``: a SQLite store copied into PostgreSQL, verified by counts and checksums."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from store_builders import NOW, build_announcement, build_paper

from arxivbot.clock import fixed_clock
from arxivbot.errors import StoreError
from arxivbot.models import (
    DayStats,
    RankedPaper,
    RunReport,
    ScoreComponent,
    Summary,
    SummaryKey,
    SummarySource,
)
from arxivbot.store import SearchFilters, open_store
from arxivbot.store.copy import copy_store
from support.postgres import create_database, drop_database

DAY = date(2025, 6, 10)


@pytest.fixture
def pg_url() -> Iterator[str]:
    url = create_database()
    yield url
    drop_database(url)


def _fill(path: Path) -> None:
    papers = [
        build_paper(f"2506.{n:05d}", title=f"Kangaroo study {n}", authors=("Zoë Müller",))
        for n in range(1, 41)
    ]
    with open_store(path, clock=fixed_clock(NOW)) as store:
        store.upsert_papers(papers)
        store.add_announcements([build_announcement(p, DAY - timedelta(n % 3)) for n, p in
                                 enumerate(papers)])  # fmt: skip
        ranked = [
            RankedPaper(p, build_announcement(p, DAY), 1.5, (ScoreComponent("term", "x", "", 1.5),))
            for p in papers[:5]
        ]
        store.save_ranking("main", DAY, [*ranked], matched=9)
        for n, paper in enumerate(papers[:3]):
            key = SummaryKey(paper.arxiv_id, 1, "m", "p", "en")
            store.put_summary(Summary(key, f"wombats {n}", SummarySource.HTML, NOW, 10, 5))
        store.put_embeddings("mini", {papers[0].arxiv_id: b"\x00\x01\xff"})
        store.add_feedback("main", papers[1].arxiv_id, 1, NOW)
        run_id = store.start_run("run", NOW)
        store.finish_run(RunReport(run_id, NOW, NOW, "ok", DAY, DayStats()))


def test_sqlite_store_copies_into_postgres_and_verifies(tmp_path: Path, pg_url: str) -> None:
    source = tmp_path / "a.sqlite3"
    _fill(source)
    report = copy_store(str(source), pg_url, batch=7)
    counts = {table.table: table.rows for table in report.tables}
    assert counts["papers"] == 40 and counts["announcements"] == 40
    assert counts["summaries"] == 3 and counts["rankings"] == 5 and counts["runs"] == 1
    with open_store(source) as src, open_store(pg_url) as dst:
        ids = [f"2506.{n:05d}" for n in range(1, 41)]
        assert dst.get_papers(ids) == src.get_papers(ids)
        assert dst.load_ranking("main", DAY) == src.load_ranking("main", DAY)
        assert dst.latest_summaries(ids) == src.latest_summaries(ids)
        assert dst.check() == []
        assert len(dst.search("wombats", SearchFilters())) == 3  # summaries indexed there
        assert len(dst.search("au:muller", SearchFilters(limit=100))) == 40
        assert dst.start_run("run", NOW) == 2  # the id counter moved past the copied rows


def test_target_with_papers_is_refused(tmp_path: Path, pg_url: str) -> None:
    source = tmp_path / "a.sqlite3"
    _fill(source)
    with open_store(pg_url) as target:
        target.upsert_papers([build_paper()])
    with pytest.raises(StoreError, match="already holds papers"):
        copy_store(str(source), pg_url)


def test_postgres_copies_back_into_sqlite(tmp_path: Path, pg_url: str) -> None:
    first, back = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    _fill(first)
    copy_store(str(first), pg_url)
    report = copy_store(pg_url, str(back))
    assert report.rows == copy_store(str(first), str(tmp_path / "c.sqlite3")).rows
    with open_store(back) as store:
        assert store.check() == [] and len(store.search("kangaroo", SearchFilters())) == 40
