"""arXiv's announcement schedule: which day a submission is announced, and which days exist.

The rule we implement (arXiv's published schedule, simplified; all times US/Eastern):

* Submissions are accepted continuously; the daily **deadline is 14:00 ET, Monday–Friday**.
* What arrived before a deadline is **mailed at 20:00 ET that evening** for Monday–Thursday
  deadlines, and on **Sunday evening** for the Friday deadline (no mailing Friday/Saturday).
* rss.arxiv.org publishes each mailing at midnight ET as a feed whose ``pubDate`` is the
  **next day**: Monday–Friday.

Our ``announced_on`` date is that **feed date** (the ``pubDate`` day of the daily feed, a
weekday), because it is what the daily feeds carry and what the digest shows. So:

=========================  ===================  ==============================
submitted (ET)             mailed (ET)          ``announced_on`` (feed date)
=========================  ===================  ==============================
Mon 14:00 – Tue 14:00      Tue 20:00            Wed
Thu 14:00 – Fri 14:00      Sun 20:00            Mon
Fri 14:00 – Mon 14:00      Mon 20:00            Tue
=========================  ===================  ==============================

The submission window of feed day ``D`` runs from the deadline of the previous announcement
day to 14:00 ET on the weekday before ``D``. On a **holiday** (a weekday feed date without
an announcement) nothing is published and its submissions roll into the next announcement
day. The recorded June 2026 feeds agree: Saturday/Sunday feeds are empty, Monday feeds are
full, and Monday 2026-06-22 is empty (a holiday) while Tuesday 2026-06-23 is large.

Holidays are approximate: arXiv announces its holiday schedule each year (in terms of the
*mailing* evening, the day before our feed date); :data:`ARXIV_HOLIDAYS` lists the feed dates
we believe had/will have no announcement, and users can add their own
(``sources.extra_holidays``) through :class:`Schedule`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

EASTERN = ZoneInfo("America/New_York")
DEADLINE = time(14, 0)  # submissions before this (ET, Mon-Fri) make that day's mailing
MAILING = time(20, 0)  # the mailing goes out at this time (ET) on the evening before the feed
_ONE_DAY = timedelta(days=1)

# Feed dates (weekdays) without an announcement. Approximate: New Year's Day, Thanksgiving
# and Christmas as arXiv usually observes them, plus 2026-06-22 as seen in the recorded feeds.
ARXIV_HOLIDAYS: frozenset[date] = frozenset(
    {
        date(2025, 1, 1),
        date(2025, 11, 27),
        date(2025, 12, 25),
        date(2026, 1, 1),
        date(2026, 6, 22),
        date(2026, 11, 26),
        date(2026, 12, 25),
        date(2027, 1, 1),
        date(2027, 11, 25),
        date(2027, 12, 24),
    }
)


def eastern_date(moment: datetime) -> date:
    """The US/Eastern calendar date of an aware datetime."""
    return _aware(moment).astimezone(EASTERN).date()


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("calendar functions need timezone-aware datetimes (use UTC)")
    return moment


def _at_eastern(day: date, clock_time: time) -> datetime:
    return datetime.combine(day, clock_time, tzinfo=EASTERN).astimezone(UTC)


def _previous_weekday(day: date) -> date:
    day -= _ONE_DAY
    while day.weekday() >= 5:
        day -= _ONE_DAY
    return day


def _next_weekday(day: date) -> date:
    day += _ONE_DAY
    while day.weekday() >= 5:
        day += _ONE_DAY
    return day


@dataclass(frozen=True)
class Schedule:
    """arXiv's schedule with a given holiday table (feed dates without announcement)."""

    holidays: frozenset[date] = field(default=ARXIV_HOLIDAYS)

    def with_holidays(self, extra: Iterable[date]) -> Schedule:
        return Schedule(self.holidays | frozenset(extra))

    def is_announcement_day(self, day: date) -> bool:
        """True for weekday feed dates that are not holidays."""
        return day.weekday() < 5 and day not in self.holidays

    def next_announcement_day(self, day: date) -> date:
        """The first announcement day strictly after ``day``."""
        day += _ONE_DAY
        while not self.is_announcement_day(day):
            day += _ONE_DAY
        return day

    def previous_announcement_day(self, day: date) -> date:
        """The last announcement day strictly before ``day``."""
        day -= _ONE_DAY
        while not self.is_announcement_day(day):
            day -= _ONE_DAY
        return day

    def announcement_days(self, start: date, end: date) -> list[date]:
        """Announcement days in ``[start, end]`` (both inclusive), ascending."""
        days: list[date] = []
        day = start
        while day <= end:
            if self.is_announcement_day(day):
                days.append(day)
            day += _ONE_DAY
        return days

    def deadline(self, day: date) -> datetime:
        """The submission deadline (UTC) whose mailing appears in the feed dated ``day``."""
        return _at_eastern(_previous_weekday(day), DEADLINE)

    def submission_window(self, day: date) -> tuple[datetime, datetime]:
        """``[start, end)`` in UTC of the submissions announced on feed day ``day``."""
        if not self.is_announcement_day(day):
            raise ValueError(f"{day} is not an arXiv announcement day")
        return self.deadline(self.previous_announcement_day(day)), self.deadline(day)

    def announcement_date_for(self, submitted: datetime) -> date:
        """The feed date on which a paper submitted at ``submitted`` is announced (v1)."""
        local = _aware(submitted).astimezone(EASTERN)
        deadline_day = local.date()
        if deadline_day.weekday() >= 5 or local.time() >= DEADLINE:
            deadline_day = _next_weekday(deadline_day)
        feed_day = _next_weekday(deadline_day)
        while not self.is_announcement_day(feed_day):
            feed_day = self.next_announcement_day(feed_day)
        return feed_day

    def mailing_time(self, day: date) -> datetime:
        """When (UTC) feed day ``day``'s announcement goes out: 20:00 ET the evening before."""
        return _at_eastern(day - _ONE_DAY, MAILING)

    def feed_published_at(self, day: date) -> datetime:
        """When (UTC) rss.arxiv.org dates the feed of ``day``: midnight ET."""
        return _at_eastern(day, time(0, 0))

    def next_announcement(self, after: datetime) -> datetime:
        """The next mailing time (UTC) strictly after ``after``."""
        day = eastern_date(after)
        if not self.is_announcement_day(day):
            day = self.next_announcement_day(day)
        while self.mailing_time(day) <= after:
            day = self.next_announcement_day(day)
        return self.mailing_time(day)

    def current_announcement_day(self, at: datetime) -> date:
        """The feed date of the latest announcement already published at ``at``."""
        day = eastern_date(at)
        if self.is_announcement_day(day) and self.feed_published_at(day) <= at:
            return day
        return self.previous_announcement_day(day)


