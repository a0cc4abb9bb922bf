"""Rebuild a past announcement day from the arXiv API.

The daily feed only holds the latest announcement, so a missed day must be reconstructed:
:func:`listing_for_day` asks the API for the papers of ``categories`` whose first version was
submitted inside the submission window that :mod:`arxivbot.calendar` maps to that day, and
labels them the way the feed would (``new`` when the primary category is requested,
``cross`` otherwise).

Where a backfilled day differs from the real feed of that day:

* **Cross-lists added later** (a category added to an older paper) appear in the real feed
  as ``cross`` on the day they were added; the API knows only the current categories, so
  such a paper is listed on its *submission* day instead.
* **Papers announced late** (held for moderation, or a holiday shift the approximate
  calendar does not know) are listed on the day their submission window maps to.
* **Replacements** (``replace``/``replace-cross``) are not reconstructed: the API returns
  only the latest version, not when each version was announced.
* The metadata is the paper's *current* version (title/abstract may have been revised);
  the announcement records version 1, which is what the feed announced that day.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from arxivbot.calendar import DEFAULT_SCHEDULE, Schedule
from arxivbot.models import Announcement, AnnounceType, Listing, Paper
from arxivbot.sources.api import ApiClient, category_query, submitted_range
from arxivbot.sources.rss import merge_items

# A busy cs category announces ~150-300 papers a day (new + cross); used for estimates only.
PAPERS_PER_CATEGORY_PER_DAY = 200


def listing_for_day(
    api: ApiClient,
    categories: Sequence[str],
    day: date,
    *,
    schedule: Schedule = DEFAULT_SCHEDULE,
) -> Listing:
    """The ``new``/``cross`` papers that announcement day ``day`` had, as far as the API knows.

    A non-announcement day (weekend, holiday) gives an empty listing without any request.
    """
    requested = tuple(dict.fromkeys(categories))
    query_url = f"{api.url}?search_query={category_query(requested)}"
    if not schedule.is_announcement_day(day):
        return Listing(query_url, None, None, (), notes=(f"{day} is not an announcement day",))
    start, end = schedule.submission_window(day)
    papers = api.search(categories=requested, submitted_from=start, submitted_to=end)
    items = [_as_announced(paper, requested, day) for paper in papers]
    note = (
        f"reconstructed from the arXiv API: {len(items)} papers submitted "
        f"{start.isoformat()} – {end.isoformat()}"
    )
    source = f"{query_url} AND {submitted_range(start, end)}"
    listing_items = merge_items(items)
    return Listing(source, day, None, listing_items, notes=(note,))


def _as_announced(
    paper: Paper, requested: tuple[str, ...], day: date
) -> tuple[Paper, Announcement]:
    own = paper.primary_category in requested
    feed_category = (
        paper.primary_category
        if own
        else next((c for c in paper.categories if c in requested), requested[0])
    )
    announce_type = AnnounceType.NEW if own else AnnounceType.CROSS
    # The API returns the latest version; the day announced version 1.
    return paper, Announcement(paper.arxiv_id, 1, day, announce_type, feed_category)


@dataclass(frozen=True)
class RequestEstimate:
    """What a backfill will cost: API requests and the minimum time the rate limit imposes."""

    days: int
    requests: int
    seconds: float

    def describe(self) -> str:
        minutes = self.seconds / 60
        return f"{self.days} days: about {self.requests} API requests, at least {minutes:.1f} min"


def estimate_requests(
    days: Sequence[date] | int,
    categories: Sequence[str],
    *,
    min_interval_seconds: float = 3.0,
    page_size: int = 1000,
    schedule: Schedule = DEFAULT_SCHEDULE,
) -> RequestEstimate:
    """Estimate requests and time for backfilling ``days`` (a list of dates or a count)."""
    if isinstance(days, int):
        count = days
    else:
        count = sum(1 for day in days if schedule.is_announcement_day(day))
    expected = PAPERS_PER_CATEGORY_PER_DAY * max(1, len(set(categories)))
    per_day = max(1, math.ceil(expected / max(1, page_size)))
    requests = count * per_day
    return RequestEstimate(count, requests, requests * min_interval_seconds)
