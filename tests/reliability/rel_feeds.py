"""Hostile and unusual arXiv feeds, built at test time from the recorded ones.

Small hand-written inputs live in ``tests/data/reliability``; anything large (a feed at
arXiv's 2,000-item cap, a 50 MB body) is generated here so the repository stays small.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable

from lxml import etree

from support.fixtures import feed_path

ARXIV_NS = "http://arxiv.org/schemas/atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
ITEM_CAP = 2000  # rss.arxiv.org lists at most 2,000 items per feed


def _tree(day: str) -> etree._Element:
    return etree.fromstring(feed_path(day).read_bytes())


def _bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def transformed(day: str, change: Callable[[etree._Element, list[etree._Element]], None]) -> bytes:
    """The recorded feed of ``day`` after ``change(channel, items)`` edited it in place."""
    root = _tree(day)
    channel = root.find("channel")
    assert channel is not None
    change(channel, channel.findall("item"))
    return _bytes(root)


def empty_weekday(day: str = "2026-06-09") -> bytes:
    """A valid feed of a Tuesday with zero items (arXiv glitch / holiday not in our calendar)."""

    def drop_all(channel: etree._Element, items: list[etree._Element]) -> None:
        for item in items:
            channel.remove(item)

    return transformed(day, drop_all)


def duplicated(day: str = "2026-06-03") -> bytes:
    """Every item listed twice."""

    def double(channel: etree._Element, items: list[etree._Element]) -> None:
        for item in items:
            channel.append(copy.deepcopy(item))

    return transformed(day, double)


def missing_fields(day: str = "2026-06-03", every: int = 3) -> bytes:
    """Every ``every``-th item without ``<arxiv:announce_type>``, the next without authors."""

    def strip(channel: etree._Element, items: list[etree._Element]) -> None:
        for index, item in enumerate(items):
            if index % every == 0:  # no type anywhere: neither the element nor the description
                _remove(item, f"{{{ARXIV_NS}}}announce_type")
                description = item.find("description")
                if description is not None and description.text:
                    description.text = description.text.split("Abstract:", 1)[-1].strip()
            elif index % every == 1:
                _remove(item, f"{{{DC_NS}}}creator")

    return transformed(day, strip)


def at_cap(day: str = "2026-06-03", count: int = ITEM_CAP) -> bytes:
    """A feed of exactly ``count`` items: the recorded ones, then renumbered copies."""

    def fill(channel: etree._Element, items: list[etree._Element]) -> None:
        for serial in range(1, count - len(items) + 1):
            channel.append(_renumbered(items[(serial - 1) % len(items)], serial))

    return transformed(day, fill)


def truncated(day: str = "2026-06-02", keep: float = 0.6) -> bytes:
    body = feed_path(day).read_bytes()
    return body[: int(len(body) * keep)]


def _remove(item: etree._Element, tag: str) -> None:
    for child in item.findall(tag):
        item.remove(child)


def _renumbered(item: etree._Element, serial: int) -> etree._Element:
    clone = copy.deepcopy(item)
    new_id = f"2606.{90000 + serial:05d}"
    for element in clone.iter():
        if element.text and re.search(r"\d{4}\.\d{4,5}", element.text):
            element.text = re.sub(r"\d{4}\.\d{4,5}", new_id, element.text, count=1)
    title = clone.find("title")
    if title is not None:
        title.text = f"{title.text} (variant {serial})"
    return clone
