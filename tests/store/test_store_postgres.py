"""What is particular to the PostgreSQL backend: schema history, the search vector, the URL."""

from __future__ import annotations

import psycopg
import pytest
from store_builders import build_paper

from arxivbot.errors import StoreError
from arxivbot.store import SearchFilters, open_store
from arxivbot.store.pg_schema import LATEST_VERSION
from arxivbot.store.pg_search import compile_query
from support.postgres import create_database, drop_database


@pytest.fixture
def pg_url() -> object:
    url = create_database()
    yield url
    drop_database(url)


def test_fresh_database_gets_every_migration_once(pg_url: str) -> None:
    open_store(pg_url).close()
    open_store(pg_url).close()  # reopening migrates nothing
    with psycopg.connect(pg_url) as conn:
        versions = [row[0] for row in conn.execute("SELECT version FROM arxivbot_schema")]
        index = conn.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'papers_search'"
        ).fetchone()
    assert versions == list(range(1, LATEST_VERSION + 1))
    assert index is not None and "gin" in index[0]


def test_newer_schema_is_refused_with_upgrade_hint(pg_url: str) -> None:
    open_store(pg_url).close()
    with psycopg.connect(pg_url) as conn:
        conn.execute("INSERT INTO arxivbot_schema VALUES (%s)", (LATEST_VERSION + 1,))
    with pytest.raises(StoreError, match="created by a newer arxivbot; upgrade"):
        open_store(pg_url)


def test_check_reports_a_stale_search_vector(pg_url: str) -> None:
    with open_store(pg_url) as store:
        store.upsert_papers([build_paper(title="Kangaroo dynamics")])
        with psycopg.connect(pg_url) as conn:  # behind the store's back
            conn.execute("UPDATE papers SET search = to_tsvector('simple', 'x')")
        assert store.check() and "rebuild_search_index" in store.check()[0]
        store.rebuild_search_index()
        assert store.check() == []
        assert len(store.search("kangaroo", SearchFilters())) == 1


def test_unreachable_server_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="cannot connect"):
        open_store("postgresql://nobody@127.0.0.1:1/none", busy_timeout_ms=1500)


def test_query_compiles_to_weighted_tsquery() -> None:
    assert compile_query("title:quantum") == "'quantum':A"
    assert compile_query("au:muller OR abs:graph*") == "('muller':C | 'graph':*B)"
    assert compile_query('quantum NOT "neural net"') == "('quantum' & !'neural net')"
    assert compile_query('{title abstract} : "it\'s"') == "'it''s':AB"
