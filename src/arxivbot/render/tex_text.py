"""arXiv's TeX-flavoured plain text (abstracts, titles, comments) → safe HTML for site and feeds.

Authors write abstracts in LaTeX: ``$O(n^2)$``, ``\\textbf{DeltaMem}``, ``\\emph{not}``,
``10\\%``. Shown raw, the site reads "\\textbf{DeltaMem}". Here the text is *not* Markdown
(an abstract's ``*`` or ``[x](y)`` stays literal): only dollar math is recognised, by the
same rule summaries use (:func:`arxivbot.render.markdown.add_dollar_math`), and becomes
MathML through the same owner (:func:`arxivbot.render.markdown.math_html`, code-styled TeX
when it cannot be converted faithfully). A short list of text-mode commands becomes
markup, escapes become their character, anything else stays as written, every piece is
escaped, and the result passes the summaries' HTML allow-list (:func:`sanitize_html`).

The README keeps the original bot's plain text (``render/readme.py``).
"""

from __future__ import annotations

import html
import re
from functools import cache, lru_cache

from markdown_it import MarkdownIt

from arxivbot.render.markdown import add_dollar_math, clean_text, math_html, sanitize_html

_WRAP = {
    "textbf": "strong", "bf": "strong", "emph": "em", "textit": "em", "it": "em", "em": "em",
    "textsl": "em", "sl": "em", "texttt": "code", "tt": "code", "textsc": "", "textrm": "",
    "textsf": "", "textnormal": "", "underline": "em", "mbox": "",
}  # fmt: skip
# Where a command starts: \href{, \cmd{, the old {\bf …} form, a text-mode escape.
_START_RE = re.compile(r"\\(href|url|[A-Za-z]+)\{|\{\\(bf|it|em|tt|sl)\s+|\\([%&_#${}])")
_HOLE_RE = re.compile("\ue000(\\d+)\ue001")  # a math span's place in the text
MAX_DEPTH = 8  # commands nested deeper stay as written
MAX_CHARS = 20_000  # a hostile 1 MB abstract is cut before any parsing


@cache
def _math_parser() -> MarkdownIt:
    """Paragraph text and dollar math, nothing else (no emphasis, links or HTML)."""
    md = MarkdownIt("zero")
    add_dollar_math(md)
    return md


@lru_cache(maxsize=8192)  # pure; a paper appears on several pages and in several feeds
def tex_text_to_safe_html(text: str) -> str:
    """One line of arXiv text as an HTML fragment: math as MathML, text markup as markup."""
    line = clean_text(text.replace("\ue000", "").replace("\ue001", ""), limit=MAX_CHARS)
    # Math first, by the summaries' rule; each span leaves a hole in the text so that
    # \textbf{a $x$ b} can wrap it, and a \mathbf inside math is never taken for text.
    maths: list[str] = []
    holed: list[str] = []
    for token in _math_parser().parse(line):
        # A line that is only "$$…$$" is a math block, not a paragraph.
        pieces = token.children or ([token] if token.type.startswith("math_block") else [])
        for child in pieces:
            if child.type.startswith("math_"):
                display = child.type != "math_inline"
                holed.append(f"\ue000{len(maths)}\ue001")
                maths.append(math_html(child.content, display=display))
            else:
                holed.append(" " if child.type == "softbreak" else child.content)
    body = _TextMarkup("".join(holed)).html()
    return sanitize_html(_HOLE_RE.sub(lambda m: maths[int(m.group(1))], body))


class _TextMarkup:
    """Text-mode LaTeX → escaped HTML, braces matched once up front (linear in the text)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.closing: dict[int, int] = {}
        opened: list[int] = []
        for position, char in enumerate(text):
            if position and text[position - 1] == "\\":
                continue  # \{ and \} are characters, not grouping
            if char == "{":
                opened.append(position)
            elif char == "}" and opened:
                self.closing[opened.pop()] = position

    def html(self) -> str:
        return self._span(0, len(self.text), 0)

    def _span(self, start: int, end: int, depth: int) -> str:
        out: list[str] = []
        at = start
        while at < end:
            match = _START_RE.search(self.text, at, end)
            if match is None:
                break
            converted = self._command(match, end, depth)
            if converted is None:  # unknown or unbalanced: the opening stays as written
                out.append(html.escape(self.text[at : match.end()], quote=False))
                at = match.end()
                continue
            markup, after = converted
            out.append(html.escape(self.text[at : match.start()], quote=False))
            out.append(markup)
            at = after
        out.append(html.escape(self.text[at:end], quote=False))
        return "".join(out)

    def _command(self, match: re.Match[str], end: int, depth: int) -> tuple[str, int] | None:
        if match.group(3):
            return html.escape(match.group(3), quote=False), match.end()
        brace = match.end() - 1 if match.group(1) else match.start()
        close = self.closing.get(brace, -1)
        if close < 0 or close >= end or depth >= MAX_DEPTH:
            return None
        name = match.group(1) or match.group(2)
        inner_start = match.end()
        if name == "url":
            return _link(self.text[inner_start:close], None), close + 1
        if name == "href":
            label_brace = close + 1
            label_close = self.closing.get(label_brace, -1)
            if label_close < 0 or label_close >= end:
                return None
            label = self._span(label_brace + 1, label_close, depth + 1)
            return _link(self.text[inner_start:close], label), label_close + 1
        if name not in _WRAP:
            return None
        inner = self._span(inner_start, close, depth + 1)
        tag = _WRAP[name]
        return (f"<{tag}>{inner}</{tag}>" if tag else inner), close + 1


def _link(url: str, label: str | None) -> str:
    """An http(s) link; anything else (``javascript:``) is shown as its text only."""
    shown = label if label is not None else html.escape(url, quote=False)
    if not url.startswith(("http://", "https://")) or any(c.isspace() for c in url):
        return shown
    return f'<a href="{html.escape(url)}">{shown}</a>'
