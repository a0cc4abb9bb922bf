"""PoliteClient against a real loopback server: rate limit, retries, caps, conditional GET."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from arxivbot.config.model import SourcesConfig
from arxivbot.errors import FetchError, HttpStatusError, ResponseTooLarge
from arxivbot.sources.http import PoliteClient
from support.httpserver import LocalServer, Reply, Request, sequence, static


class FakeTime:
    """monotonic() + sleep() that only advance a counter; records every sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class MemoryCache:
    """The two StoreApi methods conditional GET needs."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[str, str]] = {}

    def get_http_cache(self, url: str) -> tuple[str, str] | None:
        return self.entries.get(url)

    def put_http_cache(self, url: str, etag: str, last_modified: str) -> None:
        self.entries[url] = (etag, last_modified)


def settings(**overrides: object) -> SourcesConfig:
    values: dict[str, object] = {
        "min_interval_seconds": 0,
        "max_retries": 3,
        "timeout_seconds": 5,
        "contact": "me@example.org",
    }
    values.update(overrides)
    return SourcesConfig(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def shared_server() -> Iterator[LocalServer]:
    with LocalServer() as srv:  # one per module: each shutdown costs 0.5 s of polling
        yield srv


@pytest.fixture
def server(shared_server: LocalServer) -> LocalServer:
    shared_server.routes.clear()
    shared_server.log.clear()
    return shared_server


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


def client(fake: FakeTime, **overrides: object) -> PoliteClient:
    return PoliteClient(
        settings(**overrides), sleep=fake.sleep, monotonic=fake.monotonic, rng=random.Random(1)
    )


def test_user_agent_accept_and_response_fields(server: LocalServer, fake: FakeTime) -> None:
    headers_ct = "application/xml"
    server.route("/x", static(b"<ok/>", headers_ct))
    with client(fake) as http:
        response = http.get(f"{server.url}/x", params={"a": "1"}, accept="application/xml")
    assert response.status == 200 and response.content == b"<ok/>"
    assert response.headers["content-type"] == headers_ct
    assert response.url == f"{server.url}/x?a=1"
    sent = server.requests("/x")[0]
    assert sent.query == {"a": ["1"]}
    assert sent.headers["Accept"] == "application/xml"
    agent = sent.headers["User-Agent"]
    assert agent.startswith("arxivbot/")
    assert "(+https://github.com/arxivbot/arxivbot; mailto:me@example.org)" in agent


def test_one_connection_limit_is_configured(fake: FakeTime) -> None:
    with client(fake) as http:
        pool = http._client._transport._pool  # type: ignore[attr-defined]
        assert pool._max_connections == 1


def test_requests_are_spaced_by_min_interval(server: LocalServer, fake: FakeTime) -> None:
    server.route("/x", static(b"ok"))
    with client(fake, min_interval_seconds=3) as http:
        for _ in range(3):
            http.get(f"{server.url}/x")
            fake.now += 0.5  # the caller spends 0.5 s between requests
    assert fake.sleeps == [2.5, 2.5]
    assert len(server.requests("/x")) == 3


def test_plus_in_multi_category_path_is_kept(server: LocalServer, fake: FakeTime) -> None:
    server.route("/rss/", static(b"ok"))
    with client(fake) as http:
        http.get(f"{server.url}/rss/cs.AI+cs.CL")
    assert server.requests("/rss/")[0].path == "/rss/cs.AI+cs.CL"


def test_503_with_retry_after_then_success(server: LocalServer, fake: FakeTime) -> None:
    server.route(
        "/x",
        sequence(Reply(503, b"busy", {"Retry-After": "7"}), Reply(200, b"done")),
    )
    with client(fake, min_interval_seconds=3) as http:
        response = http.get(f"{server.url}/x")
    assert response.content == b"done"
    assert fake.sleeps == [7]  # Retry-After honoured; 7 s >= the 3 s interval, no extra wait
    assert len(server.requests("/x")) == 2


def test_retry_after_as_http_date(server: LocalServer, fake: FakeTime) -> None:
    now = datetime(2026, 6, 2, 12, 0, tzinfo=UTC)
    when = format_datetime(now + timedelta(seconds=42), usegmt=True)
    server.route("/x", sequence(Reply(429, b"", {"Retry-After": when}), Reply(200, b"ok")))
    with PoliteClient(
        settings(), sleep=fake.sleep, monotonic=fake.monotonic, clock=lambda: now
    ) as http:
        assert http.get(f"{server.url}/x").content == b"ok"
    assert fake.sleeps == [42]


def test_429_without_retry_after_backs_off_exponentially(
    server: LocalServer, fake: FakeTime
) -> None:
    server.route("/x", sequence(Reply(429), Reply(429), Reply(200, b"ok")))
    with client(fake) as http:
        assert http.get(f"{server.url}/x").content == b"ok"
    first, second = fake.sleeps
    assert 2 <= first <= 3 and 4 <= second <= 6  # base 2 s doubled, plus up to 50 % jitter


def test_retries_exhausted_raise_http_status_error(server: LocalServer, fake: FakeTime) -> None:
    server.route("/x", static(b"down", status=502))
    with client(fake, max_retries=2) as http, pytest.raises(HttpStatusError) as info:
        http.get(f"{server.url}/x")
    assert info.value.status == 502 and info.value.url.endswith("/x")
    assert "try again later" in str(info.value)
    assert len(server.requests("/x")) == 3


def test_huge_retry_after_gives_up_at_once(server: LocalServer, fake: FakeTime) -> None:
    server.route("/x", sequence(Reply(503, b"", {"Retry-After": "86400"})))
    with client(fake) as http, pytest.raises(HttpStatusError, match="Retry-After of 86400"):
        http.get(f"{server.url}/x")
    assert fake.sleeps == []


def test_404_is_not_retried(server: LocalServer, fake: FakeTime) -> None:
    with client(fake) as http, pytest.raises(HttpStatusError) as info:
        http.get(f"{server.url}/missing")
    assert info.value.status == 404
    assert "base URL" in info.value.hint
    assert len(server.requests("/missing")) == 1


def test_ok_statuses_are_returned(server: LocalServer, fake: FakeTime) -> None:
    server.route("/x", static(b"<error/>", status=400))
    with client(fake) as http:
        assert http.get(f"{server.url}/x", ok_statuses={400}).status == 400


def test_dropped_connection_is_retried(server: LocalServer, fake: FakeTime) -> None:
    server.route("/x", sequence(Reply(drop=True), Reply(200, b"ok")))
    with client(fake) as http:
        assert http.get(f"{server.url}/x").content == b"ok"
    assert len(fake.sleeps) == 1


def test_connection_refused_exhausts_into_fetch_error(fake: FakeTime) -> None:
    with LocalServer() as srv:
        dead = srv.url  # nothing listens there once the server is gone
    with client(fake, max_retries=1) as http, pytest.raises(FetchError) as info:
        http.get(f"{dead}/x")
    assert "connection failed after 2 tries" in str(info.value)
    assert info.value.url.startswith(dead)


def test_timeout_is_retried_then_reported(server: LocalServer, fake: FakeTime) -> None:
    server.route("/slow", lambda _r: Reply(200, b"late", delay=1.0))
    with (
        client(fake, timeout_seconds=0.2, max_retries=1) as http,
        pytest.raises(FetchError, match="timed out") as info,
    ):
        http.get(f"{server.url}/slow")
    assert "timeout_seconds" in info.value.hint
    assert len(fake.sleeps) == 1


def test_size_cap_from_content_length(server: LocalServer, fake: FakeTime) -> None:
    server.route("/big", static(b"x" * 300_000))
    with client(fake) as http, pytest.raises(ResponseTooLarge, match="MB cap"):
        http.get(f"{server.url}/big", max_bytes=100_000)


def test_size_cap_aborts_a_stream_without_length_early(fake: FakeTime) -> None:
    produced: list[int] = []

    def chunks() -> Iterator[bytes]:
        for n in range(1000):  # would be 64 MB if read to the end
            produced.append(n)
            yield b"y" * 65536

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=chunks())

    http = PoliteClient(
        settings(max_response_mb=1),
        sleep=fake.sleep,
        monotonic=fake.monotonic,
        transport=httpx.MockTransport(handler),
    )
    with http, pytest.raises(ResponseTooLarge):
        http.get("http://arxiv.test/huge")
    assert len(produced) < 40  # stopped right after passing 1 MB


def test_conditional_get_sends_validators_and_maps_304(server: LocalServer, fake: FakeTime) -> None:
    def handler(request: Request) -> Reply:
        if request.headers.get("If-None-Match") == '"v1"':
            return Reply(304)
        return Reply(
            200, b"feed", {"ETag": '"v1"', "Last-Modified": "Tue, 02 Jun 2026 04:00:00 GMT"}
        )

    server.route("/feed", handler)
    cache = MemoryCache()
    url = f"{server.url}/feed"
    with PoliteClient(settings(), store=cache, sleep=fake.sleep, monotonic=fake.monotonic) as http:
        first = http.get(url, conditional=True)
        second = http.get(url, conditional=True)
        unconditional = http.get(url)
    assert first.content == b"feed" and not first.not_modified
    assert cache.entries[url] == ('"v1"', "Tue, 02 Jun 2026 04:00:00 GMT")
    assert second.not_modified and second.status == 304 and second.content == b""
    assert unconditional.status == 200
    sent = server.requests("/feed")
    assert sent[1].headers["If-Modified-Since"] == "Tue, 02 Jun 2026 04:00:00 GMT"
    assert "If-None-Match" not in sent[2].headers


def test_conditional_without_store_is_plain_get(server: LocalServer, fake: FakeTime) -> None:
    server.route("/feed", static(b"feed"))
    with client(fake) as http:
        assert http.get(f"{server.url}/feed", conditional=True).content == b"feed"
    assert "If-None-Match" not in server.requests("/feed")[0].headers
