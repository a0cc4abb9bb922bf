"""The static site's search index: every paper of every generated day, in one compact file.

A run renders the site from the last ``output.feed_days`` of history, but the day pages of
earlier runs stay on disk; so the index written now keeps the entries of the previous index
whose day pages still exist, and the site's search covers every day it has a page for.

The index is written twice: ``search-index.json`` (fetch) and ``search-index.js`` (a global,
because browsers refuse fetch() of ``file://``). ``search.js`` loads it only on the search
page, and ``query.js`` answers the query language over it. Entries are arrays under a
``fields`` header (no repeated keys); text is cleaned and capped.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arxivbot.enrich.links import HAS_VALUES, find_links, has_link
from arxivbot.fsutil import atomic_write_text
from arxivbot.ids import ArxivId
from arxivbot.models import Digest, Paper
from arxivbot.render.markdown import clean_text

log = logging.getLogger(__name__)

INDEX_VERSION = 2
FIELDS = ("id", "stem", "title", "authors", "abstract", "categories", "comment",
          "journal_ref", "days", "score", "summary", "has")  # fmt: skip
_DAYS = FIELDS.index("days")


@dataclass(frozen=True)
class IndexDay:
    """One announcement day the index covers, with how many papers it kept."""

    day: str
    count: int


def search_index(
    digests: Sequence[Digest], previous: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The index over ``digests`` plus the entries of ``previous`` for days not rendered now.

    Papers are listed newest day first; a paper kept on several days appears once, its
    ``days`` newest first.
    """
    rows: dict[str, list[Any]] = {}
    counts: dict[str, int] = {}
    for digest in sorted(digests, key=lambda d: d.announced_on, reverse=True):
        day = digest.announced_on.isoformat()
        counts[day] = len(digest.papers)
        for ranked in digest.papers:
            paper = ranked.paper
            row = rows.get(paper.arxiv_id)
            if row is not None:
                row[_DAYS].append(day)
                continue
            summary = digest.summary_for(paper.arxiv_id)
            rows[paper.arxiv_id] = [
                paper.arxiv_id,
                ArxivId(paper.arxiv_id).file_stem,
                clean_text(paper.title, limit=500),
                [clean_text(a, limit=200) for a in paper.authors[:50]],
                clean_text(paper.abstract, limit=5_000),
                list(paper.categories),
                clean_text(paper.comment, limit=300),
                clean_text(paper.journal_ref, limit=300),
                [day],
                round(ranked.score, 2),
                1 if summary is not None and summary.text.strip() else 0,
                has_values(paper),
            ]
    if previous:
        _merge_previous(rows, counts, previous)
    ordered = sorted(rows.values(), key=lambda r: (r[_DAYS][0], r[0]), reverse=True)
    days = [{"day": d, "count": counts[d]} for d in sorted(counts, reverse=True)]
    return {"version": INDEX_VERSION, "fields": list(FIELDS), "days": days, "papers": ordered}


def has_values(paper: Paper) -> list[str]:
    """The ``has:`` values the paper satisfies, found by the ranking's own link finder."""
    links = find_links(paper)
    return [value for value in HAS_VALUES if has_link(links, value)]


def _merge_previous(
    rows: dict[str, list[Any]], counts: dict[str, int], previous: dict[str, Any]
) -> None:
    """Keep the earlier days' entries (days rendered now are rebuilt, never merged)."""
    fields = previous.get("fields")
    if previous.get("version") != INDEX_VERSION or fields != list(FIELDS):
        return
    rendered = set(counts)
    for entry in previous.get("days", []):
        if entry["day"] not in rendered:
            counts[entry["day"]] = int(entry["count"])
    for row in previous.get("papers", []):
        old_days = [d for d in row[_DAYS] if d not in rendered and d in counts]
        if not old_days:
            continue
        current = rows.get(row[0])
        if current is not None:
            current[_DAYS] = sorted({*current[_DAYS], *old_days}, reverse=True)
        else:
            rows[row[0]] = [*row[:_DAYS], old_days, *row[_DAYS + 1 :]]


def read_previous(out_dir: Path) -> dict[str, Any] | None:
    """The index a previous run wrote, limited to the days whose pages still exist."""
    path = out_dir / "search-index.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("days"), list):
        return None
    try:
        data["days"] = [
            entry for entry in data["days"] if (out_dir / "days" / f"{entry['day']}.html").is_file()
        ]
    except (KeyError, TypeError):
        log.info("ignoring an unreadable previous search index at %s", path)
        return None
    return data


@dataclass(frozen=True)
class WrittenIndex:
    """What the pages say about the index: the days it covers and how many papers."""

    paths: tuple[Path, ...]
    days: tuple[IndexDay, ...]
    papers: int


def write_search_index(out_dir: Path, digests: Sequence[Digest]) -> WrittenIndex:
    """Write both forms of the index over ``digests`` and the earlier days still on disk."""
    index = search_index(digests, read_previous(out_dir))
    data = script_safe_json(index)
    paths = (
        atomic_write_text(out_dir / "search-index.json", data + "\n"),
        atomic_write_text(out_dir / "search-index.js", f"window.ARXIVBOT_SEARCH_INDEX = {data};\n"),
    )
    days = tuple(IndexDay(entry["day"], entry["count"]) for entry in index["days"])
    return WrittenIndex(paths, days, len(index["papers"]))


def script_safe_json(value: object) -> str:
    """JSON that cannot end a ``<script>`` element or start an HTML comment/entity."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):  # fmt: skip
        text = text.replace(char, escaped)
    return text
