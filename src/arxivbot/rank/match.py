"""Many terms against one paper at once.

A profile has dozens of terms and a day (or a corpus) thousands of papers; asking every
term about every paper is what made ranking slow. A :class:`TermMatcher` compiles a list
of terms once: every case-folded spelling the first word of each title/abstract term can
take goes into one set, so a single set intersection per field finds the few terms that
can occur in a paper. Only those are matched in full (phrases, acronyms); a plain
one-word term is decided by the intersection itself. The result is the same as asking
:meth:`PaperText.term_fields` for every term, in the terms' order.
"""

from __future__ import annotations

from collections.abc import Sequence

from arxivbot.rank.document import PaperText
from arxivbot.rank.query import Term

TermHit = tuple[Term, list[str]]  # a term and the fields it occurs in


class TermMatcher:
    """A fixed list of terms, matched against papers together."""

    __slots__ = ("_always", "_by_form", "_forms", "_simple", "terms")

    def __init__(self, terms: Sequence[Term]) -> None:
        self.terms = tuple(terms)
        by_form: dict[str, list[int]] = {}
        always: list[int] = []  # terms the set cannot screen: fields, prefixes, categories
        simple: set[int] = set()  # one plain word in title/abstract: a set hit IS a match
        for i, term in enumerate(self.terms):
            first = term.phrase[0] if term.phrase else None
            if term.field is not None or first is None or first.prefix:
                always.append(i)
                continue
            for form in first.forms:
                by_form.setdefault(form, []).append(i)
            if len(term.phrase) == 1 and not first.acronym:
                simple.add(i)
        self._by_form = by_form
        self._forms = frozenset(by_form)
        self._always = frozenset(always)
        self._simple = frozenset(simple)

    def _screen(self, vocabulary: frozenset[str]) -> set[int]:
        """Indices of the terms whose first word may occur in a field with this vocabulary."""
        by_form = self._by_form
        return {i for form in self._forms & vocabulary for i in by_form[form]}

    def found(self, doc: PaperText) -> list[TermHit]:
        """Every term occurring in ``doc`` with its fields, in the terms' order."""
        in_title = self._screen(doc.title.vocabulary)
        in_abstract = self._screen(doc.abstract.vocabulary)
        candidates = self._always.union(in_title, in_abstract)
        hits: list[TermHit] = []
        for i in sorted(candidates):
            term = self.terms[i]
            if i in self._simple:
                fields = ["title"] if i in in_title else []
                if i in in_abstract:
                    fields.append("abstract")
            else:
                fields = doc.term_fields(term)
            if fields:
                hits.append((term, fields))
        return hits

    def any_found(self, doc: PaperText) -> bool:
        """Whether any term occurs in ``doc``."""
        if not self.terms:
            return False
        candidates = self._always.union(
            self._screen(doc.title.vocabulary), self._screen(doc.abstract.vocabulary)
        )
        return any(i in self._simple or doc.term_fields(self.terms[i]) for i in sorted(candidates))
