"""The LLM judge end to end: `arxivbot run` on the original config with `judge` enabled."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from arxivbot.app import RunOptions, run_pipeline
from arxivbot.clock import fixed_clock
from arxivbot.config import load_config
from arxivbot.models import RunReport
from support.llm_server import FakeLlm

CLOCK = fixed_clock(datetime(2026, 6, 2, 6, 0, tzinfo=UTC))
PAPER_RE = re.compile(r"^id: (\S+)\nTitle: (.*)$", re.MULTILINE)


@pytest.fixture
def llm() -> Iterator[FakeLlm]:
    with FakeLlm() as server:
        yield server


def _judge_by_title(llm: FakeLlm) -> None:
    """9 for a title naming "inference", else 4 (one call at a time)."""

    def answer(_default: str) -> str:
        messages = llm.chat_bodies[-1]["messages"]
        assert isinstance(messages, list)
        papers = PAPER_RE.findall(str(messages[-1]["content"]))
        verdicts = [
            {
                "id": i,
                "score": 9 if "inference" in t.lower() else 4,
                "reason": "about inference" if "inference" in t.lower() else "elsewhere",
            }
            for i, t in papers
        ]
        return json.dumps({"verdicts": verdicts})

    llm.answer_override = answer


def _configure(workdir: Path, llm: FakeLlm, monkeypatch: pytest.MonkeyPatch) -> None:
    data = json.loads((workdir / "config.json").read_text())
    data["ai_summary"].update(enabled=False, base_url=llm.base_url, retry_base_seconds=0.01)
    data["sources"] = {"min_interval_seconds": 0}
    data["interests"] = "Fast LLM inference and serving."
    data["judge"] = {"enabled": True, "top_k": 25, "batch_size": 10, "max_calls": 2}
    (workdir / "config.json").write_text(json.dumps(data))
    monkeypatch.setenv("DASHSCOPE_API_KEY", "sk-test-not-a-real-key")


def _run(workdir: Path) -> tuple[RunReport, str]:
    loaded = load_config(workdir / "config.json")
    options = RunOptions(db_path=workdir / "db.sqlite3", output_dir=workdir / "out")
    report = run_pipeline(loaded, options, clock=CLOCK)
    assert report.status in ("ok", "partial"), report
    return report, (workdir / "out/README.md").read_text()


def test_run_uses_the_judge_within_its_cap_and_a_rerun_costs_nothing(
    workdir: Path, llm: FakeLlm, monkeypatch: pytest.MonkeyPatch
) -> None:
    _configure(workdir, llm, monkeypatch)
    _judge_by_title(llm)
    report, readme = _run(workdir)
    assert llm.chat_calls == 2  # top 25 in batches of 10 = 3 calls, capped at 2 per run
    assert _verdicts(workdir) == 20
    assert "LLM judge 9/10: about inference (+2.40)" in readme  # weight 3 × (9 − 5) / 5
    assert "LLM judge 4/10: elsewhere (-0.60)" in readme
    assert any("judge.max_calls (2) reached" in note for note in report.notes)
    llm.reset()
    _judge_by_title(llm)
    _, again = _run(workdir)
    # the 20 verdicts are cached; the 5 left get their one call (cap of the new run)
    assert llm.chat_calls == 1
    assert _verdicts(workdir) == 25
    assert again.count("LLM judge") >= readme.count("LLM judge")


def _verdicts(workdir: Path) -> int:
    with sqlite3.connect(workdir / "db.sqlite3") as conn:
        count: int = conn.execute("SELECT count(*) FROM judge_verdicts").fetchone()[0]
    return count


def test_run_without_the_judge_makes_no_call(
    workdir: Path, llm: FakeLlm, monkeypatch: pytest.MonkeyPatch
) -> None:
    _configure(workdir, llm, monkeypatch)
    data = json.loads((workdir / "config.json").read_text())
    del data["judge"]
    (workdir / "config.json").write_text(json.dumps(data))
    _, readme = _run(workdir)
    assert llm.chat_calls == 0
    assert "LLM judge" not in readme
