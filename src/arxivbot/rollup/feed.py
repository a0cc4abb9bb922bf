"""An Atom feed of the latest roll-ups (``weekly.atom`` / ``monthly.atom``): one entry per
period, its content the roll-up rendered through the site's safe Markdown → HTML path.

An entry's id is the period (``urn:arxivbot:rollup:<profile>:2026-W25``), so a reader shows
a period once and updates it while the period is still running; ``updated`` is the newest
digest change in it, so an unchanged store writes an identical feed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime

from arxivbot.render.markdown import markdown_to_safe_html
from arxivbot.rollup import PeriodKind, Rollup
from arxivbot.rollup.markdown import render_rollup
from arxivbot.rollup.page import PAGE_NAMES

ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_NAMES = {PeriodKind.WEEK: "weekly.atom", PeriodKind.MONTH: "monthly.atom"}


def rollup_feed(
    rollups: Sequence[tuple[Rollup, datetime]], site_title: str, site_url: str = ""
) -> str:
    """``rollups``: (roll-up, when its content last changed), newest first."""
    kind = rollups[0][0].period.kind if rollups else PeriodKind.WEEK
    page = (site_url.rstrip("/") + "/" if site_url else "") + PAGE_NAMES[kind]
    feed = ET.Element("feed", {"xmlns": ATOM_NS})
    profile = rollups[0][0].profile if rollups else "default"
    _sub(feed, "id", f"urn:arxivbot:rollup:{profile}:{kind.value}")
    _sub(
        feed, "title", f"{site_title}: {'weekly' if kind is PeriodKind.WEEK else 'monthly'} roll-up"
    )
    newest = max((changed for _, changed in rollups), default=None)
    _sub(feed, "updated", (newest or datetime(1970, 1, 1, tzinfo=UTC)).isoformat())
    _sub(feed, "link", href=page, rel="alternate", type="text/html")
    _sub(_sub(feed, "author"), "name", site_title)
    _sub(feed, "generator", "arxivbot")
    for rollup, changed in rollups:
        entry = _sub(feed, "entry")
        _sub(entry, "id", f"urn:arxivbot:rollup:{rollup.profile}:{rollup.period.name}")
        _sub(entry, "title", f"{rollup.period.name}: {len(rollup.top)} top papers")
        _sub(entry, "updated", changed.isoformat())
        _sub(entry, "link", href=page, rel="alternate", type="text/html")
        _sub(entry, "content", markdown_to_safe_html(render_rollup(rollup)), type="html")
    ET.indent(feed)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element
