"""Markdown → sanitised HTML, and Markdown escaping of untrusted text."""

from __future__ import annotations

import lxml.html
import pytest
from hostile import HOSTILE_SUMMARY

from arxivbot.render.markdown import (
    clean_text,
    markdown_to_safe_html,
    md_block_start,
    md_inline,
)
from arxivbot.render.summary_md import safe_summary_markdown
from arxivbot.render.templating import with_math


def _tree(html: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(f"<div>{html}</div>")


def test_markdown_structure_is_kept() -> None:
    html = markdown_to_safe_html("# T\n\n- **a**\n- `b`\n\n| x | y |\n|---|---|\n| 1 | 2 |\n")
    tree = _tree(html)
    assert tree.xpath("//h3") and tree.xpath("//li/strong") and tree.xpath("//table//td")


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "![i](javascript:alert(1))",
        "[x][r]\n\n[r]: javascript:alert(1)",
        "<a href='javascript:alert(1)'>x</a>",
        "<iframe src='https://evil.example'></iframe>",
        '<svg onload="alert(1)"></svg>',
        HOSTILE_SUMMARY,
    ],
)
def test_dangerous_markup_is_removed(source: str) -> None:
    tree = _tree(markdown_to_safe_html(source))
    assert not tree.xpath("//script | //img | //iframe | //svg | //style")
    for element in tree.iter():
        for name, value in element.attrib.items():
            assert not name.startswith("on")
            assert "javascript" not in value.lower() and not value.lower().startswith("data:")


def test_links_get_rel_nofollow_noopener() -> None:
    tree = _tree(markdown_to_safe_html("[ok](https://example.org/x)"))
    (link,) = tree.xpath("//a")
    assert link.get("href") == "https://example.org/x"
    assert set(link.get("rel", "").split()) >= {"nofollow", "noopener"}


def test_clean_text_removes_invisible_and_controls() -> None:
    assert clean_text("a\u202eb\u200bc\x00d\n\te") == "abc d e"
    assert clean_text("x" * 50, limit=10) == "x" * 9 + "…"


def test_md_inline_escapes_constructs() -> None:
    assert md_inline("[x](javascript:y) <b> | `c` *e* _f_") == (
        "\\[x\\](javascript:y) \\<b\\> \\| \\`c\\` \\*e\\* \\_f\\_"
    )
    assert md_block_start("# heading") == "\\# heading"
    assert md_block_start("1. item") == "1\\. item"
    assert md_block_start("> quote") == "\\> quote"  # ">" is also escaped inline
    assert md_block_start("+ plus") == "\\+ plus"
    assert md_block_start("2025 was") == "2025 was"


def test_safe_summary_markdown_closes_fences_and_escapes_html() -> None:
    text = safe_summary_markdown("a <b>x</b> `<code>`\n~~~\n<raw>\n")
    assert text.splitlines()[0] == "a \\<b>x\\</b> `<code>`"
    assert text.splitlines()[-1] == "```"  # fences are rewritten, and always closed
    assert "<raw>" in text  # inside a code fence: literal, harmless


def test_math_is_rendered_and_escaped() -> None:
    # Titles and abstracts share the summaries' math owner: MathML, no ad-hoc Unicode spans.
    html = str(with_math("Cost $O(n^{2})$ with $\\alpha \\leq \\beta$ and <b>$<i>$"))
    assert "<msup><mi>n</mi>" in html  # O(n^{2}) as MathML
    assert "<mi>α</mi><mo>≤</mo><mi>β</mi>" in html
    assert "<b>" not in html and "&lt;b&gt;" in html and "<i>" not in html
