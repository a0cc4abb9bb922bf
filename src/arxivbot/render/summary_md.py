"""A summary as README Markdown, written from its parsed tokens — never by patching its text.

The summary is parsed by :func:`arxivbot.render.markdown.parse_summary` and written back
from only what is allowed: paragraphs, headings (demoted below the digest's ``###``
entries, setext ones become ATX), lists, quotes, tables, rules, code (always a fenced block
whose fence outruns any backtick run inside, info string reduced to a language name),
emphasis, http(s)/mailto links and math. Everything else becomes escaped text: raw HTML
(except the ``<br>``/``<sup>``/``<sub>`` tags we write ourselves), images (their alt text;
a remote image could be a tracking pixel), and links with other schemes.

Math goes through untouched, because GitHub renders ``$…$`` itself; display math becomes a
```` ```math ```` block, which GitHub renders as math and every other reader as code. The
one exception is inline TeX that a reader without math support would read as markup (a
``<`` starting a tag, a backtick starting a code span, ``![`` an image): ``<`` becomes
``\\lt`` and a span with a backtick or ``![`` is written as plain escaped text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import quote

from markdown_it.tree import SyntaxTreeNode

from arxivbot.render.markdown import heading_shift, parse_summary, shifted_level

README_HEADING_LEVEL = 4  # README entries are ### headings
# What can start inline markup mid-line ('>' and block markers only matter at a line start,
# '&' only as an entity).
_SPECIAL_RE = re.compile(r"([\\`*_\[\]<|~$]|&(?=#?\w+;))")
_LINE_START_RE = re.compile(r"^(\s*(?:\d+)?)([-+*=>#.)])")
_TAG_START_RE = re.compile(r"<(?=[A-Za-z/!?])")
_BACKTICKS_RE = re.compile(r"`+")
_INFO_RE = re.compile(r"[A-Za-z0-9_+.#-]{1,30}")
_SAFE_SCHEMES = ("http://", "https://", "mailto:")


def safe_summary_markdown(text: str, *, heading_level: int = README_HEADING_LEVEL) -> str:
    """README Markdown for an untrusted summary: same structure, nothing live."""
    tokens = parse_summary(text)
    shift = heading_shift(tokens, heading_level)
    return _blocks(SyntaxTreeNode(tokens).children, shift, tight=False).strip("\n")


def _blocks(nodes: Sequence[SyntaxTreeNode], shift: int, *, tight: bool) -> str:
    parts = [_block(node, shift) for node in nodes]
    return ("\n" if tight else "\n\n").join(p for p in parts if p)


def _block(node: SyntaxTreeNode, shift: int) -> str:
    kind = node.type
    if kind == "paragraph":
        return _inline(node.children, line_start=True)
    if kind == "heading":
        return _heading(node, shift)
    if kind in ("bullet_list", "ordered_list"):
        return _list(node, shift)
    if kind == "blockquote":
        inner = _blocks(node.children, shift, tight=False)
        return "\n".join(f"> {line}".rstrip() for line in inner.split("\n"))
    if kind in ("fence", "code_block"):
        return _fence(node.content, node.info if kind == "fence" else "")
    if kind == "hr":
        return "---"
    if kind == "table":
        return _table(node)
    if kind in ("math_block", "math_block_label"):
        label = f"\n\n({_escape(node.info)})" if kind == "math_block_label" else ""
        return _fence(node.content.strip("\n"), "math") + label
    return _escape(node.content)  # nothing else is produced with raw HTML off


def _heading(node: SyntaxTreeNode, shift: int) -> str:
    level = shifted_level(node.tag, shift)
    text = _inline(node.children, line_start=False).replace("\n", " ")
    if text.endswith("#"):
        text = text[:-1] + "\\#"  # a trailing '#' would be read as the closing sequence
    return f"{'#' * level} {text}".rstrip()


def _list(node: SyntaxTreeNode, shift: int) -> str:
    ordered = node.type == "ordered_list"
    number = int(node.attrs.get("start", 1) or 1) if ordered else 0
    tight = any(p.hidden for item in node.children for p in item.children)
    items = []
    for item in node.children:
        marker = f"{number}. " if ordered else "- "
        number += 1
        body = _blocks(item.children, shift, tight=tight)
        pad = " " * len(marker)
        lines = body.split("\n")
        rest = [f"{pad}{line}" if line else "" for line in lines[1:]]
        items.append("\n".join([f"{marker}{lines[0]}".rstrip(), *rest]))
    return ("\n" if tight else "\n\n").join(items)


def _fence(content: str, info: str) -> str:
    runs = [len(run) for run in _BACKTICKS_RE.findall(content)]
    fence = "`" * max(3, max(runs, default=0) + 1)
    lang = _INFO_RE.match(info.strip().split(" ")[0] if info.strip() else "")
    body = content if content.endswith("\n") or not content else content + "\n"
    return f"{fence}{lang.group(0) if lang else ''}\n{body}{fence}"


def _table(node: SyntaxTreeNode) -> str:
    rows: list[list[str]] = []
    aligns: list[str] = []
    for section in node.children:
        for row in section.children:
            rows.append([_cell(cell) for cell in row.children])
            if section.type == "thead":
                aligns = [_align(cell) for cell in row.children]
    if not rows:
        return ""
    lines = [_row(rows[0]), _row(aligns), *(_row(r) for r in rows[1:])]
    return "\n".join(lines)


def _cell(cell: SyntaxTreeNode) -> str:
    return _inline(cell.children, line_start=False, in_table=True)


def _align(cell: SyntaxTreeNode) -> str:
    style = str(cell.attrs.get("style", ""))
    if "center" in style:
        return ":---:"
    if "right" in style:
        return "---:"
    return ":---" if "left" in style else "---"


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(c.replace("\n", " ") or " " for c in cells) + " |"


def _inline(nodes: Sequence[SyntaxTreeNode], *, line_start: bool, in_table: bool = False) -> str:
    """The inline children (of a paragraph's ``inline`` node, or the nodes themselves)."""
    if len(nodes) == 1 and nodes[0].type == "inline":
        nodes = nodes[0].children
    out: list[str] = []
    at_line_start = line_start
    for node in nodes:
        piece = _inline_node(node, in_table)
        if at_line_start and node.type == "safe_tag":
            # A tag alone at a paragraph's start opens a CommonMark HTML block, which would
            # carry the next line's escaped markup out raw: start the line with a no-op entity.
            piece = "&#8203;" + piece
        if at_line_start and node.type == "text":
            piece = _LINE_START_RE.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", piece, count=1)
        if out and out[-1].endswith("!") and not out[-1].endswith("\\!") and piece[:1] == "[":
            out[-1] = out[-1][:-1] + "\\!"  # "!" before a link would make it an image
        if out and out[-1].endswith("`") and piece.startswith("`"):
            piece = " " + piece  # two code spans side by side would merge their fences
        out.append(piece)
        if node.type in ("softbreak", "hardbreak"):
            at_line_start = line_start
        elif piece:  # an image with no alt text writes nothing: the next piece starts the line
            at_line_start = False
    return "".join(out)


def _inline_node(node: SyntaxTreeNode, in_table: bool) -> str:
    kind = node.type
    if kind == "text":
        return _escape(node.content)
    if kind == "softbreak":
        return " " if in_table else "\n"
    if kind == "hardbreak":
        return "<br>" if in_table else "\\\n"
    if kind == "code_inline":
        return _code_span(node.content, in_table)
    if kind in ("em", "strong", "s"):
        mark = {"em": "*", "strong": "**", "s": "~~"}[kind]
        return mark + _inline(node.children, line_start=False, in_table=in_table) + mark
    if kind == "link":
        return _link(node, in_table)
    if kind == "image":
        return _escape(_plain(node))
    if kind in ("math_inline", "math_inline_double"):
        return _inline_math(node.content, "$$" if kind == "math_inline_double" else "$")
    if kind == "safe_tag":
        return {"void": "<br>", "open": f"<{node.tag}>"}.get(node.info, f"</{node.tag}>")
    return _escape(node.content)


def _escape(text: str) -> str:
    return _SPECIAL_RE.sub(r"\\\1", text)


def _plain(node: SyntaxTreeNode) -> str:
    """The words of a node, markup dropped (an image's alt text)."""
    if not node.children:
        return node.content
    return "".join(_plain(child) for child in node.children)


def _code_span(content: str, in_table: bool) -> str:
    runs = [len(run) for run in _BACKTICKS_RE.findall(content)]
    fence = "`" * (max(runs, default=0) + 1)
    if content.startswith("`") or content.endswith("`") or (content[:1] == content[-1:] == " "):
        content = f" {content} "
    if in_table:
        content = content.replace("|", "\\|")  # GFM splits cells before it reads code spans
    return f"{fence}{content}{fence}"


def _link(node: SyntaxTreeNode, in_table: bool) -> str:
    text = _inline(node.children, line_start=False, in_table=in_table)
    href = str(node.attrs.get("href", ""))
    if not href.lower().startswith(_SAFE_SCHEMES):
        return text
    url = quote(href, safe=":/?#=&.%~-_+@!*',;[]$")
    return f"[{text}]({url})"


def _inline_math(tex: str, fence: str) -> str:
    if "`" in tex or "![" in tex:  # a code span or an image to a reader without math
        return _escape(f"{fence}{tex}{fence}")
    return fence + _TAG_START_RE.sub(lambda _: "\\lt ", tex) + fence
