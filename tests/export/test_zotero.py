"""Zotero both ways through pyzotero against a local Zotero Web API stand-in (paging,
Bearer key, 412 version conflicts, 429 + Retry-After, Backoff) and a real SQLite store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from arxivbot.config import load_config
from arxivbot.export.zotero import (
    ZoteroError,
    ZoteroLibrary,
    arxiv_id_of,
    zotero_import,
    zotero_push,
)
from arxivbot.models import Announcement, AnnounceType, Paper
from arxivbot.paths import resolve_paths
from arxivbot.store import open_store
from support.httpserver import LocalServer
from support.zotero_api import ZoteroStandIn

NOW = datetime(2026, 6, 2, 12, tzinfo=UTC)
KEY_ENV = "ARXIVBOT_TEST_ZOTERO_KEY"
LIBRARY = [
    {"itemType": "preprint", "title": "Held", "url": "https://arxiv.org/abs/2606.00001v2"},
    {"itemType": "journalArticle", "title": "DOI", "DOI": "10.48550/arXiv.2606.00002"},
    {"itemType": "journalArticle", "title": "Extra", "extra": "arXiv: hep-th/9901001"},
    {"itemType": "book", "title": "No arXiv", "DOI": "10.1145/3583780.3614"},
    {"itemType": "preprint", "title": "Archive", "archiveID": "arXiv:2606.00003"},
]


@pytest.fixture
def standin() -> Iterator[ZoteroStandIn]:
    with LocalServer() as server:
        api = ZoteroStandIn(server)
        api.install()
        for data in LIBRARY:
            api.add_item(data)
        yield api


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"categories": ["cs.LG"], "store": {"path": "store.db"}}))
    loaded = load_config(path)
    papers = [
        Paper(f"2606.0000{n}", 1, f"Paper {n}", ("Ada Lovelace", "Alan M. Turing"), "Abs.", "cs.LG",
              ("cs.LG",))
        for n in (1, 4, 5)
    ]  # fmt: skip
    with open_store(resolve_paths(loaded, None, None).db) as store:
        store.upsert_papers(papers)
        store.add_announcements(
            Announcement(p.arxiv_id, 1, date(2026, 6, 2), AnnounceType.NEW, "cs.LG") for p in papers
        )
        for paper in papers:
            store.add_feedback("default", paper.arxiv_id, 1, NOW)
    return path


def _library(api: ZoteroStandIn) -> ZoteroLibrary:
    return ZoteroLibrary("42", "user", KEY_ENV, api.endpoint)


def test_arxiv_id_of_item_fields() -> None:
    assert arxiv_id_of({"url": "https://arxiv.org/pdf/2606.01234v3"}) == "2606.01234"
    assert arxiv_id_of({"DOI": "10.48550/arXiv.2606.01234"}) == "2606.01234"
    assert arxiv_id_of({"extra": "tex.x: y\narXiv: math.GT/0309136"}) == "math.GT/0309136"
    assert arxiv_id_of({"DOI": "10.1145/3583780.3614", "url": "https://doi.org/x"}) is None


def test_import_pages_through_the_library_and_likes_its_arxiv_papers(
    standin: ZoteroStandIn, config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, standin.key)
    standin.backoff = "0"  # a Backoff header on every read is honoured (and costs nothing)
    loaded = load_config(config)
    report = zotero_import(loaded, resolve_paths(loaded, None, None), _library(standin))
    assert report.liked == ("2606.00001", "2606.00002", "2606.00003", "hep-th/9901001")
    assert (report.items, report.without_arxiv) == (5, 1)
    pages = [r for r in standin.server.requests("/users/42/items/top")]
    assert len(pages) == 3  # page size 2: the Link rel="next" chain was followed
    assert all(r.headers.get("Authorization") == f"Bearer {standin.key}" for r in pages)
    with open_store(resolve_paths(loaded, None, None).db) as store:
        assert store.feedback("default")["hep-th/9901001"] == 1


def test_push_creates_missing_likes_through_429_and_412(
    standin: ZoteroStandIn, config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, standin.key)
    standin.rate_limit_next = 1  # the collection write first gets 429 + Retry-After
    standin.conflict_next = 2  # then another client writes first: 412, re-read, retry
    loaded = load_config(config)
    paths = resolve_paths(loaded, None, None)
    report = zotero_push(loaded, paths, _library(standin), "From arxivbot")
    assert report.created == ("2606.00004", "2606.00005") and report.already == 1
    assert not report.failed
    assert [c["data"]["name"] for c in standin.collections] == ["From arxivbot"]
    created = [i["data"] for i in standin.items if i["data"].get("archiveID") in
               ("arXiv:2606.00004", "arXiv:2606.00005")]  # fmt: skip
    assert len(created) == 2 and created[0]["itemType"] == "preprint"
    assert created[0]["collections"] == [standin.collections[0]["key"]]
    assert created[0]["creators"][1] == {"creatorType": "author", "firstName": "Alan M.",
                                         "lastName": "Turing"}  # fmt: skip
    posts = standin.server.requests("/users/42/")
    statuses = [r.method for r in posts if r.method == "POST"]
    assert len(statuses) >= 4  # 429, 412, 412 ... then the successful writes

    again = zotero_push(loaded, paths, _library(standin), "From arxivbot")
    assert again.created == () and again.already == 3  # never duplicated
    assert len(standin.collections) == 1


def test_missing_or_refused_key(standin: ZoteroStandIn, config: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    loaded = load_config(config)
    paths = resolve_paths(loaded, None, None)
    monkeypatch.delenv(KEY_ENV, raising=False)
    with pytest.raises(ZoteroError, match=f"no Zotero API key in \\${KEY_ENV}"):
        zotero_import(loaded, paths, _library(standin))
    monkeypatch.setenv(KEY_ENV, "wrong")
    with pytest.raises(ZoteroError, match="refused"):
        zotero_push(loaded, paths, _library(standin), "x")


def test_cli_zotero_import(standin: ZoteroStandIn, config: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "arxivbot.cli", "zotero", "import", "--config", str(config),
         "--library", "42", "--key-env", KEY_ENV, "--endpoint", standin.endpoint],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, KEY_ENV: standin.key},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "4 arXiv paper(s) liked" in result.stdout
