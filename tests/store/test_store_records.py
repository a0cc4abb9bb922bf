"""Rankings, summaries and runs round-trip through a real SQLite file."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from store_builders import NOW, build_announcement, build_paper

from arxivbot.errors import StoreError
from arxivbot.models import (
    AnnounceType,
    DayStats,
    RankedPaper,
    RunReport,
    ScoreComponent,
    StageIssue,
    Summary,
    SummaryKey,
    SummarySource,
)
from arxivbot.store import Store, report_from_json

DAY = date(2025, 6, 10)


def _ranked() -> list[RankedPaper]:
    a = build_paper("2506.00001", submitted=NOW, updated=NOW, doi="10.1/a")
    b = build_paper("2506.00002", version=2, title="Second")
    components = (
        ScoreComponent("term", "RL", "title", 1.5, "whole word"),
        ScoreComponent("semantic", "A liked paper", "", 0.3125),
        ScoreComponent("penalty", "survey", "abstract", -0.5),
    )
    return [
        RankedPaper(a, build_announcement(a, DAY), 2.5, components, rank=1),
        RankedPaper(
            b,
            build_announcement(b, DAY - timedelta(days=1), AnnounceType.CROSS, "cs.AI"),
            0.0,
            (),
            rank=2,
            forced=True,
        ),
    ]


def test_ranking_round_trip_equals(store: Store) -> None:
    ranked = _ranked()
    store.save_ranking("default", DAY, ranked)
    assert store.load_ranking("default", DAY) == ranked
    assert store.load_ranking("other", DAY) == []
    assert store.ranking_days("default") == [DAY]
    assert store.ranking_profiles() == ["default"]


def test_saving_again_replaces_the_day(store: Store) -> None:
    ranked = _ranked()
    store.save_ranking("default", DAY, ranked)
    store.save_ranking("default", DAY, ranked[1:])
    assert store.load_ranking("default", DAY) == ranked[1:]


def test_empty_ranking_still_records_the_day(store: Store) -> None:
    store.save_ranking("default", DAY, [])
    assert store.ranking_days("default") == [DAY]
    assert store.load_ranking("default", DAY) == []


def test_duplicate_paper_in_ranking_is_refused(store: Store) -> None:
    ranked = _ranked()
    with pytest.raises(StoreError, match="twice"):
        store.save_ranking("default", DAY, [ranked[0], ranked[0]])


def _summary(**key_fields: object) -> Summary:
    key = SummaryKey("2506.00001", 1, "gpt-x", "abc123", "en")
    return Summary(
        key=SummaryKey(**{**key.__dict__, **key_fields}),  # type: ignore[arg-type]
        text="**Problem**: x",
        source=SummarySource.PDF,
        created_at=NOW,
        input_tokens=1200,
        output_tokens=300,
    )


def test_summary_is_stored_once_per_key(store: Store) -> None:
    store.upsert_papers([build_paper("2506.00001")])
    first = _summary()
    store.put_summary(first)
    assert store.get_summary(first.key) == first
    for field, value in [
        ("version", 2),
        ("model", "other"),
        ("prompt_hash", "zzz"),
        ("language", "zh"),
    ]:
        assert store.get_summary(_summary(**{field: value}).key) is None
    again = Summary(first.key, "new text", SummarySource.HTML, NOW + timedelta(hours=1))
    store.put_summary(again)  # same key: replaced, never duplicated
    assert store.get_summary(first.key) == again
    assert store.latest_summary("2506.00001") == again
    assert store.check() == []


def test_latest_summary_prefers_newest_version(store: Store) -> None:
    v1 = _summary()
    v2 = _summary(version=2)
    store.put_summary(v2)
    store.put_summary(v1)
    assert store.latest_summary("2506.00001") == v2  # works even for unknown papers
    assert store.latest_summaries(["2506.00001", "2506.00009"]) == {"2506.00001": v2}
    assert store.latest_summary("2506.00009") is None


def test_runs_start_finish_and_last(store: Store) -> None:
    started = datetime(2025, 6, 10, 20, 5, tzinfo=UTC)
    run_id = store.start_run("run", started)
    running = store.last_run("run")
    assert running is not None and running.status == "running" and running.finished_at is None
    report = RunReport(
        run_id=run_id,
        started_at=started,
        finished_at=started + timedelta(minutes=2),
        status="partial",
        announced_on=DAY,
        stats=DayStats(fetched=500, new=300, cross=150, replaced=50, matched=40, kept=10),
        written=("output/README.md",),
        issues=(StageIssue("summarize", "2506.00001", "timeout"),),
        notes=("small batch",),
        days_caught_up=(date(2025, 6, 9),),
    )
    store.finish_run(report)
    record = store.last_run("run")
    assert record is not None
    assert (record.run_id, record.status, record.announced_on) == (run_id, "partial", DAY)
    assert record.finished_at == report.finished_at
    assert report_from_json(record.report_json) == report
    assert store.last_run("run", status="ok") is None
    assert store.last_run("backfill") is None


def test_finish_without_start_records_the_run(store: Store) -> None:
    report = RunReport(0, NOW, NOW, "no-announcement", None, DayStats())
    store.finish_run(report, kind="fetch")
    record = store.last_run("fetch", status="no-announcement")
    assert record is not None and report_from_json(record.report_json) == report
    assert [r.kind for r in store.recent_runs()] == ["fetch"]
