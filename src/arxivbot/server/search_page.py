"""The server's HTML search results page (for browsers; the JSON is the same data).

Every value from the store is untrusted (arXiv metadata, LLM text): it is escaped with
``html.escape`` and links are built only from the validated arXiv id, never from input.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any
from urllib.parse import quote, urlencode

# The store marks matches with Markdown bold; marks are added only after escaping.
_HIGHLIGHT = re.compile(r"\*\*(.+?)\*\*")

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Search: {query} — {title}</title>
<link rel="alternate" type="application/rss+xml" title="{title} (RSS)" href="/rss">
<link rel="alternate" type="application/atom+xml" title="{title} (Atom)" href="/atom">
<link rel="alternate" type="application/feed+json" title="{title} (JSON Feed)" href="/feed.json">
<style>body{{font-family:system-ui,sans-serif;max-width:50rem;margin:auto;padding:1rem;
line-height:1.5}}@media (prefers-color-scheme:dark){{body{{background:#111;color:#ddd}}
a{{color:#8ab4f8}}}}li{{margin-bottom:1rem}}.meta{{color:#888;font-size:.9em}}</style>
</head><body>
<p><a href="/">{title}</a></p>
<form action="/search" method="get"><input name="q" value="{query}" aria-label="search">
<button>Search</button></form>
<h1>{count} result(s) for “{query}”</h1>
<ol start="{start}">{items}</ol>
{more}
</body></html>
"""

_ITEM = """<li><a href="{abs_url}">{title}</a> <span class="meta">{arxiv_id} · {day}</span>
<div class="meta">{authors}</div><div>{snippet}</div>
<a href="/api/papers/{path_id}">JSON</a></li>"""


def render_search_page(results: dict[str, Any], site_title: str) -> str:
    """``results`` is a ``SearchResults`` model dump; the output is escaped HTML."""
    hits: list[dict[str, Any]] = results["hits"]
    items = "\n".join(_item(hit) for hit in hits)
    more = ""
    if len(hits) == results["limit"]:
        params = {"q": results["query"], "field": results["field"]}
        params["offset"] = str(results["offset"] + results["limit"])
        more = f'<p><a href="/search?{escape(urlencode(params))}">More results</a></p>'
    return _PAGE.format(
        query=escape(results["query"]),
        title=escape(site_title),
        count=len(hits),
        start=results["offset"] + 1,
        items=items,
        more=more,
    )


def _item(hit: dict[str, Any]) -> str:
    paper = hit["paper"]
    day = hit["announced_on"]
    return _ITEM.format(
        abs_url=escape(paper["links"]["abs"]),
        title=escape(paper["title"]),
        arxiv_id=escape(paper["versioned_id"]),
        day=escape(str(day) if day else ""),
        authors=escape(", ".join(paper["authors"][:12])),
        snippet=_HIGHLIGHT.sub(r"<mark>\1</mark>", escape(hit["snippet"])),
        path_id=escape(quote(paper["arxiv_id"], safe="/")),
    )
