"""Ranking: which of a day's papers a reader sees, in what order, and why.

``rank_day(candidates, profile, context)`` applies, in this order: de-duplication, author
block list, ``exclude_keywords`` and ``exclude_query`` (always), the include ``query``,
the custom filter; then scores (terms, followed authors, semantic similarity, custom rule;
see :mod:`arxivbot.rank.score`) and keeps a paper in the query when (:func:`keeps`):

* a followed author forces it (``authors.force_include``: beats the query and
  ``min_score``, not block/exclude), or
* any of its terms is in the title, or
* its ``matched`` value on the original bot's scale (+1 per term found, +0.5 more in the
  title) is > 0 and ≥ ``min_score``: the original read ``min_score`` on that scale and
  never applied it, so its users' 2.5 keeps what it always meant, not a number on a
  different scale, or
* a recall part (a followed author, a semantic match, a custom rule, a reranker's verdict)
  gave it a positive contribution.

A profile with no rules keeps everything (when ``min_score ≤ 0``). Rerankers
(``context.rerankers``, e.g. an LLM judge) then see the kept papers best first and may add
components; the list is sorted by score (ties by arXiv id) and cut at ``max_papers``,
reporting followed authors' papers that the cut dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from arxivbot.config import Profile
from arxivbot.models import Announcement, Paper, RankedPaper, ScoreComponent
from arxivbot.rank.custom import CustomRules, paper_view
from arxivbot.rank.dedupe import dedupe, normalised_title
from arxivbot.rank.document import PaperText
from arxivbot.rank.query import Query, parse_query
from arxivbot.rank.score import (
    CompiledProfile,
    TermScore,
    TermScorer,
    author_components,
)
from arxivbot.rank.semantic import (
    OFF_NOTE,
    SemanticScorer,
    Similarity,
    build_semantic_scorer,
    semantic_available,
)
from arxivbot.rank.stats import Collection, CollectionStats, collection_stats

__all__ = [
    "Collection",
    "CollectionStats",
    "CompiledProfile",
    "Query",
    "RankContext",
    "RankResult",
    "Reranker",
    "SemanticScorer",
    "build_semantic_scorer",
    "dedupe",
    "normalised_title",
    "parse_query",
    "rank_day",
]


# Parts that add papers by themselves (when positive), besides a term in the title
RECALL_KINDS = frozenset({"author", "semantic", "custom", "judge"})

# A reranker sees the kept papers best first and returns extra components per arXiv id
# (e.g. an LLM judge's verdict on the top K). It must not drop or reorder anything itself.
Reranker = Callable[[Sequence[RankedPaper], Profile], Mapping[str, Sequence[ScoreComponent]]]


@dataclass(frozen=True)
class RankContext:
    """What ranking needs from outside: collection statistics, semantic scorer, feedback."""

    collection: Collection | None = None  # stored papers for term statistics
    semantic: SemanticScorer | None = None
    feedback: Mapping[str, int] = field(default_factory=dict)
    dedupe_methods: tuple[str, ...] = ("id",)
    custom_search_paths: tuple[Path, ...] = ()  # e.g. the config file's folder
    rerankers: tuple[Reranker, ...] = ()


@dataclass(frozen=True)
class RankResult:
    ranked: tuple[RankedPaper, ...]
    matched: int
    dropped_followed: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def _passes_filters(
    doc: PaperText, compiled: CompiledProfile, rules: CustomRules, view: dict[str, Any]
) -> bool:
    if compiled.block.find(doc.paper.authors):
        return False
    if compiled.exclude_matcher.any_found(doc):
        return False
    if compiled.exclude is not None and compiled.exclude.matches(doc):
        return False
    return rules.keep(view)


@dataclass(frozen=True)
class _Survivor:
    """A paper past the filters with what its text says, so its tokens can be let go.

    Keeping every paper's token index until the semantic pass made ranking a large batch
    (a corpus) hold millions of strings, and the garbage collector walked them all.
    """

    paper: Paper
    announcement: Announcement
    view: dict[str, Any]
    text_components: list[ScoreComponent]  # terms, then followed authors
    terms: TermScore
    followed: bool
    in_query: bool


def rank_day(
    candidates: Sequence[tuple[Paper, Announcement]], profile: Profile, context: RankContext
) -> RankResult:
    compiled = CompiledProfile.of(profile)
    rules = CustomRules.of(profile, context.custom_search_paths)
    unique = dedupe(candidates, {"id", *context.dedupe_methods})
    # the day counts in the statistics too; tokenised again below rather than kept, so a
    # large batch never holds every paper's tokens at once (see _Survivor)
    day = (PaperText(paper) for paper, _ in unique)
    stats = collection_stats(context.collection, day, compiled.scoring_terms)
    scorer = TermScorer(compiled, stats, profile)
    survivors: list[_Survivor] = []
    for paper, announcement in unique:
        doc = PaperText(paper)
        # the original's paper dict is only for user hooks: skip building it without any
        view = paper_view(paper, announcement) if rules.active else {}
        if _passes_filters(doc, compiled, rules, view):
            survivors.append(_read(doc, announcement, view, compiled, scorer, profile))
    semantic = context.semantic
    sims = semantic.similarities([s.paper for s in survivors]) if semantic else {}
    has_rules = compiled.has_rules or semantic is not None or rules.score_hook is not None
    kept: list[RankedPaper] = []
    for survivor in survivors:
        ranked = _score(survivor, rules, profile, context, sims)
        if keeps(survivor, ranked, profile, has_rules):
            kept.append(ranked)
    kept = _rerank(_sorted(kept), profile, context.rerankers)
    top = tuple(replace(r, rank=i) for i, r in enumerate(kept[: profile.max_papers], start=1))
    dropped = tuple(
        r.paper.arxiv_id
        for r in kept[profile.max_papers :]
        if any(c.kind == "author" for c in r.components)
    )
    return RankResult(top, len(kept), dropped, tuple(_notes(profile, context, rules)))


def keeps(survivor: _Survivor, ranked: RankedPaper, profile: Profile, has_rules: bool) -> bool:
    """The keep rule of the module doc."""
    if ranked.forced:
        return True
    if not survivor.in_query:
        return False
    if not has_rules:
        return profile.min_score <= 0
    terms = survivor.terms
    if terms.in_title or (terms.matched > 0 and terms.matched >= profile.min_score):
        return True
    return any(c.kind in RECALL_KINDS and c.contribution > 0 for c in ranked.components)


def _sorted(papers: list[RankedPaper]) -> list[RankedPaper]:
    return sorted(papers, key=lambda r: (-r.score, r.paper.arxiv_id))


def _rerank(
    kept: list[RankedPaper], profile: Profile, rerankers: Sequence[Reranker]
) -> list[RankedPaper]:
    """Each reranker's components added to the papers it judged, then sorted again."""
    for reranker in rerankers:
        extra = reranker(kept, profile)
        if not extra:
            continue
        kept = _sorted([_with(r, extra.get(r.paper.arxiv_id, ())) for r in kept])
    return kept


