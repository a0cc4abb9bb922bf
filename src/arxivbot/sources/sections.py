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
