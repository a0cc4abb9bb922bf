from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import write_config

from arxivbot.app import RunOptions, run_pipeline
from arxivbot.config import load_config
from support.arxiv_server import ArxivServer


@pytest.fixture(scope="module")
def arxiv() -> Iterator[ArxivServer]:
    with ArxivServer(day="2026-06-02", synth_api=True) as server:
        yield server


@pytest.fixture(scope="module")
def ran(arxiv: ArxivServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with config.json (the original one, sources on the stand-in) after one run."""
    folder = tmp_path_factory.mktemp("ran")
    write_config(folder / "config.json", arxiv)
    loaded = load_config(folder / "config.json")
    report = run_pipeline(
        loaded,
        RunOptions(db_path=folder / "db.sqlite3", output_dir=folder / "out", summaries=False),
    )
    assert report.status == "ok", report
    return folder


@pytest.fixture
def workdir(ran: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of ``ran`` as the current directory."""
    for name in ("config.json", "ai_summary_prompt.txt", "db.sqlite3"):
        shutil.copy(ran / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    for name in ("ARXIVBOT_CONFIG", "ARXIVBOT_DB", "ARXIVBOT_OUTPUT", "DASHSCOPE_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path
