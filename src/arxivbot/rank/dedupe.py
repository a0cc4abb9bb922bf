"""De-duplication of a day's candidates (the original's ``deduplication_methods``)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from arxivbot.models import Announcement, Paper
from arxivbot.rank.text import fold_accents, normalise

_NON_WORD = re.compile(r"[\W_]+")
METHODS = frozenset({"id", "title", "link"})


def normalised_title(title: str) -> str:
    """Case, accents, punctuation and whitespace removed: ``"Q&A:  a  Study"`` → ``q a a study``."""
    return _NON_WORD.sub(" ", fold_accents(normalise(title)).casefold()).strip()


def dedupe(
    candidates: Sequence[tuple[Paper, Announcement]], methods: Iterable[str] = ("id",)
) -> list[tuple[Paper, Announcement]]:
    """Keep one entry per paper, in first-seen order.

    ``id``: one entry per arXiv id, the highest version wins (it keeps the first slot);
    ``title``: one entry per normalised title; ``link``: one per abs link.
    """
    wanted = set(methods)
    unknown = wanted - METHODS
    if unknown:
        raise ValueError(f"unknown de-duplication method(s) {sorted(unknown)}; use id, title, link")
    kept: list[tuple[Paper, Announcement]] = []
    slot: dict[tuple[str, str], int] = {}
    for paper, announcement in candidates:
        keys = _keys(paper, wanted)
        existing = next((slot[k] for k in keys if k in slot), None)
        if existing is None:
            for key in keys:
                slot[key] = len(kept)
            kept.append((paper, announcement))
        elif paper.arxiv_id == kept[existing][0].arxiv_id and (
            paper.version > kept[existing][0].version
        ):
            kept[existing] = (paper, announcement)
            for key in keys:
                slot.setdefault(key, existing)
    return kept


def _keys(paper: Paper, methods: set[str]) -> list[tuple[str, str]]:
    keys: list[tuple[str, str]] = []
    if "id" in methods:
        keys.append(("id", paper.arxiv_id))
    if "title" in methods:
        title = normalised_title(paper.title)
        if title:
            keys.append(("title", title))
    if "link" in methods:
        keys.append(("link", paper.abs_url))
    return keys
