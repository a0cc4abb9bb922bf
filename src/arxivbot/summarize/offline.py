"""The offline fallback: the abstract's key sentences, picked by TextRank (no LLM, no data).

Used when there is no API key (and ``ai_summary.offline_fallback`` is on). The summary is
extractive — sentences of the abstract itself, in their original order — and says so in its
first line, so nobody mistakes it for an LLM's reading of the paper. About a millisecond
per paper: a regex sentence splitter and a few power iterations over a tiny graph.
"""

from __future__ import annotations

import math
import re
from datetime import datetime

from arxivbot.models import Paper, Summary, SummaryKey, SummarySource

OFFLINE_MODEL = "offline-textrank"
OFFLINE_PROMPT_HASH = "textrank-v1"

_LABELS = {
    "zh": "*摘要要点（从摘要中自动抽取，并非 LLM 生成）*",
    "en": "*Key sentences of the abstract (extracted automatically, not written by an LLM)*",
}
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:e\.g|i\.e|et al|etc|vs|cf|Fig|Figs|Eq|Eqs|Sec|Tab|No|approx|resp)\.|\b[A-Z]\.)$"
)
_BOUNDARY = re.compile(r"(?<=[.!?。！？])\s+(?=[\"'(\[A-Z0-9\u4e00-\u9fff])")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9-]+|\d+(?:\.\d+)?")
_STOP_WORDS = (
    "a an and are as at be by can for from has have in is it its of on or our that the "
    "their these this those to was we were which with while not but also than into"
)
_STOP = frozenset(_STOP_WORDS.split())


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph; abbreviations such as 'e.g.' and 'et al.' do not end one."""
    flat = " ".join(text.split())
    pieces = _BOUNDARY.split(flat)
    sentences: list[str] = []
    for piece in pieces:
        if sentences and _ABBREVIATIONS.search(sentences[-1]):
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            sentences.append(piece)
    return [s for s in sentences if s]


def textrank(sentences: list[str], *, damping: float = 0.85, iterations: int = 40) -> list[float]:
    """Scores from PageRank over sentence similarity (word overlap over log lengths)."""
    words = [{w.lower() for w in _WORD.findall(s)} - _STOP for s in sentences]
    n = len(sentences)
    weights = [
        [_similarity(words[i], words[j]) if i != j else 0.0 for j in range(n)] for i in range(n)
    ]
    out_sums = [sum(row) for row in weights]
    scores = [1.0 / n] * n if n else []
    for _ in range(iterations):
        scores = [
            (1 - damping) / n
            + damping
            * sum(weights[j][i] / out_sums[j] * scores[j] for j in range(n) if out_sums[j])
            for i in range(n)
        ]
    return scores


def _similarity(a: set[str], b: set[str]) -> float:
    if len(a) < 2 or len(b) < 2:
        return 0.0
    return len(a & b) / (math.log(len(a)) + math.log(len(b)))


def offline_text(paper: Paper, language: str, max_sentences: int = 3) -> str:
    sentences = split_sentences(paper.abstract)
    if len(sentences) > max_sentences:
        scores = textrank(sentences)
        best = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))[:max_sentences]
        sentences = [sentences[i] for i in sorted(best)]
    label = _LABELS.get(language.split("-")[0].lower(), _LABELS["en"])
    bullets = "\n".join(f"- {s}" for s in sentences) or "- (no abstract)"
    return f"{label}\n\n{bullets}\n"


def offline_summary(paper: Paper, language: str, created_at: datetime) -> Summary:
    """An extractive summary labelled as such (source OFFLINE, model ``offline-textrank``)."""
    key = SummaryKey(paper.arxiv_id, paper.version, OFFLINE_MODEL, OFFLINE_PROMPT_HASH, language)
    return Summary(key, offline_text(paper, language), SummarySource.OFFLINE, created_at)
