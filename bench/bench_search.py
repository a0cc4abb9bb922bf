"""Time ``arxivbot search`` (the query-language path) over the whole 102,538-record corpus.

Usage: python bench/bench_search.py [--db PATH] [--pages N] [--repeat R]

Ingests the OAI corpus into a fresh store (reusing ``bench_store.ingest``) unless ``--db``
points at a store that already holds it, then times :func:`arxivbot.app.search_history`
(parse the query, FTS5 prefilter, exact whole-word matcher) for several queries and prints
p50/p99 in milliseconds. The original bot kept no history and had no search: "n/a".
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from arxivbot.app import search_history
from arxivbot.config import LoadedConfig, parse_config
from arxivbot.paths import Paths
from arxivbot.store import open_store
from bench_store import CORPUS, file_size, ingest, percentile, timed

# (name, query, from, to, categories, limit)
QUERIES: list[tuple[str, str, date | None, date | None, tuple[str, ...], int]] = [
    ("two words", "neural network", None, None, (), 20),
    ("phrase", '"neural network"', None, None, (), 20),
    ("title field", "ti:quantum", None, None, (), 20),
    ("author", 'au:"Yoshua Bengio"', None, None, (), 20),
    ("cat + word", "cat:cs.LG AND learning", None, None, (), 20),
    ("NOT", "reinforcement learning NOT robot*", None, None, (), 20),
    ("wildcard", "quantiz*", None, None, (), 20),
    ("acronym", "RL OR LSTM", None, None, (), 20),
    ("date range", "graph", date(2015, 1, 1), date(2015, 12, 31), (), 20),
    ("category filter", "learning", None, None, ("cs.CL",), 20),
    ("rare term", "blockchain", None, None, (), 20),
    ("rare + common", "blockchain AND the", None, None, (), 20),
    ("title phrase NOT", 'ti:"deep learning" NOT abs:image', None, None, (), 50),
    ("no match", "zzqxv", None, None, (), 20),
    ("category only", "cat:cs.DL", None, None, (), 20),
    ("comment field", "co:ICML", None, None, (), 20),
    ("limit 500", "learning", None, None, (), 500),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="reuse/keep the store here (default: temp dir)")
    parser.add_argument("--pages", type=int, default=0, help="ingest only the first N pages")
    parser.add_argument("--repeat", type=int, default=20, help="runs per query")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_path = args.db or Path(tmp) / "bench.sqlite3"
        with open_store(db_path) as store:
            if store.paper_count() == 0:
                pages = sorted(CORPUS.glob("*.xml.gz"))
                if not pages:
                    print(f"corpus not found in {CORPUS} (set ARXIVBOT_FIXTURES)", file=sys.stderr)
                    return 2
                pages = pages[: args.pages] if args.pages else pages
                started = time.perf_counter()
                records, _p, _s = ingest(store, pages)
                elapsed = time.perf_counter() - started
                print(f"ingested {records:,} records in {elapsed:.1f} s")
                store.checkpoint()
            papers = store.paper_count()
        print(f"store: {papers:,} papers, {file_size(db_path) / 1e6:,.1f} MB")
        run(db_path, args.repeat)
    return 0


def run(db_path: Path, repeat: int) -> None:
    loaded = LoadedConfig(config=parse_config({}), path=None, warnings=())
    paths = Paths(db=db_path, output=db_path.parent / "out")
    print(f"\narxivbot search (query language + FTS5), {repeat} runs each; original bot: n/a")
    print(f"{'query':<18}{'text':<36}{'hits':>6}{'p50 ms':>10}{'p99 ms':>10}")
    worst = 0.0
    for name, text, start, end, cats, limit in QUERIES:
        call = partial(search_history, loaded, paths, text, start, end, cats, limit)
        samples, hits = timed(call, repeat)
        count = len(hits) if isinstance(hits, list) else 0
        p50, p99 = percentile(samples, 0.5), percentile(samples, 0.99)
        worst = max(worst, p99)
        print(f"{name:<18}{text[:35]:<36}{count:>6}{p50:>10.1f}{p99:>10.1f}")
    print(f"\nworst p99: {worst:.1f} ms (goal: well under 1000 ms)")


if __name__ == "__main__":
    raise SystemExit(main())
