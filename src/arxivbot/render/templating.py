"""The shared Jinja2 environment (autoescape on) and its filters.

``math`` shows arXiv's TeX-flavoured text (titles, abstracts, comments) as HTML: ``$…$``
becomes MathML and ``\\textbf{…}`` bold, by the owner summaries use too
(``render/tex_text.py`` over ``render/markdown.py``/``render/math.py``); its output is
escaped and allow-listed, so it is safe.
"""

from __future__ import annotations

from functools import cache, lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from arxivbot.enrich.links import find_links
from arxivbot.models import RankedPaper, Summary, SummarySource
from arxivbot.render.markdown import FEED_HEADING_LEVEL, clean_text, markdown_to_safe_html
from arxivbot.render.tex_text import tex_text_to_safe_html


def with_math(text: str) -> Markup:
    """``text`` (arXiv's TeX-flavoured plain text) as safe HTML with MathML math."""
    return Markup(tex_text_to_safe_html(text))


def format_score(score: float) -> str:
    return f"{score:.1f}"


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("arxivbot", "templates"),
        autoescape=select_autoescape(["html", "xml", "j2"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["math"] = with_math
    env.filters["markdown"] = lambda text: Markup(markdown_to_safe_html(text))
    env.filters["score"] = format_score
    env.filters["clean"] = clean_text
    return env


def summary_label(summary: Summary) -> str:
    if summary.source is SummarySource.OFFLINE:
        return "Extractive summary (offline)"
    return f"AI summary (by {clean_text(summary.model, limit=80)})"


@lru_cache(maxsize=4096)  # pure; a paper is an item in the whole feed and its categories'
def item_html(ranked: RankedPaper, summary: Summary | None) -> str:
    """The HTML body of one feed item: why + score, abstract, summary, links."""
    paper = ranked.paper
    has_summary = summary is not None and bool(summary.text.strip())
    return (
        environment()
        .get_template("feed_item.html")
        .render(
            score=format_score(ranked.score),
            why=clean_text(ranked.explanation, limit=1_000),
            authors=clean_text(", ".join(paper.authors), limit=2_000),
            categories=", ".join(paper.categories),
            announce_type=ranked.announcement.announce_type.value,
            announced_on=ranked.announcement.announced_on.isoformat(),
            abstract=with_math(paper.abstract),
            summary_html=Markup(markdown_to_safe_html(summary.text, FEED_HEADING_LEVEL))
            if summary and has_summary
            else "",
            summary_label=summary_label(summary) if summary else "",
            offline=bool(summary and summary.source is SummarySource.OFFLINE),
            abs_url=paper.abs_url,
            pdf_url=paper.pdf_url,
            html_url=paper.html_url,
            links=find_links(paper),
        )
    )
