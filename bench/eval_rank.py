"""precision@k, recall@k and nDCG@k of ranking profiles against labelled days.

    python bench/eval_rank.py [--k 10 20] [--no-semantic]

Labels: tests/data/labels/<profile>_<day>.jsonl, one {"id", "label": 0|1|2} per line for
every item of that day's cs.AI+cs.CL+cs.DC+cs.LG feed (written by reading titles and
abstracts, not by running the ranker). Each profile is scored three ways on each labelled
day: keywords only; semantic only (5 liked papers from OTHER days); combined; then the
mean over its days. Relevant = label ≥ 1 for precision/recall; nDCG uses 2^label - 1 as
gain. Weights are the defaults (not tuned to these days). Ends with a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from arxivbot.config import Profile, parse_config, resolve_profiles
from arxivbot.models import Paper
from arxivbot.rank import RankContext, rank_day
from arxivbot.rank.seeds import seed_from_paper
from arxivbot.rank.semantic import SemanticScorer, SentenceTransformerEncoder, semantic_available

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(os.environ.get("ARXIVBOT_FIXTURES", ROOT.parent / "shared" / "fixtures"))
sys.path.insert(0, str(ROOT / "tests" / "rank"))
from rank_feeds import load_day  # noqa: E402

FEED = "cs.AI+cs.CL+cs.DC+cs.LG"
PROFILES = {
    "llm-inference": {
        "keywords": [
            "LLM inference",
            "serving",
            "speculative decoding",
            "KV cache",
            "quantization",
            "throughput",
            "latency",
            "batching",
            "efficient inference",
            "sparse attention",
            "MoE",
        ],
        "seeds": ["2606.02955", "2606.04511", "2606.04557", "2606.05742", "2606.04349"],
        "seed_days": ["2026-06-03", "2026-06-04", "2026-06-05"],
    },
    "medical-imaging": {
        "keywords": [
            "medical imaging",
            "medical image",
            "MRI",
            "CT",
            "X-ray",
            "radiology",
            "pathology",
            "histology",
            "segmentation",
            "ultrasound",
            "clinical",
        ],
        "seeds": ["2606.03888", "2606.04249", "2606.04427", "2606.04365", "2606.02877"],
        "seed_days": ["2026-06-03", "2026-06-04"],
    },
}


def metrics(ranked: list[str], labels: dict[str, int], k: int) -> tuple[float, float, float]:
    relevant = {i for i, g in labels.items() if g > 0}
    top = ranked[:k]
    hits = sum(1 for i in top if i in relevant)
    dcg = sum((2 ** labels.get(i, 0) - 1) / math.log2(r + 2) for r, i in enumerate(top))
    ideal = sorted(labels.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(r + 2) for r, g in enumerate(ideal))
    return hits / k, hits / max(1, len(relevant)), dcg / idcg if idcg else 0.0


def find_papers(ids: list[str], days: list[str]) -> list[Paper]:
    found: dict[str, Paper] = {}
    for day in days:
        for name in (FEED, "cs.CV"):
            for paper, _ in load_day(FIXTURES / "arxiv-feeds" / day / "rss" / f"{name}.xml"):
                found.setdefault(paper.arxiv_id, paper)
    return [found[i] for i in ids]


class MemoryCache:
    """The store's embedding cache, in memory (each paper is encoded once per run)."""

    def __init__(self) -> None:
        self.vectors: dict[str, bytes] = {}

    def get(self, model: str, ids: Sequence[str]) -> dict[str, bytes]:
        return {i: self.vectors[i] for i in ids if i in self.vectors}

    def put(self, model: str, vectors: dict[str, bytes]) -> None:
        self.vectors.update(vectors)


def labelled_days() -> dict[str, dict[str, dict[str, int]]]:
    """profile → day → {arXiv id: label}, from tests/data/labels/<profile>_<day>.jsonl."""
    found: dict[str, dict[str, dict[str, int]]] = {}
    for label_file in sorted((ROOT / "tests" / "data" / "labels").glob("*.jsonl")):
        name, day = label_file.stem.rsplit("_", 1)
        rows = map(json.loads, label_file.read_text().splitlines())
        found.setdefault(name, {})[day] = {r["id"]: r["label"] for r in rows}
    return found


