"""Workers on several processes sharing one PostgreSQL store pay each summary once."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import pytest

from arxivbot.models import Paper
from arxivbot.store import open_store
from support.llm_server import FakeLlm
from support.postgres import create_database, drop_database

WORKER = """
import json, sys, time
from pathlib import Path
from arxivbot.clock import utc_now
from arxivbot.config.model import AiSummaryConfig, SourcesConfig
from arxivbot.models import Paper
from arxivbot.store import open_store
from arxivbot.summarize import summarize_papers

url, base_url, papers_file, go = sys.argv[1:5]
papers = [Paper(**{**p, "authors": tuple(p["authors"]), "categories": tuple(p["categories"])})
          for p in json.loads(Path(papers_file).read_text())]
settings = AiSummaryConfig(enabled=True, base_url=base_url, model="qwen-long", mode="abstract",
                           max_workers=2, max_retries=0, timeout_seconds=10)
with open_store(url) as store:
    while not Path(go).exists():  # both start the same moment
        time.sleep(0.01)
    run = summarize_papers(papers, settings, store=store, http=None, sources=SourcesConfig(),
                           cache_dir=Path(papers_file).parent, clock=utc_now, api_key="sk-test")
    print(json.dumps({"calls": run.usage.calls, "summaries": len(run.summaries)}), flush=True)
"""


@pytest.fixture
def pg_url() -> Iterator[str]:
    url = create_database()
    yield url
    drop_database(url)


def test_two_processes_pay_each_summary_once(
    pg_url: str, llm: FakeLlm, day_papers: list[Paper], tmp_path: Path
) -> None:
    with open_store(pg_url) as store:
        store.upsert_papers(day_papers)
    papers_file = tmp_path / "papers.json"
    papers_file.write_text(json.dumps([asdict(p) for p in day_papers], default=str))
    go = tmp_path / "go"
    llm.latency = 0.3  # calls overlap: both workers are busy at the same time
    args = [sys.executable, "-c", WORKER, pg_url, llm.base_url, str(papers_file), str(go)]
    workers = [subprocess.Popen(args, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    go.touch()
    results = [json.loads(worker.communicate(timeout=120)[0]) for worker in workers]
    assert all(worker.returncode == 0 for worker in workers)
    assert llm.chat_calls == len(day_papers)  # every summary paid exactly once
    assert sum(r["calls"] for r in results) == len(day_papers)
    assert all(r["calls"] > 0 for r in results)  # and the work was shared
    with open_store(pg_url) as store:
        assert len(store.latest_summaries([p.arxiv_id for p in day_papers])) == len(day_papers)
