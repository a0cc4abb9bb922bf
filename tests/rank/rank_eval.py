"""Ranking quality on hand-labelled recorded days: profiles, methods and metrics.

Shared by ``bench/eval_rank.py`` (prints the table) and ``tests/rank/test_rank_quality.py``
(pins a floor). Labels: tests/data/labels/<profile>_<day>.jsonl (see its README). Each
method is a function ``(case) -> ranked arXiv ids or None`` (None: not available here)
registered in :data:`METHODS`; "+semantic" and "+judge" are filled in by their owners.
Relevant = label ≥ 1 for precision/recall; nDCG uses 2^label − 1 as gain, the ideal
ranking being every labelled paper of the day. Weights are the defaults, not tuned here.

Seeds ("+semantic"): five liked papers per profile from recorded days that no label file
covers (2026-06-03..09), chosen by their titles as clearly on-topic for the profile's
interest, without looking at any label or ranking. Vectors are cached per process, so a
paper of a day shared by several profiles is embedded once.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from judge_eval import judged
from rank_feeds import load_day

from arxivbot.config import Profile, parse_config, resolve_profiles
from arxivbot.models import Announcement, Paper
from arxivbot.rank import Collection, RankContext, rank_day
from arxivbot.rank.naive import naive_score
from arxivbot.rank.semantic import (
    Encoder,
    build_semantic_scorer,
    default_encoder,
    semantic_available,
)

ROOT = Path(__file__).resolve().parents[2]
LABELS = ROOT / "tests" / "data" / "labels"
FIXTURES = Path(os.environ.get("ARXIVBOT_FIXTURES", ROOT.parent / "shared" / "fixtures"))
COMBINED = "cs.AI+cs.CL+cs.DC+cs.LG"
SEED_KEYWORDS = [  # the original bot's own config.json (fixtures/seed-config.json)
    *("framework", "System", "Generation", "Video", "Linear", "LLM", "RL", "RLHF"),
    *("Inference", "Training", "Attention", "Pipeline", "MOE", "Sparse", "Quantization"),
    *("Speculative", "Efficient", "Efficiency", "Framework", "Parallel", "Distributed"),
    *("Kernel", "Decode", "Decoding", "Prefill", "Throughput", "Fast", "Network"),
    *("Hardware", "Cluster", "FP8", "FP4", "Optimization", "Scalable", "Communication"),
]


@dataclass(frozen=True)
class EvalProfile:
    """A profile as a user writes it: keywords (+ exclusions, min_score) and a query."""

    keywords: tuple[str, ...]
    query: str
    feed: str = COMBINED
    exclude: tuple[str, ...] = ()
    min_score: float = 1.0
    interests: str = ""  # plain language, for an LLM judge
    seeds: tuple[str, ...] = ()  # liked papers from OTHER days, for semantic ranking
    seed_days: tuple[str, ...] = ()


PROFILES: dict[str, EvalProfile] = {
    "ml-systems": EvalProfile(
        tuple(SEED_KEYWORDS),
        '(quantiz* OR "KV cache"^2 OR "speculative decoding"^2 OR MoE OR "mixture of experts" '
        'OR "sparse attention" OR "linear attention" OR kernel* OR throughput OR latency '
        'OR serving OR "distributed training" OR parallelism OR FP8 OR FP4 OR pruning '
        'OR "efficient inference"^2 OR prefill* OR RLHF) -survey',
        exclude=("survey", "review", "tutorial"),
        min_score=2.5,
        interests="Efficient training and inference of large models: quantisation, sparsity, "
        "KV cache, attention variants, MoE, decoding speed-ups, kernels, parallel training.",
        # ultra-low-bit quantisation, MoE quantisation, KV reuse in serving, sparse-attention
        # serving, GPU kernel generation
        seeds=("2606.05429", "2606.05688", "2606.06256", "2606.06453", "2606.04847"),
        seed_days=("2026-06-04", "2026-06-05"),
    ),
    "llm-agents": EvalProfile(
        (
            *("LLM agents", "agentic", "tool use", "tool calling", "multi-agent", "planning"),
            *("web agent", "GUI agent", "computer use", "MCP", "agent memory", "LLM"),
        ),
        '(ti:agent*^2 OR agentic OR "tool use" OR "tool calling" OR "function calling" '
        'OR "computer use" OR "web navigation" OR GUI OR MCP OR multi-agent OR "LLM agent*"^2)',
        interests="LLM-based agents: tool use, planning, memory, multi-agent systems, "
        "web/GUI/computer-use agents, agent benchmarks and safety.",
        # agent memory, desktop-agent benchmark, tool-use benchmark, multi-agent failure
        # attribution, web-agent skill learning
        seeds=("2606.03083", "2606.03103", "2606.03657", "2606.03467", "2606.04391"),
        seed_days=("2026-06-03", "2026-06-04"),
    ),
    "gen-vision": EvalProfile(
        (
            *("diffusion", "text-to-image", "image generation", "video generation"),
            *("image editing", "GAN", "flow matching", "3D generation", "novel view synthesis"),
            *("Gaussian splatting", "inpainting", "super-resolution", "avatar"),
        ),
        '(diffusion OR "text-to-image"^2 OR "text-to-video"^2 OR ti:generation^2 '
        'OR "image editing" OR "video editing" OR "3D generation" OR "Gaussian splatting" '
        'OR "novel view synthesis" OR "flow matching" OR avatar* OR inpainting OR GAN)',
        feed="cs.CV",
        interests="Generative computer vision: image, video and 3D generation and editing, "
        "diffusion and flow models, avatars, novel view synthesis.",
        # text-to-image, flow-matching editing, one-step video generation, 3D generation,
        # avatar composition
        seeds=("2606.03243", "2606.03911", "2606.03972", "2606.04108", "2606.03506"),
        seed_days=("2026-06-03", "2026-06-04"),
    ),
    "theory": EvalProfile(
        (
            *("game theory", "mechanism design", "auction", "equilibrium", "social choice"),
            *("fair division", "information theory", "complexity", "decidable"),
            *("approximation algorithm", "regret bound", "incentive", "logic"),
            "formal verification",
        ),
        '("game theory" OR "mechanism design"^2 OR auction* OR equilibri* OR "social choice" '
        'OR "fair division" OR "information theory" OR "information-theoretic" OR complexity '
        'OR decidab* OR "approximation algorithm" OR regret OR incentive* OR strategy-proof '
        'OR logic* OR "formal verification")',
        interests="Theory outside ML: algorithmic game theory, mechanism design, auctions, "
        "fair division, information theory, logic and complexity.",
        # defeasible standpoint logic (x2), Nash equilibria in n-player games,
        # information-theoretic secure aggregation, strategic agents
        seeds=("2606.03655", "2606.08503", "2606.06480", "2606.07277", "2606.07308"),
        seed_days=("2026-06-03", "2026-06-05", "2026-06-08", "2026-06-09"),
    ),
    "llm-inference": EvalProfile(
        (
            *("LLM inference", "serving", "speculative decoding", "KV cache", "quantization"),
            *("throughput", "latency", "batching", "efficient inference", "sparse attention"),
            "MoE",
        ),
        '("LLM inference"^2 OR serving OR "speculative decoding"^2 OR "KV cache"^2 '
        'OR quantiz* OR throughput OR latency OR batching OR "efficient inference"^2 '
        'OR "sparse attention" OR MoE)',
        min_score=0.0,
        seeds=("2606.02955", "2606.04511", "2606.04557", "2606.05742", "2606.04349"),
        seed_days=("2026-06-03", "2026-06-04", "2026-06-05"),
    ),
    "medical-imaging": EvalProfile(
        (
            *("medical imaging", "medical image", "MRI", "CT", "X-ray", "radiology"),
            *("pathology", "histology", "segmentation", "ultrasound", "clinical"),
        ),
        '("medical imag*"^2 OR MRI OR CT OR X-ray OR radiolog* OR patholog* OR histolog* '
        "OR segmentation OR ultrasound OR clinical)",
        min_score=0.0,
        seeds=("2606.03888", "2606.04249", "2606.04427", "2606.04365", "2606.02877"),
        seed_days=("2026-06-03", "2026-06-04"),
    ),
}


@dataclass(frozen=True)
class EvalCase:
    """One profile on one labelled day, with the store a user would have by then."""

    name: str
    spec: EvalProfile
    day: str
    labels: dict[str, int]
    items: list[tuple[Paper, Announcement]] = field(repr=False)
    root: Path = FIXTURES

    @property
    def collection(self) -> Collection:
        """The recorded days of June before this one: a warm store's papers."""
        key = f"eval:{self.root}:{self.spec.feed}:{self.day}"
        return Collection(key, lambda: _earlier(self.root, self.spec.feed, self.day))

    def profile(self, **raw: Any) -> Profile:
        """The profile from the user's keys (``raw`` overrides), no ``max_papers`` cut."""
        base: dict[str, Any] = {
            "keywords": list(self.spec.keywords),
            "exclude_keywords": list(self.spec.exclude),
            "min_score": self.spec.min_score,
        }
        base.update(raw)
        return replace(resolve_profiles(parse_config(base))[0], max_papers=len(self.items))

    def context(self, **changes: Any) -> RankContext:
        return RankContext(collection=self.collection, dedupe_methods=("id",), **changes)


