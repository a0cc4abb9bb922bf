"""Load the web server over loopback and print requests/s and p50/p99 latency per route.

    python bench/bench_server.py [--duration 10] [--connections 50] [--max-requests 200000]

The server is the real thing (``arxivbot.publish.serve``: uvicorn, one process) in a
subprocess, over a store holding one recorded arXiv day (2026-06-02, ranked with the seed
config) and 15 real qwen-long summaries, with the site and feeds rendered. The load
generator is asyncio + httpx with N concurrent keep-alive connections, bounded by time and
by request count, loopback only. Phases:

1. ``/rss`` served from the rendered file (cached bytes, ETag, gzip);
2. the original bot's approach: the RSS rebuilt from the database on every request
   (a bench-only route doing ``load_history`` + ``build_feed`` per request);
3. a mix of feeds, the digest page, search and the JSON API;
4. the same mix while a pipeline run (started with ``POST /admin/refresh``) rewrites the
   day's ranking and summaries in the store over and over.

Client and server share the machine's cores, so absolute figures are a floor.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "publish")]

TOKEN = "bench-admin-token"
MIX = [
    "/",
    "/rss",
    "/atom/cs.LG",
    "/feed.json",
    "/search?q=language+model",
    "/api/papers?limit=20",
    "/api/papers/2606.99999",
]


# -- the server side (runs in the subprocess) --------------------------------------------------
def _serve(root: Path, port: int) -> None:
    import uvicorn
    from starlette.responses import Response
    from web_world import build_world

    from arxivbot.clock import utc_now
    from arxivbot.digest import load_history
    from arxivbot.models import RunReport
    from arxivbot.publish import create_app
    from arxivbot.render import build_feed
    from arxivbot.render.feeds import FeedMeta
    from arxivbot.store import open_store
    from support.fixtures import fixtures_dir

    world = build_world(fixtures_dir(), root, summaries=15, days=1, first=1)
    os.environ[world.loaded.config.server.admin_token_env] = TOKEN
    stop_run = root / "stop-run"

    def runner() -> RunReport:
        """A stand-in pipeline run that really writes: the day's ranking and summaries are
        saved again and again (as a re-run with --force would) until told to stop."""
        from dataclasses import replace

        from arxivbot.models import DayStats

        started = utc_now()
        day = max(world.ranked)
        with open_store(world.db_path) as store:
            rounds = 0
            while not stop_run.exists() and rounds < 100_000:
                rounds += 1
                with store.transaction():
                    store.save_ranking(world.profile.name, day, world.ranked[day])
                    for item in world.ranked[day][:15]:
                        summary = store.latest_summary(item.paper.arxiv_id)
                        if summary is not None:
                            store.put_summary(replace(summary, text=summary.text + " "))
                time.sleep(0.05)
        return RunReport(0, started, utc_now(), "ok", day, DayStats())

    app = create_app(
        world.loaded, db_path=world.db_path, output_dir=world.output_dir, runner=runner
    )
    store = open_store(world.db_path)
    output = world.loaded.config.output

    @app.get("/bench/rss-per-request")
    def rss_per_request() -> Response:
        """The original bot's way: query and serialise the feed for every request."""
        history = load_history(store, world.profile, utc_now, days=output.feed_days)
        meta = FeedMeta(output.site_title, output.site_url, output.site_url, "bench", utc_now())
        text = build_feed(history, "rss", None, meta, max_items=output.feed_max_items)
        return Response(text, media_type="application/rss+xml")

    # Route order: the site's catch-all must come last.
    routes = app.router.routes
    routes.insert(0, routes.pop())
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


# -- the load generator ----------------------------------------------------------------------------
@dataclass
class RouteStats:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    bytes: int = 0


async def fetch(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
    """One keep-alive HTTP/1.1 GET (body read by Content-Length, not decoded, like wrk)."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\nAccept-Encoding: gzip\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


async def load(
    base: str, paths: list[str], connections: int, duration: float, max_requests: int
) -> tuple[dict[str, RouteStats], float]:
    """``connections`` keep-alive connections, each sending requests back to back."""
    host, port = base.removeprefix("http://").split(":")
    stats: dict[str, RouteStats] = defaultdict(RouteStats)
    sent = 0
    deadline = time.perf_counter() + duration

    async def worker(offset: int) -> None:
        nonlocal sent
        reader, writer = await asyncio.open_connection(host, int(port), limit=2**24)
        index = offset
        try:
            while time.perf_counter() < deadline and sent < max_requests:
                sent += 1
                path = paths[index % len(paths)]
                index += 1
                began = time.perf_counter()
                try:
                    ok = await asyncio.wait_for(fetch(reader, writer, path), 30) == 200
                except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                    ok = False
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, int(port), limit=2**24)
                stats[path].latencies.append(time.perf_counter() - began)
                if not ok:
                    stats[path].errors += 1
        finally:
            writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(connections)))
    return stats, time.perf_counter() - began


def report(title: str, stats: dict[str, RouteStats], elapsed: float) -> None:
    total = sum(len(s.latencies) for s in stats.values())
    errors = sum(s.errors for s in stats.values())
    print(
        f"\n{title}: {total} requests in {elapsed:.1f} s = {total / elapsed:,.0f} req/s, "
        f"errors {errors}"
    )
    print(f"  {'route':<32} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for path, route in stats.items():
        ordered = sorted(route.latencies)
        p50 = statistics.median(ordered) * 1000
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
        rate = len(ordered) / elapsed
        print(f"  {path:<32} {rate:>8,.0f} {p50:>8.1f} {p99:>8.1f} {route.errors:>7}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_up(base: str, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server process exited during start-up")
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("the server did not come up")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per phase (≤ 30)")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--max-requests", type=int, default=200_000, help="per phase")
    parser.add_argument("--serve", nargs=2, metavar=("ROOT", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve(Path(args.serve[0]), int(args.serve[1]))
        return
    duration = min(args.duration, 30.0)
    import httpx

    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        process = subprocess.Popen([sys.executable, __file__, "--serve", tmp, str(port)], cwd=REPO)
        try:
            wait_until_up(base, process)
            cores = os.cpu_count()
            print(
                f"server: uvicorn, 1 process, {base}; {args.connections} connections, "
                f"{duration:g} s per phase; {cores} CPU cores shared with the client"
            )
            phases = [
                ("1. /rss (cached file, ours)", ["/rss"]),
                ("2. RSS rebuilt per request (original approach)", ["/bench/rss-per-request"]),
                ("3. mixed routes", MIX),
            ]
            for title, paths in phases:
                stats, elapsed = asyncio.run(
                    load(base, paths, args.connections, duration, args.max_requests)
                )
                report(title, stats, elapsed)
            started = httpx.post(
                base + "/admin/refresh", headers={"Authorization": f"Bearer {TOKEN}"}
            )
            assert started.status_code == 202, started.text
            stats, elapsed = asyncio.run(
                load(base, MIX, args.connections, duration, args.max_requests)
            )
            running = httpx.get(base + "/health").json()["running"]
            (Path(tmp) / "stop-run").touch()
            report(
                f"4. mixed routes while a run writes to the store (still running: {running})",
                stats,
                elapsed,
            )
        finally:
            process.terminate()
            process.wait(10)


if __name__ == "__main__":
    main()
