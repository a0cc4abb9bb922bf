"""What the shared SQL modules need from a connection, on either backend.

The table modules (``papers``, ``rankings``, ``runs``, ``summaries``, ``extras``,
``verdicts``, ``retention``, ``rendered``) are written once in the SQL both engines
accept: ``?`` parameters (``?1`` when one value is used twice), ``ON CONFLICT (...)``
with its target, ``RETURNING``. A ``sqlite3.Connection`` satisfies :class:`Conn` as it
is; on PostgreSQL :class:`arxivbot.store.pg_db.PgConn` translates the parameters and
returns rows that, like ``sqlite3.Row``, index by position and by column name.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Conn(Protocol):
    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Cursor: ...
    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor: ...
