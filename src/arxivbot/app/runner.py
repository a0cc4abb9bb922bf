"""One runner for every command: run the steps in order, log each result, stop early when
a step's verdict ends the command, and say how the command ended."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from arxivbot.app.context import RunContext
from arxivbot.app.steps import ENDS_RUN, RunState, Step, StepResult, combine
from arxivbot.models import RunStatus, StageIssue

Recover = Callable[[Exception], StepResult | None]


@dataclass(frozen=True)
class Outcome:
    """What a command's steps did, together."""

    results: tuple[StepResult, ...]
    state: RunState
    status: RunStatus

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(note for result in self.results for note in result.notes)

    @property
    def issues(self) -> tuple[StageIssue, ...]:
        return tuple(issue for result in self.results for issue in result.issues)

    @property
    def outputs(self) -> tuple[str, ...]:
        return tuple(path for result in self.results for path in result.outputs)


def run_steps(
    ctx: RunContext,
    steps: Sequence[Step],
    state: RunState | None = None,
    *,
    recover: Recover | None = None,
) -> Outcome:
    """Run ``steps`` over ``state``; each result goes to ``ctx.log`` as it finishes.

    ``recover`` turns an exception into the result that ends the command (the run's
    "arXiv could not be reached"); without it, or when it returns None, it propagates.
    """
    current = state or RunState()
    for step in steps:
        try:
            result = step(ctx, current)
        except Exception as exc:
            recovered = recover(exc) if recover is not None else None
            if recovered is None:
                raise
            result = recovered
        ctx.log.add(result)
        if result.state is not None:
            current = result.state
        if result.status in ENDS_RUN:
            break
    results = tuple(ctx.log.results)
    return Outcome(results, current, combine(results))
