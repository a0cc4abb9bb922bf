"""The library entry points behind the CLI commands (usable from scripts and notebooks).

Each command is a tuple of steps given to the one runner; only ``feedback`` and ``notify
--test`` are not pipelines (one table; no store). ``arxivbot serve`` is wired in the CLI:
the server sits above this package and is handed ``run_pipeline`` as a callable.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from datetime import date

from arxivbot.app.context import RunContext, RunOptions, open_context
from arxivbot.app.ingest import fetch_step, store_step
from arxivbot.app.publish import notify_step, render_all
from arxivbot.app.ranking import rank_step
from arxivbot.app.runner import Outcome, run_steps
from arxivbot.app.steps import DayOutcome, Delivery, RunState, Step
from arxivbot.app.summaries import summarize_step
from arxivbot.clock import Clock, utc_now
from arxivbot.config import DEFAULT_PROFILE, LoadedConfig, resolve_profiles
from arxivbot.errors import ArxivBotError, ConfigError, UsageError
from arxivbot.ids import parse_arxiv_id
from arxivbot.models import Listing
from arxivbot.paths import Paths
from arxivbot.progress import ProgressSink, silent
from arxivbot.store import open_store

ID_HINT = "give arXiv ids like 2606.07519 or hep-th/9901001"

FETCH_STEPS: tuple[Step, ...] = (fetch_step, store_step)
SUMMARIZE_STEPS: tuple[Step, ...] = (rank_step, summarize_step)


@contextmanager
def command_context(
    loaded: LoadedConfig,
    options: RunOptions,
    *,
    lock: bool = True,
    clock: Clock = utc_now,
    progress: ProgressSink = silent,
) -> Iterator[RunContext]:
    """The store (under the run lock unless ``lock`` is off) and a context over it."""
    with (
        open_store(options.db_path) as store,
        store.run_lock() if lock else nullcontext(),
        open_context(loaded, options, store, clock=clock, progress=progress) as ctx,
    ):
        yield ctx


def _options(paths: Paths) -> RunOptions:
    return RunOptions(db_path=paths.db, output_dir=paths.output)


def fetch_latest(loaded: LoadedConfig, paths: Paths) -> Listing:
    """Fetch the latest announcement into the store; nothing is ranked or written."""
    with command_context(loaded, _options(paths)) as ctx:
        outcome = run_steps(ctx, FETCH_STEPS)
    listing = outcome.state.listing
    assert listing is not None  # the fetch step either raised or fetched
    return listing


def describe_listing(listing: Listing) -> str:
    if listing.announced_on is None:
        return "no announcement (weekend or arXiv holiday): nothing stored"
    if listing.source_url == "store":  # 304: the feed is the one stored last
        return f"unchanged: {len(listing.items)} announcements of {listing.announced_on} stored"
    return f"stored {len(listing.items)} announcements of {listing.announced_on}"


def _latest_day(days: Sequence[date], what: str) -> date:
    if not days:
        raise ArxivBotError(f"no {what} in the store yet", hint="run 'arxivbot run' first")
    return max(days)


def rank_stored(loaded: LoadedConfig, paths: Paths, day: date | None) -> DayOutcome:
    with command_context(loaded, _options(paths)) as ctx:
        target = day or _latest_day(ctx.store.announcement_days(), "announcements")
        outcome = run_steps(ctx, (rank_step,), RunState(day=target))
    return outcome.state.outcomes[-1]


def summarize_stored(
    loaded: LoadedConfig,
    paths: Paths,
    day: date | None,
    arxiv_ids: Sequence[str],
    force: bool,
    progress: ProgressSink = silent,
    clock: Clock = utc_now,
) -> Outcome:
    """Summarise the ranked papers of a day (ranked again first), or the given ids."""
    options = replace(_options(paths), force=force)
    with command_context(loaded, options, clock=clock, progress=progress) as ctx:
        first = ctx.profiles[0]
        if not arxiv_ids:
            target = day or _latest_day(ctx.store.ranking_days(first.name), "ranked days")
            return run_steps(ctx, SUMMARIZE_STEPS, RunState(day=target))
        wanted = _parse_ids(arxiv_ids)
        found = ctx.store.get_papers(wanted)
        missing = [i for i in wanted if i not in found]
        if missing:
            raise ArxivBotError(
                f"not in the store: {', '.join(missing)}", hint="fetch or backfill the day first"
            )
        papers = {first.language: [found[i] for i in wanted]}
        return run_steps(ctx, (summarize_step,), RunState(papers=papers))


def _parse_ids(values: Sequence[str]) -> list[str]:
    try:
        return [parse_arxiv_id(value).id for value in values]
    except ValueError as exc:
        raise UsageError(str(exc), hint=ID_HINT) from None


def render_outputs(loaded: LoadedConfig, paths: Paths, clock: Clock = utc_now) -> list[str]:
    """Write every output from the store (no run lock: rendering only reads)."""
    with command_context(loaded, _options(paths), lock=False, clock=clock) as ctx:
        return render_all(ctx)


def notify(
    loaded: LoadedConfig,
    paths: Paths,
    *,
    test: bool,
    resend: bool,
    day: date | None,
    clock: Clock = utc_now,
) -> list[Delivery]:
    """Send each profile's latest ranked digest (or ``day``'s), or a test message."""
    if test:
        return send_test_message(loaded, clock=clock)
    options = replace(_options(paths), day=day, resend=resend)
    with command_context(loaded, options, lock=False, clock=clock) as ctx:
        outcome = run_steps(ctx, (notify_step,))
    return list(outcome.state.deliveries)


def send_test_message(loaded: LoadedConfig, *, clock: Clock = utc_now) -> list[Delivery]:
    """One test message to each target; touches no store (it works before the first run)."""
    from arxivbot.notify.service import send_test

    report = send_test(loaded.config, clock=clock)
    return [Delivery(d.target, d.profile, d.ok, d.skipped, d.message) for d in report.deliveries]


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
