"""Ranking: which of a day's papers a reader sees, in what order, and why.

``rank_day(candidates, profile, context)`` applies, in this order: de-duplication, author
block list, ``exclude_keywords`` and ``exclude_query`` (always), the include ``query``,
the custom filter; then scores (terms, followed authors, semantic similarity, custom rule),
keeps papers with ``score ≥ min_score`` (and > 0 when the profile has any rule) or forced
by a followed author (``authors.force_include``: beats the query and ``min_score``, not
block/exclude), sorts by score (ties by arXiv id) and cuts at ``max_papers``, reporting
followed authors' papers that the cut dropped.
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
    author_components,
    semantic_components,
    term_components,
)
from arxivbot.rank.semantic import (
    OFF_NOTE,
    SemanticScorer,
    Similarity,
    build_semantic_scorer,
    semantic_available,
)

__all__ = [
    "CompiledProfile",
    "Query",
    "RankContext",
    "RankResult",
    "SemanticScorer",
    "build_semantic_scorer",
    "dedupe",
    "normalised_title",
    "parse_query",
    "rank_day",
]


def _no_frequency(_phrase: str) -> int:
    return 0


@dataclass(frozen=True)
class RankContext:
    """What ranking needs from outside: store statistics, the semantic scorer, feedback."""

    document_frequency: Callable[[str], int] = _no_frequency
    total_documents: int = 0
    semantic: SemanticScorer | None = None
    feedback: Mapping[str, int] = field(default_factory=dict)
    dedupe_methods: tuple[str, ...] = ("id",)
    custom_search_paths: tuple[Path, ...] = ()  # e.g. the config file's folder


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
    followed: bool
    in_query: bool


def rank_day(
    candidates: Sequence[tuple[Paper, Announcement]], profile: Profile, context: RankContext
) -> RankResult:
    compiled = CompiledProfile.of(profile, context.document_frequency, context.total_documents)
    rules = CustomRules.of(profile, context.custom_search_paths)
    unique = dedupe(candidates, {"id", *context.dedupe_methods})
    survivors: list[_Survivor] = []
    for paper, announcement in unique:
        doc = PaperText(paper)
        # the original's paper dict is only for user hooks: skip building it without any
        view = paper_view(paper, announcement) if rules.active else {}
        if _passes_filters(doc, compiled, rules, view):
            survivors.append(_read(doc, announcement, view, compiled, profile))
    scorer = context.semantic
    sims = scorer.similarities([s.paper for s in survivors]) if scorer else {}
    has_rules = compiled.has_rules or scorer is not None or rules.score_hook is not None
    kept: list[RankedPaper] = []
    for survivor in survivors:
        ranked = _score(survivor, rules, profile, context, sims)
        enough = ranked.score >= profile.min_score and (ranked.score > 0 or not has_rules)
        if ranked.forced or (survivor.in_query and enough):
            kept.append(ranked)
    kept.sort(key=lambda r: (-r.score, r.paper.arxiv_id))
    top = tuple(replace(r, rank=i) for i, r in enumerate(kept[: profile.max_papers], start=1))
    dropped = tuple(
        r.paper.arxiv_id
        for r in kept[profile.max_papers :]
        if any(c.kind == "author" for c in r.components)
    )
    return RankResult(top, len(kept), dropped, tuple(_notes(profile, context, rules)))


def _read(
    doc: PaperText,
    announcement: Announcement,
    view: dict[str, Any],
    compiled: CompiledProfile,
    profile: Profile,
) -> _Survivor:
    """Everything ranking needs from the paper's text: term and author parts, the query."""
    components = term_components(doc, compiled, profile)
    authors = author_components(doc, compiled, profile)
    in_query = compiled.include is None or compiled.include.matches(doc)
    return _Survivor(doc.paper, announcement, view, components + authors, bool(authors), in_query)


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
        components += semantic_components(similarity, context.semantic, profile)
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
