"""Summaries end to end: the original config pointed at a local OpenAI-compatible server."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from arxivbot.app import RunOptions, run_pipeline
from arxivbot.clock import fixed_clock
from arxivbot.config import load_config
from support.llm_server import FakeLlm, always, every_nth, rate_limited, unauthorized

CLOCK = fixed_clock(datetime(2026, 6, 2, 6, 0, tzinfo=UTC))


@pytest.fixture
def llm() -> Iterator[FakeLlm]:
    with FakeLlm() as server:
        yield server


def _configure(
    workdir: Path, llm: FakeLlm, monkeypatch: pytest.MonkeyPatch, **extra: object
) -> None:
    data = json.loads((workdir / "config.json").read_text())
    data["ai_summary"].update(base_url=llm.base_url, retry_base_seconds=0.01, **extra)
    data["sources"] = {"min_interval_seconds": 0}
    (workdir / "config.json").write_text(json.dumps(data))
    monkeypatch.setenv("DASHSCOPE_API_KEY", "sk-test-not-a-real-key")


def _run(workdir: Path) -> str:
    loaded = load_config(workdir / "config.json")
    options = RunOptions(db_path=workdir / "db.sqlite3", output_dir=workdir / "out")
    report = run_pipeline(loaded, options, clock=CLOCK)
    assert report.status in ("ok", "partial"), report
    return (workdir / "out/README.md").read_text()


def test_first_run_summarises_top_papers_and_rerun_costs_nothing(
    workdir: Path, llm: FakeLlm, monkeypatch: pytest.MonkeyPatch
) -> None:
    _configure(workdir, llm, monkeypatch, mode="abstract")
    readme = _run(workdir)
    assert llm.chat_calls == 15  # min(max_papers_to_summarize=15, kept=30)
    assert llm.max_in_flight <= 3  # max_workers
    blocks = re.findall(
        r"<details>\n<summary><strong>🤖 AI Summary \(by qwen-long\)</strong>", readme
    )
    assert len(blocks) == 15
    llm.reset()
    again = _run(workdir)
    assert llm.chat_calls == 0
    assert again == readme


def test_rate_limited_third_of_calls_still_summarises_everything(
    workdir: Path, llm: FakeLlm, monkeypatch: pytest.MonkeyPatch
) -> None:
    _configure(workdir, llm, monkeypatch, mode="abstract")
    llm.fault = every_nth(3, lambda: rate_limited(0))
    readme = _run(workdir)
    assert readme.count("🤖 AI Summary") == 15


def test_refused_key_stops_at_once_with_one_message(
    workdir: Path, llm: FakeLlm, monkeypatch: pytest.MonkeyPatch
) -> None:
    _configure(workdir, llm, monkeypatch, mode="abstract")
    llm.fault = always(unauthorized)
    loaded = load_config(workdir / "config.json")
    report = run_pipeline(
        loaded, RunOptions(db_path=workdir / "db.sqlite3", output_dir=workdir / "out"), clock=CLOCK
    )
    assert report.status == "needs-action"
    assert llm.chat_calls <= 3  # the calls already in flight, no more
    assert (workdir / "out/README.md").exists()  # the digest is still published
