"""Catch-up: a run after missed announcement days fills them from the API, with true dates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from history_helpers import (
    RUN,
    first_announcements,
    invoke,
    ranked,
    ranked_days,
    set_config,
    stored_announcements,
)
from lxml import etree

from support.arxiv_server import ArxivServer


def test_two_skipped_days_are_caught_up_with_their_true_dates(
    workdir: Path, arxiv: ArxivServer
) -> None:
    assert invoke(*RUN)[0] == 0  # Monday 2026-06-08
    arxiv.set_day("2026-06-11")  # Tuesday and Wednesday were never run
    code, output = invoke(*RUN)
    assert code == 0, output
    db = workdir / "db.sqlite3"
    assert ranked_days(db) == ["2026-06-08", "2026-06-09", "2026-06-10", "2026-06-11"]
    for day in ("2026-06-09", "2026-06-10"):
        # exactly the papers that day's feed announced first (new + cross), from the API
        assert stored_announcements(db, day) == first_announcements(day)
        assert ranked(db, day) and ranked(db, day) <= first_announcements(day)
        assert (workdir / f"out/days/{day}.html").is_file()
    assert "2026-06-09, 2026-06-10" in output  # the report's "caught up" line
    searches = [r.query["search_query"][0] for r in arxiv.requests("/api/query")]
    assert len(searches) == 2 and all("submittedDate:[" in q for q in searches)


def test_caught_up_days_have_feed_items_with_their_dates(workdir: Path, arxiv: ArxivServer) -> None:
    invoke(*RUN)
    arxiv.set_day("2026-06-11")
    invoke(*RUN)
    feed = json.loads((workdir / "out/feed.json").read_text())
    item_days = {item["date_published"][:10] for item in feed["items"]}
    assert {"2026-06-09", "2026-06-10", "2026-06-11"} <= item_days
    rss = etree.parse(str(workdir / "out/rss.xml"))
    pub_dates = " ".join(rss.xpath("//item/pubDate/text()"))
    assert "09 Jun 2026" in pub_dates and "10 Jun 2026" in pub_dates


def test_weekend_and_holiday_are_not_missing(workdir: Path, arxiv: ArxivServer) -> None:
    arxiv.set_day("2026-06-19")  # Friday; Monday 2026-06-22 is an arXiv holiday
    assert invoke(*RUN)[0] == 0
    arxiv.set_day("2026-06-23")
    code, output = invoke(*RUN)
    assert code == 0, output
    assert ranked_days(workdir / "db.sqlite3") == ["2026-06-19", "2026-06-23"]
    assert arxiv.requests("/api/query") == []


def test_extra_holiday_from_config_is_not_caught_up(workdir: Path, arxiv: ArxivServer) -> None:
    set_config(
        workdir / "config.json",
        sources={"min_interval_seconds": 0, "extra_holidays": ["2026-06-09"]},
    )
    invoke(*RUN)
    arxiv.set_day("2026-06-11")
    assert invoke(*RUN)[0] == 0
    assert ranked_days(workdir / "db.sqlite3") == ["2026-06-08", "2026-06-10", "2026-06-11"]


def test_catch_up_is_limited_to_max_days(workdir: Path, arxiv: ArxivServer) -> None:
    set_config(workdir / "config.json", catch_up={"max_days": 1})
    invoke(*RUN)
    arxiv.set_day("2026-06-11")
    assert invoke(*RUN)[0] == 0
    # only the most recent missed day: 06-10; 06-09 stays a gap
    assert ranked_days(workdir / "db.sqlite3") == ["2026-06-08", "2026-06-10", "2026-06-11"]


@pytest.mark.parametrize("how", ["flag", "config"])
def test_catch_up_can_be_turned_off(workdir: Path, arxiv: ArxivServer, how: str) -> None:
    if how == "config":
        set_config(workdir / "config.json", catch_up={"enabled": False})
    invoke(*RUN)
    arxiv.set_day("2026-06-11")
    extra = ["--no-catch-up"] if how == "flag" else []
    assert invoke(*RUN, *extra)[0] == 0
    assert ranked_days(workdir / "db.sqlite3") == ["2026-06-08", "2026-06-11"]
    assert arxiv.requests("/api/query") == []


def test_fresh_store_catches_nothing_up(workdir: Path, arxiv: ArxivServer) -> None:
    arxiv.set_day("2026-06-11")
    assert invoke(*RUN)[0] == 0
    assert ranked_days(workdir / "db.sqlite3") == ["2026-06-11"]
    assert arxiv.requests("/api/query") == []


def test_api_failure_during_catch_up_is_partial_and_retried_next_run(
    workdir: Path, arxiv: ArxivServer
) -> None:
    invoke(*RUN)
    arxiv.set_day("2026-06-11")
    arxiv.fail_api_day("2026-06-09")
    code, output = invoke(*RUN)
    assert code == 0, output  # today's digest is produced; the gap is reported
    assert "2026-06-09" in output
    assert ranked_days(workdir / "db.sqlite3") == ["2026-06-08", "2026-06-10", "2026-06-11"]
    arxiv.fail_api_day(None)
    assert invoke(*RUN)[0] == 0
    assert "2026-06-09" in ranked_days(workdir / "db.sqlite3")
