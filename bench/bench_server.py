"""Load the web server over loopback and print requests/s and p50/p99 latency per route.

    python bench/bench_server.py [--duration 10] [--connections 50] [--max-requests 200000]
                                 [--bursts 5] [--burst-seconds 5] [--burst-gap 11] [--no-corpus]

The server is the real thing (``arxivbot.server.create_app`` under uvicorn, one process)
in a subprocess, over a store holding one recorded arXiv day (2026-06-02, ranked with the
seed config) and 15 real qwen-long summaries, with the site and feeds rendered. The load
generator is asyncio with N concurrent keep-alive connections, bounded by time and by
request count, loopback only. Phases:

1. ``/rss`` served from the rendered file (cached bytes, ETag, gzip);
2. the original bot's approach: the RSS rebuilt from the database on every request
   (a bench-only route doing ``load_history`` + ``build_feed`` per request);
3. a mix of feeds, the digest page, search and the JSON API;
4. the same mix while a pipeline run (started with ``POST /admin/refresh``) rewrites the
   day's ranking and summaries in the store over and over;
5. cache-missing ``/search``: every request a query never asked before (words and word
   pairs from the store's own titles), so each one runs FTS5;
6. bursts of cache-missing dynamic requests (search and JSON API) separated by idle gaps
   longer than the worker threads' idle timeout (10 s), so threads retire and new ones
   start; RSS and open files of the server process (``/proc/<pid>``, the server alone)
   after each burst.

Phases 5 and 6 run again on a second server whose store also holds the whole 102,538-record
OAI corpus (``/work/shared/fixtures/corpus``; ``--no-corpus`` skips it). 503 answers
(search queue full) are counted apart from errors. Client and server share the machine's
cores, so absolute figures are a floor.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "server")]

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
def _serve(root: Path, port: int, corpus: bool = False) -> None:
    import uvicorn
    from starlette.responses import Response
    from web_world import build_world

    from arxivbot.clock import utc_now
    from arxivbot.digest import load_history
    from arxivbot.models import RunReport
    from arxivbot.render import build_feed
    from arxivbot.render.feeds import FeedMeta
    from arxivbot.server import create_app
    from arxivbot.store import open_store
    from support.fixtures import fixtures_dir

    world = build_world(fixtures_dir(), root, summaries=15, days=1, first=1)
    if corpus:
        _ingest_corpus(world.db_path)
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


def _ingest_corpus(db_path: Path) -> None:
    sys.path.insert(0, str(REPO / "bench"))
    from arxivbot.store import open_store
    from bench_store import CORPUS, ingest

    with open_store(db_path) as store:
        ingest(store, sorted(CORPUS.glob("*.xml.gz")))
        store.checkpoint()


# -- what the server process holds -------------------------------------------------------------
@dataclass(frozen=True)
class Resources:
    rss_mb: float
    open_files: int
    store_files: int  # descriptors on the SQLite file, its WAL and shm (3 per connection)


def resources(pid: int) -> Resources:
    """RSS and open descriptors of the server process alone (from /proc)."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss_kb = next(int(line.split()[1]) for line in status.splitlines() if line[:6] == "VmRSS:")
    targets = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            targets.append(os.readlink(fd))
        except OSError:
            continue  # closed while we looked
    store = sum(1 for t in targets if ".sqlite3" in t)
    return Resources(rss_kb / 1024, len(targets), store)


def store_path(root: Path) -> Path:
    return root / "db.sqlite3"  # where web_world puts it


def paper_count(db: Path) -> int:
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        count: int = conn.execute("SELECT count(*) FROM papers").fetchone()[0]
    return count


