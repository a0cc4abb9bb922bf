"""Load a recorded rss.arxiv.org day for the ranking tests.

Uses the project's parser (``arxivbot.sources.rss.parse_feed``) when it exists; until it
lands, a minimal lxml reader of the same fields stands in.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from lxml import etree

from arxivbot.models import Announcement, AnnounceType, Paper

_NS = {"arxiv": "http://arxiv.org/schemas/atom", "dc": "http://purl.org/dc/elements/1.1/"}
_DESC_RE = re.compile(r"^arXiv:(\S+?)v(\d+) Announce Type: (\S+) \s*\nAbstract: ", re.S)


def load_day(path: Path) -> list[tuple[Paper, Announcement]]:
    content = path.read_bytes()
    try:
        from arxivbot.sources.rss import parse_feed  # type: ignore[import-not-found]
    except ImportError:
        return _fallback(content, date.fromisoformat(path.parent.parent.name))
    return list(parse_feed(content, str(path)).items)


def _fallback(content: bytes, day: date) -> list[tuple[Paper, Announcement]]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(content, parser)
    items: list[tuple[Paper, Announcement]] = []
    for item in root.iter("item"):
        desc = item.findtext("description") or ""
        match = _DESC_RE.match(desc)
        assert match, desc[:80]
        arxiv_id, version, kind = match.group(1), int(match.group(2)), match.group(3)
        cats = tuple(c.text or "" for c in item.findall("category"))
        creators = item.findtext("dc:creator", default="", namespaces=_NS)
        paper = Paper(
            arxiv_id=arxiv_id,
            version=version,
            title=item.findtext("title") or "",
            authors=tuple(a.strip() for a in creators.split(",") if a.strip()),
            abstract=desc[match.end() :],
            primary_category=cats[0] if cats else "",
            categories=cats,
            journal_ref=item.findtext("arxiv:journal_reference", default="", namespaces=_NS),
        )
        announcement = Announcement(arxiv_id, version, day, AnnounceType(kind), cats[0])
        items.append((paper, announcement))
    return items
