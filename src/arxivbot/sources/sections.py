"""A paper's text in sections, and fitting it into a model's input budget.

:func:`split_sections` finds the top-level sections of text from arXiv's HTML (``## ``
lines) or a PDF (numbered or named heading lines). Each has a *cut order*: references 5,
appendices 4, acknowledgements and similar statements (ethics, funding, contributions) 3,
related work 2, the core 0. :func:`drop_back_matter` removes orders 3-5 (what an LLM
summary never needs); :func:`trim_to_budget` then drops whole sections from the highest
order down and only then shortens the core sections, each in proportion to its length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ELLIPSIS = "\n[…]\n"
BACK_MATTER = 3  # cut orders from here up are references, appendices, acknowledgements


@dataclass(frozen=True)
class Section:
    heading: str
    body: str
    cut_order: int  # higher goes first when trimming; 0 = core

    @property
    def size(self) -> int:
        return len(self.heading) + len(self.body) + 2


_MD_HEADING = re.compile(r"^##\s+(?P<title>.+)$")
_PDF_HEADING = re.compile(
    r"^(?:(?P<arabic>\d{1,2})\.?|(?P<roman>[IVX]{1,4})\.|(?P<letter>[A-H])\.?)"
    r"\s+(?P<title>[A-Z][^\n]{1,70})$"
)
_NAMED_HEADING = re.compile(
    r"^(?P<title>abstract|references|bibliography|acknowledge?ments?|appendix(?:\s.*)?|"
    r"appendices|supplementary material)\s*$",
    re.IGNORECASE,
)
_ROMAN = {
    "I": 1,
    "II": 2,
    "III": 3,
    "IV": 4,
    "V": 5,
    "VI": 6,
    "VII": 7,
    "VIII": 8,
    "IX": 9,
    "X": 10,
}
_CUT_RULES = (
    (5, re.compile(r"^(references|bibliography)\b", re.I)),
    (4, re.compile(r"^(appendix|appendices|supplementary)", re.I)),
    (3, re.compile(r"acknowledg|ethic|broader impact|reproducibility|contributions|funding", re.I)),
    (2, re.compile(r"related work|background|prior work|literature", re.I)),
)


@dataclass
class _Numbering:
    """PDF headings are guessed from lines like ``3 Method`` or ``IV. RESULTS``; to tell them
    from numbered figure captions and references we accept only the next number in sequence
    (one scheme per paper) and lettered headings only after the bibliography (appendices)."""

    scheme: str = ""
    last: int = 0

    def accepts(self, match: re.Match[str], after_refs: bool) -> bool:
        if match.group("letter"):
            return after_refs
        scheme = "arabic" if match.group("arabic") else "roman"
        number = (
            int(match.group("arabic"))
            if scheme == "arabic"
            else _ROMAN.get(match.group("roman"), 0)
        )
        if (self.scheme in ("", scheme)) and number == self.last + 1:
            self.scheme, self.last = scheme, number
            return True
        return False


def split_sections(text: str) -> list[Section]:
    """Top-level sections; everything after the references counts as appendix."""
    sections: list[Section] = []
    heading, body, after_refs = "", [], False
    numbering = _Numbering()
    for line in text.splitlines():
        stripped = line.strip()
        title = _heading_title(stripped, numbering, after_refs)
        if title is None:
            body.append(line)
            continue
        sections.append(_section(heading, body, after_refs))
        after_refs = after_refs or _cut_order(title) == 5
        heading, body = stripped, []
    sections.append(_section(heading, body, after_refs))
    return [s for s in sections if s.heading or s.body.strip()]


def _heading_title(line: str, numbering: _Numbering | None, after_refs: bool) -> str | None:
    for pattern in (_MD_HEADING, _NAMED_HEADING):
        match = pattern.match(line)
        if match:
            return match.group("title")
    match = _PDF_HEADING.match(line)
    if match and (numbering is None or numbering.accepts(match, after_refs)):
        return match.group("title")
    return None


def _section(heading: str, body: list[str], after_refs: bool) -> Section:
    title = _heading_title(heading, None, after_refs) or ""
    order = _cut_order(title)
    if after_refs and order < 4:
        order = 4  # sections after the bibliography are appendices
    return Section(heading, "\n".join(body).strip(), order)


_NUMBERING = re.compile(r"^(?:\d{1,2}(?:\.\d+)*\.?|[A-H](?:\.\d+)*\.?|[IVX]{1,4}\.)\s+")


def _cut_order(title: str) -> int:
    clean = _NUMBERING.sub("", title.strip())
    for order, pattern in _CUT_RULES:
        if pattern.search(clean):
            return order
    return 0


def drop_back_matter(text: str) -> str:
    """``text`` without references, appendices and acknowledgement-like statements.

    Everything after the bibliography counts as appendix, so reference lists printed
    without a heading after the acknowledgements (common in physics) go with them.
    """
    sections = split_sections(text)
    kept = [s for s in sections if s.cut_order < BACK_MATTER]
    if len(kept) == len(sections) or not kept:
        return text
    return "\n\n".join(_join(s) for s in kept)


def trim_to_budget(text: str, max_chars: int) -> str:
    """Fit ``text`` into ``max_chars``: drop whole sections by cut order (references first,
    later sections before earlier ones), then shorten the core sections proportionally."""
    if len(text) <= max_chars:
        return text
    sections = split_sections(text)
    total = sum(s.size for s in sections)
    for order in (5, 4, 3, 2):
        for section in reversed([s for s in sections if s.cut_order == order]):
            if total <= max_chars:
                break
            sections.remove(section)
            total -= section.size
    if total > max_chars:
        sections = _shrink(sections, max_chars)
    return "\n\n".join(_join(s) for s in sections)[:max_chars]


def _shrink(sections: list[Section], max_chars: int) -> list[Section]:
    overhead = sum(len(s.heading) + 2 + len(ELLIPSIS) for s in sections)
    room = max(max_chars - overhead, 0)
    body_total = sum(len(s.body) for s in sections) or 1
    ratio = min(room / body_total, 1.0)
    shrunk = []
    for section in sections:
        keep = int(len(section.body) * ratio)
        body = section.body if keep >= len(section.body) else section.body[:keep] + ELLIPSIS
        shrunk.append(Section(section.heading, body, section.cut_order))
    return shrunk


def _join(section: Section) -> str:
    return f"{section.heading}\n{section.body}" if section.heading else section.body


# --------------------------------------------------------------------------- reflow
_PROSE_MIN = 30  # a wrapped prose line is longer than table cells, math or captions' ends
_SUBHEADING = re.compile(r"^(?:\d+(?:\.\d+)+\.?|[A-H]\.\d+|Figure|Fig\.|Table|Algorithm)\s")
_NUMBERED_SUBHEADING = re.compile(r"^(?:\d+(?:\.\d+)+|[A-H]\.\d+)\.?\s+[A-Z]")
_TERMINAL = (".", ":", "?", "!")


def reflow(text: str) -> str:
    """Join the lines a PDF wrapped inside paragraphs (each line break is a token the
    model pays for and must read past); headings keep their lines.

    A line is joined to the next when it reads as prose (long enough, mostly letters) and
    the next continues it: starts in lower case, or starts a word after a line that does
    not end a sentence (and is no sub-heading, caption or list item). Tables, display math
    and short lines keep their breaks.
    """
    return "\n\n".join(
        _join(Section(s.heading, _reflow_body(s.body), s.cut_order)) for s in split_sections(text)
    )


def _reflow_body(body: str) -> str:
    out: list[str] = []
    for line in body.split("\n"):
        if out and _continues(out[-1], line):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return "\n".join(out)


def _prose(line: str) -> bool:
    letters = sum(ch.isalpha() or ch == " " for ch in line)
    return len(line) >= _PROSE_MIN and letters >= 0.75 * len(line)


def _continues(previous: str, line: str) -> bool:
    if not line or not previous or not _prose(previous[-120:]):
        return False
    if line[0].islower():
        return True
    return (
        line[0].isalpha()
        and not previous.endswith(_TERMINAL)
        and not _NUMBERED_SUBHEADING.match(previous)  # "2.1 Method" keeps its own line
        and not _SUBHEADING.match(line)
        and _heading_title(line, None, False) is None
    )
