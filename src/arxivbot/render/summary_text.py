"""A summary's lead — its first prose, a couple of hundred characters — for notifications.

Taken from the same token stream as every other output, so markup never leaks into a
chat message (no ``**``, no ``<br>``) and a formula is never cut in half: the plain text
keeps math as ``$TeX$``, the HTML twin (e-mail) shows it as MathML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from markdown_it.token import Token

from arxivbot.render.markdown import math_html, parse_summary

ELLIPSIS = "…"
_PROSE_BLOCKS = ("paragraph_open",)
_MATH = ("math_inline", "math_inline_double")
_SPACES_RE = re.compile(r"\s+")


@dataclass(frozen=True)
class SummaryLead:
    text: str  # plain text, math as $TeX$
    html: str  # escaped text, math as MathML (or code-styled TeX)


@dataclass(frozen=True)
class _Piece:
    text: str
    tex: str = ""  # set for a formula
    display: bool = False
    code: bool = False  # a code span: shown as code in HTML (it may name a tag on purpose)


def summary_lead(summary: str, limit: int) -> SummaryLead:
    """The first prose of ``summary`` (headings, tables, code skipped) up to ``limit``
    characters, cut at a word boundary or before a formula; empty when there is none."""
    pieces = _clip(list(_lead_pieces(parse_summary(summary), limit)), limit)
    text = "".join(p.text for p in pieces)
    return SummaryLead(text, "".join(_html(p) for p in pieces))


def _html(piece: _Piece) -> str:
    if piece.tex:
        return math_html(piece.tex, display=piece.display)
    return f"<code>{html.escape(piece.text)}</code>" if piece.code else html.escape(piece.text)


def _lead_pieces(tokens: Sequence[Token], limit: int) -> Iterator[_Piece]:
    """Inline pieces of the first paragraphs, until the next heading or ``limit``."""
    size = 0
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and size:
            return  # the lead is the first section; the next heading starts the details
        if token.type not in _PROSE_BLOCKS or index + 1 >= len(tokens):
            continue
        if size:
            yield _Piece(" ")
        for piece in _inline_pieces(tokens[index + 1].children or []):
            size += len(piece.text)
            yield piece
        if size >= limit:
            return


def _inline_pieces(children: Sequence[Token]) -> Iterator[_Piece]:
    for child in children:
        if child.type in ("text", "code_inline"):
            yield _Piece(child.content, code=child.type == "code_inline")
        elif child.type in ("softbreak", "hardbreak") or (
            child.type == "safe_tag" and child.tag == "br"
        ):
            yield _Piece(" ")
        elif child.type == "image":
            yield from _inline_pieces(child.children or [])
        elif child.type in _MATH:
            display = child.type == "math_inline_double"
            fence = "$$" if display else "$"
            yield _Piece(f"{fence}{child.content.strip()}{fence}", child.content, display)


def _clip(pieces: list[_Piece], limit: int) -> list[_Piece]:
    """Whitespace collapsed; cut to ``limit`` on a word boundary, never inside a formula."""
    kept: list[_Piece] = []
    size = 0
    for piece in pieces:
        text = piece.text if piece.tex else _SPACES_RE.sub(" ", piece.text)
        if not piece.tex and kept and kept[-1].text.endswith(" ") and text.startswith(" "):
            text = text.lstrip(" ")
        if size + len(text) <= limit - 1:
            kept.append(_Piece(text, piece.tex, piece.display, piece.code))
            size += len(text)
            continue
        if not piece.tex:
            room = text[: max(limit - 1 - size, 0)]
            cut = room.rfind(" ")
            room = room[:cut] if cut > len(room) // 2 else room
            kept.append(_Piece(room.rstrip(" ,;:.，。；："), code=piece.code))
        kept.append(_Piece(ELLIPSIS))
        break
    if kept and not kept[0].tex:
        kept[0] = _Piece(kept[0].text.lstrip(), code=kept[0].code)
    return kept
