"""Words, acronyms and inflections: the one place that decides what "a term matches" means.

Rules (documented in docs/query-language.md):

* Text is NFKC-normalised and split into *tokens*: maximal runs of Unicode letters and
  digits. Everything else separates tokens, so ``RL-based`` holds the token ``RL`` and
  ``world`` holds no ``RL`` at all. Matching is always token by token, never by substring.
* An ordinary word matches case-insensitively and tolerates simple English inflections:
  two words match when they share a *base*. The bases of a word are the word itself plus
  what remains after removing one inflection suffix: ``-s``, ``-es``, ``-ies``→``y``,
  ``-ed``, ``-ing`` (also restoring a dropped ``e`` and undoing a doubled final consonant:
  ``decoding``→``decode``, ``planned``→``plan``). A base must keep at least three letters.
  So ``decode ~ decodes ~ decoded ~ decoding``, ``query ~ queries``, ``LLM ~ LLMs``.
  Derivations are *not* conflated: ``efficient`` does not match ``efficiency``.
* An *acronym term* is a word of at most 5 characters, letters and digits only, with no
  lower-case letter and at least one letter, as written in the config (``RL``, ``MOE``,
  ``FP8``, ``LLM``). It matches a token that equals it ignoring case (optionally plus a
  plural ``s``) when that token is written with capitals: at least two upper-case letters
  (``RL``, ``MoE``, ``LLMs``), or, for one-letter acronyms, the capital itself. Acronyms
  containing a digit (``FP8``) are unambiguous and also match lower case (``fp8``).
  ``Rl``, ``rl`` and ``Moe`` do not match.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TOKEN_RE = re.compile(r"[^\W_]+")
_ACRONYM_RE = re.compile(r"^(?=.*[^\W\d_])[^\W_a-z]{1,5}$")
_VOWELS = frozenset("aeiouy")
MIN_BASE = 3


def normalise(text: str) -> str:
    """NFKC form (ligatures, full-width letters) so tokenising sees plain letters."""
    return unicodedata.normalize("NFKC", text)


def fold_accents(text: str) -> str:
    """Strip accents (NFKD, drop combining marks): ``Schölkopf`` → ``Scholkopf``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(text: str) -> list[str]:
    """The tokens of ``text`` in order, original case kept (acronym rules need it)."""
    return _TOKEN_RE.findall(normalise(text))


def is_acronym(word: str) -> bool:
    """``RL``, ``MOE``, ``FP8``: short, no lower-case letter, at least one letter."""
    return bool(_ACRONYM_RE.match(word)) and not word.isdigit()


@lru_cache(maxsize=200_000)
def bases(word: str) -> frozenset[str]:
    """Lower-cased lemma candidates of ``word``; two words match when these intersect."""
    low = word.casefold()
    found = {low}
    if low.endswith("ies") and len(low) - 3 >= MIN_BASE - 1:
        found.add(low[:-3] + "y")
    if low.endswith("es") and not low.endswith("ies"):
        _add(found, low[:-2])
    if low.endswith("s") and not low.endswith(("ss", "us", "is")):
        _add(found, low[:-1])
    for suffix in ("ing", "ed"):
        if low.endswith(suffix):
            _add_stem(found, low[: -len(suffix)])
    return frozenset(found)


def _add(found: set[str], base: str) -> None:
    if len(base) >= MIN_BASE:
        found.add(base)


def _add_stem(found: set[str], stem: str) -> None:
    """A stem left by -ing/-ed: itself, with its ``e`` restored, or un-doubled."""
    if len(stem) < MIN_BASE or not any(ch in _VOWELS for ch in stem):
        return
    found.add(stem)
    found.add(stem + "e")
    if len(stem) >= 4 and stem[-1] == stem[-2] and stem[-1] not in _VOWELS:
        found.add(stem[:-1])


def acronym_matches(term: str, token: str) -> bool:
    """Whether ``token`` spells the acronym ``term`` (see the module rules)."""
    folded = token.casefold()
    target = term.casefold()
    if folded != target and folded != target + "s":
        return False
    core = token[: len(term)]
    if any(ch.isdigit() for ch in term):
        return True
    letters = [ch for ch in core if ch.isalpha()]
    uppers = sum(1 for ch in letters if ch.isupper())
    return uppers >= min(2, len(letters))


def word_matches(term: str, token: str, *, exact: bool = False) -> bool:
    """One query word against one text token (slow path; the index does the same)."""
    if is_acronym(term):
        return acronym_matches(term, token)
    if exact:
        return term.casefold() == token.casefold()
    return not bases(term).isdisjoint(bases(token))


class FieldText:
    """One field's tokens with two lookups: exact (case-folded) and by base (inflections)."""

    __slots__ = ("_by_base", "_by_exact", "tokens")

    def __init__(self, text: str) -> None:
        self.tokens: list[str] = tokens(text)
        self._by_exact: dict[str, list[int]] | None = None
        self._by_base: dict[str, list[int]] | None = None

    def _exact_index(self) -> dict[str, list[int]]:
        if self._by_exact is None:
            index: dict[str, list[int]] = {}
            for position, token in enumerate(self.tokens):
                index.setdefault(token.casefold(), []).append(position)
            self._by_exact = index
        return self._by_exact

    def _base_index(self) -> dict[str, list[int]]:
        if self._by_base is None:
            index: dict[str, list[int]] = {}
            for position, token in enumerate(self.tokens):
                for base in bases(token):
                    index.setdefault(base, []).append(position)
            self._by_base = index
        return self._by_base

    def positions(self, word: str, *, exact: bool = False, prefix: bool = False) -> set[int]:
        """Where ``word`` matches (acronym, exact, inflected or prefix rule)."""
        if prefix:
            start = word.casefold()
            return {i for i, tok in enumerate(self.tokens) if tok.casefold().startswith(start)}
        if is_acronym(word):
            folded = word.casefold()
            index = self._exact_index()
            hits = index.get(folded, []) + index.get(folded + "s", [])
            return {i for i in hits if acronym_matches(word, self.tokens[i])}
        if exact:
            return set(self._exact_index().get(word.casefold(), ()))
        found: set[int] = set()
        index = self._base_index()
        for base in bases(word):
            found.update(index.get(base, ()))
        return found

    def count_phrase(self, words: list[str], *, exact: bool = False, prefix: bool = False) -> int:
        """How many times the words occur consecutively (prefix applies to the last word)."""
        if not words or not self.tokens:
            return 0
        starts = self.positions(words[0], exact=exact, prefix=prefix and len(words) == 1)
        for offset, word in enumerate(words[1:], start=1):
            if not starts:
                return 0
            last = offset == len(words) - 1
            following = self.positions(word, exact=exact, prefix=prefix and last)
            starts = {s for s in starts if s + offset in following}
        return len(starts)
