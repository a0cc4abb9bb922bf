"""The ``runs`` table and the JSON form of a :class:`RunReport` (dates as ISO text)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from arxivbot.models import DayStats, RunReport, RunStatus, StageIssue
from arxivbot.store.api import RunRecord
from arxivbot.store.codec import day_text, dt_text, must_dt, text_day, text_dt
from arxivbot.store.conn import Conn

RUNNING = "running"
KILLED = "killed"


def report_to_json(report: RunReport) -> str:
    stats = report.stats
    return json.dumps(
        {
            "run_id": report.run_id,
            "started_at": dt_text(report.started_at),
            "finished_at": dt_text(report.finished_at),
            "status": report.status,
            "announced_on": day_text(report.announced_on),
            "stats": {
                "fetched": stats.fetched,
                "new": stats.new,
                "cross": stats.cross,
                "replaced": stats.replaced,
                "matched": stats.matched,
                "kept": stats.kept,
            },
            "written": list(report.written),
            "issues": [
                {"stage": i.stage, "subject": i.subject, "message": i.message}
                for i in report.issues
            ],
            "notes": list(report.notes),
            "days_caught_up": [d.isoformat() for d in report.days_caught_up],
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def report_from_json(text: str) -> RunReport:
    """Inverse of :func:`report_to_json` (for ``RunRecord.report_json``)."""
    data: dict[str, Any] = json.loads(text)
    return RunReport(
        run_id=int(data["run_id"]),
        started_at=must_dt(data["started_at"]),
        finished_at=must_dt(data["finished_at"]),
        status=RunStatus(str(data["status"])),
        announced_on=text_day(data.get("announced_on")),
        stats=DayStats(**{k: int(v) for k, v in data.get("stats", {}).items()}),
        written=tuple(str(w) for w in data.get("written", ())),
        issues=tuple(
            StageIssue(str(i["stage"]), str(i["subject"]), str(i["message"]))
            for i in data.get("issues", ())
        ),
        notes=tuple(str(n) for n in data.get("notes", ())),
        days_caught_up=tuple(
            d for d in (text_day(t) for t in data.get("days_caught_up", ())) if d is not None
        ),
    )


def start_run(conn: Conn, kind: str, started_at: datetime) -> int:
    """Record a new run. Callers hold the run lock, so a row still "running" belongs to a
    process that died (SIGKILL, power loss): it is closed as "killed" first."""
    conn.execute(
        "UPDATE runs SET status = ?, finished_at = ? WHERE status = ?",
        (KILLED, dt_text(started_at), RUNNING),
    )
    row = conn.execute(
        "INSERT INTO runs (kind, started_at, status) VALUES (?,?,?) RETURNING id",
        (kind, dt_text(started_at), RUNNING),
    ).fetchone()
    run_id: int = row[0]
    return run_id


def finish_run(conn: Conn, report: RunReport, kind: str) -> None:
    """Record the outcome; a report whose run was never started gets a new row."""
    values = (
        dt_text(report.finished_at),
        report.status,
        day_text(report.announced_on),
        report_to_json(report),
    )
    cursor = conn.execute(
        "UPDATE runs SET finished_at=?, status=?, announced_on=?, report=? WHERE id=?",
        (*values, report.run_id),
    )
    if cursor.rowcount == 0 and report.run_id:
        conn.execute(
            "INSERT INTO runs (id, kind, started_at, finished_at, status, announced_on, report) "
            "VALUES (?,?,?,?,?,?,?)",
            (report.run_id, kind, dt_text(report.started_at), *values),
        )
    elif cursor.rowcount == 0:  # no id: the database numbers it (an identity on Postgres)
        conn.execute(
            "INSERT INTO runs (kind, started_at, finished_at, status, announced_on, report) "
            "VALUES (?,?,?,?,?,?)",
            (kind, dt_text(report.started_at), *values),
        )


def _record(row: Any) -> RunRecord:
    return RunRecord(
        run_id=row["id"],
        kind=row["kind"],
        started_at=must_dt(row["started_at"]),
        finished_at=text_dt(row["finished_at"]),
        status=row["status"],
        announced_on=text_day(row["announced_on"]),
        report_json=row["report"],
    )


def last_run(conn: Conn, kind: str, status: str | None) -> RunRecord | None:
    row = conn.execute(
        "SELECT * FROM runs WHERE kind = ?1 AND (CAST(?2 AS TEXT) IS NULL OR status = ?2) "
        "ORDER BY started_at DESC, id DESC LIMIT 1",
        (kind, status),
    ).fetchone()
    return _record(row) if row else None


def recent_runs(conn: Conn, limit: int) -> list[RunRecord]:
    rows = conn.execute("SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT ?", (limit,))
    return [_record(row) for row in rows]
