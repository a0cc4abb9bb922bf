"""A cold text-mode day with arXiv's HTML missing: wall time against the polite floor.

    python bench/bench_fulltext.py                      # 15 papers, 3 s etiquette, 8 s per call
    python bench/bench_fulltext.py --interval 1 --latency 2 --papers 6

A loopback arXiv answers ``/html/`` with 404 and ``/pdf/`` with real recorded PDFs (cycled;
``shared/fixtures/pdf``, else the generated ones in tests/data), spaced by the polite client's
``--interval``; the LLM stand-in waits ``--latency`` per call. The polite floor is the
interval times the run's requests after the first (``html_first`` with the HTML missing
makes two a paper, the 404 and the PDF; ``pdf_first`` one) plus one LLM latency for the
last paper. Printed: wall time, floor, arXiv requests, and the CPU spent in PDF extraction
(the worker processes, measured after they exit).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from arxivbot.clock import utc_now
from arxivbot.config.model import AiSummaryConfig, SourcesConfig
from arxivbot.models import Paper
from arxivbot.sources.http import PoliteClient
from arxivbot.sources.pdfpool import shared_pool
from arxivbot.store import open_store
from arxivbot.summarize import summarize_papers
from support.httpserver import LocalServer, Reply, Request
from support.llm_server import FakeLlm, recorded_papers

REPO = Path(__file__).resolve().parents[1]


def pdf_files() -> list[Path]:
    shared = sorted((REPO.parent / "shared" / "fixtures" / "pdf").glob("*.pdf"))
    return shared or sorted((REPO / "tests" / "data" / "recorded" / "pdf").glob("*.pdf"))


def papers(count: int) -> list[Paper]:
    return [
        Paper(
            arxiv_id=str(r["id"]),
            version=int(str(r["version"])),
            title=str(r["title"]),
            authors=tuple(str(a) for a in r["authors"]),  # type: ignore[attr-defined]
            abstract=str(r["abstract_truncated"]),
            primary_category=str(r["category"]),
            categories=(str(r["category"]),),
        )
        for r in recorded_papers(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=15)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--interval", type=float, default=3.0, help="polite seconds/request")
    parser.add_argument("--latency", type=float, default=8.0, help="seconds per LLM call")
    parser.add_argument(
        "--order", choices=("html_first", "pdf_first", "pdf_only"), default="html_first"
    )
    args = parser.parse_args()
    day = papers(args.papers)
    pdfs = [p.read_bytes() for p in pdf_files()]
    order = {p.versioned_id: pdfs[i % len(pdfs)] for i, p in enumerate(day)}

    def pdf(request: Request) -> Reply:
        return Reply(200, order[request.path[len("/pdf/") :]], {"Content-Type": "application/pdf"})

    arxiv = LocalServer()
    arxiv.route("/html/", lambda _r: Reply(404, b"No HTML for this paper"))
    arxiv.route("/pdf/", pdf)
    with arxiv, FakeLlm(latency=args.latency) as llm, tempfile.TemporaryDirectory() as tmp:
        sources = SourcesConfig(arxiv_base=arxiv.url, min_interval_seconds=args.interval)
        settings = AiSummaryConfig(
            enabled=True,
            base_url=llm.base_url,
            model="qwen-long",
            mode="text",
            max_workers=args.workers,
            max_papers_to_summarize=args.papers,
            fulltext_order=args.order,
        )
        with open_store(Path(tmp) / "bench.sqlite3") as store, PoliteClient(sources) as http:
            store.upsert_papers(day)
            start = time.perf_counter()
            result = summarize_papers(
                day,
                settings,
                store=store,
                http=http,
                sources=sources,
                cache_dir=Path(tmp),
                clock=utc_now,
                api_key="sk-bench",
            )
            wall = time.perf_counter() - start
        shared_pool().close()  # the workers exit, so their CPU shows in RUSAGE_CHILDREN
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        requests = len(arxiv.requests("/html/")) + len(arxiv.requests("/pdf/"))

    floor = (requests - 1) * args.interval + args.latency
    print(
        f"configuration: {args.papers} papers, {args.workers} LLM workers, "
        f"{args.interval:g} s between arXiv requests, {args.latency:g} s per LLM call, "
        f"text mode, fulltext_order={args.order}, HTML missing for every paper, "
        f"{len(pdfs)} recorded PDFs cycled"
    )
    print(f"summaries: {len(result.summaries)}  LLM calls: {result.usage.calls}")
    print(f"arXiv requests: {requests} ({requests / args.papers:.1f} per paper)")
    print(f"wall: {wall:.1f} s  polite floor: {floor:.1f} s  ratio: {wall / floor:.2f}x")
    print(f"PDF extraction CPU (worker processes): {children.ru_utime + children.ru_stime:.2f} s")
    print("a second run asks for no HTML at all (fulltext/html-missing.txt): 1 request a paper")


if __name__ == "__main__":
    main()