def feed_path(root: Path, feed: str, day: str) -> Path:
    return root / "arxiv-feeds" / day / "rss" / f"{feed}.xml"


@cache
def _day_items(root: Path, feed: str, day: str) -> tuple[tuple[Paper, Announcement], ...]:
    return tuple(load_day(feed_path(root, feed, day)))


def _earlier(root: Path, feed: str, day: str) -> list[Paper]:
    end = date.fromisoformat(day)
    seen: dict[str, Paper] = {}
    current = date(end.year, end.month, 1)
    while current < end:
        if feed_path(root, feed, current.isoformat()).exists():
            for paper, _ in _day_items(root, feed, current.isoformat()):
                seen.setdefault(paper.arxiv_id, paper)
        current += timedelta(days=1)
    return list(seen.values())


def cases(root: Path = FIXTURES) -> list[EvalCase]:
    """Every labelled (profile, day) with a profile in :data:`PROFILES`, sorted.

    ``root``: the large recorded set (whole feeds; the compact test set holds samples).
    """
    found: list[EvalCase] = []
    for label_file in sorted(LABELS.glob("*.jsonl")):
        name, day = label_file.stem.rsplit("_", 1)
        if name not in PROFILES:
            continue
        rows = [json.loads(line) for line in label_file.read_text().splitlines() if line]
        spec = PROFILES[name]
        items = list(_day_items(root, spec.feed, day))
        labels = {r["id"]: r["label"] for r in rows}
        found.append(EvalCase(name, spec, day, labels, items, root))
    return found


