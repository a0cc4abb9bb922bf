"""Summary claims: a worker takes a summary key before paying for it, so every summary is
paid once however many processes share the store.

One statement decides: an UPSERT that inserts the claim, or takes over an expired one (or
our own), and only if the summary is not stored yet; ``RETURNING`` says whether we won.
Both engines run it atomically: on PostgreSQL a competing insert of the same key waits for
the first transaction and then re-checks the ``WHERE`` against the committed claim (the
effect of ``FOR UPDATE SKIP LOCKED`` on a job queue, without a queue to fill first); on
SQLite writers are serialised anyway.
"""

from __future__ import annotations

from datetime import datetime

from arxivbot.models import SummaryKey
from arxivbot.store.codec import dt_text
from arxivbot.store.conn import Conn


def claim_summary(conn: Conn, key: SummaryKey, owner: str, now: datetime, until: datetime) -> bool:
    """True when ``owner`` may pay for ``key`` now (inside a write transaction)."""
    row = conn.execute(
        "INSERT INTO summary_claims (arxiv_id, version, model, prompt_hash, language, owner, "
        "until) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE NOT EXISTS (SELECT 1 FROM summaries "
        "AS s WHERE s.arxiv_id = ?1 AND s.version = ?2 AND s.model = ?3 "
        "AND s.prompt_hash = ?4 AND s.language = ?5) "
        "ON CONFLICT (arxiv_id, version, model, prompt_hash, language) DO UPDATE SET "
        "owner = excluded.owner, until = excluded.until "
        "WHERE summary_claims.until < ?8 OR summary_claims.owner = excluded.owner "
        "RETURNING owner",
        (
            key.arxiv_id,
            key.version,
            key.model,
            key.prompt_hash,
            key.language,
            owner,
            dt_text(until),
            dt_text(now),
        ),
    ).fetchone()
    return row is not None


def clear_claims(conn: Conn) -> None:
    """Drop every claim: only for a store whose run lock proves no other run is alive."""
    conn.execute("DELETE FROM summary_claims")


def release_claims(conn: Conn, owner: str) -> None:
    """Give back every claim ``owner`` still holds (its run is over): a failed or unstarted
    summary may be paid by the next run at once instead of after the lease."""
    conn.execute("DELETE FROM summary_claims WHERE owner = ?1", (owner,))
