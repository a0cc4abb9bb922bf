"""The arXiv announcement schedule: fixed examples, the recorded June feeds, properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arxivbot import calendar
from arxivbot.calendar import EASTERN, Schedule
from support.fixtures import feed_path

JUNE = [date(2026, 6, d) for d in range(1, 31)]


def et(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=EASTERN).astimezone(UTC)


def test_recorded_june_feeds_match_the_calendar() -> None:
    for day in JUNE:
        content = feed_path(day.isoformat()).read_bytes()
        has_items = b"<item>" in content
        assert has_items == calendar.is_announcement_day(day), day


@pytest.mark.parametrize(
    ("submitted", "announced"),
    [
        (et(2026, 6, 1, 13, 59), date(2026, 6, 2)),  # Mon before deadline -> Tue feed
        (et(2026, 6, 1, 14, 0), date(2026, 6, 3)),  # Mon at deadline -> Wed feed
        (et(2026, 6, 4, 15, 0), date(2026, 6, 8)),  # Thu after deadline -> Mon feed
        (et(2026, 6, 5, 13, 0), date(2026, 6, 8)),  # Fri before deadline -> Mon feed
        (et(2026, 6, 5, 14, 30), date(2026, 6, 9)),  # Fri after deadline -> Tue feed
        (et(2026, 6, 6, 12, 0), date(2026, 6, 9)),  # Saturday -> Tue feed
        (et(2026, 6, 7, 23, 0), date(2026, 6, 9)),  # Sunday night -> Tue feed
        (et(2026, 6, 18, 15, 0), date(2026, 6, 23)),  # would be Mon 06-22: holiday -> Tue
        (et(2026, 6, 19, 10, 0), date(2026, 6, 23)),  # Fri morning, Mon holiday -> Tue
        (datetime(2026, 6, 25, 17, 58, 26, tzinfo=UTC), date(2026, 6, 26)),  # API fixture
    ],
)
def test_announcement_date_for(submitted: datetime, announced: date) -> None:
    assert calendar.announcement_date_for(submitted) == announced


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        calendar.announcement_date_for(datetime(2026, 6, 1, 12, 0))


def test_announcement_days_in_june_2026() -> None:
    days = calendar.announcement_days(date(2026, 6, 1), date(2026, 6, 30))
    assert len(days) == 21
    assert date(2026, 6, 22) not in days and date(2026, 6, 6) not in days
    assert calendar.previous_announcement_day(date(2026, 6, 23)) == date(2026, 6, 19)
    assert calendar.next_announcement_day(date(2026, 6, 19)) == date(2026, 6, 23)


def test_submission_window_of_a_tuesday_after_a_holiday() -> None:
    start, end = calendar.submission_window(date(2026, 6, 23))
    assert start == et(2026, 6, 18, 14) and end == et(2026, 6, 22, 14)
    with pytest.raises(ValueError, match="not an arXiv announcement day"):
        calendar.submission_window(date(2026, 6, 22))


def test_next_announcement_and_current_day() -> None:
    # Friday 2026-06-05 at noon ET: the next mailing is Sunday 20:00 ET (Monday's feed).
    assert calendar.next_announcement(et(2026, 6, 5, 12)) == et(2026, 6, 7, 20)
    assert calendar.next_announcement(et(2026, 6, 7, 20)) == et(2026, 6, 8, 20)
    # Sunday 2026-06-21 20:00 would mail Monday's (holiday) feed: the next is Monday evening.
    assert calendar.next_announcement(et(2026, 6, 21, 12)) == et(2026, 6, 22, 20)
    assert calendar.current_announcement_day(et(2026, 6, 6, 9)) == date(2026, 6, 5)
    assert calendar.current_announcement_day(et(2026, 6, 8, 0, 30)) == date(2026, 6, 8)
    assert calendar.current_announcement_day(et(2026, 6, 22, 9)) == date(2026, 6, 19)


def test_extra_holidays() -> None:
    schedule = Schedule().with_holidays([date(2026, 7, 3)])
    assert not schedule.is_announcement_day(date(2026, 7, 3))
    assert calendar.is_announcement_day(date(2026, 7, 3))


moments = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 20), timezones=st.just(UTC)
)
days = st.dates(min_value=date(2025, 1, 5), max_value=date(2027, 12, 20))


@settings(max_examples=300, deadline=None)
@given(moments)
def test_a_submission_falls_in_the_window_of_its_day(moment: datetime) -> None:
    day = calendar.announcement_date_for(moment)
    assert calendar.is_announcement_day(day)
    start, end = calendar.submission_window(day)
    assert start <= moment < end
    assert day > moment.astimezone(EASTERN).date()  # never announced the day it is sent


@settings(max_examples=200, deadline=None)
@given(moments, st.integers(min_value=0, max_value=10 * 24 * 60))
def test_announcement_date_is_monotonic(moment: datetime, minutes: int) -> None:
    later = moment + timedelta(minutes=minutes)
    assert calendar.announcement_date_for(moment) <= calendar.announcement_date_for(later)


@settings(max_examples=200, deadline=None)
@given(days)
def test_neighbouring_days_are_consistent(day: date) -> None:
    before = calendar.previous_announcement_day(day)
    after = calendar.next_announcement_day(day)
    assert before < day < after
    assert calendar.is_announcement_day(before) and calendar.is_announcement_day(after)
    assert calendar.announcement_days(before, after)[0] == before
    between = calendar.announcement_days(before + timedelta(days=1), after - timedelta(days=1))
    assert between == ([day] if calendar.is_announcement_day(day) else [])
    assert before.weekday() < 5 and after.weekday() < 5


@settings(max_examples=200, deadline=None)
@given(moments)
def test_next_announcement_is_a_mailing_of_an_announcement_day(moment: datetime) -> None:
    mailing = calendar.next_announcement(moment)
    assert mailing > moment
    local = mailing.astimezone(EASTERN)
    assert (local.hour, local.minute) == (20, 0) and local.weekday() in (6, 0, 1, 2, 3)
    feed_day = local.date() + timedelta(days=1)
    assert calendar.is_announcement_day(feed_day)
    assert mailing - moment <= timedelta(days=6)
