"""Rendering: every output built from :class:`~arxivbot.models.Digest` objects.

README (the original bot's layout) and ``papers.json``; RSS 2.0 / Atom 1.0 / JSON Feed 1.1;
the static site with archive, paper pages, search and statistics. All text from arXiv or
an LLM is treated as untrusted (see :mod:`arxivbot.render.markdown`).
"""

from arxivbot.render.feeds import FeedMeta, build_feed, collect_items, feed_path, write_feeds
from arxivbot.render.markdown import markdown_to_safe_html, md_inline
from arxivbot.render.outputs import OUTPUTS, Output, RenderJob, feed_meta
from arxivbot.render.readme import (
    render_papers_json,
    render_readme,
    write_papers_json,
    write_readme,
)
from arxivbot.render.site import paper_stem, search_index, write_site
from arxivbot.render.summary_md import safe_summary_markdown

__all__ = [
    "OUTPUTS",
    "FeedMeta",
    "Output",
    "RenderJob",
    "build_feed",
    "collect_items",
    "feed_meta",
    "feed_path",
    "markdown_to_safe_html",
    "md_inline",
    "paper_stem",
    "render_papers_json",
    "render_readme",
    "safe_summary_markdown",
    "search_index",
    "write_feeds",
    "write_papers_json",
    "write_readme",
    "write_site",
]
