"""Admin refresh (auth, one run at a time, serving during a run), feedback and the scheduler."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_world import CLOCK, HOSTILE_ID, NOW, World, build_world, shared_world

from arxivbot.errors import ConfigError, RunLockedError
from arxivbot.models import DayStats, RunReport
from arxivbot.server import create_app
from arxivbot.server.scheduler import RunCoordinator, Scheduler, next_run_after
from arxivbot.store import open_store

TOKEN = "correct horse battery staple"
TOKEN_ENV = "ARXIVBOT_TEST_ADMIN_TOKEN"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@dataclass
class SlowRunner:
    """A real pipeline stand-in: runs in the server's thread until released."""

    release: threading.Event = field(default_factory=threading.Event)
    started: threading.Event = field(default_factory=threading.Event)
    calls: int = 0
    error: Exception | None = None

    def __call__(self) -> RunReport:
        self.calls += 1
        self.started.set()
        assert self.release.wait(30), "test never released the runner"
        if self.error is not None:
            raise self.error
        return RunReport(self.calls, NOW, NOW, "ok", NOW.date(), DayStats())


@pytest.fixture(scope="module")
def world(fixtures, tmp_path_factory) -> World:  # type: ignore[no-untyped-def]
    return shared_world(fixtures, tmp_path_factory)


@pytest.fixture
def runner() -> Iterator[SlowRunner]:
    slow = SlowRunner()
    yield slow
    slow.release.set()


def _client(world: World, runner: SlowRunner | None) -> TestClient:
    app = create_app(
        world.loaded, db_path=world.db_path, output_dir=world.output_dir, runner=runner, clock=CLOCK
    )
    return TestClient(app)


