"""Validators, 304s, gzip and cache invalidation of the web server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_world import CLOCK, NOW, World, build_world, shared_world

from arxivbot.models import Summary, SummaryKey, SummarySource
from arxivbot.server import create_app
from arxivbot.store import open_store

CACHED_PATHS = [
    "/",
    "/rss",
    "/atom/cs.LG",
    "/feed.json",
    "/days/2026-06-01.html",
    "/api/papers?limit=3",
    "/api/papers/2606.99999",
    "/search?q=zebrafish",
]


@pytest.fixture(scope="module")
def world(fixtures, tmp_path_factory) -> World:  # type: ignore[no-untyped-def]
    return shared_world(fixtures, tmp_path_factory)


@pytest.fixture(scope="module")
def client(world: World) -> Iterator[TestClient]:
    app = create_app(world.loaded, db_path=world.db_path, output_dir=world.output_dir, clock=CLOCK)
    with TestClient(app) as test_client:
        yield test_client


@pytest.mark.parametrize("path", CACHED_PATHS)
def test_if_none_match_gives_304(client: TestClient, path: str) -> None:
    first = client.get(path)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert etag.startswith('"') and len(etag) in (34, 37)  # strong: a hash of the bytes
    assert "max-age=" in first.headers["cache-control"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    weak = client.get(path, headers={"If-None-Match": f'"other", W/{etag}'})
    assert weak.status_code == 304
    assert client.get(path, headers={"If-None-Match": '"stale"'}).status_code == 200


@pytest.mark.parametrize("path", CACHED_PATHS)
def test_if_modified_since_gives_304(client: TestClient, path: str) -> None:
    first = client.get(path)
    last_modified = first.headers["last-modified"]
    assert last_modified.endswith(" GMT")
    assert client.get(path, headers={"If-Modified-Since": last_modified}).status_code == 304
    earlier = format_datetime(datetime(2000, 1, 1, tzinfo=UTC), usegmt=True)
    assert client.get(path, headers={"If-Modified-Since": earlier}).status_code == 200
    assert client.get(path, headers={"If-Modified-Since": "garbage"}).status_code == 200


def test_if_none_match_wins_over_if_modified_since(client: TestClient) -> None:
    first = client.get("/rss")
    headers = {"If-None-Match": '"stale"', "If-Modified-Since": first.headers["last-modified"]}
    assert client.get("/rss", headers=headers).status_code == 200


def test_gzip(client: TestClient) -> None:
    zipped = client.get("/rss", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert int(zipped.headers["content-length"]) < len(zipped.content) / 3
    plain = client.get("/rss", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.content == zipped.content  # httpx decoded the gzip body
    assert zipped.headers["etag"] == plain.headers["etag"][:-1] + '-gz"'
    assert "Accept-Encoding" in zipped.headers["vary"]
    # Either encoding's tag validates the other (same bytes underneath).
    cross = client.get(
        "/rss", headers={"Accept-Encoding": "gzip", "If-None-Match": plain.headers["etag"]}
    )
    assert cross.status_code == 304
    small = client.get("/health", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers  # below the size where gzip pays


def test_rendered_file_change_is_served_at_once(world: World, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "rss").mkdir(parents=True)
    feed = out / "rss.xml"
    feed.write_bytes((world.output_dir / "rss.xml").read_bytes())
    app = create_app(world.loaded, db_path=world.db_path, output_dir=out, clock=CLOCK)
    with TestClient(app) as client:
        first = client.get("/rss")
        feed.write_bytes(first.content.replace(b"Test digest", b"Renamed digest"))
        later = datetime.now(UTC) + timedelta(seconds=5)  # a new mtime, whatever the FS
        os.utime(feed, (later.timestamp(), later.timestamp()))
        second = client.get("/rss", headers={"If-None-Match": first.headers["etag"]})
        assert second.status_code == 200
        assert b"Renamed digest" in second.content


def test_store_change_invalidates_api_and_built_feeds(fixtures: Path, tmp_path: Path) -> None:
    world = build_world(fixtures, tmp_path, summaries=1, render=False, days=1)
    app = create_app(world.loaded, db_path=world.db_path, output_dir=world.output_dir, clock=CLOCK)
    third = world.ranked[max(world.ranked)][2].paper
    with TestClient(app) as client:
        page = client.get("/api/papers", params={"limit": 3})
        feed = client.get("/rss")
        assert page.json()["items"][2]["summary"] is None
        with open_store(world.db_path) as store:  # another process's run, in effect
            key = SummaryKey(third.arxiv_id, third.version, "m", "p", "en")
            store.put_summary(Summary(key, "A fresh summary.", SummarySource.HTML, NOW))
        newer = client.get(
            "/api/papers", params={"limit": 3}, headers={"If-None-Match": page.headers["etag"]}
        )
        assert newer.status_code == 200
        assert newer.json()["items"][2]["summary"]["text"] == "A fresh summary."
        rebuilt = client.get("/rss", headers={"If-None-Match": feed.headers["etag"]})
        assert rebuilt.status_code == 200 and b"A fresh summary." in rebuilt.content
