"""The orchestrator: one run names the stages in order.

    fetch ─► store ─► catch-up ─► rank ─► summarise ─► render ─► notify ─► prune

Each stage is a library function in its own package; this module only wires them,
collects per-item failures into the :class:`RunReport`, and decides the run's status.
Every stage is idempotent: re-running a day refetches nothing new (conditional GET),
pays for no summary twice and rewrites identical outputs.

One :class:`~arxivbot.deadline.Deadline` (``run.deadline_minutes``) bounds the whole run:
every request ends by it, catch-up gets its own budget, the summaries stop early enough
to leave ``run.publish_reserve_minutes`` for render and notify. A run cut short publishes
what it has and ends ``incomplete`` (exit code 5); the next run carries on.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from arxivbot.calendar import eastern_date
from arxivbot.clock import Clock, utc_now
from arxivbot.config import LoadedConfig, Profile, fetch_categories, resolve_profiles
from arxivbot.deadline import Deadline
from arxivbot.errors import FeedParseError, FetchError
from arxivbot.ingest import catch_up_days, listing_for_stored_day, schedule_of, store_listing
from arxivbot.models import DayStats, Listing, RunReport, StageIssue
from arxivbot.progress import ProgressEvent, ProgressSink, silent
from arxivbot.sources.http import PoliteClient
from arxivbot.sources.rss import fetch_listing
from arxivbot.stages import (
    DayOutcome,
    new_judge_budget,
    notify_empty_stage,
    notify_stage,
    papers_to_summarize,
    rank_stage,
    render_stage,
    summarize_stage,
)
from arxivbot.store import open_store
from arxivbot.store.api import StoreApi


@dataclass(frozen=True)
class RunOptions:
    db_path: Path
    output_dir: Path
    day: date | None = None  # re-process a stored (or back-filled) day instead of fetching
    force: bool = False  # re-summarise and re-render even when nothing changed
    dry_run: bool = False  # fetch and rank only: no store writes, no LLM calls, no outputs
    summaries: bool = True
    notify: bool = True
    catch_up: bool = True


@dataclass
class _Run:
    """Mutable bookkeeping of one run; frozen into a RunReport at the end."""

    run_id: int
    started: datetime
    issues: list[StageIssue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    caught_up: list[date] = field(default_factory=list)
    needs_action: bool = False
    cut_short: bool = False  # stopped by the deadline or an unreachable LLM: "incomplete"
    deadline: Deadline = field(default_factory=Deadline.never)


def run_pipeline(
    loaded: LoadedConfig,
    options: RunOptions,
    *,
    clock: Clock = utc_now,
    progress: ProgressSink = silent,
) -> RunReport:
    """Run every stage for the latest announcement (or ``options.day``)."""
    started = clock()
    with open_store(options.db_path) as store, store.run_lock():
        run_id = 0 if options.dry_run else store.start_run("run", started)
        run = _Run(run_id=run_id, started=started)
        run.deadline = Deadline.after(loaded.config.run.deadline_minutes * 60)
        try:
            report = _run(loaded, options, store, run, clock, progress)
        except FetchError as exc:
            run.issues.append(StageIssue("fetch", exc.url, str(exc)))
            run.notes.append(f"{_fetch_failure(exc)}; previous outputs are unchanged")
            report = _report(run, clock, "failed", None, DayStats())
        except BaseException as exc:
            # Record the failure before it propagates, so the runs table never shows a
            # run that is still "running" forever.
            run.issues.append(StageIssue("run", type(exc).__name__, str(exc)))
            if not options.dry_run:
                store.finish_run(_report(run, clock, "failed", None, DayStats()))
            raise
        if not options.dry_run:
            store.finish_run(report)
        return report


def _run(
    loaded: LoadedConfig,
    options: RunOptions,
    store: StoreApi,
    run: _Run,
    clock: Clock,
    progress: ProgressSink,
) -> RunReport:
    config = loaded.config
    profiles = resolve_profiles(config)
    cache = None if options.dry_run else store
    with PoliteClient(config.sources, store=cache, deadline=run.deadline) as http:
        listing = _listing(loaded, options, store, http, progress, clock)
        if listing.announced_on is None:
            return _no_announcement(loaded, options, store, run, profiles, clock)
        day = listing.announced_on
        fetched = _fetched_stats(listing)
        run.notes.extend(listing.notes)
        if not options.dry_run:
            run.notes.extend(store_listing(store, listing, config))
            if options.catch_up and config.catch_up.enabled and options.day is None:
                http.deadline = run.deadline.within(config.run.catch_up_minutes * 60)
                run.caught_up = catch_up_days(loaded, store, http, day, progress, run.issues)
                http.deadline = run.deadline
        days = [*run.caught_up, day]
        budget = new_judge_budget(config)  # the LLM judge's caps hold for the whole run
        outcomes = [
            rank_stage(
                loaded, store, profiles, d, options.dry_run, listing if d == day else None,
                judge_budget=budget, clock=clock, deadline=run.deadline,
            )
            for d in days
        ]  # fmt: skip
        for outcome in outcomes:
            run.notes.extend(outcome.notes)
        if options.dry_run:
            return _report(run, clock, "dry-run", day, _merge(fetched, outcomes[-1]))
        if options.summaries:
            _summaries(loaded, options, store, http, outcomes, run, clock, progress)
        run.written.extend(render_stage(loaded, store, profiles, options.output_dir, clock))
    if options.notify:
        run.issues.extend(notify_stage(loaded, store, outcomes, clock, run.deadline))
    # Retention counts from today at the latest: a feed dated in the future never makes
    # the past look old enough to delete.
    today = min(day, eastern_date(clock()))
    keep = config.store.retention_days
    pruned = store.prune(keep, today) if keep and not run.deadline.expired() else 0
    if pruned:
        run.notes.append(f"retention: pruned {pruned} old rows")
    if run.deadline.expired():
        run.cut_short = True
        run.notes.append(
            f"the run's deadline of {config.run.deadline_minutes:g} min was reached; "
            "what was done is published, the next run carries on"
        )
    status = "partial" if run.issues else "ok"
    return _report(run, clock, status, day, _merge(fetched, outcomes[-1]))


def _listing(
    loaded: LoadedConfig,
    options: RunOptions,
    store: StoreApi,
    http: PoliteClient,
    progress: ProgressSink,
    clock: Clock,
) -> Listing:
    categories = fetch_categories(loaded.config)
    if options.day is not None:
        progress(ProgressEvent("fetch", f"announcement of {options.day}"))
        return listing_for_stored_day(loaded, store, http, options.day)
    progress(ProgressEvent("fetch", f"{loaded.config.sources.rss_base} {'+'.join(categories)}"))
    listing = fetch_listing(http, loaded.config.sources, categories, clock=clock)
    progress(ProgressEvent("fetch", f"{len(listing.items)} items", len(listing.items)))
    if listing.not_modified:
        return _unchanged_feed(loaded, store, http, listing)
    return listing


def _unchanged_feed(
    loaded: LoadedConfig, store: StoreApi, http: PoliteClient, listing: Listing
) -> Listing:
    """A 304 means "the feed you stored last": re-process the newest stored day.

    Validators are saved only together with a stored, non-empty listing (see
    ``ingest.store_listing``), so a 304 always refers to the newest stored day.
    """
    days = store.announcement_days()
    if not days:
        return replace(listing, not_modified=False)  # nothing stored: treat as no news
    return listing_for_stored_day(loaded, store, http, max(days))


def _summaries(
    loaded: LoadedConfig,
    options: RunOptions,
    store: StoreApi,
    http: PoliteClient,
    outcomes: list[DayOutcome],
    run: _Run,
    clock: Clock,
    progress: ProgressSink,
) -> None:
    top_n = loaded.config.ai_summary.max_papers_to_summarize
    papers = papers_to_summarize(outcomes, top_n)
    reserve = loaded.config.run.publish_reserve_minutes * 60
    result = summarize_stage(
        loaded, store, http, papers, options.force, clock, progress, run.deadline.reserve(reserve)
    )
    run.notes.extend(result.notes)
    run.issues.extend(result.issues)
    run.needs_action = run.needs_action or bool(result.fatal)
    run.cut_short = run.cut_short or bool(result.stopped)


def _no_announcement(
    loaded: LoadedConfig,
    options: RunOptions,
    store: StoreApi,
    run: _Run,
    profiles: tuple[Profile, ...],
    clock: Clock,
) -> RunReport:
    """Weekend or holiday: keep every previous output; optionally say so."""
    upcoming = schedule_of(loaded.config).next_announcement(clock())
    run.notes.append(
        "no announcement today (weekend or arXiv holiday); "
        f"next expected {upcoming:%Y-%m-%d %H:%M} UTC"
    )
    if not options.dry_run and loaded.config.output.empty_day_notice:
        run.written.extend(
            render_stage(loaded, store, profiles, options.output_dir, clock, notice=run.notes[-1])
        )
    if options.notify and not options.dry_run:
        run.issues.extend(notify_empty_stage(loaded, store, profiles, clock, upcoming))
    status = "dry-run" if options.dry_run else "no-announcement"
    return _report(run, clock, status, None, DayStats())


def _fetched_stats(listing: Listing) -> DayStats:
    counts: dict[str, int] = {}
    for _paper, announcement in listing.items:
        counts[announcement.announce_type.value] = (
            counts.get(announcement.announce_type.value, 0) + 1
        )
    return DayStats(
        fetched=len(listing.items),
        new=counts.get("new", 0),
        cross=counts.get("cross", 0),
        replaced=counts.get("replace", 0) + counts.get("replace-cross", 0),
    )


def _merge(fetched: DayStats, outcome: DayOutcome) -> DayStats:
    return replace(fetched, matched=outcome.matched, kept=outcome.kept)


def _fetch_failure(exc: FetchError) -> str:
    """What went wrong, in the words of the failure: unreachable is not the same as nonsense."""
    if isinstance(exc, FeedParseError):
        return "arXiv's answer could not be used"
    if "deadline" in exc.message:
        return "the run's deadline was reached while fetching"
    return "arXiv could not be reached"


def _report(run: _Run, clock: Clock, status: str, day: date | None, stats: DayStats) -> RunReport:
    if run.needs_action and status in ("ok", "partial"):
        status = "needs-action"
    elif run.cut_short and status in ("ok", "partial"):
        status = "incomplete"
    return RunReport(
        run_id=run.run_id,
        started_at=run.started,
        finished_at=clock(),
        status=status,
        announced_on=day,
        stats=stats,
        written=tuple(run.written),
        issues=tuple(run.issues),
        notes=tuple(run.notes),
        days_caught_up=tuple(run.caught_up),
    )
