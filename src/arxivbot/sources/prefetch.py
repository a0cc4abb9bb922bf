"""Full texts fetched ahead of the LLM workers: one polite download thread, parallel extraction.

Before, each summary worker fetched its own paper's text under a shared lock, so most of a
worker's time went to waiting for the lock and for the 3 s turn of the polite client while
the LLM sat idle. Here one thread walks the papers in order and makes their requests back
to back (the client still spaces them by ``min_interval_seconds``); parsing and PDF
extraction (the worker-process pool) run on a few other threads, so the next download never
waits for the last extraction. A worker asking for a paper gets it as soon as it is ready.

The download thread stays at most ``ahead`` papers ahead of what the workers have asked
for, so a run stopped by its budget or deadline does not download the whole day, and
:meth:`Prefetcher.close` stops it after the request in flight.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, Literal, TypeVar

from arxivbot.models import Paper
from arxivbot.sources.fulltext import FullText, FullTextFetcher
from arxivbot.sources.pdfpool import DEFAULT_WORKERS

log = logging.getLogger(__name__)

T = TypeVar("T")
Download = Callable[[Paper], Callable[[], T]]


class Prefetcher(Generic[T]):
    """``download(paper)`` makes the requests and returns the CPU-bound rest."""

    def __init__(
        self,
        papers: Sequence[Paper],
        download: Download[T],
        *,
        ahead: int,
        workers: int = DEFAULT_WORKERS,
    ) -> None:
        self._papers = list({p.versioned_id: p for p in papers}.values())
        self._index = {p.versioned_id: i for i, p in enumerate(self._papers)}
        self._download = download
        self._ahead = max(ahead, 1)
        self._results: dict[str, Future[T]] = {p.versioned_id: Future() for p in self._papers}
        self._furthest = -1  # index of the furthest paper a worker has asked for
        self._cond = threading.Condition()
        self._stopped = False
        self._finishers = ThreadPoolExecutor(workers, thread_name_prefix="fulltext-extract")
        # A daemon: close() must not wait for a download in flight (up to a request timeout).
        self._thread = threading.Thread(target=self._run, name="fulltext-download", daemon=True)

    def __enter__(self) -> Prefetcher[T]:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, paper: Paper) -> T:
        """The paper's result (waits for it); a paper not in the queue is fetched here."""
        index = self._index.get(paper.versioned_id)
        if index is None:
            return self._download(paper)()
        with self._cond:
            self._furthest = max(self._furthest, index)
            self._cond.notify_all()
        return self._results[paper.versioned_id].result()

    def close(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        self._finishers.shutdown(wait=False, cancel_futures=True)

    def _turn(self, index: int) -> bool:
        """False once closed; else waits until ``index`` is within ``ahead`` of the asks."""
        with self._cond:
            while not self._stopped and index > self._furthest + self._ahead:
                self._cond.wait()
            return not self._stopped

    def _run(self) -> None:
        pending = list(self._papers)
        while pending and self._turn(len(self._papers) - len(pending)):
            paper = pending.pop(0)
            future = self._results[paper.versioned_id]
            try:
                finish = self._download(paper)
            except Exception as exc:  # this paper's failure, reported to whoever asks for it
                future.set_exception(exc)
                continue
            try:
                self._finishers.submit(_complete, finish, future)
            except RuntimeError:  # closed meanwhile
                pending.insert(0, paper)
                break
        for paper in pending:  # stopped early: nobody waits forever for these
            self._results[paper.versioned_id].set_exception(_Stopped("full-text queue closed"))


class _Stopped(RuntimeError):
    pass


def _complete(finish: Callable[[], T], future: Future[T]) -> None:
    try:
        result = finish()
    except Exception as exc:
        future.set_exception(exc)
        return
    future.set_result(result)


class FullTextQueue:
    """A fetcher's ``text``/``pdf`` for ``papers``, fetched ahead in the background.

    ``what="text"`` prepares the papers' texts (text mode), ``"pdf"`` their PDF bytes (file
    mode); the other kind, or a paper not in the list, is fetched on the caller's thread.
    """

    def __init__(
        self,
        fetcher: FullTextFetcher,
        papers: Sequence[Paper],
        *,
        what: Literal["text", "pdf"],
        ahead: int,
    ) -> None:
        self.fetcher = fetcher
        download: Download[FullText | bytes] = (
            fetcher.download if what == "text" else lambda paper: _ready(fetcher.pdf(paper))
        )
        self._queue: Prefetcher[FullText | bytes] = Prefetcher(papers, download, ahead=ahead)

    def __enter__(self) -> FullTextQueue:
        self._queue.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._queue.close()

    def text(self, paper: Paper) -> FullText:
        result = self._queue.get(paper)
        return result if isinstance(result, FullText) else self.fetcher.text(paper)

    def pdf(self, paper: Paper) -> bytes:
        result = self._queue.get(paper)
        return result if isinstance(result, bytes) else self.fetcher.pdf(paper)


def _ready(value: T) -> Callable[[], T]:
    return lambda: value
