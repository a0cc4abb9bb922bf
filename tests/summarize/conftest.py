"""Shared pieces for the summary tests: a real store, a fake arXiv and the fake LLM."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from arxivbot.clock import fixed_clock
from arxivbot.config.model import AiSummaryConfig, SourcesConfig
from arxivbot.models import Paper
from arxivbot.sources.http import PoliteClient
from arxivbot.store import Store, open_store
from arxivbot.summarize import SummaryRun, summarize_papers
from support.httpserver import LocalServer, Reply, Request, folder
from support.llm_server import FakeLlm, fixture_pdf, recorded_papers

NOW = datetime(2025, 12, 5, 6, 0, tzinfo=UTC)
CLOCK = fixed_clock(NOW)


def arxiv_html(paper: Paper) -> bytes:
    """A small LaTeXML-shaped page, like arxiv.org/html/<id> (fast to turn into text)."""
    body = "".join(
        f'<section class="ltx_section"><h2 class="ltx_title ltx_title_section">{n} {name}</h2>'
        f'<div class="ltx_para"><p class="ltx_p">{name} text of {paper.title}. '
        + "We measure throughput and accuracy on several benchmarks. " * 12
        + "</p></div></section>"
        for n, name in enumerate(["Introduction", "Method", "Experiments", "Conclusion"], 1)
    )
    page = (
        '<!DOCTYPE html><html><head><title>x</title></head><body><div class="ltx_page_main">'
        f'<article class="ltx_document"><h1 class="ltx_title ltx_title_document">{paper.title}'
        f'</h1><div class="ltx_abstract"><h6>Abstract</h6><p class="ltx_p">{paper.abstract}'
        f"</p></div>{body}"
        '<section class="ltx_bibliography"><h2 class="ltx_title">References</h2>'
        '<ul><li class="ltx_bibitem">A. Author. A cited paper. 2020.</li></ul></section>'
        "</article></div></body></html>"
    )
    return page.encode()


def make_paper(record: dict[str, Any]) -> Paper:
    return Paper(
        arxiv_id=str(record["id"]),
        version=int(record["version"]),
        title=str(record["title"]),
        authors=tuple(record["authors"]),
        abstract=str(record["abstract_truncated"]),
        primary_category=str(record["category"]),
        categories=(str(record["category"]),),
    )


class FakeArxiv:
    """arxiv.org stand-in: /html/<id> pages for known papers, /pdf/<id> any fixture PDF."""

    def __init__(self, papers: list[Paper]) -> None:
        self.server = LocalServer()
        self.pdf_bytes = fixture_pdf("1111.2011v2.pdf").read_bytes()
        self.papers = papers
        self.reset()

    def reset(self) -> None:
        self.html_for = {p.versioned_id: arxiv_html(p) for p in self.papers}
        self.server.routes.clear()
        self.server.route("/html/", self._html)
        self.server.route("/pdf/", self._pdf)

    def _html(self, request: Request) -> Reply:
        page = self.html_for.get(request.path[len("/html/") :])
        if page is None:
            return Reply(404, b"No HTML for this paper", {"Content-Type": "text/html"})
        return Reply(200, page, {"Content-Type": "text/html; charset=utf-8"})

    def _pdf(self, _request: Request) -> Reply:
        return Reply(200, self.pdf_bytes, {"Content-Type": "application/pdf"})

    def serve_fixture_pdfs(self) -> None:
        """/pdf/<id>v<N> -> the real fixture PDF of that name (404 when absent)."""
        pdfs = fixture_pdf("x").parent
        self.server.route("/pdf/", folder(pdfs, "/pdf/", ".pdf", "application/pdf"))


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


Runner = Callable[..., SummaryRun]


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
