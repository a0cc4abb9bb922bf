"""``arxivbot store copy SRC DST``: every row of one store into another, verified.

Typically SQLite → PostgreSQL when a fork grows into a shared service (any direction
works). The destination is opened (created and migrated) at the source's schema
version and must hold no papers yet. Tables go parents first in batches, with the
columns both sides have (the Postgres ``search`` vector and ``summaries.rowid`` are
derived there, not copied; summaries go in insertion order, so "newest" ties break the
same). Afterwards the search index is rebuilt and each table is verified by its row
count and an order-independent checksum (the sum of the rows' SHA-256, so the two
engines' collations cannot make equal tables look different).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from arxivbot.errors import StoreError
from arxivbot.store.conn import Conn
from arxivbot.store.pg_schema import COPY_TABLES
from arxivbot.store.sqlite_store import Store, open_store

BATCH = 2000
_DERIVED = {"search", "rowid"}
_ORDER = {"papers": "id", "runs": "id", "summaries": "rowid"}
_IDENTITIES = (("papers", "id"), ("runs", "id"))


@dataclass(frozen=True)
class TableCopy:
    table: str
    rows: int
    checksum: str  # hex of the order-independent sum of row hashes, equal on both sides


@dataclass(frozen=True)
class CopyReport:
    source: str
    target: str
    tables: tuple[TableCopy, ...]

    @property
    def rows(self) -> int:
        return sum(table.rows for table in self.tables)


def copy_store(source: str, target: str, *, batch: int = BATCH) -> CopyReport:
    """Copy ``source`` into the empty store ``target``; StoreError if anything differs."""
    with open_store(source) as src, open_store(target) as dst:
        if dst.paper_count():
            raise StoreError(
                f"the target store {dst.path} already holds papers",
                hint="copy into a new, empty database",
            )
        with _write(dst) as out, _read(src) as inp:
            for table in COPY_TABLES:
                _copy_table(inp, out, table, batch)
            if not isinstance(dst, Store):
                for table, column in _IDENTITIES:  # explicit ids: move the counters on
                    out.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                        f"coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)"
                    )
        dst.rebuild_search_index()
        with _read(src) as inp, _read(dst) as out:
            tables = tuple(_verify(inp, out, table) for table in COPY_TABLES)
        return CopyReport(str(src.path), str(dst.path), tables)


def _read(store: Any) -> AbstractContextManager[Conn]:
    return store._db.read()  # type: ignore[no-any-return]  # both backends' Database


def _write(store: Any) -> AbstractContextManager[Conn]:
    return store._db.write()  # type: ignore[no-any-return]


def _columns(conn: Conn, table: str) -> list[str]:
    cursor: Any = conn.execute(f"SELECT * FROM {table} LIMIT 0")
    return [column[0] for column in cursor.description]


def _shared_columns(inp: Conn, out: Conn, table: str) -> list[str]:
    theirs = set(_columns(out, table))
    return [c for c in _columns(inp, table) if c in theirs and c not in _DERIVED]


def _rows(conn: Conn, table: str, columns: list[str]) -> Iterator[tuple[Any, ...]]:
    order = _ORDER.get(table)
    sql = f"SELECT {', '.join(columns)} FROM {table}" + (f" ORDER BY {order}" if order else "")
    for row in conn.execute(sql):
        yield tuple(row[i] for i in range(len(columns)))


def _copy_table(inp: Conn, out: Conn, table: str, batch: int) -> None:
    columns = _shared_columns(inp, out, table)
    insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    pending: list[tuple[Any, ...]] = []
    for row in _rows(inp, table, columns):
        pending.append(row)
        if len(pending) >= batch:
            out.executemany(insert, pending)
            pending.clear()
    if pending:
        out.executemany(insert, pending)


def _verify(inp: Conn, out: Conn, table: str) -> TableCopy:
    columns = _shared_columns(inp, out, table)
    if table == "summaries":  # insertion order is not a value: compare the rows
        columns = [c for c in columns if c != "rowid"]
    left, right = _checksum(inp, table, columns), _checksum(out, table, columns)
    if left != right:
        raise StoreError(
            f"copy of {table} differs: {left[0]} rows ({left[1][:12]}) in the source, "
            f"{right[0]} rows ({right[1][:12]}) in the target",
            hint="the target was written to during the copy, or the copy failed; start again "
            "from an empty database",
        )
    return TableCopy(table, left[0], left[1])


def _checksum(conn: Conn, table: str, columns: list[str]) -> tuple[int, str]:
    total, count = 0, 0
    for row in _rows(conn, table, columns):
        digest = hashlib.sha256(repr(tuple(_canonical(v) for v in row)).encode()).digest()
        total = (total + int.from_bytes(digest, "big")) % (1 << 256)
        count += 1
    return count, f"{total:064x}"


def _canonical(value: Any) -> Any:
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, float) and value.is_integer():
        return float(value)
    return value
