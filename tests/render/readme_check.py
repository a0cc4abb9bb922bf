"""How the render tests read a README: the way GitHub would, then look for live markup."""

from __future__ import annotations

import re

import lxml.html
from markdown_it import MarkdownIt

# Elements that run code, load something, or restyle the page when a README is shown.
LIVE_TAGS = (
    "script", "iframe", "object", "embed", "style", "svg", "form", "input", "link", "meta",
    "base", "frame", "frameset", "video", "audio", "source", "textarea",
)  # fmt: skip


def github_like_html(markdown: str) -> lxml.html.HtmlElement:
    """Render the README the way GitHub does (CommonMark, raw HTML on), then parse it."""
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    return lxml.html.fromstring(f"<div>{md.render(markdown)}</div>")


def paper_headings(tree: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return [h for h in tree.xpath("//h3") if re.match(r"\d+\. ", h.text_content())]


def live_markup(tree: lxml.html.HtmlElement) -> list[str]:
    """Everything in the rendered tree that a hostile summary must never produce."""
    found = [f"<{e.tag}>" for e in tree.iter() if isinstance(e.tag, str) and e.tag in LIVE_TAGS]
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"{element.tag} {name}=")
            if name.lower() in ("href", "src", "action", "formaction") and re.match(
                r"\s*(javascript|vbscript|data):", value, re.I
            ):
                found.append(f"{element.tag} {name}={value[:40]}")
        if element.tag == "img":
            found.append(f"img src={element.get('src', '')[:60]}")  # no images at all
    return found
