"""The keyword part of a score (BM25F-style), and the other parts the ranker sums.

score = Σ terms (discounted) + Σ followed authors + semantic − dislike penalty + custom rule
        + whatever a reranker adds (see ``RankContext.rerankers``)

Each scoring term (a ``keywords`` entry or a positive ``query`` term) found in a paper is
worth ``weights.keyword × w × s × f`` (docs/ranking.md has worked examples):

* ``w``: the term's query weight (``^3``), 1 for keywords.
* ``f``, the field evidence: ``tf = Σ field weight × occurrences / length norm`` over the
  title (``weights.title``), the abstract (``weights.abstract``, its length normalised
  BM25-style with ``weights.b`` against the collection's mean abstract) and, when
  ``weights.comment > 0``, the comments; saturated as ``tf / (k1 + tf)`` and divided by
  the saturation of one title occurrence, so a term once in the title has ``f = 1.0``, once
  in the abstract about 0.5, never more than ``(k1 + title) / title`` (1.3).
* ``s``, specificity: BM25's ``idf = ln(1 + (N − df + 0.5) / (df + 0.5))`` from collection
  statistics counted with this matcher (:mod:`arxivbot.rank.stats`), divided by the idf of a
  term in ``weights.specificity_full`` of papers (5 %) and clamped to
  ``[weights.specificity_min, 1]``. Never relative to the profile's other terms, so adding
  a keyword does not change the others' values. With fewer than 100 papers of statistics
  (a first run on a tiny feed) ``s = 1``.
* Words of a multi-word term (``LLM agents`` → ``LLM``, ``agents``; stop words and
  hyphenated compounds are not split) score alone with ``weights.partial`` of the weight,
  only when the phrase itself is absent, and never keep a paper by themselves.
* Near-duplicate terms (``Efficient``/``Efficiency``, ``RL``/``RLHF``: one rule in
  :func:`arxivbot.rank.text.near_duplicate_words`) form one group, worth its best member.
* Bounded total: groups are sorted by value and the i-th (from 0) counts
  ``weights.more_terms ** i`` of its value, so many generic words add at most
  ``1 / (1 − more_terms)`` times the best one: common words (specificity ≤ 0.3) need
  several to rival one precise title match.
* ``cat:`` and ``has:`` terms add ``keyword × w``; ``au:`` terms count as a title occurrence.

:class:`TermScore` also carries what decides whether a paper is kept: whether any term is
in the title, and ``matched``, the original bot's scale (+1 per term found, +0.5 more when
in the title) that ``min_score`` is read on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from arxivbot.config import Profile
from arxivbot.config.model import WeightsConfig
from arxivbot.errors import QueryError
from arxivbot.models import ScoreComponent
from arxivbot.rank.authors import AuthorList
from arxivbot.rank.document import PaperText
from arxivbot.rank.match import TermMatcher
from arxivbot.rank.query import Query, Term, keywords_query, parse_query
from arxivbot.rank.semantic import SemanticScorer, Similarity, ramp
from arxivbot.rank.stats import CollectionStats
from arxivbot.rank.text import is_acronym, near_duplicate_words, tokens, word_matches


def _parse(text: str | None, key: str) -> Query | None:
    if not text or not text.strip():
        return None
    try:
        return parse_query(text)
    except QueryError as exc:
        raise QueryError(f"{key}: {exc.message}", query=exc.query, position=exc.position) from None


def _same_shape(a: Term, b: Term) -> bool:
    return (a.field, a.exact, a.prefix, len(a.match_words)) == (
        b.field,
        b.exact,
        b.prefix,
        len(b.match_words),
    )


def _same_term(a: Term, b: Term) -> bool:
    """Terms matching the same words (``Decode``/``Decoding``, ``framework``/``Framework``)."""
    return _same_shape(a, b) and all(
        word_matches(x, y, exact=a.exact) and word_matches(y, x, exact=a.exact)
        for x, y in zip(a.match_words, b.match_words, strict=True)
    )


def _near_duplicates(a: Term, b: Term) -> bool:
    """Terms naming the same idea word by word (``Efficient``/``Efficiency``, ``RL``/``RLHF``)."""
    return _same_shape(a, b) and all(
        near_duplicate_words(x, y) for x, y in zip(a.match_words, b.match_words, strict=True)
    )


def unique_terms(terms: Sequence[Term]) -> list[Term]:
    kept: list[Term] = []
    for term in terms:
        if not any(_same_term(term, other) for other in kept):
            kept.append(term)
    return kept


# Function words never scored alone when a multi-word term is split into its words
STOP_WORDS = frozenset(
    (
        *("a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into"),
        *("is", "it", "of", "on", "or", "over", "the", "to", "under", "via", "with"),
    )
)


def part_terms(terms: Sequence[Term], weight: float) -> list[Term]:
    """The content words of unquoted multi-word terms, each a term of ``weight`` × its own.

    ``LLM agents`` also finds ``agent`` alone (a bag-of-words back-off, as in BM25): a paper
    on "an agent framework" is evidence for a reader of LLM agents, weaker than the phrase.
    """
    if weight <= 0:
        return []
    parts: list[Term] = []
    for term in terms:
        # the words as the user spaced them: "text-to-image" stays one compound
        words = [w for w in term.words if len(tokens(w)) == 1]
        if len(term.words) < 2 or term.exact or term.field in ("au", "cat", "has"):
            continue
        for word in words:
            if word.casefold() in STOP_WORDS or (len(word) < 3 and not is_acronym(word)):
                continue
            prefix = term.prefix and word == term.words[-1]
            parts.append(Term((word,), term.field, term.weight * weight, prefix=prefix))
    return parts


def _parents(part: Term, whole: Sequence[Term]) -> tuple[Term, ...]:
    """The multi-word terms ``part`` is a word of (a part only backs off for them)."""
    word = part.words[0]
    return tuple(
        t for t in whole if len(t.words) > 1 and any(word_matches(word, w) for w in t.words)
    )


def term_groups(terms: Sequence[Term]) -> dict[Term, int]:
    """Each term's group: the index of the first earlier term it is a near-duplicate of."""
    groups: dict[Term, int] = {}
    for i, term in enumerate(terms):
        groups[term] = next(
            (groups[other] for other in terms[:i] if _near_duplicates(term, other)), i
        )
    return groups


@dataclass(frozen=True)
class CompiledProfile:
    """A profile's rules parsed once per run."""

    include: Query | None
    exclude: Query | None
    exclude_terms: tuple[Term, ...]
    scoring_terms: tuple[Term, ...]  # the user's terms, then the words of multi-word ones
    parts: dict[Term, tuple[Term, ...]]  # those words → their phrases; never keep a paper
    groups: dict[Term, int]
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
    def of(cls, profile: Profile) -> CompiledProfile:
        include = _parse(profile.query, "query")
        keywords = keywords_query(list(profile.keywords))
        excluded = keywords_query(list(profile.exclude_keywords))
        terms = list(keywords.positive_terms() if keywords else ())
        terms += include.positive_terms() if include else ()
        whole = unique_terms(terms)
        scoring = unique_terms(whole + part_terms(whole, profile.weights.partial))
        return cls(
            include=include,
            exclude=_parse(profile.exclude_query, "exclude_query"),
            exclude_terms=excluded.positive_terms() if excluded else (),
            scoring_terms=tuple(scoring),
            parts={part: _parents(part, whole) for part in scoring[len(whole) :]},
            groups=term_groups(scoring),
            follow=AuthorList.of(profile.authors.follow),
            block=AuthorList.of(profile.authors.block),
        )


MIN_DOCUMENTS = 100  # fewer papers than this say nothing reliable about rarity


def _idf(df: float, total: int) -> float:
    return math.log(1 + (total - df + 0.5) / (df + 0.5))


def specificity(term: Term, stats: CollectionStats, weights: WeightsConfig) -> float:
    """``idf / idf(specificity_full)`` clamped to ``[specificity_min, 1]`` (module doc)."""
    if not weights.specificity or stats.total < MIN_DOCUMENTS or term.field in ("au", "cat", "has"):
        return 1.0
    full = _idf(weights.specificity_full * stats.total, stats.total)
    value = _idf(stats.document_frequency(term), stats.total) / full if full > 0 else 1.0
    return min(1.0, max(weights.specificity_min, value))


@dataclass(frozen=True)
class TermScore:
    """The term components of one paper and what decides whether it is kept."""

    components: list[ScoreComponent]
    in_title: bool  # some scoring term occurs in the title: that keeps the paper
    matched: float  # the original's scale: +1 per term found, +0.5 more in the title


@dataclass(frozen=True)
class _Hit:
    term: Term
    value: float
    where: str
    detail: str


class TermScorer:
    """The BM25F-style term part of a score for one profile and one set of statistics."""

    def __init__(self, compiled: CompiledProfile, stats: CollectionStats, profile: Profile):
        self._compiled = compiled
        self._weights = weights = profile.weights
        self._mean_abstract = stats.mean_abstract_tokens
        self._specificity = {t: specificity(t, stats, weights) for t in compiled.scoring_terms}
        self._shares = {t: stats.share(t) for t in compiled.scoring_terms}
        self._total = stats.total
        self._title_saturation = _saturation(weights.title, weights.k1)

    def score(self, doc: PaperText) -> TermScore:
        hits: dict[int, list[_Hit]] = {}
        in_title = False
        matched = 0.0
        parts = self._compiled.parts
        found = self._compiled.scoring_matcher.found(doc)
        whole = {term for term, _ in found if term not in parts}
        for term, fields in found:
            title = "title" in fields
            if term in parts:
                if any(parent in whole for parent in parts[term]):
                    continue  # the phrase itself is there: its words add nothing more
            else:
                in_title = in_title or title
                matched += 1.5 if title else 1.0
            group = self._compiled.groups.get(term, -1)
            hits.setdefault(group, []).append(self._hit(term, fields, doc))
        best = [max(group, key=lambda h: h.value) for group in hits.values()]
        best.sort(key=lambda h: -h.value)
        more = self._weights.more_terms
        components = [
            ScoreComponent(
                "term",
                hit.term.label,
                hit.where,
                round(hit.value * more**i, 4),
                hit.detail + (f"; term {i + 1} counts ×{more**i:.2g}" if i else ""),
            )
            for i, hit in enumerate(best)
        ]
        return TermScore(components, in_title, matched)

    def _hit(self, term: Term, fields: list[str], doc: PaperText) -> _Hit:
        weights = self._weights
        where = "title" if "title" in fields else fields[0]
        if term.field in ("cat", "has"):
            kind = "category" if term.field == "cat" else "link"
            return _Hit(term, weights.keyword * term.weight, where, kind)
        evidence, counted = self._evidence(term, fields, doc)
        spec = self._specificity.get(term, 1.0)
        value = weights.keyword * term.weight * spec * evidence
        detail = f"{counted}; field evidence {evidence:.2f} × specificity {spec:.2f}"
        if self._total and weights.specificity:
            detail += f" (in {self._shares.get(term, 0.0):.1%} of {self._total:,} papers)"
        if term.weight != 1:
            detail += f" × weight {term.weight:g}"
        return _Hit(term, value, where, detail)

    def _evidence(self, term: Term, fields: list[str], doc: PaperText) -> tuple[float, str]:
        """Saturated, field-weighted term frequency; 1.0 = once in the title."""
        weights = self._weights
        counts = doc.term_counts(term) if term.field != "au" else {"authors": 1}
        if term.field is None and weights.comment > 0:
            extra = doc.comment.count(term.phrase)
            if extra:
                counts["comment"] = extra
        tf = 0.0
        for name, count in counts.items():
            tf += self._field_weight(name, term) * count / self._length_norm(name, doc)
        counted = ", ".join(f"{name} ×{count}" for name, count in counts.items())
        return _saturation(tf, weights.k1) / self._title_saturation, counted

    def _field_weight(self, name: str, term: Term) -> float:
        weights = self._weights
        if name in ("title", "authors"):  # an author a term names counts like the title
            return weights.title
        if name == "abstract":
            return weights.abstract
        if name == "comment" and term.field is None:
            return weights.comment
        return 1.0  # a field the user asked for by prefix (co:, jr:) counts as the abstract

    def _length_norm(self, name: str, doc: PaperText) -> float:
        """BM25's ``1 − b + b × length / mean`` for the abstract; titles are all short."""
        if name != "abstract" or self._mean_abstract <= 0:
            return 1.0
        b = self._weights.b
        return 1 - b + b * len(doc.abstract.folded) / self._mean_abstract


def _saturation(tf: float, k1: float) -> float:
    return tf / (k1 + tf) if tf > 0 else 0.0


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
