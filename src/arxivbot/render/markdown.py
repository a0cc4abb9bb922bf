"""Untrusted text → safe output: the one Markdown pipeline for summaries, and escaping helpers.

Everything from arXiv or an LLM is untrusted. A summary is parsed once, by
:func:`summary_parser` (markdown-it-py, CommonMark + tables + strikethrough + dollar math,
raw HTML *off*), and every output is written from that token stream:

* :func:`markdown_to_safe_html` (site, feeds, e-mail): math becomes MathML on the server
  (``render/math.py``), or code-styled TeX when it cannot be converted faithfully; the
  summary's headings are demoted below the entry's heading; nh3 then allow-lists tags,
  attributes and URL schemes as a second, independent layer.
* ``render/summary_md.py`` re-serialises the same tokens as README Markdown.

Math spans are tokens of their own before emphasis runs, so ``_`` and ``*`` inside ``$…$``
never become ``<em>``. The only HTML an LLM may write is ``<br>``, ``<sup>`` and ``<sub>``
(table cells need ``<br>``); they are recognised as tags of their own, balanced per line
of text, and every other ``<`` stays text.

:func:`md_inline` / :func:`md_block_start` escape plain text (titles, authors, abstracts)
for the README.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache, lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.dollarmath import dollarmath_plugin

from arxivbot.render.math import MATHML_ATTRIBUTES, MATHML_TAGS, tex_to_mathml

# Bidi overrides/isolates can visually reorder the surrounding page ("Trojan Source");
# zero-width spaces and BOMs hide text. ZWJ/ZWNJ stay: scripts such as Persian need them.
_INVISIBLE_RE = re.compile("[\u200b\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
_WS_RE = re.compile(r"\s+")
# Unicode category Cc exactly (C0, DEL, C1): one regex pass, not a category lookup per
# character, since every title and abstract of the shown history is cleaned on each run.
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f]")
# CommonMark lets every ASCII punctuation be backslash-escaped; these are the ones that
# can start a construct (emphasis, link, code, HTML, table cell, math, entity, autolink);
# '(' and '!' are harmless once '[' and ']' are escaped, so titles stay readable in source.
_MD_SPECIAL_RE = re.compile(r"([\\`*_\[\]<>|~&$])")
_BLOCK_START_RE = re.compile(r"^(\s*(?:\d+)?)([-+*=>#.)])")

_ALLOWED_TAGS = {
    "a", "p", "br", "hr", "strong", "em", "b", "i", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr",
    "th", "td", "span", "sup", "sub", "div", *MATHML_TAGS,
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"}, "ol": {"start"},
    **{tag: set(attrs) for tag, attrs in MATHML_ATTRIBUTES.items()},
}  # fmt: skip
_ALLOWED_CLASSES = {"code": {"math-tex"}, "div": {"math-block"}}
_URL_SCHEMES = {"http", "https", "mailto"}
SAFE_TAGS = ("br", "sup", "sub")
SITE_HEADING_LEVEL = 3  # a site paper card's title is <h2>
FEED_HEADING_LEVEL = 4  # a feed item's summary label is <h3>


def clean_text(text: str, *, limit: int | None = None) -> str:
    """One line of plain text: control/invisible characters removed, whitespace collapsed.

    ``limit`` cuts over-long fields (a hostile 1 MB title) with an ellipsis.
    """
    text = _INVISIBLE_RE.sub("", text)
    text = _CONTROL_RE.sub(" ", text)
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


# --------------------------------------------------------------------------- parsing
_BR_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
_SUPSUB_RE = re.compile(r"<(/?)(sup|sub)\s*>", re.IGNORECASE)


def _safe_tag_rule(state: StateInline, silent: bool) -> bool:
    """``<br>``, ``<sup>``, ``</sup>``, ``<sub>``, ``</sub>`` become ``safe_tag`` tokens
    (``info`` is ``open``/``close``/``void``); any other ``<`` is left to be text."""
    if state.src[state.pos] != "<":
        return False
    br = _BR_RE.match(state.src, state.pos)
    tag = br or _SUPSUB_RE.match(state.src, state.pos)
    if tag is None:
        return False
    if not silent:
        token = state.push("safe_tag", "br" if br else tag.group(2).lower(), 0)
        token.info = "void" if br else ("close" if tag.group(1) else "open")
        token.markup = tag.group(0)
    state.pos = tag.end()
    return True


def _balance_safe_tags(state: StateCore) -> None:
    """Per inline run: drop a close without an open, close what is left open at its end."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        balanced: list[Token] = []
        open_tags: list[str] = []
        for token in block.children:
            if token.type == "safe_tag" and token.info == "close":
                if token.tag not in open_tags:
                    continue
                while open_tags:  # closing an outer tag closes the inner ones too
                    inner = open_tags.pop()
                    balanced.append(_tag_token(inner, "close"))
                    if inner == token.tag:
                        break
                continue
            if token.type == "safe_tag" and token.info == "open":
                open_tags.append(token.tag)
            balanced.append(token)
        balanced += [_tag_token(tag, "close") for tag in reversed(open_tags)]
        block.children = balanced


def _tag_token(tag: str, info: str) -> Token:
    token = Token("safe_tag", tag, 0)
    token.info = info
    return token


def add_dollar_math(md: MarkdownIt) -> None:
    """The one rule for what is math: ``$…$`` and ``$$…$$`` (summaries, abstracts, titles)."""
    # allow_digits=False: "$5 and $10" is money, not math (GitHub reads it the same way).
    dollarmath_plugin(md, allow_space=True, allow_digits=False, double_inline=True)


