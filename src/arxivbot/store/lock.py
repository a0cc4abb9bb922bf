"""A cross-process run lock: ``fcntl.flock`` on ``<db>.lock``.

flock locks belong to the open file description, so the kernel drops the lock when
the holder exits in any way — including SIGKILL — and a stale lock file never blocks
the next run. The file's content (pid and start time) only serves the error message;
the file is never deleted (deleting a lock file races with a process opening it).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from arxivbot.clock import Clock, utc_now
from arxivbot.errors import RunLockedError

_POLL_SECONDS = 0.2


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


@contextmanager
def run_lock(
    db_path: Path,
    *,
    wait_seconds: float = 0.0,
    clock: Clock = utc_now,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> Iterator[Path]:
    """Hold the run lock for the block; raise RunLockedError if another run has it."""
    path = lock_path(db_path)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, path, wait_seconds, sleep, monotonic)
        try:
            _write_owner(fd, clock())
            yield path
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(
    fd: int,
    path: Path,
    wait_seconds: float,
    sleep: Callable[[float], None],
    monotonic: Callable[[], float],
) -> None:
    deadline = monotonic() + max(wait_seconds, 0.0)
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if monotonic() >= deadline:
                raise _locked_error(path) from None
            sleep(_POLL_SECONDS)


def _write_owner(fd: int, since: datetime) -> None:
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()} {since.isoformat()}\n".encode(), 0)


def _locked_error(path: Path) -> RunLockedError:
    try:
        owner = path.read_text(encoding="utf-8").split()
    except OSError:
        owner = []
    pid = owner[0] if owner else "?"
    since = owner[1] if len(owner) > 1 else "?"
    return RunLockedError(
        f"another arxivbot run is in progress (pid {pid} since {since}); "
        f"wait for it or remove {path} if it crashed"
    )
