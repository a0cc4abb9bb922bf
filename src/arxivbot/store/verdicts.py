"""The LLM judge's verdicts: one row per (paper, version, interests hash, model), paid once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from arxivbot.models import JudgeVerdict
from arxivbot.store.codec import dt_text, must_dt
from arxivbot.store.conn import Conn

_CHUNK = 400


def get_verdicts(
    conn: Conn,
    model: str,
    interests_hash: str,
    papers: Sequence[tuple[str, int]],
) -> dict[str, JudgeVerdict]:
    """The stored verdicts of ``(arxiv_id, version)`` pairs, by arXiv id."""
    wanted = dict(papers)
    found: dict[str, JudgeVerdict] = {}
    ids = sorted(wanted)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            "SELECT arxiv_id, version, score, reason, created_at FROM judge_verdicts "
            f"WHERE model=? AND interests_hash=? AND arxiv_id IN ({marks})",
            (model, interests_hash, *chunk),
        )
        for row in rows:
            if wanted.get(row[0]) != row[1]:
                continue  # a verdict on another version says nothing about this one
            found[row[0]] = JudgeVerdict(
                row[0], row[1], interests_hash, model, float(row[2]), row[3], must_dt(row[4])
            )
    return found


def put_verdicts(conn: Conn, verdicts: Iterable[JudgeVerdict]) -> None:
    conn.executemany(
        "INSERT INTO judge_verdicts "
        "(arxiv_id, version, interests_hash, model, score, reason, created_at) "
        "VALUES (?,?,?,?,?,?,?) ON CONFLICT (arxiv_id, version, interests_hash, model) "
        "DO UPDATE SET score=excluded.score, "
        "reason=excluded.reason, created_at=excluded.created_at",
        [
            (
                v.arxiv_id,
                v.version,
                v.interests_hash,
                v.model,
                float(v.score),
                v.reason,
                dt_text(v.created_at),
            )
            for v in verdicts
        ],
    )
