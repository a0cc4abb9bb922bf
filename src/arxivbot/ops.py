"""Library entry points behind each CLI command (usable from scripts and notebooks too)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from arxivbot.clock import Clock, utc_now
from arxivbot.config import DEFAULT_PROFILE, LoadedConfig, fetch_categories, resolve_profiles
from arxivbot.doctor import doctor
from arxivbot.errors import ArxivBotError, ConfigError, UsageError
from arxivbot.history import BackfillPlan, backfill, hit_json, plan_backfill, search_history
from arxivbot.ids import parse_arxiv_id
from arxivbot.ingest import store_listing
from arxivbot.models import Listing, RunReport
from arxivbot.paths import Paths, resolve_paths
from arxivbot.pipeline import RunOptions, run_pipeline
from arxivbot.progress import ProgressSink, silent
from arxivbot.stages import (
    DayOutcome,
    SummaryStage,
    papers_to_summarize,
    rank_stage,
    render_stage,
    summarize_stage,
)
from arxivbot.starter import write_starter
from arxivbot.store import open_store

__all__ = [
    "BackfillPlan",
    "Paths",
    "RunOptions",
    "UsageError",  # defined in arxivbot.errors; still importable from here
    "backfill",
    "describe_listing",
    "doctor",
    "feedback",
    "fetch_latest",
    "hit_json",
    "notify",
    "plan_backfill",
    "rank_stored",
    "render_outputs",
    "resolve_paths",
    "run_pipeline",
    "search_history",
    "serve",
    "summarize_stored",
    "write_starter",
]


def fetch_latest(loaded: LoadedConfig, paths: Paths) -> Listing:
    """Fetch the latest announcement into the store; nothing is ranked or written."""
    from arxivbot.sources.http import PoliteClient
    from arxivbot.sources.rss import fetch_listing

    with open_store(paths.db) as store, store.run_lock():
        with PoliteClient(loaded.config.sources, store=store) as http:
            listing = fetch_listing(http, loaded.config.sources, fetch_categories(loaded.config))
        store_listing(store, listing, loaded.config)
    return listing


def describe_listing(listing: Listing) -> str:
    if listing.announced_on is None:
        return "no announcement (weekend or arXiv holiday): nothing stored"
    return f"stored {len(listing.items)} announcements of {listing.announced_on}"


def _latest_day(days: Sequence[date], what: str) -> date:
    if not days:
        raise ArxivBotError(f"no {what} in the store yet", hint="run 'arxivbot run' first")
    return max(days)


def rank_stored(loaded: LoadedConfig, paths: Paths, day: date | None) -> DayOutcome:
    with open_store(paths.db) as store, store.run_lock():
        target = day or _latest_day(store.announcement_days(), "announcements")
        return rank_stage(loaded, store, resolve_profiles(loaded.config), target, dry_run=False)


def summarize_stored(
    loaded: LoadedConfig,
    paths: Paths,
    day: date | None,
    arxiv_ids: Sequence[str],
    force: bool,
    progress: ProgressSink = silent,
    clock: Clock = utc_now,
) -> SummaryStage:
    """Summarise the ranked papers of a day, or the given ids, with the configured LLM."""
    from arxivbot.sources.http import PoliteClient

    profiles = resolve_profiles(loaded.config)
    with open_store(paths.db) as store, store.run_lock():
        if arxiv_ids:
            wanted = _parse_ids(arxiv_ids)
            found = store.get_papers(wanted)
            missing = [i for i in wanted if i not in found]
            if missing:
                raise ArxivBotError(
                    f"not in the store: {', '.join(missing)}",
                    hint="fetch or backfill the day first",
                )
            papers = {profiles[0].language: [found[i] for i in wanted]}
        else:
            target = day or _latest_day(store.ranking_days(profiles[0].name), "ranked days")
            outcome = rank_stage(loaded, store, profiles, target, dry_run=False)
            top_n = loaded.config.ai_summary.max_papers_to_summarize
            papers = papers_to_summarize([outcome], top_n)
        with PoliteClient(loaded.config.sources, store=store) as http:
            return summarize_stage(loaded, store, http, papers, force, clock, progress)


def _parse_ids(values: Sequence[str]) -> list[str]:
    try:
        return [parse_arxiv_id(value).id for value in values]
    except ValueError as exc:
        raise UsageError(str(exc), hint=ID_HINT) from None


def render_outputs(loaded: LoadedConfig, paths: Paths, clock: Clock = utc_now) -> list[str]:
    with open_store(paths.db) as store:
        return render_stage(loaded, store, resolve_profiles(loaded.config), paths.output, clock)


def feedback(
    loaded: LoadedConfig,
    paths: Paths,
    arxiv_ids: Sequence[str],
    value: int,
    profile: str | None,
    clock: Clock = utc_now,
) -> list[str]:
    """Record likes (+1) / dislikes (-1); the next ranking uses them as (negative) seeds."""
    names = [p.name for p in resolve_profiles(loaded.config)]
    chosen = profile or (DEFAULT_PROFILE if DEFAULT_PROFILE in names else names[0])
    if chosen not in names:
        raise ConfigError(
            f"unknown profile {chosen!r}", key="profiles", hint=f"choose one of: {', '.join(names)}"
        )
    verb = "liked" if value > 0 else "disliked"
    messages: list[str] = []
    with open_store(paths.db) as store:
        for raw in arxiv_ids:
            try:
                arxiv_id = parse_arxiv_id(raw).id
            except ValueError as exc:
                raise UsageError(str(exc), hint=ID_HINT) from None
            store.add_feedback(chosen, arxiv_id, value, clock())
            known = store.get_paper(arxiv_id)
            title = known.title if known else "(not in the store yet; used once it arrives)"
            messages.append(f"{verb} {arxiv_id} for profile {chosen}: {title}")
    return messages


ID_HINT = "give arXiv ids like 2606.07519 or hep-th/9901001"


@dataclass(frozen=True)
class DeliveryLine:
    target: str
    profile: str
    ok: bool
    skipped: bool
    message: str


def notify(
    loaded: LoadedConfig,
    paths: Paths,
    *,
    test: bool,
    resend: bool,
    day: date | None,
    clock: Clock = utc_now,
) -> list[DeliveryLine]:
    from arxivbot.digest import load_digest
    from arxivbot.publish.notify import notify_digests, send_test

    config = loaded.config
    if test:
        report = send_test(config)
    else:
        profiles = resolve_profiles(config)
        with open_store(paths.db) as store:
            digests = []
            for profile in profiles:
                days = store.ranking_days(profile.name)
                if not days:
                    continue
                digests.append(load_digest(store, profile, day or max(days), clock))
            report = notify_digests(
                digests,
                config,
                store=store,
                clock=clock,
                site_url=config.output.site_url,
                resend=resend,
            )
    return [
        DeliveryLine(d.target, d.profile, d.ok, d.skipped, d.message) for d in report.deliveries
    ]


def serve(
    loaded: LoadedConfig, paths: Paths, *, host: str | None, port: int | None, scheduler: bool
) -> None:
    """Run the web server (blocking) with the pipeline on the configured schedule."""
    from arxivbot.publish.web import serve as serve_app

    def runner() -> RunReport:
        return run_pipeline(loaded, RunOptions(db_path=paths.db, output_dir=paths.output))

    serve_app(
        loaded,
        db_path=paths.db,
        output_dir=paths.output,
        host=host or loaded.config.server.host,
        port=port or loaded.config.server.port,
        runner=runner,
        scheduler=scheduler and loaded.config.server.scheduler,
    )