def search_paths(db: Path, count: int, seed: int = 7) -> list[str]:
    """``count`` distinct search URLs: single title words and adjacent word pairs, in the
    proportions people type them, drawn from the store's own titles."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        titles = [row[0] for row in conn.execute("SELECT title FROM papers ORDER BY id")]
    rng = random.Random(seed)
    words_of = [[w for w in re.findall(r"[a-z]{4,}", t.lower()) if w not in STOP] for t in titles]
    seen: set[str] = set()
    queries: list[str] = []
    while len(queries) < count and len(seen) < count * 20:
        words = rng.choice(words_of)
        if not words:
            continue
        start = rng.randrange(len(words))
        query = " ".join(words[start : start + (1 if rng.random() < 0.4 else 2)])
        if query not in seen:
            seen.add(query)
            queries.append(query)
    return [f"/search?{urlencode({'q': q})}" for q in queries]


STOP = frozenset({"with", "from", "that", "this", "their", "which", "using", "based", "into"})


# -- the load generator ----------------------------------------------------------------------------
@dataclass
class RouteStats:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0  # anything but 200 (503 included)
    busy: int = 0  # 503 with Retry-After: the search queue was full
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
    base: str,
    paths: list[str],
    connections: int,
    duration: float,
    max_requests: int,
    label: str | None = None,
) -> tuple[dict[str, RouteStats], float]:
    """``connections`` keep-alive connections, each sending requests back to back. With a
    ``label`` the connections share one cursor over ``paths`` (each path is sent once until
    the list wraps: distinct, cache-missing requests) and are reported under that name."""
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
                path = paths[(sent if label else index) % len(paths)]
                sent += 1
                index += 1
                began = time.perf_counter()
                try:
                    status = await asyncio.wait_for(fetch(reader, writer, path), 30)
                except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                    status = 0
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, int(port), limit=2**24)
                route = stats[label or path]
                route.latencies.append(time.perf_counter() - began)
                route.errors += status != 200
                route.busy += status == 503
        finally:
            writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(connections)))
    return stats, time.perf_counter() - began


def report(title: str, stats: dict[str, RouteStats], elapsed: float) -> None:
    total = sum(len(s.latencies) for s in stats.values())
    errors = sum(s.errors - s.busy for s in stats.values())
    busy = sum(s.busy for s in stats.values())
    print(
        f"\n{title}: {total} requests in {elapsed:.1f} s = {total / elapsed:,.0f} req/s, "
        f"errors {errors}, 503 busy {busy}"
    )
    print(f"  {'route':<32} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'503':>6}")
    for path, route in stats.items():
        ordered = sorted(route.latencies)
        p50 = statistics.median(ordered) * 1000
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
        rate = len(ordered) / elapsed
        failed = route.errors - route.busy
        print(f"  {path:<32} {rate:>8,.0f} {p50:>8.1f} {p99:>8.1f} {failed:>7} {route.busy:>6}")


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
    parser.add_argument("--bursts", type=int, default=5)
    parser.add_argument("--burst-seconds", type=float, default=5.0)
    parser.add_argument("--burst-gap", type=float, default=11.0, help="idle seconds between")
    parser.add_argument("--no-corpus", action="store_true", help="skip the 102k-paper server")
    parser.add_argument("--serve", nargs=2, metavar=("ROOT", "PORT"), help=argparse.SUPPRESS)
    parser.add_argument("--with-corpus", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve(Path(args.serve[0]), int(args.serve[1]), corpus=args.with_corpus)
        return
    args.duration = min(args.duration, 30.0)
    from arxivbot.server.api import SEARCH_RANK_WINDOW, SEARCH_TIME_LIMIT
    from arxivbot.server.state import SEARCH_QUEUE, SEARCH_SLOTS
    from arxivbot.store.db import DEFAULT_MAX_CONNECTIONS

    print(
        f"config: uvicorn, 1 process, 1 event loop; {args.connections} keep-alive connections; "
        f"{args.duration:g} s per phase; {os.cpu_count()} CPU cores shared with the client; "
        f"store pool {DEFAULT_MAX_CONNECTIONS} connections; searches: {SEARCH_SLOTS} at once, "
        f"{SEARCH_QUEUE} queued, {SEARCH_TIME_LIMIT:g} s limit, rank window "
        f"{SEARCH_RANK_WINDOW:,}; bursts {args.bursts} x {args.burst_seconds:g} s, "
        f"{args.burst_gap:g} s apart"
    )
    with Server(corpus=False) as server:
        feed_phases(server, args)
        search_phases(server, args)
    if not args.no_corpus:
        with Server(corpus=True) as server:
            search_phases(server, args)


class Server:
    """The bench server in a subprocess (its store gets the corpus when asked)."""

    def __init__(self, corpus: bool) -> None:
        self.corpus = corpus
        self.tmp = tempfile.TemporaryDirectory()
        self.root = Path(self.tmp.name)
        self.base = ""

    def __enter__(self) -> Server:
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        command = [sys.executable, __file__, "--serve", str(self.root), str(port)]
        self.process = subprocess.Popen(command + ["--with-corpus"] * self.corpus, cwd=REPO)
        wait_until_up(self.base, self.process, timeout=600 if self.corpus else 120)
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(10)
        self.tmp.cleanup()


def feed_phases(server: Server, args: argparse.Namespace) -> None:
    import httpx

    base, root = server.base, server.root
    phases = [
        ("1. /rss (cached file, ours)", ["/rss"]),
        ("2. RSS rebuilt per request (original approach)", ["/bench/rss-per-request"]),
        ("3. mixed routes", MIX),
    ]
    for title, paths in phases:
        stats, elapsed = asyncio.run(
            load(base, paths, args.connections, args.duration, args.max_requests)
        )
        report(title, stats, elapsed)
    started = httpx.post(base + "/admin/refresh", headers={"Authorization": f"Bearer {TOKEN}"})
    assert started.status_code == 202, started.text
    stats, elapsed = asyncio.run(
        load(base, MIX, args.connections, args.duration, args.max_requests)
    )
    running = httpx.get(base + "/health").json()["running"]
    (root / "stop-run").touch()
    title = f"4. mixed routes while a run writes to the store (still running: {running})"
    report(title, stats, elapsed)


def search_phases(server: Server, args: argparse.Namespace) -> None:
    db = store_path(server.root)
    papers = paper_count(db)
    paths = search_paths(db, 60_000)
    label = "/search (distinct queries)"
    stats, elapsed = asyncio.run(
        load(server.base, paths, args.connections, args.duration, args.max_requests, label)
    )
    report(f"5. cache-missing /search, {papers:,} papers", stats, elapsed)
    # Bursts: distinct searches plus JSON API pages, never the same URL twice.
    dynamic = [p for pair in zip(paths[::-1], api_paths(len(paths)), strict=False) for p in pair]
    pid = server.process.pid
    before = resources(pid)
    print(
        f"\n6. {args.bursts} bursts of cache-missing dynamic requests, {papers:,} papers "
        f"(server process {pid}: RSS, open files, of which on the store)"
    )
    print(f"  {'before':<10} {before.rss_mb:>8.0f} MB {before.open_files:>5} fds "
          f"{before.store_files:>4} store fds")  # fmt: skip
    for burst in range(1, args.bursts + 1):
        start = (burst - 1) * len(dynamic) // args.bursts
        chunk = dynamic[start:]
        stats, elapsed = asyncio.run(
            load(server.base, chunk, args.connections, args.burst_seconds, 10**9, "dynamic")
        )
        after = resources(pid)
        route = stats["dynamic"]
        print(
            f"  burst {burst:<4} {after.rss_mb:>8.0f} MB {after.open_files:>5} fds "
            f"{after.store_files:>4} store fds   ({len(route.latencies) / elapsed:,.0f} req/s, "
            f"errors {route.errors - route.busy}, 503 {route.busy})"
        )
        if burst < args.bursts:
            time.sleep(args.burst_gap)


def api_paths(count: int) -> list[str]:
    return [f"/api/papers?limit={1 + n % 200}&offset={n // 200}" for n in range(count)]


if __name__ == "__main__":
    main()
