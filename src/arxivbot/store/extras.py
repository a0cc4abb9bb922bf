"""Small keyed tables: embeddings, feedback, notifications and HTTP validators."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from arxivbot.store.codec import dt_text
from arxivbot.store.conn import Conn

_CHUNK = 500


def get_embeddings(conn: Conn, model: str, arxiv_ids: Sequence[str]) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    unique = sorted(set(arxiv_ids))
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT arxiv_id, vector FROM embeddings WHERE model=? AND arxiv_id IN ({marks})",
            (model, *chunk),
        )
        found.update((row[0], bytes(row[1])) for row in rows)
    return found


def put_embeddings(conn: Conn, model: str, vectors: dict[str, bytes]) -> None:
    """Cache vectors of stored papers (vectors of unknown papers are skipped)."""
    conn.executemany(
        "INSERT INTO embeddings (model, arxiv_id, vector) "
        "SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM papers WHERE arxiv_id = ?2) "
        "ON CONFLICT (model, arxiv_id) DO UPDATE SET vector = excluded.vector",
        [(model, arxiv_id, vector) for arxiv_id, vector in vectors.items()],
    )


def add_feedback(conn: Conn, profile: str, arxiv_id: str, value: int, at: datetime) -> None:
    """The latest vote wins (+1 like, -1 dislike, 0 clears the vote)."""
    if value == 0:
        conn.execute("DELETE FROM feedback WHERE profile=? AND arxiv_id=?", (profile, arxiv_id))
        return
    conn.execute(
        "INSERT INTO feedback (profile, arxiv_id, value, at) VALUES (?,?,?,?) "
        "ON CONFLICT (profile, arxiv_id) DO UPDATE SET value = excluded.value, at = excluded.at",
        (profile, arxiv_id, value, dt_text(at)),
    )


def feedback(conn: Conn, profile: str) -> dict[str, int]:
    rows = conn.execute(
        "SELECT arxiv_id, value FROM feedback WHERE profile=? ORDER BY arxiv_id", (profile,)
    )
    return {row[0]: row[1] for row in rows}


def was_notified(conn: Conn, profile: str, target: str, announced_on: date) -> bool:
    row = conn.execute(
        "SELECT 1 FROM notifications WHERE profile=? AND target=? AND announced_on=?",
        (profile, target, announced_on.isoformat()),
    ).fetchone()
    return row is not None


def mark_notified(conn: Conn, profile: str, target: str, announced_on: date, at: datetime) -> None:
    conn.execute(
        "INSERT INTO notifications (profile, target, announced_on, sent_at) VALUES (?,?,?,?) "
        "ON CONFLICT DO NOTHING",
        (profile, target, announced_on.isoformat(), dt_text(at)),
    )


def get_http_cache(conn: Conn, url: str) -> tuple[str, str] | None:
    row = conn.execute("SELECT etag, last_modified FROM http_cache WHERE url=?", (url,)).fetchone()
    return (row[0], row[1]) if row else None


def put_http_cache(conn: Conn, url: str, etag: str, last_modified: str) -> None:
    if not etag and not last_modified:
        conn.execute("DELETE FROM http_cache WHERE url=?", (url,))
        return
    conn.execute(
        "INSERT INTO http_cache (url, etag, last_modified) VALUES (?,?,?) "
        "ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, "
        "last_modified = excluded.last_modified",
        (url, etag, last_modified),
    )
