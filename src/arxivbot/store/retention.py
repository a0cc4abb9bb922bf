"""Retention: keep a fork's database small without losing anything of value.

Outside the window (announcement day < today - keep_days) we delete rankings,
announcements and papers — but a paper is *never* deleted (and keeps its
announcements) while it has a summary (money was paid for it), a positive feedback
vote (the reader liked it) or appears in a ranking that is kept. A paper's age is
its newest announcement, or the day it was first stored when it has none. The run
counts from :func:`reference_day` with the window of :func:`kept_days`, before ranking:
a re-run then ranks over the very store the first run ranked over.

Space: the file was created with ``auto_vacuum = INCREMENTAL``, so after pruning we
return free pages to the file system with ``PRAGMA incremental_vacuum`` (cheap, no
rewrite). A full ``VACUUM`` (``Store.vacuum()``) also defragments, but rewrites the
whole file and needs exclusive access, so it is a separate, explicit step.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from arxivbot.store.conn import Conn
from arxivbot.store.search import fts_remove

_PROTECTED = """
    SELECT arxiv_id FROM summaries
    UNION SELECT arxiv_id FROM feedback WHERE value > 0
    UNION SELECT arxiv_id FROM rankings
"""


def reference_day(announcement_days: Sequence[date], today: date) -> date | None:
    """The day retention counts back from: the newest stored announcement, never after
    ``today``. Not the wall clock: a store whose feed stopped for a month, or a re-run of a
    past day, must not find its own history "old"."""
    return min(max(announcement_days), today) if announcement_days else None


def kept_days(retention_days: int, *, shown_days: int, lookback_days: int) -> int:
    """The retention window actually applied: ``retention_days`` (0 keeps everything), but
    never shorter than what current outputs show (``shown_days``) or what catch-up and
    de-duplication look back at (``lookback_days``), so pruning never removes a day that a
    page shows, that would look "missing" to catch-up, or that decides what is shown again."""
    if retention_days <= 0:
        return 0
    return max(retention_days, shown_days, lookback_days)


def prune(conn: Conn, keep_days: int, today: date) -> int:
    """Delete what fell out of the window (inside a transaction); return rows deleted."""
    if keep_days <= 0:
        return 0
    cutoff = (today - timedelta(days=keep_days)).isoformat()
    deleted = conn.execute("DELETE FROM rankings WHERE announced_on < ?", (cutoff,)).rowcount
    conn.execute("DELETE FROM digests WHERE announced_on < ?", (cutoff,))
    doomed = [
        row[0]
        for row in conn.execute(
            "SELECT p.id FROM papers AS p WHERE coalesce("
            "(SELECT max(a.announced_on) FROM announcements AS a WHERE a.arxiv_id = p.arxiv_id),"
            " substr(p.first_seen, 1, 10)) < ? "
            f"AND p.arxiv_id NOT IN ({_PROTECTED})",
            (cutoff,),
        )
    ]
    deleted += conn.execute(
        f"DELETE FROM announcements WHERE announced_on < ? AND arxiv_id NOT IN ({_PROTECTED})",
        (cutoff,),
    ).rowcount
    fts_remove(conn, doomed)
    for start in range(0, len(doomed), 500):
        chunk = doomed[start : start + 500]
        marks = ",".join("?" * len(chunk))
        deleted += conn.execute(f"DELETE FROM papers WHERE id IN ({marks})", chunk).rowcount
    return deleted
