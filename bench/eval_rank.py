"""precision@k, recall@k and nDCG@k of ranking profiles against labelled days.

    python bench/eval_rank.py [--k 10 20] [--no-semantic]

Labels: tests/data/labels/<profile>_<day>.jsonl, one {"id", "label": 0|1|2} per line
(written by reading titles/abstracts, not by running the ranker). Each profile is scored
three ways: keywords only; semantic only (5 liked papers from OTHER days); combined.
Relevant = label ≥ 1 for precision/recall; nDCG uses the graded label as gain.
Weights are the defaults (not tuned to these days).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from dataclasses import replace
from pathlib import Path

from arxivbot.config import parse_config, resolve_profiles
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--k", type=int, nargs="+", default=[10, 20])
    parser.add_argument("--no-semantic", action="store_true")
    args = parser.parse_args()
    use_semantic = semantic_available() and not args.no_semantic
    encoder = SentenceTransformerEncoder() if use_semantic else None
    cache: dict[str, bytes] = {}

    def get(model: str, ids: object) -> dict[str, bytes]:
        return {i: cache[i] for i in ids if i in cache}  # type: ignore[attr-defined]

    def put(model: str, vectors: dict[str, bytes]) -> None:
        cache.update(vectors)

    for label_file in sorted((ROOT / "tests" / "data" / "labels").glob("*.jsonl")):
        name, day = label_file.stem.rsplit("_", 1)
        spec = PROFILES[name]
        labels = {r["id"]: r["label"] for r in map(json.loads, label_file.read_text().splitlines())}
        day_items = [
            (p, a)
            for p, a in load_day(FIXTURES / "arxiv-feeds" / day / "rss" / f"{FEED}.xml")
            if p.arxiv_id in labels
        ]
        base = resolve_profiles(parse_config({"keywords": spec["keywords"], "min_score": 0}))[0]
        base = replace(base, max_papers=len(day_items))
        runs = {"keywords": (base, None)}
        if encoder is not None:
            seeds = [seed_from_paper(p) for p in find_papers(spec["seeds"], spec["seed_days"])]
            scorer = SemanticScorer(encoder, seeds, get_embeddings=get, put_embeddings=put)
            runs["semantic"] = (replace(base, keywords=()), scorer)
            runs["combined"] = (base, scorer)
        positives = sum(1 for g in labels.values() if g > 0)
        print(f"\n{name} on {day}: {len(labels)} papers, {positives} relevant")
        for run, (profile, scorer) in runs.items():
            result = rank_day(day_items, profile, RankContext(semantic=scorer))
            ranked = [r.paper.arxiv_id for r in result.ranked]
            cells = []
            for k in args.k:
                p, r, n = metrics(ranked, labels, k)
                cells.append(f"P@{k} {p:.2f}  R@{k} {r:.2f}  nDCG@{k} {n:.2f}")
            print(f"  {run:9s} kept {len(ranked):3d} | " + " | ".join(cells))


if __name__ == "__main__":
    main()
