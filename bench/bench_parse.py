"""Parse throughput of arXiv sources: our lxml feed parser vs feedparser, and OAI records/s.

Run: ``python bench/bench_parse.py [--oai-pages N]`` (reads ../shared/fixtures in place).
Prints milliseconds per 1,000 feed items for both parsers (the original bot used
feedparser) and OAI-PMH records per second streaming the gzipped 2016 cs corpus.
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import time
from pathlib import Path

from arxivbot.sources.oai import parse_list_records
from arxivbot.sources.rss import parse_feed


def fixtures_dir() -> Path:
    root = Path(__file__).resolve().parents[1]
    candidate = Path(os.environ.get("ARXIVBOT_FIXTURES", root.parent / "shared" / "fixtures"))
    if not (candidate / "arxiv-feeds").is_dir():
        sys.exit(f"fixtures not found at {candidate}; set ARXIVBOT_FIXTURES")
    return candidate


def bench_feeds(fixtures: Path) -> None:
    files = sorted((fixtures / "arxiv-feeds").glob("2026-06-*/rss/cs.AI+cs.CL+cs.DC+cs.LG.xml"))
    blobs = [(path.read_bytes(), f"http://rss.arxiv.org/rss/{path.stem}") for path in files]
    started = time.perf_counter()
    items = sum(len(parse_feed(content, url).items) for content, url in blobs)
    ours = time.perf_counter() - started
    print(f"feeds: {len(blobs)} multi-category RSS files, {items} items")
    print(f"  arxivbot (lxml):  {ours / items * 1000 * 1000:8.1f} ms per 1,000 items")
    try:
        import feedparser
    except ImportError:
        print("  feedparser:       not installed (pip install 'arxivbot[test]')")
        return
    started = time.perf_counter()
    fp_items = sum(len(feedparser.parse(content).entries) for content, _ in blobs)
    theirs = time.perf_counter() - started
    print(f"  feedparser:       {theirs / fp_items * 1000 * 1000:8.1f} ms per 1,000 items")
    print(f"  speed-up:         {theirs / ours:8.1f}x")


def bench_oai(fixtures: Path, pages: int) -> None:
    folder = fixtures / "corpus" / "oai_cs_2016-03-09" / "pages_gz"
    paths = sorted(folder.glob("page_*.xml.gz"))[:pages]
    records = 0
    raw_bytes = 0
    parse_seconds = 0.0
    started = time.perf_counter()
    for path in paths:
        with gzip.open(path, "rb") as stream:
            content = stream.read()
        raw_bytes += len(content)
        t0 = time.perf_counter()
        records += len(parse_list_records(content).papers)
        parse_seconds += time.perf_counter() - t0
    total = time.perf_counter() - started
    print(f"oai: {len(paths)} pages, {records} records, {raw_bytes / 1e6:.1f} MB of XML")
    print(f"  parse only:       {records / parse_seconds:8.0f} records/s")
    print(f"  gunzip + parse:   {records / total:8.0f} records/s ({total:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--oai-pages", type=int, default=103, help="corpus pages to parse")
    args = parser.parse_args()
    fixtures = fixtures_dir()
    bench_feeds(fixtures)
    bench_oai(fixtures, args.oai_pages)


if __name__ == "__main__":
    main()
