"""A quality floor per profile on the hand-labelled days, so a ranking regression fails CI.

The floors are the golden figures of ``python bench/eval_rank.py`` (keywords, default
weights; docs/ranking.md) minus 0.02 of slack for harmless reorderings. Raise them when
the ranking gets better; never lower them to make a change pass without saying why.
"""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest
from rank_eval import PROFILES, Scores, evaluate

# profile: (mean nDCG@30, mean R@30) of the keywords ranking, as measured
GOLDEN = {
    "gen-vision": (0.85, 0.69),
    "llm-agents": (0.77, 0.57),
    "llm-inference": (0.75, 0.54),
    "medical-imaging": (0.81, 0.81),
    "ml-systems": (0.64, 0.55),
    "theory": (0.57, 0.44),
}
SLACK = 0.02


@pytest.fixture(scope="module")
def rows(shared_fixtures: Path) -> list[tuple[str, str, Scores, Scores]]:
    found = []
    for case, row in evaluate(("original", "keywords"), shared_fixtures):
        original, keywords = row["original"], row["keywords"]
        assert original is not None and keywords is not None
        found.append((case.name, case.day, original, keywords))
    return found


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_keywords_keep_their_quality_floor(
    rows: list[tuple[str, str, Scores, Scores]], name: str
) -> None:
    mine = [k for n, _, _, k in rows if n == name]
    assert len(mine) >= 2, f"labels for {name} are missing"
    ndcg = statistics.fmean(s.ndcg30 for s in mine)
    recall = statistics.fmean(s.r30 for s in mine)
    floor_ndcg, floor_recall = GOLDEN[name]
    assert ndcg >= floor_ndcg - SLACK, f"{name}: mean nDCG@30 {ndcg:.3f} < {floor_ndcg}"
    assert recall >= floor_recall - SLACK, f"{name}: mean R@30 {recall:.3f} < {floor_recall}"


def test_keywords_beat_the_original_bot(rows: list[tuple[str, str, Scores, Scores]]) -> None:
    assert set(GOLDEN) == set(PROFILES)
    for name in GOLDEN:
        mine = [(o, k) for n, _, o, k in rows if n == name]
        assert statistics.fmean(k.ndcg30 for _, k in mine) > statistics.fmean(
            o.ndcg30 for o, _ in mine
        ), name
    for name, day, original, keywords in rows:
        assert keywords.r30 >= original.r30, f"{name} {day}: recall@30 below the original's"
