"""Fixtures for the store tests: a real SQLite file in tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from store_builders import NOW

from arxivbot.clock import fixed_clock
from arxivbot.store import Store, open_store


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "arxivbot.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with open_store(db_path, clock=fixed_clock(NOW)) as opened:
        yield opened
