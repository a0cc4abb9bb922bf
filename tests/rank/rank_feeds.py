"""Load a recorded rss.arxiv.org day for the ranking tests and benchmarks."""

from __future__ import annotations

from pathlib import Path

from arxivbot.models import Announcement, Paper
from arxivbot.sources.rss import parse_feed


def load_day(path: Path) -> list[tuple[Paper, Announcement]]:
    """The (paper, announcement) items of one recorded feed file, as the pipeline reads them."""
    return list(parse_feed(path.read_bytes(), str(path)).items)
