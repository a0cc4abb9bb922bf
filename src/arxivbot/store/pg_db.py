"""PostgreSQL connections: a psycopg 3 pool, transactions, the ``?`` → ``%s`` adapter.

Same threading model as :mod:`arxivbot.store.db`: a thread borrows one pooled
connection for one transaction (:meth:`PgDatabase.write`) or one snapshot
(:meth:`PgDatabase.read`, ``REPEATABLE READ READ ONLY``, so several SELECTs agree);
nested writes become savepoints. Connections run in autocommit mode and we issue
BEGIN/COMMIT ourselves, so nothing is ever left open by accident.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from arxivbot.errors import StoreError
from arxivbot.secrets import url_without_password
from arxivbot.store.conn import Cursor

DEFAULT_TIMEOUT_S = 15.0
DEFAULT_MAX_CONNECTIONS = 8
_PARAM = re.compile(r"\?(\d*)")


def is_postgres_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


class Row:
    """A result row addressable by position or column name (like ``sqlite3.Row``)."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: dict[str, int], values: Sequence[Any]) -> None:
        self._names = names
        self._values = values

    def __getitem__(self, key: int | str) -> Any:
        if isinstance(key, str):
            return self._values[self._names[key]]
        return self._values[key]

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[str]:
        return list(self._names)


def _row_factory(cursor: psycopg.Cursor[Any]) -> Callable[[Sequence[Any]], Row]:
    names = {column.name: i for i, column in enumerate(cursor.description or ())}
    return lambda values: Row(names, values)


@lru_cache(maxsize=512)
def _translate(sql: str) -> tuple[str, tuple[int, ...] | None]:
    """``?`` / ``?N`` placeholders as ``%s``; the value order when numbered ones repeat."""
    order: list[int] = []
    numbered = False
    parts = sql.replace("%", "%%").split("'")
    for index in range(0, len(parts), 2):  # even parts are outside string literals

        def placeholder(match: re.Match[str]) -> str:
            nonlocal numbered
            if match.group(1):
                numbered = True
                order.append(int(match.group(1)) - 1)
            else:
                order.append(len(order))
            return "%s"

        parts[index] = _PARAM.sub(placeholder, parts[index])
    return "'".join(parts), tuple(order) if numbered else None


class PgConn:
    """A psycopg connection speaking the shared SQL of :mod:`arxivbot.store.conn`."""

    def __init__(self, raw: psycopg.Connection[Row]) -> None:
        self.raw = raw

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Cursor:
        text, order = _translate(sql)
        values = [parameters[i] for i in order] if order is not None else parameters
        return self.raw.execute(text.encode(), values)

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor:
        text, order = _translate(sql)
        rows = [[p[i] for i in order] for p in parameters] if order is not None else parameters
        cursor = self.raw.cursor()
        cursor.executemany(text.encode(), rows)
        return cursor


class PgDatabase:
    """A PostgreSQL database plus this process's bounded pool of connections."""

    def __init__(
        self,
        url: str,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
    ) -> None:
        self.url = url
        self.label = url_without_password(url)
        self.timeout_s = timeout_s
        self._local = threading.local()
        self._pool: ConnectionPool[psycopg.Connection[Row]] = ConnectionPool(
            url,
            min_size=1,
            max_size=max(1, max_connections),
            kwargs={"autocommit": True, "row_factory": _row_factory},
            timeout=timeout_s,
            open=False,
            name="arxivbot",
        )
        try:
            self._pool.open(wait=True, timeout=timeout_s)
        except PoolTimeout as exc:
            self._pool.close()
            raise StoreError(
                f"cannot connect to the database {self.label}",
                hint="check the URL, that the server runs and accepts this user",
            ) from exc

    def connect(self) -> psycopg.Connection[Row]:
        """A connection of its own, outside the pool (the run lock holds one)."""
        with translate_pg_errors(self.label):
            return psycopg.connect(self.url, autocommit=True, row_factory=_row_factory)

    @contextmanager
    def session(self) -> Iterator[PgConn]:
        held: PgConn | None = getattr(self._local, "conn", None)
        if held is not None:
            yield held
            return
        if self._pool.closed:
            raise StoreError(f"the store {self.label} is closed")
        try:
            with self._pool.connection() as raw:
                conn = PgConn(raw)
                self._local.conn, self._local.depth = conn, 0
                try:
                    yield conn
                finally:
                    self._local.conn = None
        except PoolTimeout as exc:
            raise StoreError(
                f"the database {self.label} is busy: all connections stayed in use too long",
                hint="retry in a moment",
            ) from exc

    @contextmanager
    def write(self) -> Iterator[PgConn]:
        """A write transaction; nested calls become savepoints of the outer one."""
        with self.session() as conn, translate_pg_errors(self.label):
            yield from self._transaction(conn, "BEGIN")

    @contextmanager
    def read(self) -> Iterator[PgConn]:
        """A consistent snapshot for several SELECTs (joins the current write if any)."""
        with self.session() as conn, translate_pg_errors(self.label):
            if self._local.depth:
                yield conn
                return
            yield from self._transaction(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def _transaction(self, conn: PgConn, begin: str) -> Iterator[PgConn]:
        depth: int = self._local.depth
        name = f"sp{depth}"
        conn.raw.execute(f"SAVEPOINT {name}" if depth else begin)
        self._local.depth = depth + 1
        try:
            yield conn
        except BaseException:
            if conn.raw.closed:
                raise
            conn.raw.execute(f"ROLLBACK TO SAVEPOINT {name}" if depth else "ROLLBACK")
            raise
        else:
            conn.raw.execute(f"RELEASE SAVEPOINT {name}" if depth else "COMMIT")
        finally:
            self._local.depth = depth

    @property
    def in_transaction(self) -> bool:
        return bool(getattr(self._local, "depth", 0))

    def close(self) -> None:
        self._pool.close()


@contextmanager
def translate_pg_errors(label: str) -> Iterator[None]:
    """psycopg errors as StoreError with a message a user can act on."""
    try:
        yield
    except psycopg.OperationalError as exc:
        raise StoreError(
            f"cannot use the database {label}: {exc}".strip(),
            hint="check the URL, that the server runs and accepts this user",
        ) from exc
    except psycopg.Error as exc:
        raise StoreError(f"database error in {label}: {exc}".strip()) from exc
