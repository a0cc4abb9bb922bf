"""RSS 2.0, Atom 1.0 and JSON Feed 1.1 over the digest history, whole and per category.

XML is built with ElementTree (a real serializer escapes every untrusted string), JSON with
``json.dumps``; the item body is an autoescaped Jinja template with the summary rendered
by :func:`arxivbot.render.markdown.markdown_to_safe_html`. Item ids are the arXiv id
without version, so a new version of a paper never shows up as a second item.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from arxivbot.config import Config, Profile
from arxivbot.errors import RenderError
from arxivbot.fsutil import atomic_write_text
from arxivbot.models import Digest, RankedPaper, Summary
from arxivbot.render.markdown import clean_text
from arxivbot.render.templating import item_html

FeedFormat = Literal["rss", "atom", "json"]
ARXIV_TZ = ZoneInfo("America/New_York")
ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
# XML 1.0 forbids most control characters; lxml refuses them, so they are dropped first.
_XML_BAD_RE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
ET.register_namespace("atom", ATOM_NS)  # RSS uses atom:link rel="self"
ET.register_namespace("dc", DC_NS)
FEED_PATHS: dict[str, tuple[str, str]] = {
    "rss": ("rss.xml", "rss/{category}.xml"),
    "atom": ("atom.xml", "atom/{category}.xml"),
    "json": ("feed.json", "feed/{category}.json"),
}


@dataclass(frozen=True)
class FeedMeta:
    """Channel-level facts. ``feed_url`` is the absolute base URL the feed files live under
    (e.g. ``https://me.github.io/digest/``); ``site_url`` the page readers land on."""

    title: str
    site_url: str
    feed_url: str
    description: str
    generated_at: datetime


@dataclass(frozen=True)
class FeedItem:
    ranked: RankedPaper
    summary: Summary | None

    @property
    def guid(self) -> str:
        return self.ranked.paper.arxiv_id

    @property
    def published(self) -> datetime:
        """The announcement day at 00:00 US/Eastern, when arXiv publishes the listing."""
        return datetime.combine(self.ranked.announcement.announced_on, time(0), ARXIV_TZ)


def feed_path(fmt: FeedFormat, category: str | None = None) -> str:
    """The file name of a feed relative to the output directory."""
    whole, per_category = FEED_PATHS[fmt]
    return whole if category is None else per_category.format(category=category)


def collect_items(
    history: Sequence[Digest], category: str | None, *, max_items: int, max_days: int
) -> list[FeedItem]:
    """Newest day first, rank order within a day, one item per arXiv id (its newest)."""
    digests = sorted(history, key=lambda d: d.announced_on, reverse=True)
    if not digests:
        return []
    cutoff: date = digests[0].announced_on - timedelta(days=max_days - 1)
    items: list[FeedItem] = []
    seen: set[str] = set()
    for digest in digests:
        if digest.announced_on < cutoff:
            break
        for ranked in sorted(digest.papers, key=lambda r: (r.rank, -r.score)):
            paper = ranked.paper
            if paper.arxiv_id in seen or (category and category not in paper.categories):
                continue
            seen.add(paper.arxiv_id)
            items.append(FeedItem(ranked, digest.summary_for(paper.arxiv_id)))
    return items[:max_items]


def build_feed(
    history: Sequence[Digest],
    fmt: FeedFormat,
    category: str | None,
    meta: FeedMeta,
    *,
    max_items: int = 200,
    max_days: int = 30,
) -> str:
    """One feed document as text. ``category`` restricts items to papers listing it."""
    items = collect_items(history, category, max_items=max_items, max_days=max_days)
    self_url = _join(meta.feed_url, feed_path(fmt, category))
    title = f"{meta.title} — {category}" if category else meta.title
    if fmt == "rss":
        return _rss(items, meta, title, self_url)
    if fmt == "atom":
        return _atom(items, meta, title, self_url)
    if fmt == "json":
        return _json_feed(items, meta, title, self_url)
    raise RenderError(f"unknown feed format {fmt!r}", hint="use 'rss', 'atom' or 'json'")


def atom_feed(items: Sequence[FeedItem], meta: FeedMeta, title: str, self_url: str) -> str:
    """An Atom document over given items (the server's saved-search feed)."""
    return _atom(list(items), meta, title, self_url)


def write_feeds(
    out_dir: Path,
    history: Sequence[Digest],
    profile: Profile,
    config: Config,
    meta: FeedMeta,
) -> list[Path]:
    """Write every format for the whole digest and for each of the profile's categories."""
    limits = {"max_items": config.output.feed_max_items, "max_days": config.output.feed_days}
    written: list[Path] = []
    formats: tuple[FeedFormat, ...] = ("rss", "atom", "json")
    for category in (None, *profile.categories):
        for fmt in formats:
            text = build_feed(history, fmt, category, meta, **limits)
            written.append(atomic_write_text(out_dir / feed_path(fmt, category), text))
    return written


def _join(base: str, path: str) -> str:
    if not base:
        return path
    return base if base.endswith(path) else base.rstrip("/") + "/" + path


def _x(text: str) -> str:
    return _XML_BAD_RE.sub("", text)


def _title(item: FeedItem) -> str:
    return clean_text(_x(item.ranked.paper.title), limit=500)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: _x(v) for k, v in attrs.items()})
    if text is not None:
        element.text = _x(text)
    return element