def runs_for(
    name: str, encoder: SentenceTransformerEncoder | None, cache: MemoryCache
) -> dict[str, tuple[Profile, SemanticScorer | None]]:
    """keywords only; semantic only (liked papers from other days); both."""
    spec = PROFILES[name]
    base = resolve_profiles(parse_config({"keywords": spec["keywords"], "min_score": 0}))[0]
    runs: dict[str, tuple[Profile, SemanticScorer | None]] = {"keywords": (base, None)}
    if encoder is not None:
        liked = find_papers(list(spec["seeds"]), list(spec["seed_days"]))
        seeds = [seed_from_paper(p) for p in liked]
        scorer = SemanticScorer(encoder, seeds, get_embeddings=cache.get, put_embeddings=cache.put)
        runs["semantic"] = (replace(base, keywords=()), scorer)
        runs["combined"] = (base, scorer)
    return runs


def evaluate_day(
    day: str, labels: dict[str, int], profile: Profile, scorer: SemanticScorer | None, ks: list[int]
) -> tuple[int, list[tuple[float, float, float]]]:
    items = [
        (p, a)
        for p, a in load_day(FIXTURES / "arxiv-feeds" / day / "rss" / f"{FEED}.xml")
        if p.arxiv_id in labels
    ]
    result = rank_day(items, replace(profile, max_papers=len(items)), RankContext(semantic=scorer))
    ranked = [r.paper.arxiv_id for r in result.ranked]
    return len(ranked), [metrics(ranked, labels, k) for k in ks]


def _cells(values: list[tuple[float, float, float]], ks: list[int]) -> str:
    return " | ".join(
        f"P@{k} {p:.2f}  R@{k} {r:.2f}  nDCG@{k} {n:.2f}"
        for k, (p, r, n) in zip(ks, values, strict=True)
    )


def _mean(rows: list[list[tuple[float, float, float]]]) -> list[tuple[float, float, float]]:
    return [
        (
            statistics.fmean(r[i][0] for r in rows),
            statistics.fmean(r[i][1] for r in rows),
            statistics.fmean(r[i][2] for r in rows),
        )
        for i in range(len(rows[0]))
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--k", type=int, nargs="+", default=[10, 20])
    parser.add_argument("--no-semantic", action="store_true")
    args = parser.parse_args()
    use_semantic = semantic_available() and not args.no_semantic
    encoder = SentenceTransformerEncoder() if use_semantic else None
    if encoder is None:
        print("semantic ranking is off (pip install 'arxivbot[semantic]'): keywords only")
    cache = MemoryCache()
    summary: list[tuple[str, str, list[tuple[float, float, float]]]] = []
    for name, days in labelled_days().items():
        runs = runs_for(name, encoder, cache)
        per_day: dict[str, list[list[tuple[float, float, float]]]] = {run: [] for run in runs}
        for day, labels in days.items():
            positives = sum(1 for g in labels.values() if g > 0)
            print(f"\n{name} on {day}: {len(labels)} papers, {positives} relevant")
            for run, (profile, scorer) in runs.items():
                kept, values = evaluate_day(day, labels, profile, scorer, args.k)
                per_day[run].append(values)
                print(f"  {run:9s} kept {kept:3d} | {_cells(values, args.k)}")
        print(f"\n{name}, mean over {len(days)} day(s):")
        for run, rows in per_day.items():
            mean = _mean(rows)
            summary.append((name, run, mean))
            print(f"  {run:9s}          | {_cells(mean, args.k)}")
    header = " | ".join(f"P@{k} | R@{k} | nDCG@{k}" for k in args.k)
    print(f"\n| profile | ranking | {header} |")
    print("|---|---|" + "---|" * (3 * len(args.k)))
    for name, run, mean in summary:
        cells = " | ".join(f"{p:.2f} | {r:.2f} | {n:.2f}" for p, r, n in mean)
        print(f"| {name} | {run} | {cells} |")


if __name__ == "__main__":
    main()
