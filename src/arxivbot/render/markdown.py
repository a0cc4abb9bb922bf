"""Untrusted text → safe output: sanitised HTML, and Markdown that cannot break a README.

Everything from arXiv or an LLM is untrusted. Two directions:

* :func:`markdown_to_safe_html` renders an LLM summary (Markdown) for the site and the
  feeds. markdown-it-py runs with raw HTML *disabled* (tags come out as text) and its
  link validator on; nh3 then allow-lists tags, attributes and URL schemes as a second,
  independent layer, and adds ``rel="nofollow noopener"`` to every link.
* :func:`md_inline` / :func:`md_block_start` escape plain text (titles, authors, abstracts)
  for the README, and :func:`safe_summary_markdown` neutralises a summary that is embedded
  as Markdown inside ``<details>``: no raw HTML, no unclosed code fence, no dangerous link.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

# Bidi overrides/isolates can visually reorder the surrounding page ("Trojan Source");
# zero-width spaces and BOMs hide text. ZWJ/ZWNJ stay: scripts such as Persian need them.
_INVISIBLE_RE = re.compile("[\u200b\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
_WS_RE = re.compile(r"\s+")
# CommonMark lets every ASCII punctuation be backslash-escaped; these are the ones that
# can start a construct (emphasis, link, code, HTML, table cell, math, entity, autolink);
# '(' and '!' are harmless once '[' and ']' are escaped, so titles stay readable in source.
_MD_SPECIAL_RE = re.compile(r"([\\`*_\[\]<>|~&$])")
_BLOCK_START_RE = re.compile(r"^(\s*(?:\d+)?)([-+*=>#.)])")

_ALLOWED_TAGS = {
    "a", "p", "br", "hr", "strong", "em", "b", "i", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr",
    "th", "td", "span", "sup", "sub",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
_URL_SCHEMES = {"http", "https", "mailto"}

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.enable(["table", "strikethrough"])


def clean_text(text: str, *, limit: int | None = None) -> str:
    """One line of plain text: control/invisible characters removed, whitespace collapsed.

    ``limit`` cuts over-long fields (a hostile 1 MB title) with an ellipsis.
    """
    text = _INVISIBLE_RE.sub("", text)
    text = "".join(ch if unicodedata.category(ch) != "Cc" else " " for ch in text)
    text = _WS_RE.sub(" ", text).strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def md_inline(text: str, *, limit: int | None = None) -> str:
    """Escape plain text for use inside a Markdown line (link text, a ``**Key**:`` line)."""
    return _MD_SPECIAL_RE.sub(r"\\\1", clean_text(text, limit=limit))


def md_block_start(text: str, *, limit: int | None = None) -> str:
    """Like :func:`md_inline` for text that starts its own line (a heading/list/quote marker
    at the start would otherwise change the block type)."""
    escaped = md_inline(text, limit=limit)
    return _BLOCK_START_RE.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", escaped, count=1)


_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN_RE = re.compile(r"(`+)(.+?)\1", re.DOTALL)
_BAD_LINK_RE = re.compile(r"\]\(\s*<?\s*(?=(?:javascript|vbscript|data|file)\s*:)", re.IGNORECASE)
_BAD_REFDEF_RE = re.compile(
    r"^(\s{0,3})\[([^\]]*)\]:(?=\s*<?\s*(?:javascript|vbscript|data|file)\s*:)", re.IGNORECASE
)


def safe_summary_markdown(text: str) -> str:
    """Neutralise LLM Markdown before embedding it in the README's ``<details>`` block.

    Markdown structure (headings, lists, tables, code) is kept so GitHub renders it as
    the original bot did, but: every ``<`` outside code becomes ``&lt;`` (no raw HTML, so no
    ``</details>``, ``<script>`` or comment can escape the block); a code fence left open
    is closed (it would swallow the closing ``</details>``); links and reference
    definitions with script/data schemes lose their link syntax; invisible characters go;
    headings are demoted three levels so none outranks the digest's own ``###`` entries.
    """
    text = _INVISIBLE_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    out: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        match = _FENCE_RE.match(line)
        if fence is not None:
            out.append(line)
            if match and _closes(fence, match.group(1), line):
                fence = None
            continue
        if match:
            fence = match.group(1)
            out.append(line)
            continue
        out.append(_neutralise_line(line))
    if fence is not None:
        out.append(fence)
    return "\n".join(out).strip("\n")


def _closes(fence: str, marker: str, line: str) -> bool:
    """A closing fence: same character, at least as long, nothing else on the line."""
    return marker[0] == fence[0] and len(marker) >= len(fence) and not line.strip().strip(fence[0])


_ATX_HEADING_RE = re.compile(r"^( {0,3})(#{1,6})(?=\s|$)")
HEADING_DEMOTION = 3  # paper entries are h3: a summary's own headings must rank below them


def _neutralise_line(line: str) -> str:
    # "### 99. [Fake paper](...)" in a summary must not pose as a digest entry.
    line = _ATX_HEADING_RE.sub(
        lambda m: m.group(1) + "#" * min(6, len(m.group(2)) + HEADING_DEMOTION), line
    )
    line = _BAD_REFDEF_RE.sub(lambda m: f"{m.group(1)}\\[{m.group(2)}\\]:", line)
    parts: list[str] = []
    last = 0
    for span in _CODE_SPAN_RE.finditer(line):
        parts.append(_neutralise_prose(line[last : span.start()]))
        parts.append(span.group(0))  # code spans never contain live HTML
        last = span.end()
    parts.append(_neutralise_prose(line[last:]))
    return "".join(parts)


def _neutralise_prose(segment: str) -> str:
    segment = segment.replace("<", "&lt;")
    return _BAD_LINK_RE.sub(lambda m: "]\\(", segment)


@lru_cache(maxsize=2048)  # pure; the same summary is shown in many feeds and pages
def markdown_to_safe_html(text: str) -> str:
    """Render untrusted Markdown to an HTML fragment safe to embed in a page or a feed."""
    text = _INVISIBLE_RE.sub("", text)
    html = _md.render(text)
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )
