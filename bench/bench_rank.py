"""Ranking throughput over the 102,538-record 2016 cs corpus.

    python bench/bench_rank.py [--pages N]

Parses the OAI-PMH pages (not timed as ranking), then ranks every record with the seed
config's keywords: (1) a substring scorer in the spirit of the original (``rank/naive.py``,
our code: the original's ``filter_papers()`` is not available here, so no figure is claimed
for the original), (2) rank_day without term
statistics (specificity off), (3) rank_day with statistics from the corpus itself through
a store-like Collection (counted once, then cached; the counting is timed apart). Prints
papers/s and how many papers each lets through (the keep rule, no max_papers cut).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

from arxivbot.config import parse_config, resolve_profiles
from arxivbot.models import Announcement, AnnounceType, Paper
from arxivbot.rank import Collection, RankContext, rank_day
from arxivbot.rank.naive import naive_keep
from arxivbot.rank.score import CompiledProfile
from arxivbot.rank.stats import DEFAULT_LIMIT, collection_stats
from arxivbot.sources.oai import parse_list_records

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(os.environ.get("ARXIVBOT_FIXTURES", ROOT.parent / "shared" / "fixtures"))


def load_corpus(pages: int) -> list[Paper]:
    folder = FIXTURES / "corpus" / "oai_cs_2016-03-09" / "pages_gz"
    files = sorted(folder.glob("page_*.xml.gz"))[:pages]
    if not files:
        raise SystemExit(f"corpus not found in {folder} (set ARXIVBOT_FIXTURES)")
    papers: list[Paper] = []
    for file in files:
        with gzip.open(file) as handle:
            papers.extend(parse_list_records(handle.read()).papers)
    return papers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=103)
    args = parser.parse_args()
    config = parse_config(json.loads((FIXTURES / "seed-config.json").read_text()))
    profile = resolve_profiles(config)[0]
    started = time.perf_counter()
    papers = load_corpus(args.pages)
    print(f"parsed {len(papers):,} records in {time.perf_counter() - started:.1f} s")
    day = date(2016, 3, 9)
    candidates = [
        (p, Announcement(p.arxiv_id, p.version, day, AnnounceType.NEW, p.primary_category))
        for p in papers
    ]
    n = len(papers)

    started = time.perf_counter()
    naive = sum(
        naive_keep(p, profile.keywords, profile.exclude_keywords, profile.min_score) for p in papers
    )
    naive_s = time.perf_counter() - started
    print(
        f"substring scorer (ours)   : {n / naive_s:10,.0f} papers/s  lets through "
        f"{naive:,} / {n:,} ({naive / n:.1%})"
    )

    print("original filter_papers(): not available here (no code in ../shared/fixtures): n/a")
    unlimited = replace(profile, max_papers=n)
    flat = replace(unlimited, weights=unlimited.weights.model_copy(update={"specificity": False}))
    started = time.perf_counter()
    result = rank_day(candidates, flat, RankContext())
    ours_s = time.perf_counter() - started
    print(
        f"arxivbot (no statistics)  : {n / ours_s:10,.0f} papers/s  lets through "
        f"{result.matched:,} / {n:,} ({result.matched / n:.1%})"
    )

    collection = Collection("bench:corpus", lambda: papers, limit=DEFAULT_LIMIT)
    compiled = CompiledProfile.of(unlimited)
    started = time.perf_counter()
    collection_stats(collection, [], compiled.scoring_terms)  # counts once, then cached
    count_s = time.perf_counter() - started
    started = time.perf_counter()
    stats = collection_stats(collection, [], compiled.scoring_terms)
    cached_s = time.perf_counter() - started
    context = RankContext(collection=collection)
    started = time.perf_counter()
    result = rank_day(candidates, unlimited, context)
    spec_s = time.perf_counter() - started
    print(
        f"arxivbot (specificity)    : {n / spec_s:10,.0f} papers/s  lets through "
        f"{result.matched:,} / {n:,} ({result.matched / n:.1%})  [statistics of "
        f"{DEFAULT_LIMIT:,} stored papers counted in {count_s:.2f} s, "
        f"cached {cached_s * 1e3:.1f} ms]"
    )
    top = sorted(stats.frequency.items(), key=lambda kv: -kv[1])
    print(
        "document frequency of the seed keywords (matcher's tokens):",
        ", ".join(f"{t.label} {stats.share(t):.1%}" for t, _ in top if t not in compiled.parts),
    )


if __name__ == "__main__":
    main()