def _serialize(root: ET.Element) -> str:
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


def _rss(items: list[FeedItem], meta: FeedMeta, title: str, self_url: str) -> str:
    rss = ET.Element("rss", {"version": "2.0"})
    channel = _sub(rss, "channel")
    _sub(channel, "title", title)
    _sub(channel, "link", meta.site_url or self_url)
    _sub(channel, "description", meta.description or title)
    _sub(channel, f"{{{ATOM_NS}}}link", href=self_url, rel="self", type="application/rss+xml")
    _sub(channel, "lastBuildDate", format_datetime(meta.generated_at))
    _sub(channel, "generator", "arxivbot")
    _sub(channel, "docs", "https://www.rssboard.org/rss-specification")
    for item in items:
        paper = item.ranked.paper
        node = _sub(channel, "item")
        _sub(node, "title", _title(item))
        _sub(node, "link", paper.abs_url)
        _sub(node, "guid", item.guid, isPermaLink="false")
        _sub(node, "pubDate", format_datetime(item.published))
        _sub(node, f"{{{DC_NS}}}creator", clean_text(", ".join(paper.authors), limit=2_000))
        for category in paper.categories:
            _sub(node, "category", category)
        _sub(node, "description", _x(item_html(item.ranked, item.summary)))
    return _serialize(rss)


def _atom(items: list[FeedItem], meta: FeedMeta, title: str, self_url: str) -> str:
    # Plain tag names + an xmlns attribute give a default-namespace document, which some
    # readers insist on (ElementTree would otherwise write ``atom:`` prefixes).
    feed = ET.Element("feed", {"xmlns": ATOM_NS})
    _sub(feed, "id", self_url if "://" in self_url else f"urn:arxivbot:{self_url}")
    _sub(feed, "title", title)
    _sub(feed, "subtitle", meta.description or title)
    _sub(feed, "updated", meta.generated_at.isoformat())
    _sub(feed, "link", href=self_url, rel="self", type="application/atom+xml")
    if meta.site_url:
        _sub(feed, "link", href=meta.site_url, rel="alternate", type="text/html")
    _sub(_sub(feed, "author"), "name", meta.title)
    _sub(feed, "generator", "arxivbot")
    for item in items:
        paper = item.ranked.paper
        entry = _sub(feed, "entry")
        _sub(entry, "id", f"https://arxiv.org/abs/{item.guid}")
        _sub(entry, "title", _title(item))
        _sub(entry, "link", href=paper.abs_url, rel="alternate", type="text/html")
        _sub(entry, "published", item.published.isoformat())
        _sub(entry, "updated", item.published.isoformat())
        for name in paper.authors[:100]:
            _sub(_sub(entry, "author"), "name", clean_text(name, limit=300) or "unknown")
        for category in paper.categories:
            _sub(entry, "category", term=category)
        _sub(entry, "content", item_html(item.ranked, item.summary), type="html")
    return _serialize(feed)


def _json_feed(items: list[FeedItem], meta: FeedMeta, title: str, self_url: str) -> str:
    document = {
        "version": JSON_FEED_VERSION,
        "title": title,
        "home_page_url": meta.site_url or None,
        "feed_url": self_url,
        "description": meta.description or title,
        "authors": [{"name": meta.title}],
        "items": [_json_item(item) for item in items],
    }
    document = {k: v for k, v in document.items() if v is not None}
    text = json.dumps(document, ensure_ascii=False, indent=2)
    # Safe even if a client pastes it into a <script>: no tag or entity can start.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


def _json_item(item: FeedItem) -> dict[str, object]:
    paper = item.ranked.paper
    return {
        "id": item.guid,
        "url": paper.abs_url,
        "title": _title(item),
        "content_html": item_html(item.ranked, item.summary),
        "summary": clean_text(paper.abstract, limit=500),
        "date_published": item.published.isoformat(),
        "authors": [{"name": clean_text(a, limit=300)} for a in paper.authors[:100]],
        "tags": list(paper.categories),
        "external_url": paper.pdf_url,
    }
