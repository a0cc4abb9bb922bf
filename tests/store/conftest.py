"""Fixtures for the store tests: the contract runs on a real SQLite file and on a real
PostgreSQL database (a throw-away cluster, see ``tests/support/postgres.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from store_builders import NOW

from arxivbot.clock import fixed_clock
from arxivbot.store import StoreApi, open_store
from support.postgres import create_database, drop_database


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A SQLite file (for the tests about SQLite itself)."""
    return tmp_path / "arxivbot.sqlite3"


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, db_path: Path) -> Iterator[str]:
    """Where the store under test lives: a SQLite path or a ``postgresql://`` URL."""
    if request.param == "sqlite":
        yield str(db_path)
        return
    url = create_database()
    try:
        yield url
    finally:
        drop_database(url)


@pytest.fixture
def store(store_url: str) -> Iterator[StoreApi]:
    with open_store(store_url, clock=fixed_clock(NOW)) as opened:
        yield opened


@pytest.fixture
def sqlite_store(db_path: Path) -> Iterator[StoreApi]:
    """The SQLite store alone (for tests that look inside the file)."""
    with open_store(db_path, clock=fixed_clock(NOW)) as opened:
        yield opened
