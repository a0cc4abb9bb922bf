"""A query's leaf: a word, phrase or prefix with its field and weight.

Its own module so that both the query parser (``rank.query``) and the paper's text
(``rank.document``, which counts a term's matches) can use it without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from arxivbot.rank.text import Phrase, compile_phrase, fold_accents, tokens


@dataclass(frozen=True)
class Term:
    """A word, phrase or prefix, optionally limited to one field, with a weight."""

    words: tuple[str, ...]
    field: str | None = None  # a key of FIELD_PREFIXES; None = title or abstract
    weight: float = 1.0
    exact: bool = False  # written in quotes: no inflections
    prefix: bool = False  # the last word ends with '*'

    @property
    def label(self) -> str:
        return " ".join(self.words) + ("*" if self.prefix else "")

    @cached_property
    def match_words(self) -> list[str]:
        return [tok for word in self.words for tok in tokens(word)]

    @cached_property
    def phrase(self) -> Phrase:
        """The words compiled once for the text fields."""
        return compile_phrase(self.match_words, exact=self.exact, prefix=self.prefix)

    @cached_property
    def author_phrase(self) -> Phrase:
        """The words compiled for author names: accents folded, no prefix wildcard."""
        return compile_phrase([fold_accents(w) for w in self.match_words], exact=self.exact)
