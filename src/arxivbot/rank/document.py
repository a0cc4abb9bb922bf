"""A paper as the matcher sees it: each field tokenised once, on first use.

One :class:`PaperText` is made per paper per ranking and shared by every term of every
rule (include and exclude queries, keywords, the profile's scoring terms).
"""

from __future__ import annotations

from arxivbot.enrich.links import CodeLink, find_links, has_link
from arxivbot.models import Paper
from arxivbot.rank.term import Term
from arxivbot.rank.text import FieldText, fold_accents


class PaperText:
    """A paper's fields tokenised once (each on first use), shared by every term of every query."""

    __slots__ = ("_abstract", "_authors", "_comment", "_journal_ref", "_links", "_title", "paper")

    def __init__(self, paper: Paper) -> None:
        self.paper = paper
        self._title: FieldText | None = None
        self._abstract: FieldText | None = None
        self._comment: FieldText | None = None
        self._journal_ref: FieldText | None = None
        self._authors: list[FieldText] | None = None
        self._links: tuple[CodeLink, ...] | None = None

    # plain properties, not functools.cached_property: that takes a lock on every access
    @property
    def title(self) -> FieldText:
        if self._title is None:
            self._title = FieldText(self.paper.title)
        return self._title

    @property
    def abstract(self) -> FieldText:
        if self._abstract is None:
            self._abstract = FieldText(self.paper.abstract)
        return self._abstract

    @property
    def comment(self) -> FieldText:
        if self._comment is None:
            self._comment = FieldText(self.paper.comment)
        return self._comment

    @property
    def journal_ref(self) -> FieldText:
        if self._journal_ref is None:
            self._journal_ref = FieldText(self.paper.journal_ref)
        return self._journal_ref

    @property
    def authors(self) -> list[FieldText]:
        if self._authors is None:
            self._authors = [FieldText(fold_accents(name)) for name in self.paper.authors]
        return self._authors

    @property
    def links(self) -> tuple[CodeLink, ...]:
        if self._links is None:
            self._links = find_links(self.paper)
        return self._links

    def term_counts(self, term: Term) -> dict[str, int]:
        """Occurrences of ``term`` per field name (only fields with at least one)."""
        if term.field == "cat":
            count = self._category_count(term)
            return {"categories": count} if count else {}
        if term.field == "has":
            return {"links": 1} if self._has(term) else {}
        found: dict[str, int] = {}
        for name in _FIELDS_OF.get(term.field, _TEXT_FIELDS):
            if name == "authors":
                count = sum(a.count(term.author_phrase) for a in self.authors)
            else:
                text: FieldText = getattr(self, name)
                count = text.count(term.phrase)
            if count:
                found[name] = count
        return found

    def term_fields(self, term: Term) -> list[str]:
        """The fields where ``term`` occurs, in :meth:`term_counts` order, without counting."""
        if term.field is None:  # the common case, spelled out: no getattr, no loop
            fields = ["title"] if self.title.contains(term.phrase) else []
            if self.abstract.contains(term.phrase):
                fields.append("abstract")
            return fields
        if term.field == "cat":
            return ["categories"] if self._category_count(term) else []
        if term.field == "has":
            return ["links"] if self._has(term) else []
        found: list[str] = []
        for name in _FIELDS_OF.get(term.field, _TEXT_FIELDS):
            if name == "authors":
                hit = any(a.contains(term.author_phrase) for a in self.authors)
            else:
                hit = getattr(self, name).contains(term.phrase)
            if hit:
                found.append(name)
        return found

    def _has(self, term: Term) -> bool:
        return has_link(self.links, term.label.casefold())

    def _category_count(self, term: Term) -> int:
        wanted = " ".join(term.words).casefold()
        cats = [c.casefold() for c in self.paper.categories]
        if term.prefix:
            return sum(1 for c in cats if c.startswith(wanted))
        return sum(1 for c in cats if c == wanted)


_TEXT_FIELDS = ("title", "abstract")
_FIELDS_OF: dict[str | None, tuple[str, ...]] = {
    None: _TEXT_FIELDS,
    "ti": ("title",),
    "abs": ("abstract",),
    "au": ("authors",),
    "co": ("comment",),
    "jr": ("journal_ref",),
}
