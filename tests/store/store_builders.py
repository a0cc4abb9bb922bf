"""Builders of papers and announcements for the store tests (unique module name)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from arxivbot.models import Announcement, AnnounceType, Paper

NOW = datetime(2025, 6, 10, 12, 0, tzinfo=UTC)


def build_paper(arxiv_id: str = "2506.00001", **fields: Any) -> Paper:
    base = Paper(
        arxiv_id=arxiv_id,
        version=1,
        title=f"A study of things {arxiv_id}",
        authors=("Ada Lovelace", "Alan Turing"),
        abstract="We present a method for graph neural networks on molecules.",
        primary_category="cs.LG",
        categories=("cs.LG", "cs.AI"),
    )
    return replace(base, **fields)


def build_announcement(
    paper: Paper,
    day: date = date(2025, 6, 10),
    kind: AnnounceType = AnnounceType.NEW,
    feed: str = "cs.LG",
) -> Announcement:
    return Announcement(paper.arxiv_id, paper.version, day, kind, feed)