@cache
def summary_parser() -> MarkdownIt:
    """The parser every summary output is built from (shared, configured once)."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    add_dollar_math(md)
    md.inline.ruler.before("html_inline", "safe_tag", _safe_tag_rule)
    md.core.ruler.after("inline", "balance_safe_tags", _balance_safe_tags)
    md.renderer = _SummaryRenderer(md)
    return md


@lru_cache(maxsize=64)  # one summary feeds several outputs in a run: parse it once
def parse_summary(text: str) -> tuple[Token, ...]:
    """The token stream of an untrusted summary (invisible characters removed first).

    Shared between outputs, so nothing may change it: heading demotion is a shift each
    renderer applies (:func:`heading_shift`), not an edit of the tokens.
    """
    text = _INVISIBLE_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return tuple(summary_parser().parse(text))


def heading_shift(tokens: Sequence[Token], top_level: int) -> int:
    """How many levels to move headings so the summary's highest one is ``h{top_level}``."""
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    return top_level - min(levels) if levels else 0


def shifted_level(tag: str, shift: int) -> int:
    """The level of heading ``tag`` (``"h2"``) after ``shift``, kept within h1–h6."""
    return max(1, min(6, int(tag[1]) + shift))


# --------------------------------------------------------------------------- HTML
class _SummaryRenderer(RendererHTML):
    """markdown-it's HTML renderer plus math, the safe tags, and images as their alt text."""

    def math_inline(self, tokens: Sequence[Token], idx: int, _o: OptionsDict, _e: EnvType) -> str:
        return math_html(tokens[idx].content, display=False)

    def math_inline_double(
        self, tokens: Sequence[Token], idx: int, _o: OptionsDict, _e: EnvType
    ) -> str:
        return math_html(tokens[idx].content, display=True)

    def math_block(self, tokens: Sequence[Token], idx: int, _o: OptionsDict, _e: EnvType) -> str:
        return f'<div class="math-block">{math_html(tokens[idx].content, display=True)}</div>\n'

    def math_block_label(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        label = html.escape(f" ({tokens[idx].info})")
        return self.math_block(tokens, idx, options, env).replace("</div>", f"{label}</div>", 1)

    def heading_open(self, tokens: Sequence[Token], idx: int, _o: OptionsDict, env: EnvType) -> str:
        return f"<h{shifted_level(tokens[idx].tag, env.get('heading_shift', 0))}>"

    def heading_close(
        self, tokens: Sequence[Token], idx: int, _o: OptionsDict, env: EnvType
    ) -> str:
        return f"</h{shifted_level(tokens[idx].tag, env.get('heading_shift', 0))}>\n"

    def safe_tag(self, tokens: Sequence[Token], idx: int, _o: OptionsDict, _e: EnvType) -> str:
        token = tokens[idx]
        return {"void": "<br>", "open": f"<{token.tag}>"}.get(token.info, f"</{token.tag}>")

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        # No remote images: a summary's image could be a tracking pixel. Keep the words.
        return html.escape(self.renderInlineAsText(tokens[idx].children or [], options, env))


def math_html(tex: str, *, display: bool) -> str:
    """MathML for ``tex``, or its source as code when it cannot be converted faithfully."""
    mathml = tex_to_mathml(tex, display=display)
    if mathml is not None:
        return mathml
    fence = "$$" if display else "$"
    return f'<code class="math-tex">{html.escape(fence + tex.strip() + fence)}</code>'


# Bump when the HTML made from the same Markdown changes (a renderer rule, the allow-list):
# HTML stored by another version is rendered again (render/stored_html.py).
RENDERER_VERSION = "1"


class RenderMemo:
    """HTML by (Markdown, heading level) for one render: seeded with what the store holds,
    collecting what had to be rendered new so the caller can store it."""

    def __init__(self, known: dict[tuple[str, int], str]) -> None:
        self.known = known
        self.fresh: dict[tuple[str, int], str] = {}

    def html(self, text: str, heading_level: int) -> str:
        found = self.known.get((text, heading_level))
        if found is None:
            found = _render_safe_html(text, heading_level)
            self.known[(text, heading_level)] = self.fresh[(text, heading_level)] = found
        return found


# A context variable, not a global: a memo set for one render (the run's render stage)
# is invisible to other threads such as the web server's.
_MEMO: ContextVar[RenderMemo | None] = ContextVar("arxivbot_render_memo", default=None)


@contextmanager
def using_memo(memo: RenderMemo) -> Iterator[RenderMemo]:
    """Within the block, :func:`markdown_to_safe_html` answers from ``memo`` first."""
    token = _MEMO.set(memo)
    try:
        yield memo
    finally:
        _MEMO.reset(token)


def markdown_to_safe_html(text: str, heading_level: int = SITE_HEADING_LEVEL) -> str:
    """Render an untrusted summary to an HTML fragment safe to embed in a page or a feed;
    its highest heading becomes ``h{heading_level}``."""
    memo = _MEMO.get()
    if memo is not None:
        return memo.html(text, heading_level)
    return _render_safe_html(text, heading_level)


@lru_cache(maxsize=4096)  # pure; the same summary is shown in many feeds and pages
def _render_safe_html(text: str, heading_level: int) -> str:
    md = summary_parser()
    tokens = parse_summary(text)
    env = {"heading_shift": heading_shift(tokens, heading_level)}
    return sanitize_html(md.renderer.render(tokens, md.options, env))


def sanitize_html(fragment: str) -> str:
    """The allow-list every rendered summary passes (HTML, MathML, http(s)/mailto links)."""
    return nh3.clean(
        fragment,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        allowed_classes=_ALLOWED_CLASSES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )
