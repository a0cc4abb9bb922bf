"""Fixtures of the reliability suite and the hook that feeds ``bench/reliability.py``.

Each case describes itself with the ``case`` fixture (area, fault or input, expected outcome,
what is lost). When ``$ARXIVBOT_RELIABILITY_RESULTS`` names a file, one JSON line per case
(description + pass/fail) is appended to it; ``bench/reliability.py`` turns those lines
into the Markdown table of ``docs/reliability.md``.

Costly things are shared per module: one stand-in arXiv (its faults and extra routes are
reset after every test) and one "baseline" world — the seed config after a successful run
of the recorded 2026-06-02 announcement — that each case copies into its own folder.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rel_helpers import Describe, copy_world, point_env_at, run_args, run_cli

from support.arxiv_server import ArxivServer
from support.fixtures import fixtures_dir
from support.llm_server import FakeLlm

TESTS = Path(__file__).resolve().parents[1]
for extra in (TESTS / "server", TESTS / "reliability"):
    if str(extra) not in sys.path:
        sys.path.append(str(extra))  # web_world (server) is shared with the web tests

RESULTS_ENV = "ARXIVBOT_RELIABILITY_RESULTS"


# -- the report hook ----------------------------------------------------------------------
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.reliability)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    target = os.environ.get(RESULTS_ENV)
    props = dict(report.user_properties)
    if not target or "fault" not in props:
        return
    failed_setup = report.when == "setup" and report.outcome != "passed"
    if report.when != "call" and not failed_setup:
        return
    if hasattr(report, "wasxfail"):
        outcome = "xfail (known bug)"
        props["bug"] = str(report.wasxfail).removeprefix("reason: ")
    else:
        outcome = {"passed": "pass", "failed": "FAIL", "skipped": "skipped"}[report.outcome]
    row = {"nodeid": report.nodeid, "outcome": outcome, "seconds": round(report.duration, 2)}
    row.update({k: str(v) for k, v in props.items()})
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(row, ensure_ascii=False) + "\n")


@pytest.fixture
def case(request: pytest.FixtureRequest) -> Describe:
    """``case(area, fault, expected, lost="nothing")`` — the row this test adds to the report."""

    def describe(area: str, fault: str, expected: str, lost: str = "nothing", **more: str) -> None:
        props = request.node.user_properties
        props.extend([("area", area), ("fault", fault), ("expected", expected), ("lost", lost)])
        props.extend(more.items())

    return describe


# -- the stand-in arXiv and the baseline world ----------------------------------------------
@pytest.fixture(scope="module")
def arxiv() -> Iterator[ArxivServer]:
    with ArxivServer(day="2026-06-02") as server:
        yield server


@pytest.fixture(autouse=True)
def _reset_arxiv(request: pytest.FixtureRequest) -> Iterator[None]:
    """Faults and routes a test adds to the module's server end with the test."""
    if "arxiv" not in request.fixturenames:
        yield
        return
    server: ArxivServer = request.getfixturevalue("arxiv")
    routes = list(server.local.routes)
    server.set_day("2026-06-02")
    yield
    server.local.routes[:] = routes
    with server._lock:
        server._faults.clear()
    server.set_day("2026-06-02")


def fresh_world(root: Path) -> Path:
    """The fork's checkout: the original config.json + prompt, fast polite-client settings."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(fixtures_dir() / "ai_summary_prompt.txt", root / "ai_summary_prompt.txt")
    config = json.loads((fixtures_dir() / "seed-config.json").read_text())
    config["sources"] = {"min_interval_seconds": 0, "max_retries": 1, "timeout_seconds": 5}
    config["catch_up"] = {"enabled": False}
    config["store"] = {"cache_dir": "cache"}
    # Published without summaries; the LLM cases turn them on with a key and a stand-in.
    config["ai_summary"]["enabled"] = False
    (root / "config.json").write_text(json.dumps(config))
    return root


@pytest.fixture(scope="module")
def baseline(arxiv: ArxivServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A world after one good run of 2026-06-02 (no LLM key: no summaries)."""
    root = fresh_world(tmp_path_factory.mktemp("baseline"))
    with pytest.MonkeyPatch.context() as patch:
        point_env_at(patch, arxiv)
        result = run_cli(*run_args(root))
    assert result.code == 0, result.text
    return root


@pytest.fixture
def world(
    baseline: Path, arxiv: ArxivServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A private copy of the baseline, with the environment pointing at the stand-in."""
    point_env_at(monkeypatch, arxiv)
    monkeypatch.chdir(tmp_path)
    return copy_world(baseline, tmp_path / "world")


@pytest.fixture(scope="module")
def llm() -> Iterator[FakeLlm]:
    """One OpenAI-compatible stand-in per test module (reset by each test that uses it)."""
    with FakeLlm() as server:
        yield server
