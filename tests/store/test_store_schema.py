from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from store_builders import build_paper

from arxivbot.errors import StoreError
from arxivbot.store import Store, open_store
from arxivbot.store.migrations import LATEST_VERSION


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}


def test_fresh_file_gets_the_latest_schema_in_wal_mode(db_path: Path) -> None:
    with open_store(db_path) as store:
        assert store.paper_count() == 0
        assert store.check() == []
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA auto_vacuum").fetchone()[0] == 2  # incremental
    expected = {"papers", "announcements", "rankings", "summaries", "runs", "embeddings"}
    expected |= {"feedback", "notifications", "http_cache", "paper_fts", "paper_text"}
    assert expected <= _tables(db_path)


def test_reopening_keeps_data_and_does_not_migrate_again(db_path: Path) -> None:
    with open_store(db_path) as store:
        store.upsert_papers([build_paper()])
    before = _tables(db_path)
    with open_store(db_path) as store:
        assert store.paper_count() == 1
    assert _tables(db_path) == before


def test_newer_schema_is_refused_with_upgrade_hint(db_path: Path) -> None:
    open_store(db_path).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    with pytest.raises(StoreError, match="created by a newer arxivbot; upgrade"):
        open_store(db_path)


def test_missing_parent_folder_is_created(tmp_path: Path) -> None:
    with open_store(tmp_path / "a" / "b" / "db.sqlite3") as store:
        assert store.path.parent.is_dir()


def test_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match=r"corrupt|cannot open"):
        open_store(path)


def test_memory_path_is_refused() -> None:
    with pytest.raises(StoreError, match="file path"):
        open_store(":memory:")


def test_closed_store_refuses_calls(db_path: Path) -> None:
    store = open_store(db_path)
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.paper_count()


def test_check_reports_an_out_of_sync_search_index(sqlite_store: Store, db_path: Path) -> None:
    store = sqlite_store
    store.upsert_papers([build_paper()])
    with sqlite3.connect(db_path) as conn:  # change indexed text behind the store's back
        conn.execute("UPDATE papers SET title = 'something else entirely'")
    problems = store.check()
    assert problems and "rebuild_search_index" in problems[0]
    store.rebuild_search_index()
    assert store.check() == []
