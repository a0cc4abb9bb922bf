from __future__ import annotations

from pathlib import Path

from lxml import etree

NS = {"arxiv": "http://arxiv.org/schemas/atom"}


def feed_ids(path: Path, types: set[str]) -> set[str]:
    """arXiv ids (no version) of the items in a recorded RSS file with these announce types."""
    tree = etree.parse(str(path))
    found = set()
    for item in tree.iter("item"):
        kind = item.findtext("arxiv:announce_type", namespaces=NS)
        if kind in types:
            link = item.findtext("link") or ""
            found.add(link.rsplit("/", 1)[-1])
    return found
