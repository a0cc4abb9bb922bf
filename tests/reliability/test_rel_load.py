"""Load: the real server (uvicorn, in a subprocess) under 50 concurrent loopback
connections on feeds, pages, search and the JSON API while a run writes to the store.

Reuses ``bench/bench_server.py``: its server side (a store with a recorded day and 15
summaries, rendered site, and a runner that keeps rewriting the day's ranking and
summaries) and its bounded load generator. The test asserts zero errors, never timings;
the figures go to the report. ``ARXIVBOT_REL_LOAD_SECONDS`` sets the duration (default 10).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from rel_helpers import Describe

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.append(str(BENCH))

import bench_server  # noqa: E402

SECONDS = float(os.environ.get("ARXIVBOT_REL_LOAD_SECONDS", "10"))
CONNECTIONS = 50


def test_fifty_connections_while_a_run_writes(
    tmp_path: Path, case: Describe, request: pytest.FixtureRequest
) -> None:
    case(
        "load",
        f"{CONNECTIONS} concurrent connections for {SECONDS:g} s on /, /rss, /atom/cs.LG, "
        "/feed.json, /search, /api/papers, /api/papers/{id} while a run rewrites the store",
        "zero errors (every answer 200), the run still going at the end",
    )
    port = bench_server.free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, str(BENCH / "bench_server.py"), "--serve", str(tmp_path), str(port)],
        cwd=BENCH.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        bench_server.wait_until_up(base, server)
        headers = {"Authorization": f"Bearer {bench_server.TOKEN}"}
        assert httpx.post(base + "/admin/refresh", headers=headers).status_code == 202
        stats, elapsed = asyncio.run(
            bench_server.load(base, bench_server.MIX, CONNECTIONS, SECONDS, 1_000_000)
        )
        running = httpx.get(base + "/health").json()["running"]
        (tmp_path / "stop-run").touch()
    finally:
        server.terminate()
        _out, err = server.communicate(timeout=30)
    total = sum(len(s.latencies) for s in stats.values())
    errors = {path: s.errors for path, s in stats.items() if s.errors}
    latencies = sorted(x for s in stats.values() for x in s.latencies)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    measured = f"{total} requests, {total / elapsed:,.0f} req/s, p99 {p99:.0f} ms"
    request.node.user_properties.append(("measured", measured))
    assert total > CONNECTIONS
    assert errors == {}, errors
    assert running, "the writing run ended before the load did"
    assert b"Traceback" not in err, err.decode()[-2000:]
