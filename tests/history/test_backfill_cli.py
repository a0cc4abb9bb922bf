"""`arxivbot backfill --from --to`: estimate first, progress, rate limit, resumable."""

from __future__ import annotations

import json
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest
from history_helpers import (
    COMMON,
    first_announcements,
    invoke,
    ranked_days,
    set_config,
    stored_announcements,
)

from arxivbot.app import backfill, plan_backfill
from arxivbot.config import load_config
from arxivbot.paths import Paths
from arxivbot.progress import ProgressEvent
from support.arxiv_server import ArxivServer

BACKFILL = ["backfill", *COMMON, "--from", "2026-06-08", "--to", "2026-06-12"]
WEEK = ["2026-06-08", "2026-06-09", "2026-06-10", "2026-06-11", "2026-06-12"]


def test_backfill_prints_estimate_then_fills_every_day(workdir: Path, arxiv: ArxivServer) -> None:
    code, output = invoke(*BACKFILL)
    assert code == 0, output
    assert output.startswith("5 announcement day(s) to fetch")
    assert "about 5 API requests" in output  # one page of up to 1,000 papers per day
    assert "back-filled 5 day(s)" in output
    db = workdir / "db.sqlite3"
    assert ranked_days(db) == WEEK
    for day in WEEK:
        assert stored_announcements(db, day) == first_announcements(day)
    assert (workdir / "out/README.md").is_file()
    assert (workdir / "out/days/2026-06-10.html").is_file()


def test_weekend_and_holiday_cost_nothing(workdir: Path, arxiv: ArxivServer) -> None:
    code, output = invoke("backfill", *COMMON, "--from", "2026-06-19", "--to", "2026-06-23")
    assert code == 0, output
    assert "2 announcement day(s) to fetch" in output  # Fri 19 and Tue 23; Mon 22 is a holiday
    assert len(arxiv.requests("/api/query")) == 2
    assert ranked_days(workdir / "db.sqlite3") == ["2026-06-19", "2026-06-23"]


def test_interrupted_backfill_resumes_with_the_missing_day_only(
    workdir: Path, arxiv: ArxivServer
) -> None:
    arxiv.fail_api_day("2026-06-09")
    code, output = invoke("backfill", *COMMON, "--from", "2026-06-08", "--to", "2026-06-09")
    assert code == 0, output  # one day done; the failed one is named and retried next time
    assert "back-filled 1 day(s)" in output and "2026-06-09" in output
    assert ranked_days(workdir / "db.sqlite3") == ["2026-06-08"]
    arxiv.fail_api_day(None)
    before = len(arxiv.requests("/api/query"))
    code, output = invoke("backfill", *COMMON, "--from", "2026-06-08", "--to", "2026-06-09")
    assert code == 0, output
    assert "1 announcement day(s) to fetch, 2026-06-09 (1 already stored)" in output
    assert len(arxiv.requests("/api/query")) == before + 1
    assert ranked_days(workdir / "db.sqlite3") == ["2026-06-08", "2026-06-09"]
    code, output = invoke("backfill", *COMMON, "--from", "2026-06-08", "--to", "2026-06-09")
    assert "nothing to do" in output and "back-filled 0 day(s)" in output


def test_keyboard_interrupt_keeps_finished_days(workdir: Path, arxiv: ArxivServer) -> None:
    loaded = load_config(workdir / "config.json")
    paths = Paths(db=workdir / "db.sqlite3", output=workdir / "out")
    plan = plan_backfill(loaded, paths, date(2026, 6, 8), date(2026, 6, 10))
    assert [d.isoformat() for d in plan.days] == WEEK[:3]

    def stop_at_third_day(event: ProgressEvent) -> None:
        if event.stage == "backfill" and event.done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        backfill(loaded, paths, plan, progress=stop_at_third_day)
    assert ranked_days(paths.db) == WEEK[:2]
    again = plan_backfill(loaded, paths, date(2026, 6, 8), date(2026, 6, 10))
    assert [d.isoformat() for d in again.days] == ["2026-06-10"] and again.already == 2
    report = backfill(loaded, paths, again)
    assert [d.isoformat() for d in report.filled] == ["2026-06-10"]


def test_requests_are_spaced_by_the_configured_interval(workdir: Path, arxiv: ArxivServer) -> None:
    interval = 0.25
    set_config(workdir / "config.json", sources={"min_interval_seconds": interval})
    code, output = invoke("backfill", *COMMON, "--from", "2026-06-08", "--to", "2026-06-10")
    assert code == 0, output
    assert "at 1 request / 0.25 s" in output
    times = arxiv.api_times
    assert len(times) == 3
    gaps = [later - earlier for earlier, later in pairwise(times)]
    # The client waits before sending; arrival gaps can only shrink by network jitter.
    assert all(gap >= interval * 0.8 for gap in gaps), gaps


def test_progress_is_shown_with_verbose(workdir: Path, arxiv: ArxivServer) -> None:
    code, output = invoke("backfill", *COMMON, "-v", "--from", "2026-06-08", "--to", "2026-06-09")
    assert code == 0, output
    assert "backfill 0/2 2026-06-08" in output and "backfill 1/2 2026-06-09" in output


def test_bad_range_is_a_usage_error(workdir: Path) -> None:
    code, output = invoke("backfill", *COMMON, "--from", "2026-06-10", "--to", "2026-06-08")
    assert code == 2 and "before" in output and "Traceback" not in output
    code, output = invoke("backfill", *COMMON, "--from", "June 8", "--to", "2026-06-08")
    assert code == 2 and "YYYY-MM-DD" in output


def test_backfill_that_fills_nothing_fails(workdir: Path, arxiv: ArxivServer) -> None:
    arxiv.fail_api_day("2026-06-08")
    code, output = invoke("backfill", *COMMON, "--from", "2026-06-08", "--to", "2026-06-08")
    assert code == 1, output
    assert not json.dumps(output).count("Traceback")
