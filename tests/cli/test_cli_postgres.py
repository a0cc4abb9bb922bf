"""The CLI on a PostgreSQL store: ``--db postgresql://…``, ``store.url``, ``store copy``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import cli

from support.postgres import create_database, drop_database


@pytest.fixture
def pg_url() -> Iterator[str]:
    url = create_database()
    yield url
    drop_database(url)


def test_store_copy_then_render_gives_the_same_files(workdir: Path, pg_url: str) -> None:
    copied = cli("store", "copy", "db.sqlite3", pg_url)
    assert copied.code == 0, copied.text
    assert "counts and checksums match" in copied.out and "papers" in copied.out
    base = ["--config", "config.json"]
    assert cli("render", *base, "--db", "db.sqlite3", "--output", "from-sqlite").code == 0
    rendered = cli("render", *base, "--db", pg_url, "--output", "from-pg")
    assert rendered.code == 0, rendered.text
    for name in ("README.md", "papers.json", "rss.xml"):
        assert (workdir / "from-pg" / name).read_bytes() == (
            workdir / "from-sqlite" / name
        ).read_bytes(), name


def test_store_copy_into_a_full_store_is_one_clear_error(workdir: Path, pg_url: str) -> None:
    assert cli("store", "copy", "db.sqlite3", pg_url).code == 0
    again = cli("store", "copy", "db.sqlite3", pg_url)
    assert again.code != 0 and "already holds papers" in again.text
    assert again.one_clear_error()


def test_run_on_store_url_from_the_config(workdir: Path, pg_url: str) -> None:
    config = json.loads((workdir / "config.json").read_text())
    config["store"] = {"url": pg_url}
    (workdir / "pg.json").write_text(json.dumps(config))
    result = cli("run", "--config", "pg.json", "--output", "out", "--no-summaries", "--no-notify")
    assert result.code == 0, result.text
    assert (workdir / "out" / "README.md").is_file()
    assert not (workdir / "data").exists()  # no SQLite file was made beside it
