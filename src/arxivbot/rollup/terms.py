"""Terms of a set of papers: counts, rising terms between periods, themes by clustering.

No LLM: a paper is the set of its content words and two-word phrases (title + abstract,
case-folded, function words and paper boilerplate dropped). Themes are groups of kept
papers whose TF-IDF vectors are close (greedy single-pass clustering, cosine ≥ a threshold,
deterministic in arXiv-id order), labelled by the terms that weigh most in the group
relative to the whole period.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from arxivbot.models import Paper
from arxivbot.rank.text import tokens

THEME_SIMILARITY = 0.12  # cosine to a theme's centroid that joins it (chosen on W25 2026)
MIN_RISING = 5  # a rising term needs this many papers in the period
_STOP_WORDS = """
    a an and are as at be been but by can do does for from has have how however in into is
    it its may more most not of on or our over such than that the their them then there
    these they this those through to under up via was we what when where which while who
    will with within without both each also all any new using use used based show shows
    shown propose proposed proposes present presents introduce introduces paper work study
    approach method methods results result model models framework task tasks data
    performance existing achieve achieves significantly state art furthermore moreover
    extensive experiments demonstrate code available https http github com www novel first
    two one across well remains key yet simple effective remarkable progress enabling
    public recent recently large widely without
"""
_STOP = frozenset(_STOP_WORDS.split())  # function words and paper boilerplate


@dataclass(frozen=True)
class RisingTerm:
    term: str
    papers: int  # in this period
    previous: int  # in the previous period
    ratio: float  # share now / share before (smoothed)


@dataclass(frozen=True)
class Theme:
    label: tuple[str, ...]  # its most distinctive terms, best first
    papers: tuple[Paper, ...]  # best first (as given)


def paper_terms(paper: Paper) -> frozenset[str]:
    """Content words (≥ 3 letters, not numbers) and adjacent pairs of them."""
    words = [t.casefold() for t in tokens(f"{paper.title}. {paper.abstract}")]
    content = [w if len(w) >= 3 and not w.isdigit() and w not in _STOP else "" for w in words]
    pairs = {f"{a} {b}" for a, b in itertools.pairwise(content) if a and b}
    return frozenset({w for w in content if w} | pairs)


def document_counts(papers: Iterable[Paper]) -> tuple[int, Counter[str]]:
    total, counts = 0, Counter[str]()
    for paper in papers:
        total += 1
        counts.update(paper_terms(paper))
    return total, counts


def rising_terms(
    now: tuple[int, Counter[str]], before: tuple[int, Counter[str]], limit: int = 10
) -> list[RisingTerm]:
    """Terms whose share of papers grew most; a phrase hides the words it contains."""
    total, counts = now
    prev_total, prev = before
    if not total or not prev_total:
        return []
    scored: list[tuple[float, RisingTerm]] = []
    for term, count in counts.items():
        if count < MIN_RISING:
            continue
        expected = (prev.get(term, 0) + 1) / (prev_total + 1) * total
        ratio = count / expected
        if ratio > 1.5:  # surprise: how far above the previous share, in standard errors
            surprise = (count - expected) / math.sqrt(expected + 1)
            scored.append((surprise, RisingTerm(term, count, prev.get(term, 0), round(ratio, 1))))
    scored.sort(key=lambda pair: (-pair[0], pair[1].term))
    kept: list[RisingTerm] = []
    for _, item in scored:
        if any(item.term in k.term.split() or k.term in item.term.split() for k in kept):
            continue  # "speculative decoding" and "decoding" say the same thing
        kept.append(item)
        if len(kept) == limit:
            break
    return kept


def themes(
    papers: Sequence[Paper], background: tuple[int, Counter[str]], limit: int = 6
) -> list[Theme]:
    """Groups of ``papers`` (best first) with a label each; singletons are not themes.

    Papers are compared on their words only (phrases make every pair look unrelated);
    the label may use phrases.
    """
    total, df = background
    terms = [paper_terms(p) for p in papers]
    vectors = [_tfidf(frozenset(t for t in ts if " " not in t), df, total) for ts in terms]
    groups: list[tuple[dict[str, float], list[int]]] = []
    for index, vector in enumerate(vectors):
        best = max(range(len(groups)), key=lambda g: _cosine(vector, groups[g][0]), default=None)
        if best is not None and _cosine(vector, groups[best][0]) >= THEME_SIMILARITY:
            centroid, members = groups[best]
            members.append(index)
            for term, weight in vector.items():
                centroid[term] = centroid.get(term, 0.0) + weight
        else:
            groups.append((dict(vector), [index]))
    found = [
        Theme(_label([terms[i] for i in members], df, total), tuple(papers[i] for i in members))
        for _, members in groups
        if len(members) >= 2
    ]
    found.sort(key=lambda t: -len(t.papers))
    return found[:limit]


def _tfidf(terms: frozenset[str], df: Counter[str], total: int) -> dict[str, float]:
    vector = {t: math.log((total + 1) / (df.get(t, 0) + 1)) for t in terms}
    norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
    return {t: w / norm for t, w in vector.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b.get(t, 0.0) for t, w in a.items())
    norm = math.sqrt(sum(w * w for w in b.values())) or 1.0
    return dot / norm


def _label(members: list[frozenset[str]], df: Counter[str], total: int) -> tuple[str, ...]:
    """Terms most of the group shares and the period rarely uses: share × idf, phrases first."""
    inside = Counter(term for terms in members for term in terms)
    floor = max(2, len(members) // 3)
    scored = sorted(
        (
            (-(count / len(members)) * math.log((total + 1) / (df.get(t, 0) + 1))
             * (1.5 if " " in t else 1.0), t)
            for t, count in inside.items()
            if count >= floor
        )
    )  # fmt: skip
    label: list[str] = []
    for _, term in scored:
        if any(term in chosen or chosen in term for chosen in label):
            continue
        label.append(term)
        if len(label) == 3:
            break
    return tuple(label)
