from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.arxiv_server import ArxivServer
from support.fixtures import fixtures_dir


@pytest.fixture
def arxiv() -> Iterator[ArxivServer]:
    with ArxivServer(day="2026-06-08", synth_api=True) as server:
        yield server


@pytest.fixture
def workdir(tmp_path: Path, arxiv: ArxivServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The original config.json with no rate-limit wait, every base URL on the stand-in."""
    data = json.loads((fixtures_dir() / "seed-config.json").read_text())
    data["sources"] = {"min_interval_seconds": 0, "max_retries": 1}
    (tmp_path / "config.json").write_text(json.dumps(data))
    shutil.copy(fixtures_dir() / "ai_summary_prompt.txt", tmp_path / "ai_summary_prompt.txt")
    for variable in ("RSS", "ARXIV", "API", "OAI"):
        monkeypatch.setenv(f"ARXIVBOT_{variable}_BASE", arxiv.url)
    monkeypatch.delenv("DASHSCOPE_API_KEY", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path
