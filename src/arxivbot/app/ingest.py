"""Getting announcements into the store: the fetch, store and catch-up steps.

A listing and its HTTP validators are stored in one transaction; missed announcement days
are rebuilt from the source's past days (for arXiv the API; see
:mod:`arxivbot.sources.backfill` for where a rebuilt day differs from the real feed).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from statistics import median

from arxivbot.app.context import RunContext
from arxivbot.app.steps import RunState, StepResult
from arxivbot.calendar import DEFAULT_SCHEDULE, Schedule, schedule_with
from arxivbot.config import Config, fetch_categories
from arxivbot.digest import ALL_TYPES, FIRST
from arxivbot.errors import FetchError
from arxivbot.models import DayStats, Listing, RunStatus, Stage, StageIssue
from arxivbot.progress import ProgressEvent
from arxivbot.store.api import StoreApi


def schedule_of(config: Config) -> Schedule:
    """arXiv's schedule plus the user's ``sources.extra_holidays``."""
    return schedule_with(config.sources.extra_holidays)


# --- steps ---------------------------------------------------------------------------------


def fetch_step(ctx: RunContext, state: RunState) -> StepResult:
    """The latest announcement (or ``options.day``); an empty feed says when the next is."""
    listing = _listing(ctx)
    if listing.announced_on is None:
        return _no_announcement(ctx, state, listing)
    new_state = replace(
        state, listing=listing, day=listing.announced_on, fetched=_fetched_stats(listing)
    )
    counts = {"fetched": len(listing.items)}
    return StepResult(Stage.FETCH, counts=counts, notes=listing.notes, state=new_state)


def store_step(ctx: RunContext, state: RunState) -> StepResult:
    """Save the fetched listing (not in a dry run; a day re-read from the store is a no-op)."""
    if ctx.options.dry_run or state.listing is None or state.day is None:
        return StepResult.skip(Stage.STORE)
    notes = store_listing(ctx.store, state.listing, ctx.loaded.config)
    return StepResult(Stage.STORE, counts={"stored": len(state.listing.items)}, notes=tuple(notes))


def catch_up_step(ctx: RunContext, state: RunState) -> StepResult:
    """Fill missed announcement days before today's, within ``run.catch_up_minutes``."""
    config = ctx.loaded.config
    options = ctx.options
    wanted = options.catch_up and config.catch_up.enabled and options.day is None
    if options.dry_run or not wanted or state.day is None:
        return StepResult.skip(Stage.CATCH_UP)
    # Catch-up gets its own budget inside the run's: today's digest matters more.
    ctx.http.deadline = ctx.deadline.within(config.run.catch_up_minutes * 60)
    try:
        lookback = max(config.days_back, 1) * 3
        days = missing_days(
            ctx.store, state.day, config.catch_up.max_days, lookback, schedule_of(config)
        )
        filled: list[date] = []
        issues: list[StageIssue] = []
        for index, day in enumerate(days):
            ctx.progress(ProgressEvent(Stage.CATCH_UP, f"back-filling {day}", index, len(days)))
            issue = fill_day(ctx, day, Stage.CATCH_UP)
            if issue is None:
                filled.append(day)
            else:
                issues.append(issue)
    finally:
        ctx.http.deadline = ctx.deadline
    return StepResult(
        Stage.CATCH_UP,
        counts={"filled": len(filled)},
        issues=tuple(issues),
        state=replace(state, caught_up=tuple(filled)),
    )


# --- helpers -------------------------------------------------------------------------------


def fill_day(ctx: RunContext, day: date, stage: Stage) -> StageIssue | None:
    """Rebuild one past day from the source and store it; the failure, if any."""
    try:
        listing = past_listing(ctx, day)
    except FetchError as exc:
        return StageIssue(stage, day.isoformat(), str(exc))
    store_listing(ctx.store, listing, ctx.loaded.config)
    return None


def past_listing(ctx: RunContext, day: date) -> Listing:
    config = ctx.loaded.config
    return ctx.source.day(ctx.http, config.sources, fetch_categories(config), day)


def stored_listing(ctx: RunContext, day: date) -> Listing:
    """The listing of a past day: from the store when we have it, else from the source."""
    items = ctx.store.announced_papers(day, ALL_TYPES)
    if items:
        return Listing(source_url="store", announced_on=day, built_at=None, items=tuple(items))
    return past_listing(ctx, day)


def _listing(ctx: RunContext) -> Listing:
    config = ctx.loaded.config
    day = ctx.options.day
    if day is not None:
        ctx.progress(ProgressEvent(Stage.FETCH, f"announcement of {day}"))
        return stored_listing(ctx, day)
    categories = fetch_categories(config)
    ctx.progress(ProgressEvent(Stage.FETCH, f"{config.sources.rss_base} {'+'.join(categories)}"))
    listing = ctx.source.latest(ctx.http, config.sources, categories, clock=ctx.clock)
    ctx.progress(ProgressEvent(Stage.FETCH, f"{len(listing.items)} items", len(listing.items)))
    if listing.not_modified:
        return _unchanged_feed(ctx, listing)
    return listing


def _unchanged_feed(ctx: RunContext, listing: Listing) -> Listing:
    """A 304 means "the feed you stored last": re-process the newest stored day.

    Validators are saved only together with a stored, non-empty listing (see
    :func:`store_listing`), so a 304 always refers to the newest stored day.
    """
    days = ctx.store.announcement_days()
    if not days:
        return replace(listing, not_modified=False)  # nothing stored: treat as no news
    return stored_listing(ctx, max(days))


def _no_announcement(ctx: RunContext, state: RunState, listing: Listing) -> StepResult:
    """Weekend or holiday: every previous output stays; later steps may say so."""
    upcoming = schedule_of(ctx.loaded.config).next_announcement(ctx.clock())
    notice = (
        "no announcement today (weekend or arXiv holiday); "
        f"next expected {upcoming:%Y-%m-%d %H:%M} UTC"
    )
    status = RunStatus.DRY_RUN if ctx.options.dry_run else RunStatus.NO_ANNOUNCEMENT
    new_state = replace(state, listing=listing, notice=notice, next_expected=upcoming)
    return StepResult(Stage.FETCH, status=status, notes=(notice,), state=new_state)


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


def _fetched_stats(listing: Listing) -> DayStats:
    counts: dict[str, int] = {}
    for _paper, announcement in listing.items:
        kind = announcement.announce_type.value
        counts[kind] = counts.get(kind, 0) + 1
    return DayStats(
        fetched=len(listing.items),
        new=counts.get("new", 0),
        cross=counts.get("cross", 0),
        replaced=counts.get("replace", 0) + counts.get("replace-cross", 0),
    )
