"""SQLite connection management: pragmas, per-thread connections, transactions.

Threading model: one :class:`Database` (and so one ``Store``) may be shared by many
threads. Each thread lazily gets its *own* ``sqlite3.Connection`` (kept in a
``threading.local``), so readers never share a cursor or a transaction with the
writer. WAL mode lets any number of readers run while one writer commits;
``busy_timeout`` makes a second writer wait instead of failing at once. Writes take
``BEGIN IMMEDIATE`` so a writer learns about a competing writer before doing work
(no deadlock-prone lock upgrade). ``close()`` closes every thread's connection and
must only be called once no other thread is still using the store.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from arxivbot.errors import StoreError

DEFAULT_BUSY_TIMEOUT_MS = 15_000


class Database:
    """A SQLite file plus the connections the threads of this process use."""

    def __init__(self, path: Path, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> None:
        self.path = path
        self.busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._guard = threading.Lock()
        self._closed = False

    # -- connections -----------------------------------------------------------------
    def connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            if self._closed:
                raise StoreError(f"the store {self.path} is closed")
            conn = self._connect()
            self._local.conn = conn
            self._local.depth = 0
            with self._guard:
                self._connections.append(conn)
        return conn

    def _connect(self) -> sqlite3.Connection:
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves (explicit, short
            # transactions). check_same_thread=False only so close() can close every
            # thread's connection; each connection is still used by one thread.
            conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=0
            )
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            conn.execute("PRAGMA foreign_keys = ON")
            # NORMAL is safe in WAL mode: a crash never corrupts the file, and a
            # process kill loses nothing that was committed (only power loss may).
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("PRAGMA cache_size = -16000")
        except sqlite3.Error as exc:
            raise StoreError(
                f"cannot open the database {self.path}: {exc}",
                hint="check the path and its permissions",
            ) from exc
        return conn

    def close(self) -> None:
        with self._guard:
            self._closed = True
            connections, self._connections = self._connections, []
        for conn in connections:
            conn.close()
        self._local = threading.local()

    # -- transactions ----------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; nested calls become savepoints of the outer one."""
        conn = self.connection()
        depth: int = self._local.depth
        with translate_errors(self.path):
            if depth:
                name = f"sp{depth}"
                conn.execute(f"SAVEPOINT {name}")
                self._local.depth = depth + 1
                try:
                    yield conn
                except BaseException:
                    conn.execute(f"ROLLBACK TO {name}")
                    conn.execute(f"RELEASE {name}")
                    raise
                else:
                    conn.execute(f"RELEASE {name}")
                finally:
                    self._local.depth = depth
                return
            conn.execute("BEGIN IMMEDIATE")
            self._local.depth = 1
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")
            finally:
                self._local.depth = 0

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for several SELECTs (joins the current write if any)."""
        conn = self.connection()
        with translate_errors(self.path):
            if self._local.depth:
                yield conn
                return
            conn.execute("BEGIN")
            self._local.depth = 1
            try:
                yield conn
            finally:
                self._local.depth = 0
                if conn.in_transaction:
                    conn.execute("COMMIT")

    @property
    def in_transaction(self) -> bool:
        return bool(getattr(self._local, "depth", 0))


@contextmanager
def translate_errors(path: Path) -> Iterator[None]:
    """Turn sqlite3 errors into StoreError with a message a user can act on."""
    try:
        yield
    except sqlite3.Error as exc:
        text = str(exc)
        if "locked" in text or "busy" in text:
            raise StoreError(
                f"the database {path} is busy: another process kept it locked too long",
                hint="wait for the other arxivbot process to finish and retry",
            ) from exc
        if "malformed" in text or "not a database" in text:
            raise StoreError(
                f"the database {path} is corrupt ({text})",
                hint="restore it from a backup or delete it to start a fresh history",
            ) from exc
        raise StoreError(f"database error in {path}: {text}") from exc
