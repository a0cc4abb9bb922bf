"""One profile's ranked digest for one announcement day.

A ranking row stores the score, its components and the announcement it ranked; the
paper itself is read back from ``papers`` (its newest stored metadata), so a digest
re-rendered later shows corrected titles but the version that was announced.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, datetime

from arxivbot.errors import StoreError
from arxivbot.models import Announcement, AnnounceType, RankedPaper
from arxivbot.store.api import DigestInfo
from arxivbot.store.codec import (
    components_from_json,
    components_json,
    dt_text,
    paper_from_row,
    text_day,
    text_dt,
)
from arxivbot.store.conn import Conn
from arxivbot.store.papers import upsert_papers


def save_ranking(
    conn: Conn,
    profile: str,
    announced_on: date,
    ranked: Sequence[RankedPaper],
    now: datetime,
    matched: int | None = None,
) -> None:
    """Replace the day's ranking (call inside a transaction).

    ``saved_at`` moves only when the ranking's content changed, so an identical re-run
    leaves the digest's "Last Updated" (and every rendered byte) as it was.
    """
    day = announced_on.isoformat()
    seen: set[str] = set()
    for item in ranked:
        if item.paper.arxiv_id in seen:
            raise StoreError(
                f"ranking for {profile} on {day} lists {item.paper.arxiv_id} twice",
                hint="de-duplicate the ranked papers before saving",
            )
        seen.add(item.paper.arxiv_id)
    # The ranked papers normally come from the store; upserting is then a no-op and
    # guarantees every ranking row has its paper.
    upsert_papers(conn, [item.paper for item in ranked], now)
    conn.execute("DELETE FROM rankings WHERE profile=? AND announced_on=?", (profile, day))
    conn.executemany(
        "INSERT INTO rankings (profile, announced_on, arxiv_id, rank, score, components, "
        "forced, version, ann_on, ann_type, ann_category) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                profile,
                day,
                item.paper.arxiv_id,
                item.rank,
                float(item.score),
                components_json(item.components),
                int(item.forced),
                item.announcement.version,
                item.announcement.announced_on.isoformat(),
                AnnounceType(item.announcement.announce_type).value,
                item.announcement.feed_category,
            )
            for item in ranked
        ],
    )
    content = _content_hash(ranked)
    conn.execute(
        "INSERT INTO digests (profile, announced_on, saved_at, matched, content_hash) "
        "VALUES (?,?,?,?,?) ON CONFLICT (profile, announced_on) DO UPDATE SET "
        "saved_at = CASE WHEN digests.content_hash = excluded.content_hash "
        "THEN digests.saved_at "
        "ELSE excluded.saved_at END, matched = excluded.matched, "
        "content_hash = excluded.content_hash",
        (profile, day, dt_text(now), len(ranked) if matched is None else matched, content),
    )


def _content_hash(ranked: Sequence[RankedPaper]) -> str:
    digest = hashlib.sha256()
    for item in ranked:
        digest.update(
            f"{item.rank}|{item.paper.versioned_id}|{item.score!r}|{item.forced}|".encode()
        )
        digest.update(components_json(item.components).encode())
    return digest.hexdigest()


def digest_info(conn: Conn, profile: str, announced_on: date) -> DigestInfo | None:
    row = conn.execute(
        "SELECT saved_at, matched FROM digests WHERE profile = ? AND announced_on = ?",
        (profile, announced_on.isoformat()),
    ).fetchone()
    if row is None:
        return None
    saved = text_dt(row["saved_at"])
    assert saved is not None
    return DigestInfo(saved, row["matched"])


def load_ranking(conn: Conn, profile: str, announced_on: date) -> list[RankedPaper]:
    rows = conn.execute(
        "SELECT r.rank, r.score, r.components, r.forced, r.version AS ann_version, r.ann_on, "
        "r.ann_type, r.ann_category, p.* FROM rankings AS r "
        "JOIN papers AS p ON p.arxiv_id = r.arxiv_id "
        "WHERE r.profile = ? AND r.announced_on = ? ORDER BY r.rank, r.arxiv_id",
        (profile, announced_on.isoformat()),
    ).fetchall()
    result: list[RankedPaper] = []
    for row in rows:
        ann_on = text_day(row["ann_on"]) or announced_on
        announcement = Announcement(
            arxiv_id=row["arxiv_id"],
            version=row["ann_version"],
            announced_on=ann_on,
            announce_type=AnnounceType(row["ann_type"]),
            feed_category=row["ann_category"],
        )
        result.append(
            RankedPaper(
                paper=paper_from_row(row),
                announcement=announcement,
                score=row["score"],
                components=components_from_json(row["components"]),
                rank=row["rank"],
                forced=bool(row["forced"]),
            )
        )
    return result


def ranking_days(conn: Conn, profile: str) -> list[date]:
    rows = conn.execute(
        "SELECT announced_on FROM digests WHERE profile = ? ORDER BY announced_on", (profile,)
    )
    return [d for row in rows if (d := text_day(row[0])) is not None]


def ranking_profiles(conn: Conn) -> list[str]:
    rows = conn.execute("SELECT DISTINCT profile FROM digests ORDER BY profile")
    return [row[0] for row in rows]
