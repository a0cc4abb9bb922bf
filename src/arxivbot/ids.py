"""Parsing and formatting of arXiv identifiers: the one place that knows their shapes.

New style: ``YYMM.NNNN`` (2007-2014) or ``YYMM.NNNNN`` (2015-), optional ``vN``.
Old style: ``archive[.SUBJ]/YYMMNNN`` such as ``hep-th/9901001`` or ``math.GT/0309136``.
Accepted decorations: ``arXiv:`` prefix, ``oai:arXiv.org:`` prefix, abs/pdf/html URLs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NEW = r"(?P<new>\d{4}\.\d{4,5})"
_OLD = r"(?P<old>[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7})"
MAX_VERSION_DIGITS = 4  # arXiv papers have tens of versions at most; v9999 is already absurd
_ID_RE = re.compile(rf"^(?:{_NEW}|{_OLD})(?:v(?P<version>[1-9]\d*))?$")
_PREFIXES = ("oai:arxiv.org:", "arxiv:")
_URL_RE = re.compile(r"^https?://[^/]+/(?:abs|pdf|html)/(?P<rest>.+?)(?:\.pdf)?/?$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class ArxivId:
    """An arXiv identifier without decorations; ``version`` is None when unversioned."""

    id: str
    version: int | None = None

    def __str__(self) -> str:
        return self.versioned if self.version is not None else self.id

    @property
    def versioned(self) -> str:
        return f"{self.id}v{self.version}" if self.version is not None else self.id

    @property
    def is_old_style(self) -> bool:
        return "/" in self.id

    @property
    def file_stem(self) -> str:
        """A file-system safe name (old-style ids contain a slash)."""
        return self.versioned.replace("/", "_")


def parse_arxiv_id(text: str) -> ArxivId:
    """Parse ``text`` into an :class:`ArxivId`; raise ``ValueError`` naming the input."""
    raw = text.strip()
    url = _URL_RE.match(raw)
    if url:
        raw = url.group("rest")
    lowered = raw.lower()
    for prefix in _PREFIXES:
        if lowered.startswith(prefix):
            raw = raw[len(prefix) :]
            break
    match = _ID_RE.match(raw)
    if not match:
        raise ValueError(
            f"not an arXiv identifier: {text!r} (expected e.g. 2512.06784v2 or hep-th/9901001)"
        )
    version = match.group("version")
    ident = match.group("new") or match.group("old")
    if version and len(version) > MAX_VERSION_DIGITS:  # would overflow SQLite's INTEGER
        raise ValueError(f"{text!r} has an implausible version v{version[:12]}…")
    return ArxivId(ident, int(version) if version else None)


def is_arxiv_id(text: str) -> bool:
    try:
        parse_arxiv_id(text)
    except ValueError:
        return False
    return True
