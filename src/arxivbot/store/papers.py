"""Papers and announcements: version-aware upserts and the announcement-day queries.

Version rule: a paper row always holds the newest version seen. A newer version
replaces the metadata (keeping the first version's ``submitted`` and any DOI,
journal ref, comment or licence the newer record lacks); an older version never
overwrites a newer one; the same version fills in fields the stored record lacks and
takes the new text (a repaired record). Writing identical data changes nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from itertools import islice
from typing import Any

from arxivbot.errors import StoreError
from arxivbot.models import Announcement, AnnounceType, Paper
from arxivbot.store.codec import (
    PAPER_COLUMNS,
    dt_text,
    paper_from_row,
    paper_values,
    text_day,
)
from arxivbot.store.conn import Conn
from arxivbot.store.search import fts_add, fts_remove

CHUNK = 500
# Which announcement of a paper on one day wins when it appears several times.
PRECEDENCE = (
    AnnounceType.NEW,
    AnnounceType.CROSS,
    AnnounceType.REPLACE,
    AnnounceType.REPLACE_CROSS,
)
_FILLABLE = ("comment", "journal_ref", "doi", "license", "submitted")


def merge(old: Paper, new: Paper) -> Paper:
    """The record to store when ``new`` arrives for a stored ``old`` (may be ``old``)."""
    if new.version < old.version:
        return old
    filled = {name: getattr(old, name) for name in _FILLABLE if not getattr(new, name)}
    if new.version == old.version and new.updated is None:
        filled["updated"] = old.updated
    return dataclasses.replace(new, **filled) if filled else new


def upsert_papers(conn: Conn, papers: Iterable[Paper], now: datetime) -> int:
    """Insert or update papers; return how many rows were inserted or changed."""
    changed = 0
    iterator = iter(papers)
    while chunk := list(islice(iterator, CHUNK)):
        changed += _upsert_chunk(conn, chunk, dt_text(now) or "")
    return changed


def _upsert_chunk(conn: Conn, chunk: list[Paper], now: str) -> int:
    stored = _stored(conn, sorted({paper.arxiv_id for paper in chunk}))
    final: dict[str, Paper] = {}
    for paper in chunk:  # the same id twice in one batch: merge in order
        previous = final.get(paper.arxiv_id) or stored.get(paper.arxiv_id, (0, None))[1]
        final[paper.arxiv_id] = merge(previous, paper) if previous else paper
    inserts = [p for arxiv_id, p in final.items() if arxiv_id not in stored]
    updates = [
        (stored[arxiv_id][0], p)
        for arxiv_id, p in final.items()
        if arxiv_id in stored and stored[arxiv_id][1] != p
    ]
    fts_remove(conn, [paper_id for paper_id, _ in updates])
    touched = [paper_id for paper_id, _ in updates]
    for paper_id, paper in updates:
        conn.execute(
            "UPDATE papers SET version=?, title=?, authors=?, abstract=?, primary_category=?, "
            "categories=?, comment=?, journal_ref=?, doi=?, license=?, submitted=?, updated=? "
            "WHERE id=?",
            (*paper_values(paper)[1:], paper_id),
        )
        conn.execute("DELETE FROM paper_categories WHERE paper_id=?", (paper_id,))
        _insert_categories(conn, paper_id, paper)
    for paper in inserts:
        row = conn.execute(
            f"INSERT INTO papers ({PAPER_COLUMNS}, first_seen) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
            (*paper_values(paper), now),
        ).fetchone()
        _insert_categories(conn, row[0], paper)
        touched.append(row[0])
    fts_add(conn, touched)
    return len(touched)


def _insert_categories(conn: Conn, paper_id: int, paper: Paper) -> None:
    categories = set(paper.categories) | {paper.primary_category}
    conn.executemany(
        "INSERT INTO paper_categories(category, paper_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        [(category, paper_id) for category in sorted(categories) if category],
    )


def _stored(conn: Conn, arxiv_ids: Sequence[str]) -> dict[str, tuple[int, Paper]]:
    found: dict[str, tuple[int, Paper]] = {}
    for start in range(0, len(arxiv_ids), CHUNK):
        chunk = list(arxiv_ids[start : start + CHUNK])
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(f"SELECT * FROM papers WHERE arxiv_id IN ({marks})", chunk):
            found[row["arxiv_id"]] = (row["id"], paper_from_row(row))
    return found


def add_announcements(conn: Conn, announcements: Iterable[Announcement]) -> int:
    """Record announcements (their papers must be stored first); return rows added."""
    added = 0
    iterator = iter(announcements)
    while chunk := list(islice(iterator, CHUNK)):
        ids = sorted({a.arxiv_id for a in chunk})
        known = set(_stored_ids(conn, ids))
        missing = [arxiv_id for arxiv_id in ids if arxiv_id not in known]
        if missing:
            raise StoreError(
                f"announcement for a paper that is not stored: {missing[0]}",
                hint="upsert_papers() the papers before add_announcements()",
            )
        for item in chunk:
            cursor = conn.execute(
                "INSERT INTO announcements "
                "(arxiv_id, version, announced_on, announce_type, feed_category) "
                "VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING",
                (
                    item.arxiv_id,
                    item.version,
                    item.announced_on.isoformat(),
                    AnnounceType(item.announce_type).value,
                    item.feed_category,
                ),
            )
            added += cursor.rowcount
            conn.execute(
                "UPDATE papers SET first_announced = ?1 WHERE arxiv_id = ?2 "
                "AND (first_announced IS NULL OR first_announced > ?1)",
                (item.announced_on.isoformat(), item.arxiv_id),
            )
    return added


def _stored_ids(conn: Conn, arxiv_ids: list[str]) -> list[str]:
    marks = ",".join("?" * len(arxiv_ids))
    rows = conn.execute(f"SELECT arxiv_id FROM papers WHERE arxiv_id IN ({marks})", arxiv_ids)
    return [row[0] for row in rows]


def get_papers(conn: Conn, arxiv_ids: Sequence[str]) -> dict[str, Paper]:
    return {arxiv_id: paper for arxiv_id, (_, paper) in _stored(conn, arxiv_ids).items()}


def announced_papers(
    conn: Conn, announced_on: date, types: Sequence[AnnounceType]
) -> list[tuple[Paper, Announcement]]:
    """Each paper announced that day once, with its highest-precedence announcement."""
    wanted = [AnnounceType(t).value for t in types]
    if not wanted:
        return []
    order = " ".join(f"WHEN '{t.value}' THEN {i}" for i, t in enumerate(PRECEDENCE))
    marks = ",".join("?" * len(wanted))
    rows = conn.execute(
        "SELECT a.version AS ann_version, a.announce_type, a.feed_category, p.* "
        "FROM announcements AS a JOIN papers AS p ON p.arxiv_id = a.arxiv_id "
        f"WHERE a.announced_on = ? AND a.announce_type IN ({marks}) "
        f"ORDER BY CASE a.announce_type {order} END, a.feed_category, p.arxiv_id",
        (announced_on.isoformat(), *wanted),
    ).fetchall()
    seen: set[str] = set()
    result: list[tuple[Paper, Announcement]] = []
    for row in rows:
        if row["arxiv_id"] in seen:
            continue
        seen.add(row["arxiv_id"])
        announcement = Announcement(
            arxiv_id=row["arxiv_id"],
            version=row["ann_version"],
            announced_on=announced_on,
            announce_type=AnnounceType(row["announce_type"]),
            feed_category=row["feed_category"],
        )
        result.append((paper_from_row(row), announcement))
    rank = {t: i for i, t in enumerate(PRECEDENCE)}
    result.sort(key=lambda item: (rank[item[1].announce_type], item[0].arxiv_id))
    return result


def announcement_days(conn: Conn, since: date | None) -> list[date]:
    rows = conn.execute(
        "SELECT DISTINCT announced_on FROM announcements WHERE announced_on >= ? "
        "ORDER BY announced_on",
        ((since or date.min).isoformat(),),
    )
    return [d for row in rows if (d := text_day(row[0])) is not None]


def paper_count(conn: Conn) -> int:
    count: int = conn.execute("SELECT count(*) FROM papers").fetchone()[0]
    return count


def paper_batch(conn: Conn, after_id: int, size: int) -> list[Any]:
    """One page of papers in id order (keyset pagination: stable while others write)."""
    return conn.execute(
        "SELECT * FROM papers WHERE id > ? ORDER BY id LIMIT ?", (after_id, size)
    ).fetchall()
