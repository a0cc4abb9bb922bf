"""Cross-process run lock, crash release, and readers running beside a writer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from store_builders import build_announcement, build_paper

from arxivbot.errors import RunLockedError
from arxivbot.store import SearchFilters, Store, open_store

HOLDER = """
import sys, time
from arxivbot.store import open_store
with open_store(sys.argv[1]) as store, store.run_lock():
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


@contextmanager
def _holder(db_path: Path | str, seconds: float) -> Iterator[subprocess.Popen[str]]:
    """A child process that holds the run lock for ``seconds`` (killed on exit)."""
    with subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db_path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        try:
            yield holder
        finally:
            if holder.poll() is None:
                holder.kill()


def test_second_run_in_another_process_is_refused(store: Store, store_url: str) -> None:
    with _holder(store_url, 60) as holder, pytest.raises(RunLockedError) as info, store.run_lock():
        pass
    message = str(info.value)
    assert f"pid {holder.pid} since" in message
    assert "another arxivbot run is in progress" in message
    if not store_url.startswith("postgresql:"):  # an advisory lock has no file
        assert store_url + ".lock" in message


def test_sigkilled_holder_releases_the_lock(store: Store, store_url: str) -> None:
    with _holder(store_url, 60) as holder:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    # No stale lock after a crash (on Postgres the server notices the dead session; wait
    # for it rather than assume it is instant).
    with store.run_lock(wait_seconds=30) as where:
        if not store_url.startswith("postgresql:"):
            assert (where.parent / (where.name)).exists()


def test_waiting_for_the_lock_succeeds_when_the_holder_finishes(
    store: Store, store_url: str
) -> None:
    with _holder(store_url, 0.5) as holder, store.run_lock(wait_seconds=30):
        assert holder.wait() == 0


def test_lock_is_exclusive_within_one_process_too(store: Store, store_url: str) -> None:
    with open_store(store_url) as other, store.run_lock(), pytest.raises(RunLockedError):
        other.run_lock().__enter__()
    with store.run_lock():  # released after the block
        pass


def test_readers_in_threads_while_a_writer_commits(store: Store) -> None:
    store.upsert_papers([build_paper("2506.00000", title="seed neural paper")])
    errors: list[BaseException] = []
    seen_counts: list[int] = []
    done = threading.Event()

    def read() -> None:
        try:
            while not done.is_set():
                count = store.paper_count()
                hits = store.search("neural", SearchFilters(limit=5))
                assert hits and count >= 1
                seen_counts.append(count)
        except BaseException as exc:  # reported to the main thread
            errors.append(exc)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for reader in readers:
        reader.start()
    try:
        for batch in range(20):
            papers = [
                build_paper(f"2506.{batch * 10 + n + 1:05d}", title="neural batch")
                for n in range(10)
            ]
            with store.transaction():
                store.upsert_papers(papers)
                store.add_announcements([build_announcement(p) for p in papers])
            time.sleep(0.001)
    finally:
        done.set()
        for reader in readers:
            reader.join(timeout=30)
    assert errors == []
    assert all(count % 10 == 1 for count in seen_counts)  # never half a transaction
    assert store.paper_count() == 201
    assert store.check() == []


def test_two_stores_on_one_file_see_each_others_commits(store: Store, store_url: str) -> None:
    with open_store(store_url) as reader:
        store.upsert_papers([build_paper()])
        assert reader.paper_count() == 1


WRITER = """
import sys
from arxivbot.models import Paper
from arxivbot.store import open_store
with open_store(sys.argv[1]) as store:
    for batch in range(100000):
        papers = [
            Paper(f"2506.{batch * 10 + n:05d}", 1, f"neural title {batch}", ("A B",),
                  "abstract " * 50, "cs.LG", ("cs.LG",))
            for n in range(10)
        ]
        with store.transaction():
            store.upsert_papers(papers)
        print(batch, flush=True)
"""


def test_sigkill_during_writes_leaves_a_consistent_store(store_url: str) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", WRITER, store_url], stdout=subprocess.PIPE, text=True
    ) as writer:
        assert writer.stdout is not None
        for _ in range(30):  # let it commit a few batches, then kill it mid-stream
            writer.stdout.readline()
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
    with open_store(store_url) as store:
        assert store.check() == []
        count = store.paper_count()
        assert count >= 300 and count % 10 == 0  # whole transactions only
        assert len(store.search("neural", SearchFilters(limit=100_000))) == count
