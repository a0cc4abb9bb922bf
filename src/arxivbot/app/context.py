"""What a command runs with: :class:`RunOptions` (what the user asked for) and
:class:`RunContext` (config, store, HTTP client, clock, progress sink, deadline, the
run's judge budget and the log of finished steps), built once by :func:`open_context`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from arxivbot.app.steps import StepResult
from arxivbot.clock import Clock, utc_now
from arxivbot.config import LoadedConfig, Profile, resolve_profiles
from arxivbot.deadline import Deadline
from arxivbot.models import StageIssue
from arxivbot.progress import ProgressSink, silent
from arxivbot.sources import ARXIV, Source
from arxivbot.sources.http import PoliteClient
from arxivbot.store.api import StoreApi

if TYPE_CHECKING:
    from arxivbot.rank.judge import JudgeBudget


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
    resend: bool = False  # notify: send again what was already sent for that day


@dataclass
class StepLog:
    """The finished steps of one command, in order, kept by the runner (never by a step),
    so a command that dies half-way can still record what was done."""

    results: list[StepResult] = field(default_factory=list)

    def add(self, result: StepResult) -> None:
        self.results.append(result)

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(note for result in self.results for note in result.notes)

    @property
    def issues(self) -> tuple[StageIssue, ...]:
        return tuple(issue for result in self.results for issue in result.issues)

    @property
    def outputs(self) -> tuple[str, ...]:
        return tuple(path for result in self.results for path in result.outputs)


@dataclass(frozen=True)
class RunContext:
    loaded: LoadedConfig
    options: RunOptions
    store: StoreApi
    http: PoliteClient
    profiles: tuple[Profile, ...]
    judge_budget: JudgeBudget  # the LLM judge's caps hold for the whole command
    clock: Clock = utc_now
    progress: ProgressSink = silent
    deadline: Deadline = field(default_factory=Deadline.never)
    source: Source = ARXIV
    log: StepLog = field(default_factory=StepLog)


@contextmanager
def open_context(
    loaded: LoadedConfig,
    options: RunOptions,
    store: StoreApi,
    *,
    clock: Clock = utc_now,
    progress: ProgressSink = silent,
    deadline: Deadline | None = None,
    http_cache: bool = True,
) -> Iterator[RunContext]:
    """A context over an open store; the HTTP client lives as long as the ``with``.

    ``http_cache`` off (a dry run) keeps the client from writing validators to the store.
    """
    from arxivbot.app.ranking import new_judge_budget

    config = loaded.config
    run_deadline = deadline or Deadline.never()
    cache = store if http_cache else None
    with PoliteClient(config.sources, store=cache, deadline=run_deadline) as http:
        yield RunContext(
            loaded=loaded,
            options=options,
            store=store,
            http=http,
            profiles=resolve_profiles(config),
            judge_budget=new_judge_budget(config),
            clock=clock,
            progress=progress,
            deadline=run_deadline,
        )