DEFAULT_SCHEDULE = Schedule()


def schedule_with(extra_holidays: Iterable[date]) -> Schedule:
    """The default schedule plus user holidays (``sources.extra_holidays``)."""
    extra = frozenset(extra_holidays)
    return DEFAULT_SCHEDULE.with_holidays(extra) if extra else DEFAULT_SCHEDULE


def is_announcement_day(day: date) -> bool:
    return DEFAULT_SCHEDULE.is_announcement_day(day)


def announcement_days(start: date, end: date) -> list[date]:
    return DEFAULT_SCHEDULE.announcement_days(start, end)


def announcement_date_for(submitted: datetime) -> date:
    return DEFAULT_SCHEDULE.announcement_date_for(submitted)


def next_announcement(after: datetime) -> datetime:
    return DEFAULT_SCHEDULE.next_announcement(after)


def previous_announcement_day(day: date) -> date:
    return DEFAULT_SCHEDULE.previous_announcement_day(day)


def next_announcement_day(day: date) -> date:
    return DEFAULT_SCHEDULE.next_announcement_day(day)


def submission_window(day: date) -> tuple[datetime, datetime]:
    return DEFAULT_SCHEDULE.submission_window(day)


def current_announcement_day(at: datetime) -> date:
    return DEFAULT_SCHEDULE.current_announcement_day(at)
