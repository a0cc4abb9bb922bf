"""The app behind a real uvicorn server on a loopback port (raw HTTP included)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import feedparser
import httpx
import pytest
from web_world import CLOCK, World, shared_world

from arxivbot.server import create_app
from support.live import uvicorn_server


@pytest.fixture(scope="module")
def world(fixtures, tmp_path_factory) -> World:  # type: ignore[no-untyped-def]
    return shared_world(fixtures, tmp_path_factory)


@pytest.fixture(scope="module")
def base_url(world: World) -> Iterator[str]:
    app = create_app(world.loaded, db_path=world.db_path, output_dir=world.output_dir, clock=CLOCK)
    with uvicorn_server(app) as url:
        yield url


def test_real_server_serves_feed_and_health(base_url: str) -> None:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        rss = client.get("/rss")
        assert rss.status_code == 200
        assert rss.headers["content-encoding"] == "gzip"
        parsed = feedparser.parse(rss.content)
        assert not parsed.bozo and parsed.version == "rss20" and parsed.entries
        again = client.get("/rss", headers={"If-None-Match": rss.headers["etag"]})
        assert again.status_code == 304
        health = client.get("/health").json()
        assert health["status"] == "ok" and health["days"] == 2


def raw_get(base_url: str, target: str) -> tuple[int, bytes]:
    """Send a request line byte for byte (clients normalise '..' away)."""
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data


@pytest.mark.parametrize(
    "target",
    [
        "/papers/../../../../etc/passwd",
        "/../../etc/passwd",
        "/days/../../db.sqlite3",
        "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/days/..\\..\\etc\\passwd",
    ],
)
def test_raw_traversal_requests_are_404(base_url: str, target: str) -> None:
    status, data = raw_get(base_url, target)
    assert status in (400, 404), data[:200]
    assert b"root:" not in data


def test_huge_request_line_is_refused(base_url: str) -> None:
    status, _ = raw_get(base_url, "/search?q=" + "a" * 20_000)
    assert status in (400, 414)
    with httpx.Client(base_url=base_url, timeout=10) as client:
        assert client.get("/health").status_code == 200  # and the server lives on
