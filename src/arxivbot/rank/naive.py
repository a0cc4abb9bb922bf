"""The original bot's scorer, kept only to compare against in ``bench/``.

It lower-cases and tests ``keyword in text``: plain substring search, so "RL" is found in
"world" and "early". Do not use it for ranking.
"""

from __future__ import annotations

from collections.abc import Sequence

from arxivbot.models import Paper


def naive_score(paper: Paper, keywords: Sequence[str]) -> float:
    """+1 per keyword found in title or abstract, +0.5 more when in the title."""
    title = paper.title.lower()
    text = f"{title} {paper.abstract.lower()}"
    score = 0.0
    for keyword in keywords:
        word = keyword.lower()
        if word in text:
            score += 1.0
            if word in title:
                score += 0.5
    return score


def naive_keep(
    paper: Paper, keywords: Sequence[str], exclude: Sequence[str], min_score: float
) -> bool:
    """The original's filter: no excluded substring, and score ≥ min_score."""
    text = f"{paper.title} {paper.abstract}".lower()
    if any(word.lower() in text for word in exclude):
        return False
    return naive_score(paper, keywords) >= min_score
