"""Abstracts and titles on the site and in feeds: arXiv's LaTeX becomes markup, never raw TeX.

An abstract says ``\\textbf{DeltaMem}`` and ``$O(n^2)$``; the site and the feed items show
bold text and MathML, made by the same owner as summaries (``render/math.py`` through
``render/markdown.py``). The README keeps the text as the original bot wrote it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import MappingProxyType

import feedparser
import lxml.html
import pytest
from render_samples import GENERATED, make_paper, rank

from arxivbot.config import Config, Profile
from arxivbot.models import DayStats, Digest
from arxivbot.render import FeedMeta, render_readme, write_feeds, write_site
from arxivbot.render.tex_text import tex_text_to_safe_html

DAY = date(2025, 12, 4)
ABSTRACT = (
    r"We propose \textbf{DeltaMem}, a \emph{training-free} memory with $O(n^{2})$ cost "
    r"and {\bf 37\%} fewer tokens; see \url{https://github.com/example/deltamem}. "
    r"It costs $5 and $10 to run."
)


@pytest.mark.parametrize(
    ("tex", "expected"),
    [
        (r"\textbf{bold}", "<strong>bold</strong>"),
        (r"\emph{a} \textit{b} {\em c}", "<em>a</em> <em>b</em> <em>c</em>"),
        (r"\texttt{x<y}", "<code>x&lt;y</code>"),
        (r"\textbf{\emph{both}}", "<strong><em>both</em></strong>"),
        (r"50\% \& 3\_a \#1 \$2", "50% &amp; 3_a #1 $2"),
        (r"\textsc{Name}", "Name"),
        (r"\unknown{x} and {braces}", r"\unknown{x} and {braces}"),
        (r"$5 and $10", "$5 and $10"),  # money, as in summaries
        (r"*not* _markdown_ [x](http://e.org)", "*not* _markdown_ [x](http://e.org)"),
    ],
)
def test_text_mode_latex(tex: str, expected: str) -> None:
    assert tex_text_to_safe_html(tex) == expected


def test_math_is_mathml_even_inside_text_commands() -> None:
    html = tex_text_to_safe_html(r"\textbf{cost $O(n^2)$} and $\mathbf{x}$")
    assert html.startswith("<strong>cost <math")
    assert "</math></strong>" in html
    assert "<mi>𝐱</mi>" in html and "\\mathbf" not in html  # \mathbf stays math


def test_links_are_http_only_and_markup_is_escaped() -> None:
    html = tex_text_to_safe_html(
        r"\href{javascript:alert(1)}{click} \url{https://e.org/a} <script>x</script>"
        r" <img src=x onerror=alert(1)> \textbf{<b>}"
    )
    assert "javascript" not in html and "click" in html
    assert '<a href="https://e.org/a" rel="nofollow noopener">https://e.org/a</a>' in html
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html


def test_hostile_nesting_is_bounded() -> None:
    deep = r"\textbf{" * 500 + "x" + "}" * 500
    html = tex_text_to_safe_html(deep)
    assert "x" in html and html.count("<strong>") <= 8


@pytest.fixture
def latex_day() -> list[Digest]:
    paper = make_paper("2512.08888", r"Fast \textbf{Memory} for $k$-NN", ["A. Author"],
                       ABSTRACT, ("cs.LG",))  # fmt: skip
    stats = DayStats(fetched=1, new=1, cross=0, matched=1, kept=1)
    digest = Digest("default", DAY, GENERATED, (rank(paper, DAY, 5.0, 1),), stats,
                    MappingProxyType({}))  # fmt: skip
    return [digest]


def test_site_and_feeds_show_markup_and_mathml(
    latex_day: list[Digest], profile: Profile, config: Config, meta: FeedMeta, tmp_path: Path
) -> None:
    write_site(tmp_path, latex_day, profile, config, meta)
    write_feeds(tmp_path, latex_day, profile, config, meta)
    page = lxml.html.fromstring((tmp_path / "index.html").read_bytes())
    (abstract,) = page.xpath("//p[@class='abstract']")
    assert [b.text_content() for b in abstract.xpath(".//strong")] == ["DeltaMem", "37%"]
    assert abstract.xpath(".//em")[0].text_content() == "training-free"
    assert abstract.xpath(".//math//msup")
    assert "\\textbf" not in page.text_content() and "\\emph" not in page.text_content()
    assert "$5 and $10" in abstract.text_content()
    (title,) = page.xpath("//h2[@class='paper-title']")
    assert title.xpath(".//strong") and title.xpath(".//math")

    item = feedparser.parse((tmp_path / "rss.xml").read_bytes()).entries[0]
    body = lxml.html.fromstring(item["summary"])
    assert [b.text_content() for b in body.xpath(".//strong")][-2:] == ["DeltaMem", "37%"]
    assert body.xpath(".//math//msup")
    assert "\\textbf" not in body.text_content()


def test_readme_keeps_the_original_text(
    latex_day: list[Digest], profile: Profile, config: Config
) -> None:
    text = render_readme(latex_day[0], profile, config, generated_at=GENERATED)
    # Escaped for Markdown as before, TeX and all: the README is the original bot's layout.
    assert "textbf" in text and "<math" not in text and "<strong>" not in text


def test_feed_titles_stay_plain_text(
    latex_day: list[Digest], profile: Profile, config: Config, meta: FeedMeta, tmp_path: Path
) -> None:
    write_feeds(tmp_path, latex_day, profile, config, meta)
    entry = feedparser.parse((tmp_path / "rss.xml").read_bytes()).entries[0]
    assert entry["title"] == r"Fast \textbf{Memory} for $k$-NN"
    assert latex_day[0].papers[0].paper.abstract == ABSTRACT  # the paper itself is untouched
