"""Getting announcements into the store: a fetched listing, a day from the API, catch-up.

A listing and its HTTP validators are stored in one transaction; missed announcement days
are rebuilt from the arXiv API (see :mod:`arxivbot.sources.backfill` for where a rebuilt
day differs from the real feed).
"""

from __future__ import annotations

from datetime import date, timedelta
from statistics import median

from arxivbot.calendar import DEFAULT_SCHEDULE, Schedule, schedule_with
from arxivbot.config import Config, LoadedConfig, fetch_categories
from arxivbot.digest import ALL_TYPES, FIRST
from arxivbot.errors import FetchError
from arxivbot.models import Listing, StageIssue
from arxivbot.progress import ProgressEvent, ProgressSink
from arxivbot.sources.http import PoliteClient
from arxivbot.store.api import StoreApi


def store_listing(store: StoreApi, listing: Listing, config: Config) -> list[str]:
    """Save a listing's papers and announcements in one transaction; flag a small batch."""
    if listing.announced_on is None:
        return []  # validators of an empty feed are never saved: a 304 always means a day
    with store.transaction():
        store.upsert_papers(paper for paper, _a in listing.items)
        store.add_announcements(announcement for _p, announcement in listing.items)
        if any(listing.validators):
            store.put_http_cache(listing.source_url, *listing.validators)
    return _small_batch_note(store, listing, config)


def _small_batch_note(store: StoreApi, listing: Listing, config: Config) -> list[str]:
    day = listing.announced_on
    assert day is not None
    previous = [d for d in store.announcement_days() if d < day][-10:]
    sizes = [len(store.announced_papers(d, FIRST)) for d in previous]
    if len(sizes) < 3:
        return []
    usual = median(sizes)
    count = sum(1 for _p, a in listing.items if a.announce_type.is_first_announcement)
    if usual and count < usual * config.sources.small_batch_ratio:
        return [
            f"small batch: {count} first announcements on {day}, usually about {usual:.0f} "
            "(arXiv may have published a partial listing; the next run will top it up)"
        ]
    return []


def schedule_of(config: Config) -> Schedule:
    """arXiv's schedule plus the user's ``sources.extra_holidays``."""
    return schedule_with(config.sources.extra_holidays)


def missing_days(
    store: StoreApi,
    today: date,
    max_days: int,
    days_back: int,
    schedule: Schedule = DEFAULT_SCHEDULE,
) -> list[date]:
    """Announcement days before ``today`` that the store lacks, latest ``max_days`` of them.

    Looks back at most ``days_back`` calendar days, and never before the store's first
    day: a fresh store missed nothing, its history starts today. Gaps *behind* the last
    stored day count too, so a day whose catch-up failed is retried by the next run.
    Weekends and holidays are not announcement days, so they are never "missing".
    """
    if max_days <= 0:
        return []
    stored = set(store.announcement_days())
    earlier = [d for d in stored if d < today]
    if not earlier:
        return []
    window_start = max(min(earlier), today - timedelta(days=days_back))
    candidates = schedule.announcement_days(window_start, today - timedelta(days=1))
    return [d for d in candidates if d not in stored][-max_days:]


def catch_up_days(
    loaded: LoadedConfig,
    store: StoreApi,
    http: PoliteClient,
    today: date,
    progress: ProgressSink,
    issues: list[StageIssue],
) -> list[date]:
    """Fill missed announcement days from the arXiv API; return the days filled."""
    config = loaded.config
    schedule = schedule_of(config)
    lookback = max(config.days_back, 1) * 3
    days = missing_days(store, today, config.catch_up.max_days, lookback, schedule)
    filled: list[date] = []
    for index, day in enumerate(days):
        progress(ProgressEvent("catch-up", f"back-filling {day}", index, len(days)))
        try:
            listing = backfill_listing(loaded, http, day)
        except FetchError as exc:
            issues.append(StageIssue("catch-up", day.isoformat(), str(exc)))
            continue
        store_listing(store, listing, config)
        filled.append(day)
    return filled


def backfill_listing(loaded: LoadedConfig, http: PoliteClient, day: date) -> Listing:
    from arxivbot.sources.api import ApiClient
    from arxivbot.sources.backfill import listing_for_day

    api = ApiClient(http, loaded.config.sources)
    categories = fetch_categories(loaded.config)
    return listing_for_day(api, categories, day, schedule=schedule_of(loaded.config))


def listing_for_stored_day(
    loaded: LoadedConfig, store: StoreApi, http: PoliteClient, day: date
) -> Listing:
    """The listing of a past day: from the store when we have it, else from the API."""
    items = store.announced_papers(day, ALL_TYPES)
    if items:
        return Listing(source_url="store", announced_on=day, built_at=None, items=tuple(items))
    return backfill_listing(loaded, http, day)
