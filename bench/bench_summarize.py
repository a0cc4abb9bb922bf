"""Summarise a recorded day against the local LLM stand-in; print wall time, calls, tokens.

    python bench/bench_summarize.py                 # 15 papers, 3 workers, 8 s per call
    python bench/bench_summarize.py --latency 0.5 --papers 30 --workers 5

The papers and their answers are real (fixtures/history/qwen_long_summaries.jsonl); the
server waits ``--latency`` seconds per chat call. The first run is compared with the ideal
lower bound ``ceil(N / workers) × latency``; the re-run should make zero calls. The original
bot's code is not available here, so no figure is claimed for it (it kept no cache).
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from arxivbot.clock import utc_now
from arxivbot.config.model import AiSummaryConfig, SourcesConfig
from arxivbot.models import Paper
from arxivbot.store import open_store
from arxivbot.summarize import SummaryRun, summarize_papers
from support.llm_server import FakeLlm, recorded_papers


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
    parser.add_argument("--latency", type=float, default=8.0, help="seconds per chat call")
    args = parser.parse_args()

    day = papers(args.papers)
    ideal = math.ceil(len(day) / args.workers) * args.latency
    with FakeLlm(latency=args.latency) as llm, tempfile.TemporaryDirectory() as tmp:
        settings = AiSummaryConfig(
            enabled=True,
            base_url=llm.base_url,
            model="qwen-long",
            mode="abstract",  # no arXiv downloads: this measures the LLM stage alone
            max_workers=args.workers,
            max_papers_to_summarize=args.papers,
        )
        with open_store(Path(tmp) / "bench.sqlite3") as store:
            store.upsert_papers(day)

            def once() -> tuple[float, SummaryRun]:
                start = time.perf_counter()
                result = summarize_papers(
                    day,
                    settings,
                    store=store,
                    http=None,
                    sources=SourcesConfig(),
                    cache_dir=Path(tmp),
                    clock=utc_now,
                    api_key="sk-bench",
                )
                return time.perf_counter() - start, result

            first_time, first = once()
            max_in_flight = llm.max_in_flight
            rerun_time, rerun = once()

    print(f"papers: {len(day)}  workers: {args.workers}  latency: {args.latency:g} s/call")
    print(f"ideal lower bound ceil(N/workers)*latency: {ideal:.2f} s")
    header = f"{'run':<22}{'wall s':>9}{'calls':>7}{'cached':>8}{'tokens in':>11}{'out':>9}"
    print(header)
    for name, seconds, run in (("first run", first_time, first), ("re-run", rerun_time, rerun)):
        u = run.usage
        print(
            f"{name:<22}{seconds:>9.2f}{u.calls:>7}{u.cached_hits:>8}"
            f"{u.input_tokens:>11,}{u.output_tokens:>9,}"
        )
    print(
        "original bot: its code is not available here, so no figure is claimed; it kept no "
        f"cache (seed-config.json), so its re-run would ask for all {len(day)} summaries again"
    )
    print(f"max calls in flight: {max_in_flight} (limit {args.workers})")
    print(f"first run overhead over ideal: {first_time - ideal:+.2f} s")


if __name__ == "__main__":
    main()
