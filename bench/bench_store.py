"""Ingest the 102,538-record OAI corpus into a fresh store; time ingest and search.

Usage: python bench/bench_store.py [--pages N] [--db PATH|URL] [--postgres] [--repeat R]

``--postgres`` runs the same on a throw-away PostgreSQL cluster (tests/support/postgres.py:
initdb in a temp dir, fsync off); ``--db postgresql://…`` uses a server you name.

Prints records/s (parse and store separately), database size, and search latency
p50/p99 for a few queries. The original bot kept no store and had no search, so its
column reads "n/a". Announcement dates are derived from each record's submission
date with arxivbot.calendar (so date filters have something to filter on).
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from arxivbot import calendar
from arxivbot.models import Announcement, AnnounceType, Paper
from arxivbot.sources.oai import parse_list_records
from arxivbot.store import SearchFilters, StoreApi, open_store
from arxivbot.store.sqlite_store import postgres_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

FIXTURES = Path(
    os.environ.get("ARXIVBOT_FIXTURES", Path(__file__).resolve().parents[2] / "shared/fixtures")
)
CORPUS = FIXTURES / "corpus/oai_cs_2016-03-09/pages_gz"

QUERIES: list[tuple[str, str, SearchFilters]] = [
    ("neural network", "neural network", SearchFilters(limit=20)),
    ("phrase", '"neural network"', SearchFilters(limit=20)),
    ("quantum", "quantum", SearchFilters(limit=20)),
    ("title-only", "title:quantum", SearchFilters(limit=20)),
    ("author", "au:bengio", SearchFilters(limit=20)),
    ("category cs.LG", "learning", SearchFilters(categories=("cs.LG",), limit=20)),
    (
        "date range 2015",
        "graph",
        SearchFilters(date_from=date(2015, 1, 1), date_to=date(2015, 12, 31), limit=20),
    ),
    ("rare term", "blockchain", SearchFilters(limit=20)),
    ("prefix", "optimi*", SearchFilters(limit=20)),
    ("2000 candidates", "learning OR network", SearchFilters(limit=2000)),
    ("browse (no text)", "", SearchFilters(categories=("cs.CL",), limit=20)),
]
DF_PHRASES = ["neural network", "reinforcement learning", "RL", "graph", "quantum", "the"]


def announcement_for(paper: Paper) -> Announcement | None:
    moment = paper.submitted or paper.updated
    if moment is None:
        return None
    day = calendar.announcement_date_for(moment)
    return Announcement(
        paper.arxiv_id, paper.version, day, AnnounceType.NEW, paper.primary_category
    )


def ingest(store: StoreApi, pages: list[Path]) -> tuple[int, float, float]:
    """Return (records, parse seconds, store seconds)."""
    records, parse_s, store_s = 0, 0.0, 0.0
    for page in pages:
        started = time.perf_counter()
        papers = parse_list_records(gzip.decompress(page.read_bytes()), str(page)).papers
        parsed = time.perf_counter()
        announcements = [a for a in map(announcement_for, papers) if a is not None]
        with store.transaction():  # one transaction per OAI page (1,000 records)
            store.upsert_papers(papers)
            store.add_announcements(announcements)
        done = time.perf_counter()
        records += len(papers)
        parse_s += parsed - started
        store_s += done - parsed
    return records, parse_s, store_s


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed(call: Callable[[], object], repeat: int) -> tuple[list[float], object]:
    samples: list[float] = []
    result: object = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples, result


def store_size(store: StoreApi, db: str) -> int:
    if postgres_url(db) is None:
        path = Path(db)
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())
    import psycopg

    with psycopg.connect(postgres_url(db) or "") as conn:
        row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    return int(row[0]) if row else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=0, help="only the first N pages")
    parser.add_argument("--db", help="keep the database here (default: temp dir)")
    parser.add_argument("--postgres", action="store_true", help="a throw-away PostgreSQL")
    parser.add_argument("--repeat", type=int, default=30, help="runs per search query")
    args = parser.parse_args()
    pages = sorted(CORPUS.glob("*.xml.gz"))
    if not pages:
        print(f"corpus not found in {CORPUS} (set ARXIVBOT_FIXTURES)", file=sys.stderr)
        return 2
    pages = pages[: args.pages] if args.pages else pages
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "bench.sqlite3")
        if args.postgres:
            from support.postgres import create_database

            db = create_database()
        elif postgres_url(db) is None and Path(db).exists():
            print(f"{db} exists; choose a new path", file=sys.stderr)
            return 2
        backend = "PostgreSQL 15 (psycopg 3)" if postgres_url(db) else "SQLite (WAL)"
        print(f"backend: {backend}")
        with open_store(db) as store:
            report(store, db, pages, args.repeat)
    return 0


def report(store: StoreApi, db: str, pages: list[Path], repeat: int) -> None:
    started = time.perf_counter()
    records, parse_s, store_s = ingest(store, pages)
    total_s = time.perf_counter() - started
    stored = store.paper_count()
    print(f"corpus: {len(pages)} OAI pages, {records:,} records, {stored:,} distinct papers")
    print(f"{'metric':<34}{'arxivbot':>16}{'original bot':>16}")
    rows = [
        ("ingest total (parse + store)", f"{records / total_s:,.0f} rec/s"),
        ("  parse only (lxml OAI parser)", f"{records / parse_s:,.0f} rec/s"),
        ("  store only (upsert + FTS)", f"{records / store_s:,.0f} rec/s"),
        ("ingest wall time", f"{total_s:,.1f} s"),
    ]
    for name, value in rows:
        print(f"{name:<34}{value:>16}{'n/a':>16}")
    store.checkpoint()
    print(f"{'database size':<34}{store_size(store, db) / 1e6:>13,.1f} MB{'n/a':>16}")
    again_s, _ = timed(lambda: store.upsert_papers(store.get_papers(["0704.0002"]).values()), 1)
    print(f"{'re-upsert unchanged paper':<34}{again_s[0]:>13,.2f} ms{'n/a':>16}")
    print()
    print(f"search latency over {stored:,} papers ({repeat} runs each; original bot: n/a)")
    print(f"{'query':<20}{'fts query':<24}{'hits':>6}{'p50 ms':>10}{'p99 ms':>10}")
    for name, text, filters in QUERIES:
        samples, hits = timed(lambda t=text, f=filters: store.search(t, f), repeat)  # type: ignore[misc]
        count = len(hits) if isinstance(hits, list) else 0
        p50, p99 = percentile(samples, 0.5), percentile(samples, 0.99)
        print(f"{name:<20}{text[:23]:<24}{count:>6}{p50:>10.1f}{p99:>10.1f}")
    print()
    print("document_frequency (first call uncached; then cached)")
    for phrase in DF_PHRASES:
        (cold,), count = timed(lambda p=phrase: store.document_frequency(p), 1)  # type: ignore[misc]
        warm, _ = timed(lambda p=phrase: store.document_frequency(p), 100)
        warm_us = statistics.median(warm) * 1000
        print(f"  {phrase!r:<26}{count:>8,} papers {cold:>8.1f} ms cold {warm_us:>8.1f} µs warm")
    check_s, problems = timed(store.check, 1)
    print(f"\nintegrity check: {problems or 'ok'} in {check_s[0] / 1000:.1f} s")


if __name__ == "__main__":
    raise SystemExit(main())
