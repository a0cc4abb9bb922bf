"""Crash safety: ``arxivbot run`` as a real process, SIGKILLed at seeded random points.

The world starts with the 2026-06-02 digest published; the killed run is fetching,
summarising or rendering 2026-06-03. After the kill the store must pass its integrity
checks and every output file must be whole (the old or the new version); a second run
must finish the day without paying again for any summary stored before the kill.
``ARXIVBOT_REL_SEEDS`` (default 2) sets how many seeded kill points each phase gets.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from rel_helpers import (
    API_KEY,
    SUMMARIES,
    Describe,
    assert_full_digest,
    check_outputs_parse,
    check_store,
    edit_config,
    last_report,
    readme_entries,
    requested_titles,
    run_args,
    run_cli,
    stored_titles,
)

from arxivbot.config import fetch_categories, load_config
from arxivbot.sources.http import PoliteClient
from arxivbot.sources.rss import fetch_listing
from arxivbot.store import open_store
from support.arxiv_server import ArxivServer
from support.httpserver import Reply, Request
from support.llm_server import FakeLlm

SEEDS = range(int(os.environ.get("ARXIVBOT_REL_SEEDS", "2")))
FEED_DELAY = 1.0
LLM_LATENCY = 0.25


@pytest.fixture
def crash_world(world: Path, llm: FakeLlm, monkeypatch: pytest.MonkeyPatch) -> Path:
    llm.reset()
    monkeypatch.setenv("DASHSCOPE_API_KEY", API_KEY)
    edit_config(
        world,
        ai_summary={
            "enabled": True,
            "base_url": llm.base_url,
            "mode": "abstract",
            "retry_base_seconds": 0.01,
        },
    )
    return world


def start_run(world: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "arxivbot.cli", *run_args(world)],
        cwd=world,
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[bytes], limit: float) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.005)
    return False


def newest_mtime(out: Path) -> float:
    return max((p.stat().st_mtime for p in out.rglob("*") if p.is_file()), default=0.0)


def slow_feed(arxiv: ArxivServer) -> None:
    feed = arxiv.feed_path("rss", "cs.AI+cs.CL+cs.DC+cs.LG")

    def handler(_request: Request) -> Reply:
        return Reply(200, feed.read_bytes(), {"Content-Type": "application/rss+xml"}, FEED_DELAY)

    arxiv.route("/rss/", handler)


def kill_during(
    phase: str, seed: int, world: Path, arxiv: ArxivServer, llm: FakeLlm
) -> tuple[int | None, str]:
    """Start a run, SIGKILL it at a seeded random point of ``phase``; return (rc, what)."""
    rng = random.Random(f"{phase}-{seed}")
    out = world / "out"
    before = newest_mtime(out)
    if phase == "fetch":
        slow_feed(arxiv)
        seen = len(arxiv.requests("/rss/"))
        process = start_run(world)
        reached = wait_for(lambda: len(arxiv.requests("/rss/")) > seen, process, 30)
        pause = rng.uniform(0, FEED_DELAY)
    elif phase == "summaries":
        llm.latency = LLM_LATENCY
        calls = rng.randint(1, SUMMARIES - 3)
        process = start_run(world)
        reached = wait_for(lambda: llm.chat_calls >= calls, process, 60)
        pause = rng.uniform(0, LLM_LATENCY)
    else:
        process = start_run(world)
        reached = wait_for(lambda: newest_mtime(out) > before, process, 60)
        pause = rng.uniform(0, 0.1)
    time.sleep(pause)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)  # reap it and close its pipes
    rc = process.returncode
    llm.latency = 0.0
    return rc, f"{phase} (phase reached: {reached}, +{pause:.2f} s)"


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("phase", ["fetch", "summaries", "render"])
def test_sigkill_then_rerun(
    crash_world: Path,
    arxiv: ArxivServer,
    llm: FakeLlm,
    phase: str,
    seed: int,
    case: Describe,
) -> None:
    case(
        "crash",
        f"SIGKILL during {phase} (seed {seed})",
        "store integrity ok; every output whole (old or new); the re-run finishes the day "
        "and pays no stored summary twice",
        "only the LLM calls in flight at the kill",
    )
    arxiv.set_day("2026-06-03")
    routes = list(arxiv.local.routes)
    rc, where = kill_during(phase, seed, crash_world, arxiv, llm)
    assert rc == -signal.SIGKILL, f"the run ended before the kill ({where}, rc {rc})"
    arxiv.local.routes[:] = routes  # the re-run meets a healthy arXiv
    db, out = crash_world / "db.sqlite3", crash_world / "out"
    check_store(db)
    check_outputs_parse(out)  # old or new files, never half-written
    paid_before = stored_titles(db)
    with llm.server._lock:
        llm.server.log.clear()
    result = run_cli(*run_args(crash_world))
    assert result.code == 0, (where, rc, result.text)
    again = requested_titles(llm)
    assert not set(again) & paid_before, f"paid twice after kill {where}"
    assert max(again.values(), default=0) <= 1
    readme = (out / "README.md").read_text()
    assert_full_digest(readme_entries(readme))
    check_outputs_parse(out)
    check_store(db)
    assert last_report(db).status == "ok"
    assert "2026-06-03" in stored_days(db)  # the killed run's day is not lost


def stored_days(db: Path) -> set[str]:
    with open_store(db) as store:
        return {d.isoformat() for d in store.announcement_days()}


# Regression guards: before the validators moved to Listing.validators (saved by
# app.ingest.store_listing), PoliteClient stored the feed's ETag on the 200 itself and
# app.ingest._unchanged_feed re-processed the day of the last *finished* run on a 304, so a
# run killed after the fetch lost or never finished the newer day.
def test_rerun_after_a_kill_during_summaries_finishes_that_day(
    crash_world: Path, arxiv: ArxivServer, llm: FakeLlm, case: Describe
) -> None:
    case(
        "crash",
        "SIGKILL during summaries of 2026-06-03, then a re-run (feed unchanged: HTTP 304)",
        "the re-run resumes 2026-06-03: its remaining summaries are made, nothing else paid",
        "only the calls in flight at the kill",
    )
    arxiv.set_day("2026-06-03")
    rc, where = kill_during("summaries", 0, crash_world, arxiv, llm)
    assert rc == -signal.SIGKILL, where
    result = run_cli(*run_args(crash_world))
    assert result.code == 0, result.text
    report = last_report(crash_world / "db.sqlite3")
    assert report.announced_on is not None and report.announced_on.isoformat() == "2026-06-03"
    readme = (crash_world / "out/README.md").read_text()
    assert readme.count("🤖 AI Summary") == SUMMARIES


def test_kill_between_fetch_and_store_does_not_lose_the_day(
    world: Path, arxiv: ArxivServer, case: Describe
) -> None:
    case(
        "crash",
        "killed after the feed's HTTP 200 but before the listing is stored",
        "the re-run still stores and publishes 2026-06-03 (no 304 for an unstored day)",
        "nothing: the day is fetched again",
    )
    arxiv.set_day("2026-06-03")
    loaded = load_config(world / "config.json")
    sources = loaded.config.sources
    with open_store(world / "db.sqlite3") as store, PoliteClient(sources, store=store) as http:
        # exactly what the pipeline has done when the kill comes: the feed is fetched
        listing = fetch_listing(http, sources, fetch_categories(loaded.config))
    assert listing.announced_on is not None
    result = run_cli(*run_args(world))
    assert result.code == 0, result.text
    assert "2026-06-03" in stored_days(world / "db.sqlite3")


def test_second_run_while_the_first_holds_the_lock_exits_3(
    crash_world: Path, arxiv: ArxivServer, case: Describe
) -> None:
    case(
        "crash",
        "a second `arxivbot run` while the first holds the lock",
        "exit 3 with 'another arxivbot run is in progress (pid …)'; the first run is unharmed",
    )
    arxiv.set_day("2026-06-03")
    slow_feed(arxiv)
    seen = len(arxiv.requests("/rss/"))
    first = start_run(crash_world)
    try:
        assert wait_for(lambda: len(arxiv.requests("/rss/")) > seen, first, 30)
        second = run_cli(*run_args(crash_world))
        assert second.code == 3, second.text
        assert "another arxivbot run is in progress" in second.text
        assert f"pid {first.pid}" in second.text
    finally:
        stdout, stderr = first.communicate(timeout=60)
    assert first.returncode == 0, stderr.decode()
    assert b"Traceback" not in stdout + stderr
    check_store(crash_world / "db.sqlite3")
    check_outputs_parse(crash_world / "out")
