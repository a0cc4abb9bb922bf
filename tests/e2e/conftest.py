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
    with ArxivServer(day="2026-06-02") as server:
        yield server


@pytest.fixture
def workdir(tmp_path: Path, arxiv: ArxivServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fork's checkout: the original config.json and prompt, base URLs on the stand-in."""
    shutil.copy(fixtures_dir() / "seed-config.json", tmp_path / "config.json")
    shutil.copy(fixtures_dir() / "ai_summary_prompt.txt", tmp_path / "ai_summary_prompt.txt")
    for variable in ("ARXIVBOT_RSS_BASE", "ARXIVBOT_ARXIV_BASE", "ARXIVBOT_API_BASE"):
        monkeypatch.setenv(variable, arxiv.url)
    monkeypatch.setenv("ARXIVBOT_OAI_BASE", arxiv.url)
    monkeypatch.delenv("DASHSCOPE_API_KEY", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def edit_config(path: Path, **changes: object) -> None:
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))
