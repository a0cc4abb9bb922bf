"""`app.ingest.missing_days`: which announcement days a run must catch up."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from arxivbot.app.ingest import missing_days
from arxivbot.calendar import schedule_with
from arxivbot.models import Announcement, AnnounceType, Paper
from arxivbot.store import Store, open_store


def stored(tmp_path: Path, *days: str) -> Store:
    store = open_store(tmp_path / "db.sqlite3")
    for n, day in enumerate(days):
        paper = Paper(
            f"2606.{n:05d}", 1, f"Paper {n}", ("A. Author",), "Abstract.", "cs.AI", ("cs.AI",)
        )
        store.upsert_papers([paper])
        store.add_announcements(
            [Announcement(paper.arxiv_id, 1, date.fromisoformat(day), AnnounceType.NEW, "cs.AI")]
        )
    return store


def iso(days: list[date]) -> list[str]:
    return [d.isoformat() for d in days]


def test_two_skipped_weekdays(tmp_path: Path) -> None:
    with stored(tmp_path, "2026-06-08", "2026-06-11") as store:
        assert iso(missing_days(store, date(2026, 6, 11), 5, 21)) == ["2026-06-09", "2026-06-10"]


def test_weekend_is_not_missing(tmp_path: Path) -> None:
    with stored(tmp_path, "2026-06-05") as store:  # Friday → Monday
        assert missing_days(store, date(2026, 6, 8), 5, 21) == []


def test_known_and_extra_holidays(tmp_path: Path) -> None:
    with stored(tmp_path, "2026-06-19") as store:  # Monday 2026-06-22 is an arXiv holiday
        assert missing_days(store, date(2026, 6, 23), 5, 21) == []
        schedule = schedule_with([date(2026, 6, 24)])
        assert iso(missing_days(store, date(2026, 6, 26), 5, 21, schedule)) == [
            "2026-06-23",
            "2026-06-25",
        ]


def test_latest_max_days_within_lookback(tmp_path: Path) -> None:
    with stored(tmp_path, "2026-06-01") as store:
        today = date(2026, 6, 12)
        assert iso(missing_days(store, today, 2, 21)) == ["2026-06-10", "2026-06-11"]
        assert iso(missing_days(store, today, 5, 4)) == [
            "2026-06-08",
            "2026-06-09",
            "2026-06-10",
            "2026-06-11",
        ]
        assert missing_days(store, today, 0, 21) == []


def test_gap_behind_the_last_day_is_retried(tmp_path: Path) -> None:
    with stored(tmp_path, "2026-06-08", "2026-06-10") as store:
        assert iso(missing_days(store, date(2026, 6, 11), 5, 21)) == ["2026-06-09"]


@pytest.mark.parametrize("days", [(), ("2026-06-11",), ("2026-06-12",)])
def test_fresh_store_missed_nothing(tmp_path: Path, days: tuple[str, ...]) -> None:
    with stored(tmp_path, *days) as store:
        assert missing_days(store, date(2026, 6, 11), 5, 21) == []
