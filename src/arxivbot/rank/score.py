"""Combine the parts of a score and rank one announcement day for one profile.

score = Σ terms + Σ followed authors + semantic − dislike penalty + custom rule

* A term found in the title or abstract adds ``weights.keyword × w × s``; found in the
  title it adds ``weights.title_bonus × w × s`` more (the original +1 / +0.5 scale), where
  ``w`` is the term's query weight (``^3``) and ``s`` its specificity (below). A term with
  a field prefix adds ``keyword × w`` when found in that field (``ti:`` adds the title
  bonus too). Each term counts once per paper, however often it occurs.
* Specificity (``weights.specificity``): ``idf = ln((N + 1) / (df + 1))`` from the store's
  document frequencies, divided by the mean idf of the profile's text terms (so the
  profile's average term still weighs 1.0 and ``min_score`` keeps its meaning), clamped to
  ``[specificity_min, specificity_max]``. With an empty store every factor is 1.0.
* A followed author adds ``weights.author`` (once per followed author found).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from arxivbot.config import Profile
from arxivbot.errors import QueryError
from arxivbot.models import ScoreComponent
from arxivbot.rank.authors import AuthorList
from arxivbot.rank.document import PaperText
from arxivbot.rank.match import TermMatcher
from arxivbot.rank.query import Query, Term, keywords_query, parse_query
from arxivbot.rank.semantic import SemanticScorer, Similarity, ramp
from arxivbot.rank.text import word_matches


def _parse(text: str | None, key: str) -> Query | None:
    if not text or not text.strip():
        return None
    try:
        return parse_query(text)
    except QueryError as exc:
        raise QueryError(f"{key}: {exc.message}", query=exc.query, position=exc.position) from None


def _same_term(a: Term, b: Term) -> bool:
    """Terms matching the same words (``Decode``/``Decoding``, ``framework``/``Framework``)."""
    if (a.field, a.exact, a.prefix) != (b.field, b.exact, b.prefix):
        return False
    wa, wb = a.match_words, b.match_words
    return len(wa) == len(wb) and all(
        word_matches(x, y, exact=a.exact) and word_matches(y, x, exact=a.exact)
        for x, y in zip(wa, wb, strict=True)
    )


def unique_terms(terms: Sequence[Term]) -> list[Term]:
    kept: list[Term] = []
    for term in terms:
        if not any(_same_term(term, other) for other in kept):
            kept.append(term)
    return kept


@dataclass(frozen=True)
class CompiledProfile:
    """A profile's rules parsed once per run."""

    include: Query | None
    exclude: Query | None
    exclude_terms: tuple[Term, ...]
    scoring_terms: tuple[Term, ...]
    specificity: dict[Term, float]
    follow: AuthorList
    block: AuthorList
    # the term lists compiled for matching many papers (derived from the fields above)
    scoring_matcher: TermMatcher = field(init=False, repr=False, compare=False)
    exclude_matcher: TermMatcher = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "scoring_matcher", TermMatcher(self.scoring_terms))
        object.__setattr__(self, "exclude_matcher", TermMatcher(self.exclude_terms))

    @property
    def has_rules(self) -> bool:
        return bool(self.scoring_terms or self.follow.entries)

    @classmethod
    def of(
        cls, profile: Profile, document_frequency: Callable[[str], int], total: int
    ) -> CompiledProfile:
        include = _parse(profile.query, "query")
        keywords = keywords_query(list(profile.keywords))
        excluded = keywords_query(list(profile.exclude_keywords))
        terms = list(keywords.positive_terms() if keywords else ())
        terms += include.positive_terms() if include else ()
        scoring = unique_terms(terms)
        return cls(
            include=include,
            exclude=_parse(profile.exclude_query, "exclude_query"),
            exclude_terms=excluded.positive_terms() if excluded else (),
            scoring_terms=tuple(scoring),
            specificity=specificity(scoring, profile, document_frequency, total),
            follow=AuthorList.of(profile.authors.follow),
            block=AuthorList.of(profile.authors.block),
        )


def specificity(
    terms: Sequence[Term], profile: Profile, document_frequency: Callable[[str], int], total: int
) -> dict[Term, float]:
    """Per-term factor, normalised so the mean text term is 1.0 (see the module doc)."""
    weights = profile.weights
    text_terms = [t for t in terms if t.field not in ("au", "cat")]
    if not weights.specificity or total <= 0 or not text_terms:
        return {t: 1.0 for t in terms}
    idf: dict[Term, float] = {}
    for term in text_terms:
        phrase = " ".join(term.match_words) + ("*" if term.prefix else "")
        try:
            df = max(0, min(total, int(document_frequency(phrase))))
        except Exception:  # a store that cannot count this phrase: treat it as typical
            continue
        idf[term] = math.log((total + 1) / (df + 1))
    mean = sum(idf.values()) / len(idf) if idf else 0.0
    factors = {t: 1.0 for t in terms}
    if mean <= 0:
        return factors
    for term, value in idf.items():
        factors[term] = min(weights.specificity_max, max(weights.specificity_min, value / mean))
    return factors


def term_components(
    doc: PaperText, compiled: CompiledProfile, profile: Profile
) -> list[ScoreComponent]:
    weights = profile.weights
    found: list[ScoreComponent] = []
    for term, fields in compiled.scoring_matcher.found(doc):
        spec = compiled.specificity.get(term, 1.0)
        in_title = "title" in fields
        factor = weights.keyword + (weights.title_bonus if in_title else 0.0)
        value = factor * term.weight * spec
        where = "title" if in_title else fields[0]
        detail = f"found in {', '.join(fields)}; weight {term.weight:g} × specificity {spec:.2f}"
        found.append(ScoreComponent("term", term.label, where, round(value, 4), detail))
    return found


def author_components(
    doc: PaperText, compiled: CompiledProfile, profile: Profile
) -> list[ScoreComponent]:
    return [
        ScoreComponent("author", author, "authors", profile.weights.author, f"follows {entry!r}")
        for entry, author in compiled.follow.find(doc.paper.authors)
    ]


def semantic_components(
    similarity: Similarity | None, scorer: SemanticScorer, profile: Profile
) -> list[ScoreComponent]:
    if similarity is None or similarity.best_seed is None:
        return []
    config, weights = profile.semantic, profile.weights
    combined = scorer.combined(similarity)
    out: list[ScoreComponent] = []
    value = weights.semantic * ramp(combined, config.min_similarity, config.full_similarity)
    if value > 0:
        detail = f"cosine {similarity.best:.2f} best, {similarity.mean:.2f} recency-weighted mean"
        out.append(
            ScoreComponent("semantic", similarity.best_seed.title, "", round(value, 4), detail)
        )
    if similarity.negative_seed is not None:
        penalty = weights.negative * ramp(
            similarity.negative, config.min_similarity, config.full_similarity
        )
        if penalty > 0:
            detail = f"similar to a paper you disliked (cosine {similarity.negative:.2f})"
            out.append(
                ScoreComponent(
                    "penalty", similarity.negative_seed.title, "", -round(penalty, 4), detail
                )
            )
    return out
