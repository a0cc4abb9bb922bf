"""``arxivbot run``: every step, for the latest announcement (or a stored day).

    fetch ─► store ─► catch-up ─► prune ─► rank ─► summarise ─► render ─► notify

Every step is idempotent: re-running a day refetches nothing new (conditional GET), pays
for no summary twice and rewrites identical outputs.

One :class:`~arxivbot.deadline.Deadline` (``run.deadline_minutes``) bounds the whole run:
every request ends by it, catch-up gets its own budget, the summaries stop early enough
to leave ``run.publish_reserve_minutes`` for render and notify. A run cut short publishes
what it has and ends ``incomplete`` (exit code 5); the next run carries on.
"""

from __future__ import annotations

from datetime import datetime

from arxivbot.app.context import RunContext, RunOptions, open_context
from arxivbot.app.ingest import catch_up_step, fetch_step, store_step
from arxivbot.app.publish import deadline_step, notify_step, prune_step, render_step
from arxivbot.app.ranking import rank_step
from arxivbot.app.runner import Outcome, run_steps
from arxivbot.app.steps import RunState, Step, StepResult, combine
from arxivbot.app.summaries import summarize_step
from arxivbot.clock import Clock, utc_now
from arxivbot.config import LoadedConfig
from arxivbot.deadline import Deadline
from arxivbot.errors import FeedParseError, FetchError
from arxivbot.models import DayStats, RunReport, RunStatus, Stage, StageIssue
from arxivbot.progress import ProgressSink, silent
from arxivbot.store import open_store

RUN_STEPS: tuple[Step, ...] = (
    fetch_step,
    store_step,
    catch_up_step,
    prune_step,  # before ranking: see prune_step
    rank_step,
    summarize_step,
    render_step,
    notify_step,
    deadline_step,
)


def run_pipeline(
    loaded: LoadedConfig,
    options: RunOptions,
    *,
    clock: Clock = utc_now,
    progress: ProgressSink = silent,
) -> RunReport:
    """Run every step for the latest announcement (or ``options.day``)."""
    started = clock()
    with open_store(options.db_path) as store, store.run_lock():
        run_id = 0 if options.dry_run else store.start_run("run", started)
        deadline = Deadline.after(loaded.config.run.deadline_minutes * 60)
        with open_context(
            loaded, options, store, clock=clock, progress=progress, deadline=deadline,
            http_cache=not options.dry_run,
        ) as ctx:  # fmt: skip
            try:
                outcome = run_steps(ctx, RUN_STEPS, recover=_fetch_failed)
            except BaseException as exc:
                # Record the failure before it propagates, so the runs table never shows a
                # run that is still "running" forever.
                issue = StageIssue(Stage.RUN, type(exc).__name__, str(exc))
                ctx.log.add(StepResult(Stage.RUN, RunStatus.FAILED, issues=(issue,)))
                if not options.dry_run:
                    store.finish_run(_failed_report(ctx, run_id, started))
                raise
        report = _report(outcome, run_id, started, clock())
        if not options.dry_run:
            store.finish_run(report)
        return report


def _fetch_failed(exc: Exception) -> StepResult | None:
    """arXiv unreachable or its answer unusable: the run fails, previous outputs stay."""
    if not isinstance(exc, FetchError):
        return None
    return StepResult(
        Stage.FETCH,
        RunStatus.FAILED,
        issues=(StageIssue(Stage.FETCH, exc.url, str(exc)),),
        notes=(f"{_fetch_failure(exc)}; previous outputs are unchanged",),
    )


def _fetch_failure(exc: FetchError) -> str:
    """What went wrong, in the words of the failure: unreachable is not the same as nonsense."""
    if isinstance(exc, FeedParseError):
        return "arXiv's answer could not be used"
    if "deadline" in exc.message:
        return "the run's deadline was reached while fetching"
    return "arXiv could not be reached"


def _report(outcome: Outcome, run_id: int, started: datetime, finished: datetime) -> RunReport:
    status = outcome.status
    state = outcome.state
    # A failed run or a day without an announcement has no day to report.
    shown = status not in (RunStatus.FAILED, RunStatus.NO_ANNOUNCEMENT)
    has_day = shown and state.day is not None
    return RunReport(
        run_id=run_id,
        started_at=started,
        finished_at=finished,
        status=status,
        announced_on=state.day if has_day else None,
        stats=state.stats() if has_day else DayStats(),
        written=outcome.outputs,
        issues=outcome.issues,
        notes=outcome.notes,
        days_caught_up=state.caught_up,
    )


def _failed_report(ctx: RunContext, run_id: int, started: datetime) -> RunReport:
    log = ctx.log
    caught_up = next((r.state.caught_up for r in reversed(log.results) if r.state is not None), ())
    return RunReport(
        run_id=run_id,
        started_at=started,
        finished_at=ctx.clock(),
        status=combine(log.results),
        announced_on=None,
        stats=DayStats(),
        written=log.outputs,
        issues=log.issues,
        notes=log.notes,
        days_caught_up=caught_up,
    )


__all__ = ["RUN_STEPS", "RunOptions", "RunState", "run_pipeline"]