# -- auth ----------
def test_refresh_is_off_without_a_token(
    world: World, runner: SlowRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    with _client(world, runner) as client:
        response = client.post("/admin/refresh", headers=AUTH)
    assert response.status_code == 404
    assert response.json()["error"] == f"endpoint is off: set {TOKEN_ENV} to enable it"
    assert runner.calls == 0


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": f"Bearer {TOKEN}x"},
    ],
)
def test_refresh_refuses_a_wrong_token(
    world: World, runner: SlowRunner, monkeypatch: pytest.MonkeyPatch, headers: dict[str, str]
) -> None:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    with _client(world, runner) as client:
        response = client.post("/admin/refresh", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert runner.calls == 0


def test_refresh_without_a_runner_is_503(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    with _client(world, None) as client:
        assert client.post("/admin/refresh", headers=AUTH).status_code == 503


def test_refresh_runs_once_in_the_background_while_serving(
    world: World, runner: SlowRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    with _client(world, runner) as client:
        first = client.post("/admin/refresh", headers=AUTH)
        assert first.status_code == 202 and first.json()["status"] == "started"
        assert runner.started.wait(10)
        second = client.post("/admin/refresh", headers=AUTH)
        assert second.status_code == 409 and second.json()["status"] == "already-running"
        # The run is still going: everything keeps being served.
        assert client.get("/health").json()["running"] is True
        for path in ("/rss", "/", "/api/papers", "/search?q=zebrafish", "/atom/cs.AI"):
            assert client.get(path).status_code == 200, path
        runner.release.set()
        coordinator = client.app.state.arxivbot.coordinator  # type: ignore[attr-defined]
        assert coordinator.wait(10)
        health = client.get("/health").json()
        assert health["running"] is False and health["last_background_error"] == ""
        assert client.post("/admin/refresh", headers=AUTH).status_code == 202
        assert coordinator.wait(10)
    assert runner.calls == 2


def test_a_failing_run_is_reported_not_raised(
    world: World, runner: SlowRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    runner.error = RunLockedError("another run holds the lock")
    runner.release.set()
    with _client(world, runner) as client:
        assert client.post("/admin/refresh", headers=AUTH).status_code == 202
        assert client.app.state.arxivbot.coordinator.wait(10)  # type: ignore[attr-defined]
        health = client.get("/health").json()
    assert health["last_background_error"] == "another run holds the lock"
    assert health["status"] == "ok"


def test_an_unexpected_crash_is_reported_without_details(runner: SlowRunner) -> None:
    runner.error = KeyError("internal detail")
    runner.release.set()
    coordinator = RunCoordinator(runner, clock=CLOCK)
    assert coordinator.trigger("admin") and coordinator.wait(10)
    status = coordinator.status()
    assert "unexpected error" in status.last_error and "internal" not in status.last_error
    assert not status.running and status.finished_at == NOW


# -- feedback ----------
def test_feedback(fixtures: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    world = build_world(fixtures, tmp_path, summaries=0, render=False, days=1)
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    with _client(world, None) as client:
        assert client.post(f"/api/feedback/{HOSTILE_ID}", json={"value": "like"}).status_code == 404
        monkeypatch.setenv(TOKEN_ENV, TOKEN)
        url = f"/api/feedback/{HOSTILE_ID}v2"
        assert client.post(url, json={"value": "like"}).status_code == 401
        liked = client.post(url, json={"value": "like"}, headers=AUTH)
        assert liked.status_code == 200
        assert liked.json() == {"profile": "default", "arxiv_id": HOSTILE_ID, "value": 1}
        unknown = client.post("/api/feedback/2601.00001", json={"value": "like"}, headers=AUTH)
        assert unknown.status_code == 404
        bad = client.post(url, json={"value": "love"}, headers=AUTH)
        assert bad.status_code == 400 and "value" in bad.json()["error"]
        nobody = client.post(url, json={"value": "like", "profile": "x"}, headers=AUTH)
        assert nobody.status_code == 404
        disliked = client.post(
            "/api/feedback/hep-th/9901001", json={"value": "dislike"}, headers=AUTH
        )
        assert disliked.status_code == 200
    with open_store(world.db_path) as store:
        assert store.feedback("default") == {HOSTILE_ID: 1, "hep-th/9901001": -1}


# -- scheduler ----------
def test_next_run_is_in_the_configured_zone() -> None:
    tuesday_evening = datetime(2026, 6, 2, 22, 0, tzinfo=UTC)  # 18:00 in New York
    tick = next_run_after("30 0 * * 1-5", "America/New_York", tuesday_evening)
    assert tick == datetime(2026, 6, 3, 4, 30, tzinfo=UTC)  # 00:30 EDT on Wednesday
    friday = datetime(2026, 6, 5, 12, 0, tzinfo=UTC)
    assert next_run_after("30 0 * * 1-5", "America/New_York", friday) == datetime(
        2026, 6, 8, 4, 30, tzinfo=UTC
    )  # Monday: no weekend runs
    winter = datetime(2026, 1, 6, 12, 0, tzinfo=UTC)
    assert next_run_after("30 0 * * 1-5", "America/New_York", winter).hour == 5  # EST


def test_bad_schedule_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"server\.schedule"):
        next_run_after("every day", "UTC", NOW)
    with pytest.raises(ConfigError, match=r"server\.timezone"):
        next_run_after("0 1 * * *", "Mars/Olympus", NOW)


class SteppingClock:
    """Each reading is one second later than the last: the scheduler's loop sees time pass."""

    def __init__(self, start: datetime) -> None:
        self.now = start
        self.lock = threading.Lock()

    def __call__(self) -> datetime:
        with self.lock:
            self.now += timedelta(seconds=1)
            return self.now


def test_scheduler_triggers_a_run_at_the_tick(runner: SlowRunner) -> None:
    runner.release.set()
    clock = SteppingClock(datetime(2026, 6, 2, 4, 29, 55, tzinfo=UTC))  # 00:29:55 EDT
    coordinator = RunCoordinator(runner, clock=clock)
    scheduler = Scheduler(
        coordinator, "30 0 * * 1-5", "America/New_York", clock=clock, max_sleep=0.001
    )
    scheduler.start()
    try:
        assert runner.started.wait(10)
        assert coordinator.wait(10)
        assert scheduler.next_run is not None and scheduler.next_run.date().isoformat() >= (
            "2026-06-03"
        )
    finally:
        scheduler.stop()
    assert runner.calls == 1
    assert coordinator.status().trigger == "schedule"


def test_health_shows_the_next_scheduled_run(world: World, runner: SlowRunner) -> None:
    clock = SteppingClock(datetime(2026, 6, 2, 22, 0, tzinfo=UTC))
    app = create_app(
        world.loaded,
        db_path=world.db_path,
        output_dir=world.output_dir,
        runner=runner,
        clock=clock,
        scheduler=True,
    )
    with TestClient(app) as client:
        health = client.get("/health").json()
    assert health["scheduler"] is True
    assert health["next_run"] == "2026-06-03T04:30:00Z"
    assert runner.calls == 0
