"""Back-pressure for the web server: a queue in front of searches, and capped bodies.

A cache-missing search is the one request whose cost grows with the store, so at most
``active`` of them run at once and at most ``waiting`` wait, each for at most ``wait``
seconds; everything beyond gets ``503`` with ``Retry-After`` at once. The waiting
happens in the event loop, not in worker threads, so queued searches hold no thread and
no connection: ``/health``, feeds and cached pages keep the thread pool to themselves.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import HTTPException
from starlette.requests import Request

RETRY_AFTER_SECONDS = 2
MAX_BODY_BYTES = 16_384  # the only bodies we take are tiny JSON (feedback)


def busy(message: str, retry_after: int = RETRY_AFTER_SECONDS) -> HTTPException:
    return HTTPException(503, message, headers={"Retry-After": str(retry_after)})


class SearchGate:
    """At most ``active`` searches at once, ``waiting`` more queued (FIFO), the rest 503."""

    def __init__(self, active: int = 2, waiting: int = 16, wait: float = 5.0) -> None:
        self.active = max(1, active)
        self.waiting = max(0, waiting)
        self.wait = wait
        self._queued = 0
        # asyncio primitives belong to one event loop; a test may serve one app from
        # several loops in turn, so the semaphore is made per loop.
        self._loop: asyncio.AbstractEventLoop | None = None
        self._slots = asyncio.Semaphore(self.active)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        slots = self._semaphore()
        if slots.locked():
            if self._queued >= self.waiting:
                raise busy("too many searches at once; retry shortly")
            self._queued += 1
            try:
                await asyncio.wait_for(slots.acquire(), self.wait)
            except TimeoutError:
                raise busy("the search queue is full; retry shortly") from None
            finally:
                self._queued -= 1
        else:
            await slots.acquire()
        try:
            yield
        finally:
            slots.release()

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._loop, self._slots, self._queued = loop, asyncio.Semaphore(self.active), 0
        return self._slots


async def read_capped_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The request body, refused with 413 as soon as it is known to exceed ``limit``:
    from ``Content-Length`` before reading anything, else while streaming it."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"the request body is larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"the request body is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
