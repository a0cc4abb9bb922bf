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
* Two query words are *near-duplicates* (:func:`near_duplicate_words`) when they match each
  other, or are acronyms one extending the other (``RL``/``RLHF``), or ordinary words sharing
  a stem of at least five letters that leaves at most two letters of the shorter word
  (``Efficient``/``Efficiency``, ``Parallel``/``Parallelism``). Matching never uses this:
  scoring does, so that a profile listing both counts the idea once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

_TOKEN_RE = re.compile(r"[^\W_]+")
# For pure-ASCII text the tokens are the runs of [A-Za-z0-9]: mapping every other character
# to a space and splitting is the same split, several times faster than the regex.
_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_ASCII_FOLD = {i: (chr(i).lower() if chr(i) in _ASCII_ALNUM else " ") for i in range(128)}
_ASCII_KEEP = {i: (chr(i) if chr(i) in _ASCII_ALNUM else " ") for i in range(128)}
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


def bases(word: str) -> frozenset[str]:
    """Lower-cased lemma candidates of ``word``; two words match when these intersect."""
    return _folded_bases(word.casefold())


@lru_cache(maxsize=200_000)
def _folded_bases(low: str) -> frozenset[str]:
    """:func:`bases` of an already case-folded word."""
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
    """One query word against one text token (the reference rule; the index agrees with it)."""
    if is_acronym(term):
        return acronym_matches(term, token)
    if exact:
        return term.casefold() == token.casefold()
    return not bases(term).isdisjoint(bases(token))


def near_duplicate_words(a: str, b: str) -> bool:
    """Whether two query words name the same idea (see the module rules); symmetric."""
    if word_matches(a, b) and word_matches(b, a):
        return True
    short, long = sorted((a.casefold(), b.casefold()), key=len)
    if is_acronym(a) or is_acronym(b):
        return is_acronym(a) and is_acronym(b) and long.startswith(short)
    stem = len(_common_prefix(short, long))
    return stem >= max(5, len(short) - 2)


def _common_prefix(a: str, b: str) -> str:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return a[:i]
    return a[: min(len(a), len(b))]


@lru_cache(maxsize=50_000)
def inflected_forms(word: str) -> frozenset[str]:
    """Every case-folded token that shares a base with ``word``: :func:`bases` run backwards.

    A token's bases are itself or itself minus one suffix, so any token sharing base ``b``
    is ``b`` plus one suffix (see :func:`_spellings`). Each spelling is checked with the
    forward rule, so the set is exactly the tokens :func:`word_matches` accepts. Matching a
    text then needs one set lookup per word instead of the bases of every token.
    """
    own = bases(word)
    return frozenset(
        spelling
        for base in own
        for spelling in _spellings(base)
        if not own.isdisjoint(_folded_bases(spelling))
    )


def _spellings(base: str) -> list[str]:
    """Every word whose bases may include ``base`` (the inverse of each rule in bases)."""
    found = [base, base + "s", base + "es"]
    if base.endswith("y"):
        found.append(base[:-1] + "ies")
    for suffix in ("ing", "ed"):
        found.append(base + suffix)
        if base.endswith("e"):
            found.append(base[:-1] + suffix)
        if base:
            found.append(base + base[-1] + suffix)
    return found


@dataclass(frozen=True, slots=True)
class WordPattern:
    """One query word compiled once: the case-folded tokens it may match.

    ``acronym``: a token among ``forms`` must also be written with capitals (checked on the
    original token). ``prefix``: any token starting with it (``forms`` unused).
    """

    word: str
    forms: frozenset[str] = frozenset()
    prefix: str = ""
    acronym: bool = False


Phrase = tuple[WordPattern, ...]


def word_pattern(word: str, *, exact: bool = False, prefix: bool = False) -> WordPattern:
    """The pattern of one query word; the checks run in :func:`word_matches`' order."""
    if prefix:
        return WordPattern(word, prefix=word.casefold())
    if is_acronym(word):
        folded = word.casefold()
        return WordPattern(word, frozenset({folded, folded + "s"}), acronym=True)
    if exact:
        return WordPattern(word, frozenset({word.casefold()}))
    return WordPattern(word, inflected_forms(word))


