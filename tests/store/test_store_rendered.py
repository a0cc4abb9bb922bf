"""Rendered summaries (schema v5): one row per (summary key, variant), replaced in place."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from arxivbot.models import SummaryKey
from arxivbot.store import Store
from arxivbot.store.api import RenderedSummary

KEY = SummaryKey("2506.00001", 1, "gpt-x", "abc123", "en")


def _row(key: SummaryKey = KEY, variant: str = "h3", html: str = "<p>x</p>") -> RenderedSummary:
    return RenderedSummary(key, variant, "r1", "hash-1", html)


def test_rendered_rows_come_back_for_exactly_the_keys_asked(store: Store) -> None:
    other_version = SummaryKey("2506.00001", 2, "gpt-x", "abc123", "en")
    other_paper = SummaryKey("2506.00002", 1, "gpt-x", "abc123", "en")
    rows = [_row(), _row(variant="h4"), _row(other_version), _row(other_paper)]
    store.put_rendered(rows)
    assert sorted(r.variant for r in store.get_rendered([KEY])) == ["h3", "h4"]
    assert store.get_rendered([other_version]) == [rows[2]]
    assert store.get_rendered([]) == []


def test_a_new_rendering_replaces_the_old_one_of_the_same_variant(
    sqlite_store: Store, db_path: Path
) -> None:
    store = sqlite_store
    store.put_rendered([_row(html="<p>old</p>")])
    newer = RenderedSummary(KEY, "h3", "r2", "hash-2", "<p>new</p>")
    store.put_rendered([newer])
    assert store.get_rendered([KEY]) == [newer]
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM rendered_summaries").fetchone()[0] == 1


def test_many_keys_are_read_in_chunks(store: Store) -> None:
    keys = [SummaryKey(f"2506.{n:05d}", 1, "m", "p", "en") for n in range(1200)]
    store.put_rendered([_row(key) for key in keys])
    assert len(store.get_rendered(keys)) == 1200
    store.put_rendered([])  # nothing to write is not an error
