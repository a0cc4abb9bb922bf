"""``arxivbot backfill``: plan the missing announcement days of a range, then fill them.

The command is two steps: the backfill step (each day fetched, stored and ranked before
the next, so an interrupted back-fill keeps every finished day and resumes after it) and,
when a day was filled, the render step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from arxivbot.app.context import RunContext, RunOptions, open_context
from arxivbot.app.ingest import fill_day, schedule_of
from arxivbot.app.publish import render_step
from arxivbot.app.ranking import rank_one_day
from arxivbot.app.runner import run_steps
from arxivbot.app.steps import RunState, Step, StepResult
from arxivbot.clock import Clock, utc_now
from arxivbot.config import LoadedConfig, fetch_categories
from arxivbot.errors import QueryError
from arxivbot.models import RunStatus, Stage, StageIssue
from arxivbot.paths import Paths
from arxivbot.progress import ProgressEvent, ProgressSink, silent
from arxivbot.store import open_store


@dataclass(frozen=True)
class BackfillPlan:
    days: tuple[date, ...]  # announcement days still missing from the store
    already: int  # days in the range the store already has
    requests: int
    seconds: float
    interval: float = 3.0  # seconds between requests (sources.min_interval_seconds)

    def describe(self) -> str:
        if not self.days:
            return f"nothing to do: the store already has all {self.already} announcement days"
        span = f"{self.days[0]}" if len(self.days) == 1 else f"{self.days[0]} .. {self.days[-1]}"
        return (
            f"{len(self.days)} announcement day(s) to fetch, {span} "
            f"({self.already} already stored): about {self.requests} API requests, "
            f"~{_duration(self.seconds)} at 1 request / {self.interval:g} s"
        )


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.1f} min" if seconds < 5400 else f"{seconds / 3600:.1f} h"


@dataclass(frozen=True)
class BackfillReport:
    filled: tuple[date, ...]
    issues: tuple[StageIssue, ...]
    written: int
    status: RunStatus = RunStatus.OK

    def describe(self) -> str:
        text = f"back-filled {len(self.filled)} day(s); wrote {self.written} files"
        for issue in self.issues:
            text += f"\n  ! {issue.subject}: {issue.message}"
        return text


def plan_backfill(
    loaded: LoadedConfig, paths: Paths, start: date, end: date, *, clock: Clock = utc_now
) -> BackfillPlan:
    """The announcement days in ``[start, end]`` the store lacks, and what fetching costs.

    Days after the latest published announcement are left out: the API has nothing yet.
    """
    from arxivbot.sources.backfill import estimate_requests

    if end < start:
        raise QueryError(f"--to {end} is before --from {start}")
    schedule = schedule_of(loaded.config)
    end = min(end, schedule.current_announcement_day(clock()))
    days = schedule.announcement_days(start, end)
    with open_store(paths.db) as store:
        stored = set(store.announcement_days())
    missing = tuple(d for d in days if d not in stored)
    estimate = estimate_requests(
        list(missing),
        fetch_categories(loaded.config),
        min_interval_seconds=loaded.config.sources.min_interval_seconds,
        schedule=schedule,
    )
    interval = loaded.config.sources.min_interval_seconds
    return BackfillPlan(
        missing, len(days) - len(missing), estimate.requests, estimate.seconds, interval
    )


def backfill_days(days: Sequence[date]) -> Step:
    """The step that fills ``days``: each fetched, stored and ranked; stored ones skipped.

    Only a back-fill that filled nothing and failed somewhere fails: days that failed are
    retried by the next back-fill.
    """

    def step(ctx: RunContext, state: RunState) -> StepResult:
        filled: list[date] = []
        issues: list[StageIssue] = []
        for index, day in enumerate(days):
            ctx.progress(ProgressEvent(Stage.BACKFILL, str(day), index, len(days)))
            if day in ctx.store.announcement_days(since=day):
                continue  # filled meanwhile (another backfill or run): resumable
            issue = fill_day(ctx, day, Stage.BACKFILL)
            if issue is not None:
                issues.append(issue)
                continue
            rank_one_day(ctx, day)
            filled.append(day)
        ctx.progress(ProgressEvent(Stage.BACKFILL, "done", len(days), len(days)))
        status = RunStatus.FAILED if issues and not filled else RunStatus.OK
        return StepResult(
            Stage.BACKFILL,
            status=status,
            counts={"filled": len(filled)},
            issues=tuple(issues),
            state=replace(state, caught_up=tuple(filled)),
        )

    return step


def render_if_filled(ctx: RunContext, state: RunState) -> StepResult:
    return render_step(ctx, state) if state.caught_up else StepResult.skip(Stage.RENDER)


def backfill(
    loaded: LoadedConfig,
    paths: Paths,
    plan: BackfillPlan,
    *,
    progress: ProgressSink = silent,
    clock: Clock = utc_now,
) -> BackfillReport:
    """Fetch each planned day, store and rank it, then render; resumable."""
    options = RunOptions(db_path=paths.db, output_dir=paths.output)
    with (
        open_store(paths.db) as store,
        store.run_lock(),
        open_context(loaded, options, store, clock=clock, progress=progress) as ctx,
    ):
        outcome = run_steps(ctx, (backfill_days(plan.days), render_if_filled))
    return BackfillReport(
        outcome.state.caught_up, outcome.issues, len(outcome.outputs), outcome.status
    )
