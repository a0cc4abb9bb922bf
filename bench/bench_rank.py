"""Ranking throughput over the 102,538-record 2016 cs corpus, ours vs the original's.

    python bench/bench_rank.py [--pages N]

Parses the OAI-PMH pages (not timed as ranking), then ranks every record with the seed
config's keywords: (1) the original bot's substring scorer, (2) rank_day with flat weights,
(3) rank_day with specificity weights learned from the corpus itself. Prints papers/s and
how many papers each lets through (score ≥ min_score, no max_papers cut).
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
from arxivbot.rank import RankContext, rank_day
from arxivbot.rank.document import PaperText
from arxivbot.rank.match import TermMatcher
from arxivbot.rank.naive import naive_keep
from arxivbot.rank.score import CompiledProfile
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
        f"original substring scorer : {n / naive_s:10,.0f} papers/s  lets through "
        f"{naive:,} / {n:,} ({naive / n:.1%})"
    )

    unlimited = replace(profile, max_papers=n)
    flat = replace(unlimited, weights=unlimited.weights.model_copy(update={"specificity": False}))
    started = time.perf_counter()
    result = rank_day(candidates, flat, RankContext())
    ours_s = time.perf_counter() - started
    print(
        f"arxivbot (flat weights)   : {n / ours_s:10,.0f} papers/s  lets through "
        f"{result.matched:,} / {n:,} ({result.matched / n:.1%})"
    )

    started = time.perf_counter()
    compiled = CompiledProfile.of(flat, lambda _t: 0, 0)
    matcher = TermMatcher(compiled.scoring_terms)
    frequency: dict[str, int] = {}
    for paper in papers:
        for term, _fields in matcher.found(PaperText(paper)):
            key = " ".join(term.match_words)
            frequency[key] = frequency.get(key, 0) + 1
    df_s = time.perf_counter() - started
    context = RankContext(document_frequency=lambda t: frequency.get(t, 0), total_documents=n)
    started = time.perf_counter()
    result = rank_day(candidates, unlimited, context)
    spec_s = time.perf_counter() - started
    print(
        f"arxivbot (specificity)    : {n / spec_s:10,.0f} papers/s  lets through "
        f"{result.matched:,} / {n:,} ({result.matched / n:.1%})  "
        f"[document frequencies counted in {df_s:.1f} s]"
    )
    top = sorted(frequency.items(), key=lambda kv: -kv[1])
    print("document frequency of the seed keywords:", ", ".join(f"{k} {v / n:.1%}" for k, v in top))


if __name__ == "__main__":
    main()
