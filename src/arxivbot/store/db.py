"""SQLite connection management: pragmas, a bounded connection pool, transactions.

Threading model: one :class:`Database` (and so one ``Store``) may be shared by many
threads. A thread borrows a connection from a bounded pool for the length of one
transaction or snapshot (:meth:`Database.read`, :meth:`Database.write`,
:meth:`Database.session`) and gives it back at the end, so readers never share a cursor
or a transaction with the writer, and the number of open connections (page caches,
file descriptors) never exceeds ``max_connections`` however many threads come and go
(a web server's thread pool retires and starts threads all the time). When every
connection is lent out a thread waits for one, up to the busy timeout.

WAL mode lets any number of readers run while one writer commits; ``busy_timeout``
makes a second writer wait instead of failing at once. Writes take ``BEGIN IMMEDIATE``
so a writer learns about a competing writer before doing work (no deadlock-prone lock
upgrade). ``close()`` closes the idle connections at once and each lent one when it
comes back.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from arxivbot.errors import StoreError

DEFAULT_BUSY_TIMEOUT_MS = 15_000
# Enough for a run's worker threads plus the server's bounded searches; each connection
# may hold up to 16 MB of page cache and three file descriptors (file, WAL, shm).
DEFAULT_MAX_CONNECTIONS = 8


class Database:
    """A SQLite file plus the bounded pool of connections this process uses."""

    def __init__(
        self,
        path: Path,
        *,
        busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
    ) -> None:
        self.path = path
        self.busy_timeout_ms = busy_timeout_ms
        self.max_connections = max(1, max_connections)
        self._local = threading.local()  # the borrowed connection and transaction depth
        self._idle: list[sqlite3.Connection] = []
        self._open = 0
        self._available = threading.Condition(threading.Lock())
        self._closed = False

    # -- the pool ----------------------------------------------------------------------
    @property
    def open_connections(self) -> int:
        """Connections open now, lent out or idle (never above ``max_connections``)."""
        with self._available:
            return self._open

    @contextmanager
    def session(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection for a block (no transaction of its own); the
        outermost block borrows it from the pool and returns it at the end."""
        held: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if held is not None:
            yield held
            return
        conn = self._acquire()
        self._local.conn = conn
        self._local.depth = 0
        try:
            yield conn
        finally:
            self._local.conn = None
            self._release(conn)

    def _acquire(self) -> sqlite3.Connection:
        deadline = time.monotonic() + self.busy_timeout_ms / 1000
        with self._available:
            while True:
                if self._closed:
                    raise StoreError(f"the store {self.path} is closed")
                if self._idle:
                    return self._idle.pop()
                if self._open < self.max_connections:
                    self._open += 1
                    break
                left = deadline - time.monotonic()
                if left <= 0 or not self._available.wait(left):
                    raise StoreError(
                        f"the database {self.path} is busy: all {self.max_connections} "
                        "connections stayed in use too long",
                        hint="retry in a moment",
                    )
        try:
            return self._connect()
        except BaseException:
            with self._available:
                self._open -= 1
                self._available.notify()
            raise

    def _release(self, conn: sqlite3.Connection) -> None:
        try:
            if conn.in_transaction:  # never hand a half-done transaction to the next user
                conn.execute("ROLLBACK")
        except sqlite3.Error:
            self._discard(conn)
            return
        with self._available:
            if not self._closed:
                self._idle.append(conn)
                self._available.notify()
                return
        self._discard(conn)

    def _discard(self, conn: sqlite3.Connection) -> None:
        conn.close()
        with self._available:
            self._open -= 1
            self._available.notify()

    def _connect(self) -> sqlite3.Connection:
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves (explicit, short
            # transactions). check_same_thread=False because a pooled connection serves
            # many threads, one at a time (SQLite is built serialised).
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
        """Close the idle connections now; lent ones close when they are given back."""
        with self._available:
            self._closed = True
            idle, self._idle = self._idle, []
            self._open -= len(idle)
            self._available.notify_all()
        for conn in idle:
            conn.close()

    # -- transactions ----------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; nested calls become savepoints of the outer one."""
        with self.session() as conn, translate_errors(self.path):
            depth: int = self._local.depth
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
        with self.session() as conn, translate_errors(self.path):
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