def _with(ranked: RankedPaper, extra: Sequence[ScoreComponent]) -> RankedPaper:
    if not extra:
        return ranked
    components = (*ranked.components, *extra)
    score = round(sum(c.contribution for c in components), 4)
    return replace(ranked, components=components, score=score)


def _read(
    doc: PaperText,
    announcement: Announcement,
    view: dict[str, Any],
    compiled: CompiledProfile,
    scorer: TermScorer,
    profile: Profile,
) -> _Survivor:
    """Everything ranking needs from the paper's text: term and author parts, the query."""
    terms = scorer.score(doc)
    authors = author_components(doc, compiled, profile)
    in_query = compiled.include is None or compiled.include.matches(doc)
    return _Survivor(
        doc.paper,
        announcement,
        view,
        terms.components + authors,
        terms,
        bool(authors),
        in_query,
    )


def _score(
    survivor: _Survivor,
    rules: CustomRules,
    profile: Profile,
    context: RankContext,
    sims: Mapping[str, Similarity],
) -> RankedPaper:
    components = list(survivor.text_components)
    if context.semantic is not None:
        similarity = sims.get(survivor.paper.arxiv_id)
        components += context.semantic.components(similarity, profile)
    custom = rules.score(survivor.view)
    if custom:
        components.append(ScoreComponent("custom", rules.label_score, "", round(custom, 4)))
    score = round(sum(c.contribution for c in components), 4)
    forced = survivor.followed and profile.authors.force_include
    return RankedPaper(
        survivor.paper, survivor.announcement, score, tuple(components), forced=forced
    )


def _notes(profile: Profile, context: RankContext, rules: CustomRules) -> list[str]:
    notes = rules.notes()
    wants_semantic = bool(
        profile.semantic.seeds
        or profile.semantic.bibtex
        or profile.semantic.csl_json
        or any(v > 0 for v in context.feedback.values())
    )
    if (
        context.semantic is None
        and wants_semantic
        and profile.semantic.enabled != "off"
        and not semantic_available()
    ):
        notes.append(OFF_NOTE)
    return notes