# --- methods -------------------------------------------------------------------------------

Method = Callable[[EvalCase], "list[str] | None"]


def original(case: EvalCase) -> list[str]:
    """The original bot: substring matches, +1/+0.5; any match keeps; sorted by score only."""
    scored: list[tuple[float, int, str]] = []
    for position, (paper, _) in enumerate(case.items):
        text = f"{paper.title} {paper.abstract}".lower()
        if any(word.lower() in text for word in case.spec.exclude):
            continue
        score = naive_score(paper, case.spec.keywords)
        if score > 0:  # it read min_score and never applied it
            scored.append((-score, position, paper.arxiv_id))
    return [arxiv_id for *_, arxiv_id in sorted(scored)]


def keywords(case: EvalCase) -> list[str]:
    result = rank_day(case.items, case.profile(), case.context())
    return [r.paper.arxiv_id for r in result.ranked]


def query(case: EvalCase) -> list[str]:
    # the query is the filter: a query user keeps every match (min_score 0)
    profile = case.profile(keywords=[], query=case.spec.query, min_score=0)
    result = rank_day(case.items, profile, case.context())
    return [r.paper.arxiv_id for r in result.ranked]


def _not_here(_case: EvalCase) -> list[str] | None:
    return None


_VECTORS: dict[tuple[str, str], bytes] = {}  # (model, arXiv id) -> float32 bytes


