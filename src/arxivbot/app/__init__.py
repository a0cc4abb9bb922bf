"""Orchestration in one place: every command is a tuple of steps run by one runner.

* :mod:`~arxivbot.app.steps` — the contract ``step(ctx, state) -> StepResult``, the run
  state and how step verdicts combine into a :class:`~arxivbot.models.RunStatus`.
* :mod:`~arxivbot.app.context` — ``RunOptions`` and the ``RunContext`` steps read.
* :mod:`~arxivbot.app.runner` — ``run_steps``.
* the steps: :mod:`~arxivbot.app.ingest` (fetch, store, catch-up),
  :mod:`~arxivbot.app.ranking` (rank), :mod:`~arxivbot.app.summaries` (summarise, the
  API-key check), :mod:`~arxivbot.app.publish` (render, notify, prune),
  :mod:`~arxivbot.app.backfill`.
* the commands: :mod:`~arxivbot.app.run` (``RUN_STEPS``), :mod:`~arxivbot.app.commands`
  (fetch, rank, summarize, render, notify, feedback, serve), :mod:`~arxivbot.app.search`,
  :mod:`~arxivbot.app.doctor`, :mod:`~arxivbot.app.starter`, :mod:`~arxivbot.app.demo`.
"""

from __future__ import annotations

from arxivbot.app.backfill import BackfillPlan, BackfillReport, backfill, plan_backfill
from arxivbot.app.commands import (
    describe_listing,
    feedback,
    fetch_latest,
    notify,
    rank_stored,
    render_outputs,
    send_test_message,
    summarize_stored,
)
from arxivbot.app.context import RunContext, RunOptions
from arxivbot.app.doctor import Check, checks_status, doctor
from arxivbot.app.publish import deliveries_status
from arxivbot.app.run import RUN_STEPS, run_pipeline
from arxivbot.app.runner import Outcome, run_steps
from arxivbot.app.search import hit_json, search_history
from arxivbot.app.starter import write_starter
from arxivbot.app.steps import DayOutcome, Delivery, RunState, Step, StepResult
from arxivbot.errors import UsageError
from arxivbot.paths import Paths, resolve_paths

__all__ = [
    "RUN_STEPS",
    "BackfillPlan",
    "BackfillReport",
    "Check",
    "DayOutcome",
    "Delivery",
    "Outcome",
    "Paths",
    "RunContext",
    "RunOptions",
    "RunState",
    "Step",
    "StepResult",
    "UsageError",
    "backfill",
    "checks_status",
    "deliveries_status",
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
    "run_steps",
    "search_history",
    "send_test_message",
    "summarize_stored",
    "write_starter",
]
