"""What the LLM reads and how it is fetched: source order, one request for a missing or slow
HTML page, back matter dropped, framing in the summary's language, downloads running ahead
of the LLM workers, and the lean PDF worker pool."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

import pytest
from summ_support import FakeArxiv, Runner, arxiv_html

from arxivbot.clock import fixed_clock
from arxivbot.config.model import AiSummaryConfig, SourcesConfig
from arxivbot.errors import FullTextError
from arxivbot.models import Paper, SummarySource
from arxivbot.sources.fulltext import FullTextFetcher, FullTextOrder
from arxivbot.sources.http import PoliteClient
from arxivbot.sources.pdfpool import PdfTextPool
from arxivbot.store import Store
from arxivbot.summarize import summarize_papers
from support.httpserver import Reply, Request
from support.llm_server import FakeLlm, fixture_pdf

BERT = Paper("1810.04805", 2, "BERT", ("J. Devlin",), "We introduce BERT.", "cs.CL", ("cs.CL",))


def fetcher(
    http: PoliteClient, sources: SourcesConfig, tmp_path: Path, order: FullTextOrder
) -> FullTextFetcher:
    return FullTextFetcher(http, sources, tmp_path / "cache", order=order)


def test_missing_html_costs_one_request_once(
    http: PoliteClient, sources: SourcesConfig, arxiv: FakeArxiv, tmp_path: Path
) -> None:
    arxiv.serve_fixture_pdfs()
    first = fetcher(http, sources, tmp_path, "html_first").text(BERT)
    assert first.source is SummarySource.PDF
    assert len(arxiv.server.requests("/html/")) == 1 and len(arxiv.server.requests("/pdf/")) == 1
    (tmp_path / "cache" / "fulltext" / "1810.04805v2.pdf.txt").unlink()  # re-extract next run
    again = fetcher(http, sources, tmp_path, "html_first")
    assert again.html_missing(BERT) and again.text(BERT) == first
    assert len(arxiv.server.requests("/html/")) == 1  # the next run did not ask again


def test_slow_html_costs_one_request_then_the_pdf(arxiv: FakeArxiv, tmp_path: Path) -> None:
    impatient = SourcesConfig(
        arxiv_base=arxiv.server.url, min_interval_seconds=0, max_retries=3, timeout_seconds=0.5
    )
    arxiv.serve_fixture_pdfs()
    arxiv.server.route("/html/", lambda _r: Reply(200, arxiv_html(BERT), delay=2.0))
    with PoliteClient(impatient, sleep=lambda _s: None) as client:
        full = fetcher(client, impatient, tmp_path, "html_first").text(BERT)
    assert full.source is SummarySource.PDF
    assert len(arxiv.server.requests("/html/")) == 1  # no retries for the HTML


def test_pdf_only_never_asks_for_html(
    http: PoliteClient, sources: SourcesConfig, arxiv: FakeArxiv, tmp_path: Path
) -> None:
    arxiv.html_for[BERT.versioned_id] = arxiv_html(BERT)
    arxiv.serve_fixture_pdfs()
    full = fetcher(http, sources, tmp_path, "pdf_only").text(BERT)
    assert full.source is SummarySource.PDF and not arxiv.server.requests("/html/")


def test_pdf_first_falls_back_to_html(
    http: PoliteClient, sources: SourcesConfig, arxiv: FakeArxiv, tmp_path: Path
) -> None:
    arxiv.html_for[BERT.versioned_id] = arxiv_html(BERT)
    assert fetcher(http, sources, tmp_path / "a", "pdf_first").text(BERT).source is (
        SummarySource.PDF
    )
    assert not arxiv.server.requests("/html/")
    arxiv.server.route("/pdf/", lambda _r: Reply(200, b"<!DOCTYPE html><p>Just a moment</p>"))
    full = fetcher(http, sources, tmp_path / "b", "pdf_first").text(BERT)
    assert full.source is SummarySource.HTML and "## 4 Conclusion" in full.text


def _user_messages(llm: FakeLlm) -> list[str]:
    out = []
    for body in llm.chat_bodies:
        messages = body["messages"]
        assert isinstance(messages, list)
        out.append(str(messages[-1]["content"]))
    return out


def test_back_matter_is_dropped_unless_kept(
    run: Runner, arxiv: FakeArxiv, llm: FakeLlm, day_papers: list[Paper]
) -> None:
    papers = day_papers[:1]
    run(papers, mode="text")
    (sent,) = _user_messages(llm)
    assert "## 4 Conclusion" in sent and "References" not in sent and "A cited paper" not in sent
    llm.reset()
    run(papers, mode="text", keep_back_matter=True, force=True)
    (kept,) = _user_messages(llm)
    assert "## References" in kept and "A cited paper" in kept


def test_framing_follows_the_language(run: Runner, llm: FakeLlm, day_papers: list[Paper]) -> None:
    paper = day_papers[0]
    run([paper], mode="text", language="en")
    (english,) = _user_messages(llm)
    assert english.startswith(f"Paper title: {paper.title}\n\n<paper>\n")
    assert "论文标题" not in english
    llm.reset()
    run([paper], mode="text", language="zh")
    (chinese,) = _user_messages(llm)
    assert chinese.startswith(f"论文标题：{paper.title}\n\n<paper>\n")


def test_downloads_run_ahead_of_the_llm_workers(
    run: Runner, arxiv: FakeArxiv, llm: FakeLlm, day_papers: list[Paper]
) -> None:
    """With one LLM worker, the first call is held until every paper's text was requested:
    only a download queue running ahead of the workers lets that call finish."""
    papers = day_papers[:3]
    all_requested = threading.Event()

    def html(request: Request) -> Reply:
        page = arxiv.html_for[request.path[len("/html/") :]]
        if len(arxiv.server.requests("/html/")) == len(papers):
            all_requested.set()
        return Reply(200, page, {"Content-Type": "text/html; charset=utf-8"})

    arxiv.server.route("/html/", html)
    held: list[bool] = []

    def hold_first(number: int) -> Reply | None:
        if number == 1:
            held.append(all_requested.wait(20))
        return None

    llm.fault = hold_first
    result = run(papers, mode="text", max_workers=1)
    assert held == [True] and len(result.summaries) == 3
    assert len(arxiv.server.requests("/html/")) == 3 and not arxiv.server.requests("/pdf/")


def test_queue_stops_at_the_paper_budget(
    run: Runner, arxiv: FakeArxiv, day_papers: list[Paper]
) -> None:
    result = run(day_papers[:5], mode="text", budget_papers=2)
    assert len(result.summaries) == 2
    assert len(arxiv.server.requests("/html/")) == 2


def test_file_mode_prefetches_the_pdfs(
    run: Runner, arxiv: FakeArxiv, llm: FakeLlm, day_papers: list[Paper]
) -> None:
    result = run(day_papers[:3], base_url=llm.dashscope_url, mode="file")
    assert len(result.summaries) == 3 and len(llm.uploads) == 3
    assert len(arxiv.server.requests("/pdf/")) == 3 and not arxiv.server.requests("/html/")


@pytest.fixture
def pool() -> Iterator[PdfTextPool]:
    fresh = PdfTextPool(1)
    yield fresh
    fresh.close()


def test_pdf_workers_are_reused_and_stay_lean(pool: PdfTextPool) -> None:
    pdf = fixture_pdf("1810.04805v2.pdf").read_bytes()
    texts = {pool.extract(pdf) for _ in range(3)}
    assert len(texts) == 1 and "Introduction" in texts.pop()
    assert pool.started == 1
    modules = set(pool.loaded_modules())
    assert "pypdf" in modules
    assert not {m for m in modules if m.split(".")[0] in ("arxivbot", "pydantic", "lxml")}


def test_an_overrunning_worker_is_killed_and_replaced(pool: PdfTextPool) -> None:
    pdf = fixture_pdf("1706.03762v5.pdf").read_bytes()
    with pytest.raises(FullTextError, match="longer than"):
        pool.extract(pdf, timeout=0.001)  # not even started: killed all the same
    assert len(pool.extract(pdf)) > 1000
    assert pool.started == 2


def test_a_broken_pdf_does_not_cost_the_worker(pool: PdfTextPool) -> None:
    with pytest.raises(FullTextError, match="could not read the PDF"):
        pool.extract(b"%PDF-1.5\nnot really a pdf")
    assert len(pool.extract(fixture_pdf("1810.04805v2.pdf").read_bytes())) > 1000
    assert pool.started == 1


def test_the_queue_never_outpaces_the_etiquette(
    store: Store, arxiv: FakeArxiv, llm: FakeLlm, day_papers: list[Paper], tmp_path: Path
) -> None:
    """Downloads ahead of the workers, from several threads, still start 3 s apart on the
    polite client's clock (a fake one here: its sleep moves it forward)."""
    polite = SourcesConfig(arxiv_base=arxiv.server.url, min_interval_seconds=3.0, max_retries=0)
    now = [0.0]
    lock = threading.Lock()
    starts: list[float] = []

    def monotonic() -> float:
        with lock:
            return now[0]

    def sleep(seconds: float) -> None:
        with lock:
            now[0] += seconds

    def html(request: Request) -> Reply:
        starts.append(monotonic())
        if request.path.endswith(day_papers[1].versioned_id):
            return Reply(404, b"No HTML for this paper")
        page = arxiv.html_for[request.path[len("/html/") :]]
        return Reply(200, page, {"Content-Type": "text/html; charset=utf-8"})

    def pdf(_request: Request) -> Reply:
        starts.append(monotonic())
        return Reply(200, arxiv.pdf_bytes, {"Content-Type": "application/pdf"})

    arxiv.server.route("/html/", html)
    arxiv.server.route("/pdf/", pdf)
    papers = day_papers[:5]
    store.upsert_papers(papers)
    settings = AiSummaryConfig(
        enabled=True, base_url=llm.base_url, model="qwen-long", mode="text", max_workers=3
    )
    with PoliteClient(polite, sleep=sleep, monotonic=monotonic) as client:
        result = summarize_papers(
            papers,
            settings,
            store=store,
            http=client,
            sources=polite,
            cache_dir=tmp_path / "cache",
            clock=fixed_clock(datetime(2025, 12, 5, 6, 0, tzinfo=UTC)),
            api_key="sk-test",
            sleep=lambda _s: None,
        )
    assert len(result.summaries) == 5 and len(starts) == 6  # one 404 + its PDF
    assert all(b - a >= 3.0 for a, b in pairwise(starts))
