"""arxivbot.app: the step contract, the one runner, how verdicts combine, the seams.

Real parts only: the packaged sample day (the demo's), a real SQLite store, the real
render outputs. The source stand-in is a class implementing ``sources.Source`` — the
seam itself — so nothing touches the network.
"""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from importlib import resources
from pathlib import Path

import pytest

from arxivbot.app import RUN_STEPS, RunContext, RunOptions, RunState, StepResult, run_steps
from arxivbot.app.context import open_context
from arxivbot.app.demo import SAMPLE, SAMPLE_URL, demo_config
from arxivbot.app.steps import combine
from arxivbot.clock import Clock, fixed_clock
from arxivbot.config.model import SourcesConfig
from arxivbot.errors import FetchError
from arxivbot.models import EXIT_CODES, Listing, RunStatus, Stage, StageIssue
from arxivbot.render import OUTPUTS
from arxivbot.sources import SOURCES, PoliteClient
from arxivbot.sources.rss import parse_feed
from arxivbot.store import open_store


def sample_listing() -> Listing:
    body = gzip.decompress(resources.files("arxivbot").joinpath(SAMPLE).read_bytes())
    return parse_feed(body, SAMPLE_URL)


@dataclass(frozen=True)
class RecordedSource:
    """A second source in a few lines: the recorded day as "latest", no past days."""

    listing: Listing
    name: str = "recorded"

    def latest(
        self,
        http: PoliteClient,
        settings: SourcesConfig,
        categories: Sequence[str],
        *,
        clock: Clock | None = None,
    ) -> Listing:
        return self.listing

    def day(
        self, http: PoliteClient, settings: SourcesConfig, categories: Sequence[str], day: date
    ) -> Listing:
        raise FetchError(f"no recorded day {day}", url="recorded://")


def test_every_status_has_one_exit_code() -> None:
    assert set(EXIT_CODES) == set(RunStatus)
    assert RunStatus.OK.exit_code == RunStatus.PARTIAL.exit_code == 0
    assert RunStatus.NO_ANNOUNCEMENT.exit_code == RunStatus.DRY_RUN.exit_code == 0
    assert RunStatus.FAILED.exit_code == 1
    assert RunStatus.NEEDS_ACTION.exit_code == 4
    assert RunStatus.INCOMPLETE.exit_code == 5


def test_verdicts_combine_in_one_order() -> None:
    issue = StageIssue(Stage.NOTIFY, "team", "refused")
    assert combine([]) is RunStatus.OK
    assert combine([StepResult(Stage.NOTIFY, issues=(issue,))]) is RunStatus.PARTIAL
    cut = StepResult(Stage.SUMMARIZE, RunStatus.INCOMPLETE)
    refused = StepResult(Stage.SUMMARIZE, RunStatus.NEEDS_ACTION)
    assert combine([cut, refused]) is RunStatus.NEEDS_ACTION
    # A day without an announcement stays one, whatever a notice delivery did.
    empty = StepResult(Stage.FETCH, RunStatus.NO_ANNOUNCEMENT)
    assert combine([empty, StepResult(Stage.NOTIFY, issues=(issue,))]) is RunStatus.NO_ANNOUNCEMENT


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "world"


def test_a_run_from_another_source_is_the_same_steps(folder: Path) -> None:
    assert SOURCES[0].name == "arxiv"
    listing = sample_listing()
    assert listing.announced_on is not None
    loaded = demo_config(folder)
    options = RunOptions(folder / "db.sqlite3", folder / "out", notify=False, catch_up=False)
    clock = fixed_clock(datetime.combine(listing.announced_on, time(6, 0), tzinfo=UTC))
    with (
        open_store(options.db_path) as store,
        open_context(loaded, options, store, clock=clock) as ctx,
    ):
        outcome = run_steps(replace(ctx, source=RecordedSource(listing)), RUN_STEPS)
    assert outcome.status is RunStatus.OK, outcome.notes
    assert outcome.state.day == listing.announced_on
    stages = [result.stage for result in outcome.results]
    assert stages[:2] == [Stage.FETCH, Stage.STORE] and Stage.RENDER in stages
    written = [Path(path).name for path in outcome.outputs]
    # The registry's order is the written order: README first, then papers.json, ...
    assert [output.name for output in OUTPUTS][:2] == ["readme", "papers.json"]
    assert written[:2] == ["README.md", "papers.json"] and "index.html" in written
    skipped = {result.stage for result in outcome.results if result.skipped}
    assert Stage.CATCH_UP in skipped and Stage.NOTIFY in skipped


def test_the_runner_logs_each_step_and_stops_at_a_failure(folder: Path) -> None:
    calls: list[str] = []

    def noting(ctx: RunContext, state: RunState) -> StepResult:
        calls.append("noting")
        return StepResult(Stage.FETCH, notes=("fetched",), state=replace(state, notice="n"))

    def failing(ctx: RunContext, state: RunState) -> StepResult:
        calls.append("failing")
        assert state.notice == "n"  # the state the previous step returned
        raise FetchError("unreachable", url="http://127.0.0.1:9/")

    def never(ctx: RunContext, state: RunState) -> StepResult:
        calls.append("never")
        return StepResult(Stage.RENDER)

    def recover(exc: Exception) -> StepResult | None:
        if not isinstance(exc, FetchError):
            return None
        issue = StageIssue(Stage.FETCH, exc.url, "x")
        return StepResult(Stage.FETCH, RunStatus.FAILED, issues=(issue,))

    loaded = demo_config(folder)
    options = RunOptions(folder / "db.sqlite3", folder / "out")
    with open_store(options.db_path) as store, open_context(loaded, options, store) as ctx:
        outcome = run_steps(ctx, (noting, failing, never), recover=recover)
        assert ctx.log.notes == ("fetched",)  # kept for a run that must record a failure
    assert calls == ["noting", "failing"]
    assert outcome.status is RunStatus.FAILED
    assert [i.subject for i in outcome.issues] == ["http://127.0.0.1:9/"]
