"""Author follow/block lists matched robustly.

Rule: two names are the same person when their **last names are equal** and their
**first given names are compatible**, after normalising both:

* accents folded (NFKD, combining marks dropped), case folded, ``.`` and ``-`` in given
  names separate parts, suffixes (Jr, Sr, II, III) dropped;
* ``"He, Kaiming"`` is read as last name ``He``, given ``Kaiming``; otherwise the last
  whitespace-separated word is the last name (hyphens inside it are kept, so
  ``García-López`` ~ ``Garcia-Lopez``);
* first given names are compatible when both are full names and equal, or when either is
  an initial and the initials agree: ``Kaiming He`` ~ ``K. He`` ~ ``He, Kaiming``, but not
  ``Kai He``. A list entry with only a last name (``Hinton``) matches any given name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from arxivbot.rank.text import fold_accents

_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_PART_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


@dataclass(frozen=True)
class PersonName:
    last: str
    given: tuple[str, ...]

    @property
    def first(self) -> str:
        return self.given[0] if self.given else ""


def parse_name(raw: str) -> PersonName:
    """Split a name into a folded last name and given-name parts."""
    text = fold_accents(raw).casefold().strip()
    if "," in text:
        last_part, _, given_part = text.partition(",")
        given = _parts(given_part)
        last = _last_name(last_part)
    else:
        words = [w for w in text.replace(".", ". ").split() if w.strip(".") not in _SUFFIXES]
        if not words:
            return PersonName("", ())
        last = _last_name(words[-1])
        given = _parts(" ".join(words[:-1]))
    return PersonName(last, tuple(p for p in given if p not in _SUFFIXES))


def _parts(text: str) -> list[str]:
    return _PART_RE.findall(text.replace("-", " "))


def _last_name(text: str) -> str:
    return "-".join(_PART_RE.findall(text.strip()))


def same_person(wanted: PersonName, author: PersonName) -> bool:
    """``wanted`` (a list entry) names ``author`` under the rule above."""
    if not wanted.last or wanted.last != author.last:
        return False
    if not wanted.first or not author.first:
        return not wanted.first
    if len(wanted.first) > 1 and len(author.first) > 1:
        return wanted.first == author.first
    return wanted.first[0] == author.first[0]


@dataclass(frozen=True)
class AuthorList:
    """A parsed follow or block list; ``find`` returns the entries matching a paper."""

    entries: tuple[tuple[str, PersonName], ...]

    @classmethod
    def of(cls, names: Sequence[str]) -> AuthorList:
        return cls(tuple((name, parse_name(name)) for name in names if name.strip()))

    def find(self, authors: Sequence[str]) -> list[tuple[str, str]]:
        """(list entry, paper author) pairs; each entry counted once."""
        if not self.entries:
            return []
        parsed = [(author, parse_name(author)) for author in authors]
        hits: list[tuple[str, str]] = []
        for entry, wanted in self.entries:
            for author, name in parsed:
                if same_person(wanted, name):
                    hits.append((entry, author))
                    break
        return hits
