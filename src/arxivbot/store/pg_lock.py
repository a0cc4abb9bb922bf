"""The run lock on PostgreSQL: a session-level advisory lock on a connection of its own.

The lock belongs to that connection's server session, so it is released when the
holder closes it, exits, or is killed (the server sees the socket close), on whichever
machine it ran. Its ``application_name`` carries the holder's host, pid and start time,
read back from ``pg_stat_activity`` for the "another run is in progress" message.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

from arxivbot.clock import Clock, utc_now
from arxivbot.errors import RunLockedError
from arxivbot.store.pg_db import PgDatabase

RUN_LOCK = 0x61727869_7662_02  # advisory-lock key: "arxivb" + 2
_POLL_SECONDS = 0.2


@contextmanager
def pg_run_lock(
    db: PgDatabase,
    label: Path,
    *,
    wait_seconds: float = 0.0,
    clock: Clock = utc_now,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> Iterator[Path]:
    """Hold the run lock for the block; raise RunLockedError if another run has it."""
    conn = db.connect()
    try:
        owner = f"arxivbot run {socket.gethostname()} pid {os.getpid()} since {clock():%FT%T}"
        conn.execute("SELECT set_config('application_name', %s, false)", (owner[:63],))
        deadline = monotonic() + max(wait_seconds, 0.0)
        while not _try(conn):
            if monotonic() >= deadline:
                raise _locked_error(conn, db.label) from None
            sleep(_POLL_SECONDS)
        try:
            yield label
        finally:
            if not conn.closed:
                conn.execute("SELECT pg_advisory_unlock(%s)", (RUN_LOCK,))
    finally:
        conn.close()


def _try(conn: psycopg.Connection[Any]) -> bool:
    row = conn.execute("SELECT pg_try_advisory_lock(%s)", (RUN_LOCK,)).fetchone()
    return bool(row and row[0])


def _locked_error(conn: psycopg.Connection[Any], label: str) -> RunLockedError:
    row = conn.execute(
        "SELECT a.application_name FROM pg_locks AS l "
        "JOIN pg_stat_activity AS a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
        "AND l.granted AND ((l.classid::bigint << 32) | l.objid::bigint) = %s",
        (RUN_LOCK,),
    ).fetchone()
    holder = row[0] if row and row[0] else "another arxivbot process"
    words = holder.split(" pid ")
    who = f"pid {words[1]}" if len(words) > 1 else holder
    return RunLockedError(
        f"another arxivbot run is in progress ({who}) on {label}; wait for it "
        "(the lock is released when that process ends, even if it crashed)"
    )