def compile_phrase(words: Sequence[str], *, exact: bool = False, prefix: bool = False) -> Phrase:
    """Consecutive words; ``prefix`` applies to the last word only."""
    last = len(words) - 1
    return tuple(
        word_pattern(word, exact=exact, prefix=prefix and i == last) for i, word in enumerate(words)
    )


class FieldText:
    """One field tokenised once: its case-folded tokens and their set.

    Tokens are the NFKC text's letter/digit runs, case-folded (the same split as
    :func:`tokens`). Pure-ASCII text (nearly every arXiv abstract) is already NFKC and
    folds by ``lower()``, so it takes a fast path. Matching a word is a set lookup in
    ``vocabulary``; positions are only looked for in phrases and acronyms, and the
    original-case tokens (for the acronym rule) are made on demand.
    """

    __slots__ = ("_ascii", "_original", "_text", "folded", "vocabulary")

    def __init__(self, text: str) -> None:
        self._ascii = text.isascii()
        if self._ascii:  # already NFKC; lower() is casefold() for ASCII
            self._text = text
            self.folded: list[str] = text.translate(_ASCII_FOLD).split()
        else:
            self._text = normalise(text)
            self.folded = [token.casefold() for token in _TOKEN_RE.findall(self._text)]
        self.vocabulary: frozenset[str] = frozenset(self.folded)
        self._original: list[str] | None = None

    @property
    def tokens(self) -> list[str]:
        """The tokens in order, original case kept."""
        if self._original is None:
            if self._ascii:
                self._original = self._text.translate(_ASCII_KEEP).split()
            else:
                self._original = _TOKEN_RE.findall(self._text)
        return self._original

    def has(self, pattern: WordPattern) -> bool:
        """Whether the word occurs at all (no positions needed for the common case)."""
        if pattern.prefix:
            start = pattern.prefix
            return any(token.startswith(start) for token in self.vocabulary)
        if pattern.forms.isdisjoint(self.vocabulary):
            return False
        return not pattern.acronym or bool(self.find(pattern))

    def find(self, pattern: WordPattern) -> set[int]:
        """Where the word occurs."""
        folded = self.folded
        if pattern.prefix:
            start = pattern.prefix
            return {i for i, token in enumerate(folded) if token.startswith(start)}
        found: set[int] = set()
        for form in pattern.forms & self.vocabulary:
            # list.index scans in C: cheaper than indexing every token of the field
            position = folded.index(form)
            while True:
                found.add(position)
                try:
                    position = folded.index(form, position + 1)
                except ValueError:
                    break
        if pattern.acronym:
            original = self.tokens
            found = {i for i in found if acronym_matches(pattern.word, original[i])}
        return found

    def contains(self, phrase: Phrase) -> bool:
        if len(phrase) == 1:
            return self.has(phrase[0])
        return self.count(phrase) > 0

    def count(self, phrase: Phrase) -> int:
        """How many times the words occur consecutively."""
        if not phrase or not self.folded:
            return 0
        if not all(self.has(pattern) for pattern in phrase):
            return 0
        starts = self.find(phrase[0])
        for offset, pattern in enumerate(phrase[1:], start=1):
            following = self.find(pattern)
            starts = {s for s in starts if s + offset in following}
            if not starts:
                return 0
        return len(starts)

    def positions(self, word: str, *, exact: bool = False, prefix: bool = False) -> set[int]:
        """Where ``word`` matches (acronym, exact, inflected or prefix rule)."""
        return self.find(word_pattern(word, exact=exact, prefix=prefix))

    def count_phrase(self, words: list[str], *, exact: bool = False, prefix: bool = False) -> int:
        """How many times the words occur consecutively (prefix applies to the last word)."""
        return self.count(compile_phrase(words, exact=exact, prefix=prefix))
