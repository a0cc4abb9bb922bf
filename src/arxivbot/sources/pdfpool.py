"""PDF text extraction in a pool of long-lived worker processes, each killable on timeout.

pypdf can stay busy for minutes on a pathological PDF and a thread cannot be stopped, so
extraction runs in a child process. Starting one per PDF cost more CPU than the extraction
(each child re-imported arxivbot, pydantic and lxml), so the workers here are started once,
run :mod:`arxivbot.sources.pdfworker` (standard library + pypdf only) and serve PDF after
PDF. A worker that overruns its timeout is killed and replaced by a fresh one on demand.
"""

from __future__ import annotations

import atexit
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

from arxivbot.errors import FullTextError

DEFAULT_EXTRACT_TIMEOUT = 60.0
DEFAULT_WORKERS = max(1, min(2, os.cpu_count() or 1))
_WORKER = Path(__file__).with_name("pdfworker.py")
_STAMP_RE = re.compile(r"^arXiv:\S+\s+\[[^\]]+\]\s+\d{1,2} \w{3} \d{4}\s*$", re.MULTILINE)


class _Worker:
    def __init__(self) -> None:
        # -P: the worker's folder (sources/, with http.py and xml.py) stays off sys.path
        self.process = subprocess.Popen(
            [sys.executable, "-P", str(_WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )

    def ask(self, command: bytes, payload: bytes, timeout: float) -> tuple[bool, str]:
        """Send one request; (ok, text). Raises TimeoutError after killing an overrun."""
        assert self.process.stdin is not None and self.process.stdout is not None
        fired = threading.Event()

        def overrun() -> None:
            fired.set()
            self.process.kill()  # the blocked read below then returns early

        timer = threading.Timer(timeout, overrun)
        timer.daemon = True
        timer.start()
        try:
            self.process.stdin.write(command + len(payload).to_bytes(8, "big") + payload)
            self.process.stdin.flush()
            head = self.process.stdout.read(9)
            body = self.process.stdout.read(int.from_bytes(head[1:], "big")) if head else b""
        except (BrokenPipeError, OSError):
            head, body = b"", b""
        finally:
            timer.cancel()
        if len(head) < 9 or fired.is_set():
            self.close(kill=True)
        if len(head) < 9:
            if fired.is_set():
                raise TimeoutError
            raise FullTextError(f"the PDF reader stopped (exit code {self.process.returncode})")
        return head[:1] == b"0", body.decode("utf-8", "replace")

    @property
    def alive(self) -> bool:
        return self.process.returncode is None and self.process.poll() is None

    def close(self, *, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        elif self.process.stdin is not None:
            self.process.stdin.close()  # the worker's loop ends at end of input
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


class PdfTextPool:
    """At most ``size`` workers, started when first needed and kept for the next PDF."""

    def __init__(self, size: int = DEFAULT_WORKERS) -> None:
        self.size = size
        self._slots = threading.BoundedSemaphore(size)
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self.started = 0  # workers started so far (a test checks they are reused)

    def extract(self, pdf: bytes, *, timeout: float = DEFAULT_EXTRACT_TIMEOUT) -> str:
        """The text layer of ``pdf`` (pages joined by newlines); raises FullTextError."""
        ok, text = self._ask(b"P", pdf, timeout)
        if not ok:
            raise FullTextError(f"could not read the PDF: {text.strip()[:300] or '?'}")
        return text

    def loaded_modules(self, *, timeout: float = 30.0) -> list[str]:
        """The modules a worker has imported (to check it stays lean)."""
        return self._ask(b"M", b"", timeout)[1].split("\n")

    def _ask(self, command: bytes, payload: bytes, timeout: float) -> tuple[bool, str]:
        with self._slots:
            worker = self._take()
            try:
                answer = worker.ask(command, payload, timeout)
            except TimeoutError:
                raise FullTextError(
                    f"extracting text from the PDF took longer than {timeout:g}s; gave up"
                ) from None
            if worker.alive:
                with self._lock:
                    self._idle.append(worker)
            return answer

    def _take(self) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive:
                    return worker
                worker.close(kill=True)
            self.started += 1
        return _Worker()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.close()


_shared: PdfTextPool | None = None
_shared_lock = threading.Lock()


def shared_pool() -> PdfTextPool:
    """The process's pool, started lazily and closed at exit (a server keeps it warm)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = PdfTextPool()
            atexit.register(_shared.close)
        return _shared


def extract_pdf_text(
    pdf: bytes, *, timeout: float = DEFAULT_EXTRACT_TIMEOUT, pool: PdfTextPool | None = None
) -> str:
    """Text of a PDF via pypdf in a pool worker killed after ``timeout`` seconds, without
    arXiv's margin stamp; raises FullTextError (also for a PDF without a text layer)."""
    text = _STAMP_RE.sub("", (pool or shared_pool()).extract(pdf, timeout=timeout))
    if len(text.strip()) < 200:
        raise FullTextError("the PDF has no text layer (scanned?); nothing to summarise")
    return text
