"""The one contract every command is built from: ``step(ctx, state) -> StepResult``.

A command is a tuple of steps run in order by :func:`arxivbot.app.runner.run_steps`. A
step reads the :class:`RunContext` (what the command runs with) and the :class:`RunState`
(what earlier steps found), does one stage's work and returns a :class:`StepResult`: its
notes, per-item failures and written files, its verdict on the run's status and, when it
learned something later steps need, the new state. Steps never append to a caller's list.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import TYPE_CHECKING

from arxivbot.config import Profile
from arxivbot.models import DayStats, Listing, Paper, RunStatus, Stage, StageIssue
from arxivbot.rank import RankResult

if TYPE_CHECKING:
    from arxivbot.app.context import RunContext


@dataclass(frozen=True)
class DayOutcome:
    """The ranking of one announcement day for every profile."""

    day: date
    results: tuple[tuple[Profile, RankResult], ...]
    notes: tuple[str, ...] = ()

    @property
    def matched(self) -> int:
        return sum(result.matched for _p, result in self.results)

    @property
    def kept(self) -> int:
        return sum(len(result.ranked) for _p, result in self.results)


@dataclass(frozen=True)
class Delivery:
    """One message to one target, as the ``notify`` command reports it."""

    target: str
    profile: str
    ok: bool
    skipped: bool
    message: str


@dataclass(frozen=True)
class RunState:
    """What the steps so far found out; each step that learns more returns a new one."""

    listing: Listing | None = None  # the announcement being processed
    day: date | None = None  # its day; None before fetching or when there is none
    fetched: DayStats = field(default_factory=DayStats)  # counts of the fetched listing
    notice: str | None = None  # "no announcement today ..." when the feed was empty
    next_expected: datetime | None = None  # with ``notice``: the next announcement
    caught_up: tuple[date, ...] = ()  # missed days filled (catch-up, back-fill)
    outcomes: tuple[DayOutcome, ...] = ()  # the rankings, oldest day first
    papers: Mapping[str, Sequence[Paper]] | None = None  # to summarise, by language
    deliveries: tuple[Delivery, ...] = ()

    @property
    def days(self) -> tuple[date, ...]:
        """Every day to rank: the caught-up ones, then the announcement."""
        return (*self.caught_up, *((self.day,) if self.day is not None else ()))

    def stats(self) -> DayStats:
        """The fetched counts with the last day's ranking counts (the run's headline)."""
        if not self.outcomes:
            return self.fetched
        last = self.outcomes[-1]
        return DayStats(
            fetched=self.fetched.fetched,
            new=self.fetched.new,
            cross=self.fetched.cross,
            replaced=self.fetched.replaced,
            matched=last.matched,
            kept=last.kept,
        )


def _no_counts() -> Mapping[str, int]:
    return MappingProxyType({})


@dataclass(frozen=True)
class StepResult:
    """What one step did. ``status`` is the step's verdict on the run (see ``combine``)."""

    stage: Stage
    status: RunStatus = RunStatus.OK
    counts: Mapping[str, int] = field(default_factory=_no_counts)
    issues: tuple[StageIssue, ...] = ()
    notes: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()  # files written
    state: RunState | None = None  # the state after this step; None = unchanged
    skipped: bool = False

    @classmethod
    def skip(cls, stage: Stage) -> StepResult:
        return cls(stage, skipped=True)


Step = Callable[["RunContext", RunState], StepResult]

# Which status wins when steps disagree: a step's verdict that ends the run first, then
# the user must act, then cut short; "partial" comes from per-item failures alone.
PRECEDENCE = (
    RunStatus.FAILED,
    RunStatus.DRY_RUN,
    RunStatus.NO_ANNOUNCEMENT,
    RunStatus.NEEDS_ACTION,
    RunStatus.INCOMPLETE,
    RunStatus.PARTIAL,
    RunStatus.OK,
)
ENDS_RUN = (RunStatus.FAILED, RunStatus.DRY_RUN)  # no later step runs after these


def combine(results: Sequence[StepResult]) -> RunStatus:
    """The status of a command from its steps' verdicts and failures."""
    statuses = {result.status for result in results}
    if any(result.issues for result in results):
        statuses.add(RunStatus.PARTIAL)
    return next((status for status in PRECEDENCE if status in statuses), RunStatus.OK)
