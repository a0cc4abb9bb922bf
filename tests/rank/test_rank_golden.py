"""Golden ranking: the exact output (ids, scores, components) of fixed profiles on recorded days.

The expected files under tests/data/rank_golden/ were first recorded from the
straightforward matcher before the token index was optimised, and regenerated when the
scorer became BM25F-style (issue 12); any change to what matches, or to a score, shows up
here. The seed profile's term statistics come from the other two golden days (a store).
Regenerate deliberately (and review the diff) with
``ARXIVBOT_UPDATE_RANK_GOLDEN=1 python -m pytest tests/rank/test_rank_golden.py``.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from rank_feeds import load_day

from arxivbot.config import Profile, parse_config, resolve_profiles
from arxivbot.models import Paper, RankedPaper
from arxivbot.rank import Collection, RankContext, RankResult, rank_day

GOLDEN_DIR = Path(__file__).resolve().parents[1] / "data" / "rank_golden"
FEED = "cs.AI+cs.CL+cs.DC+cs.LG"
DAYS = ("2026-06-02", "2026-06-09", "2026-06-16")
UPDATE = os.environ.get("ARXIVBOT_UPDATE_RANK_GOLDEN") == "1"

# Phrases, exact phrases, fields (on terms and groups), a wildcard, acronyms, weights,
# NOT and '-' exclusions, categories, comments and a followed/blocked author.
QUERY_PROFILE: dict[str, Any] = {
    "query": (
        '("speculative decoding"^3 OR ti:(KV cache, prefill)^2 OR quantiz* OR LLM inference^2 '
        'OR MoE OR RL OR "reinforcement learning" OR abs:(diffusion model*)^0.5 '
        "OR co:ICML OR (graph neural network AND NOT molecule)) AND cat:cs.* -survey"
    ),
    "exclude_query": "ti:(review OR tutorial) OR abs:benchmark^2 AND cat:cs.CV",
    "authors": {"follow": ["Y. Wang", "Zhang, Wei"], "block": ["J. Smith"]},
    "max_papers": 12,
}


def _store(fixtures: Path, day: str) -> Collection:
    """The other golden days' papers, as the store a run on ``day`` would have."""

    def papers() -> list[Paper]:
        return [
            paper
            for other in DAYS
            if other != day
            for paper, _ in load_day(fixtures / "arxiv-feeds" / other / "rss" / f"{FEED}.xml")
        ]

    return Collection(f"golden:{fixtures}:{day}", papers)


def _seed_profile(fixtures: Path) -> Profile:
    raw = json.loads((fixtures / "seed-config.json").read_text())
    return resolve_profiles(parse_config(raw))[0]


def _query_profile(fixtures: Path) -> Profile:
    raw = json.loads((fixtures / "seed-config.json").read_text())
    raw.update(keywords=[], exclude_keywords=[], min_score=0, **QUERY_PROFILE)
    return resolve_profiles(parse_config(raw))[0]


def _row(ranked: RankedPaper) -> list[Any]:
    parts = [[c.kind, c.label, c.field, c.contribution, c.detail] for c in ranked.components]
    return [ranked.rank, ranked.paper.arxiv_id, ranked.score, ranked.forced, parts]


def _as_json(cut: RankResult, full: RankResult) -> dict[str, Any]:
    """The digest as cut by ``max_papers`` in full; every match's id and score; a digest of all.

    ``full`` is the same ranking without the ``max_papers`` cut, so papers below the cut
    are compared too.
    """
    rows = [_row(r) for r in full.ranked]
    return {
        "matched": cut.matched,
        "dropped_followed": list(cut.dropped_followed),
        "ranked": [_row(r) for r in cut.ranked],
        "scores": [f"{r.paper.arxiv_id} {r.score}" for r in full.ranked],
        "sha256": hashlib.sha256(json.dumps(rows).encode()).hexdigest(),
    }


CASES = [(name, day) for name in ("seed", "query") for day in DAYS]


@pytest.mark.parametrize(("name", "day"), CASES, ids=[f"{n}-{d}" for n, d in CASES])
def test_ranking_matches_golden(fixtures: Path, name: str, day: str) -> None:
    candidates = load_day(fixtures / "arxiv-feeds" / day / "rss" / f"{FEED}.xml")
    if name == "seed":
        profile = _seed_profile(fixtures)
        context = RankContext(
            collection=_store(fixtures, day),
            dedupe_methods=("id", "title", "link"),
        )
    else:
        profile = _query_profile(fixtures)
        context = RankContext()
    cut = rank_day(candidates, profile, context)
    full = rank_day(candidates, replace(profile, max_papers=len(candidates)), context)
    got = _as_json(cut, full)
    path = GOLDEN_DIR / f"{name}_{day}.json"
    if UPDATE:
        path.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n")
    expected = json.loads(path.read_text())
    assert got["matched"] == expected["matched"]
    assert got["dropped_followed"] == expected["dropped_followed"]
    assert got["scores"] == expected["scores"]
    assert got["ranked"] == expected["ranked"]
    assert got["sha256"] == expected["sha256"]
