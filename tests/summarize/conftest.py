"""Shared pieces for the summary tests: a real store, a fake arXiv and the fake LLM."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from summ_support import FakeArxiv, Runner, make_paper

from arxivbot.clock import fixed_clock
from arxivbot.config.model import AiSummaryConfig, SourcesConfig
from arxivbot.models import Paper
from arxivbot.sources.http import PoliteClient
from arxivbot.store import Store, open_store
from arxivbot.summarize import SummaryRun, summarize_papers
from support.llm_server import FakeLlm, recorded_papers

NOW = datetime(2025, 12, 5, 6, 0, tzinfo=UTC)
CLOCK = fixed_clock(NOW)


@pytest.fixture(scope="session")
def day_papers() -> list[Paper]:
    """Six real papers of a recorded day (with their real qwen-long summaries)."""
    return [make_paper(record) for record in recorded_papers(6)]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "arxivbot.sqlite3") as opened:
        yield opened


# The servers live for the session (shutting one down costs ~0.5 s); each test gets
# them back in their default state.
@pytest.fixture(scope="session")
def llm_server() -> Iterator[FakeLlm]:
    with FakeLlm() as server:
        yield server


@pytest.fixture
def llm(llm_server: FakeLlm) -> FakeLlm:
    llm_server.reset()
    return llm_server


@pytest.fixture(scope="session")
def arxiv_server(day_papers: list[Paper]) -> Iterator[FakeArxiv]:
    fake = FakeArxiv(day_papers)
    with fake.server:
        yield fake


@pytest.fixture
def arxiv(arxiv_server: FakeArxiv) -> FakeArxiv:
    arxiv_server.reset()
    return arxiv_server


@pytest.fixture
def sources(arxiv: FakeArxiv) -> SourcesConfig:
    return SourcesConfig(arxiv_base=arxiv.server.url, min_interval_seconds=0, max_retries=1)


@pytest.fixture
def http(sources: SourcesConfig) -> Iterator[PoliteClient]:
    with PoliteClient(sources, sleep=lambda _s: None) as client:
        yield client


def settings_for(llm: FakeLlm, **overrides: Any) -> AiSummaryConfig:
    values: dict[str, Any] = {
        "enabled": True,
        "base_url": llm.base_url,
        "model": "qwen-long",
        "max_workers": 3,
        "max_retries": 3,
        "retry_base_seconds": 0,
        "timeout_seconds": 5,
    }
    values.update(overrides)
    return AiSummaryConfig(**values)


@pytest.fixture
def run(
    store: Store, http: PoliteClient, sources: SourcesConfig, tmp_path: Path, llm: FakeLlm
) -> Runner:
    """``run(papers, **settings)``: one summarise stage against the fakes (no real sleeping)."""

    def runner(
        papers: list[Paper], *, api_key: str | None = "sk-test", **kwargs: Any
    ) -> SummaryRun:
        store.upsert_papers(papers)
        options = {
            k: kwargs.pop(k)
            for k in ("force", "on_progress", "language", "prompt_text")
            if k in kwargs
        }
        return summarize_papers(
            papers,
            settings_for(llm, **kwargs),
            store=store,
            http=http,
            sources=sources,
            cache_dir=tmp_path / "cache",
            clock=CLOCK,
            api_key=api_key,
            sleep=lambda _s: None,
            **options,
        )

    return runner
