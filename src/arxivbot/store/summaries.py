"""Summaries: one row per (paper, version, model, prompt hash, language) — paid once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from arxivbot.models import Summary, SummaryKey, SummarySource
from arxivbot.store.codec import dt_text, must_dt
from arxivbot.store.conn import Conn
from arxivbot.store.search import fts_add, fts_remove

_CHUNK = 500


def _summary(row: Any) -> Summary:
    return Summary(
        key=SummaryKey(
            arxiv_id=row["arxiv_id"],
            version=row["version"],
            model=row["model"],
            prompt_hash=row["prompt_hash"],
            language=row["language"],
        ),
        text=row["text"],
        source=SummarySource(row["source"]),
        created_at=must_dt(row["created_at"]),
        input_tokens=row["input_tokens"],
        output_tokens=row["output_tokens"],
    )


def get_summary(conn: Conn, key: SummaryKey) -> Summary | None:
    row = conn.execute(
        "SELECT * FROM summaries WHERE arxiv_id=? AND version=? AND model=? "
        "AND prompt_hash=? AND language=?",
        (key.arxiv_id, key.version, key.model, key.prompt_hash, key.language),
    ).fetchone()
    return _summary(row) if row else None


def latest_summaries(conn: Conn, arxiv_ids: Sequence[str]) -> dict[str, Summary]:
    """The newest summary of each paper (highest version, then newest)."""
    found: dict[str, Summary] = {}
    unique = sorted(set(arxiv_ids))
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT * FROM summaries WHERE arxiv_id IN ({marks}) "
            "ORDER BY arxiv_id, version DESC, created_at DESC, rowid DESC",
            chunk,
        )
        for row in rows:
            found.setdefault(row["arxiv_id"], _summary(row))
    return found


def put_summary(conn: Conn, summary: Summary) -> None:
    """Store (or replace) a summary and re-index its paper's text (inside a transaction)."""
    key = summary.key
    row = conn.execute("SELECT id FROM papers WHERE arxiv_id=?", (key.arxiv_id,)).fetchone()
    paper_ids = [row[0]] if row else []
    fts_remove(conn, paper_ids)
    conn.execute(
        "INSERT INTO summaries (arxiv_id, version, model, prompt_hash, language, text, source, "
        "input_tokens, output_tokens, created_at) VALUES (?,?,?,?,?,?,?,?,?,?) "
        "ON CONFLICT (arxiv_id, version, model, prompt_hash, language) DO UPDATE SET "
        "text=excluded.text, source=excluded.source, input_tokens=excluded.input_tokens, "
        "output_tokens=excluded.output_tokens, created_at=excluded.created_at",
        (
            key.arxiv_id,
            key.version,
            key.model,
            key.prompt_hash,
            key.language,
            summary.text,
            SummarySource(summary.source).value,
            summary.input_tokens,
            summary.output_tokens,
            dt_text(summary.created_at),
        ),
    )
    fts_add(conn, paper_ids)