def _get_vectors(model: str, arxiv_ids: Sequence[str]) -> dict[str, bytes]:
    return {i: _VECTORS[model, i] for i in arxiv_ids if (model, i) in _VECTORS}


def _put_vectors(model: str, vectors: dict[str, bytes]) -> None:
    _VECTORS.update(((model, i), v) for i, v in vectors.items())


@cache
def _encoder() -> Encoder | None:
    return default_encoder(None)  # the lazy ONNX MiniLM: loads on its first encode


def _seed_papers(root: Path, feed: str, days: Sequence[str]) -> dict[str, Paper]:
    """The papers of the seed days: the profile's feed first, then any recorded feed (a
    liked paper may come from another listing, e.g. cs.CV for medical imaging)."""
    found: dict[str, Paper] = {}
    for day in days:
        others = sorted(p.stem for p in feed_path(root, feed, day).parent.glob("*.xml"))
        for name in dict.fromkeys([feed, *others]):
            for paper, _ in _day_items(root, name, day):
                found.setdefault(paper.arxiv_id, paper)
    return found


def semantic(case: EvalCase) -> list[str] | None:
    """Keywords plus similarity to the profile's five liked papers (default ``semantic``
    settings and weights); None without the ``semantic`` extra."""
    encoder = _encoder()
    if not case.spec.seeds or encoder is None or not semantic_available():
        return None
    profile = case.profile(semantic={"seeds": list(case.spec.seeds)})
    papers = _seed_papers(case.root, case.spec.feed, case.spec.seed_days)
    scorer, notes = build_semantic_scorer(
        profile.semantic,
        get_paper=papers.get,
        get_embeddings=_get_vectors,
        put_embeddings=_put_vectors,
        encoder=encoder,
    )
    if scorer is None or len(scorer.seeds) != len(case.spec.seeds):
        raise LookupError(f"{case.name}: seeds not in {case.spec.seed_days}: {notes}")
    result = rank_day(case.items, profile, case.context(semantic=scorer))
    return [r.paper.arxiv_id for r in result.ranked]


# "+judge": keywords (+ semantic) + an LLM judge through a local stand-in; its owner
# replaces this entry.
METHODS: dict[str, Method] = {
    "original": original,
    "keywords": keywords,
    "query": query,
    "+semantic": semantic,
    "+judge": judged,
}


# --- metrics -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scores:
    ndcg10: float
    ndcg30: float
    p10: float
    r30: float
    kept: int


def ndcg(ranked: Sequence[str], labels: dict[str, int], k: int) -> float:
    dcg = sum((2 ** labels.get(i, 0) - 1) / math.log2(r + 2) for r, i in enumerate(ranked[:k]))
    ideal = sorted(labels.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(r + 2) for r, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def scores(ranked: Sequence[str], labels: dict[str, int]) -> Scores:
    relevant = {i for i, g in labels.items() if g > 0}
    hits10 = sum(1 for i in ranked[:10] if i in relevant)
    hits30 = sum(1 for i in ranked[:30] if i in relevant)
    return Scores(
        ndcg(ranked, labels, 10),
        ndcg(ranked, labels, 30),
        hits10 / 10,
        hits30 / max(1, len(relevant)),
        len(ranked),
    )


def evaluate(
    names: Sequence[str] = tuple(METHODS), root: Path = FIXTURES
) -> list[tuple[EvalCase, dict[str, Scores | None]]]:
    """Each labelled case with each method's scores (None where the method is unavailable)."""
    rows: list[tuple[EvalCase, dict[str, Scores | None]]] = []
    for case in cases(root):
        row: dict[str, Scores | None] = {}
        for name in names:
            ranked = METHODS[name](case)
            row[name] = None if ranked is None else scores(ranked, case.labels)
        rows.append((case, row))
    return rows
