"""A real HTTP server on loopback whose answers a test scripts route by route.

Production code talks to it over TCP exactly as it would to arXiv or an LLM provider;
only the base URL differs. Each route is a callable ``(request) -> Reply``; helpers make
static files, scripted sequences (503 then 200) and recorded-fixture folders easy.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str  # without the query string
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (timeouts)
    drop: bool = False  # close the connection without answering (connection reset)


Handler = Callable[[Request], Reply]


class LocalServer:
    """``with LocalServer() as srv: srv.route("/rss/", handler); srv.url`` ..."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, str, Handler]] = []
        self.log: list[Request] = []
        self._lock = threading.Lock()
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # quiet
                return

            def _serve(self) -> None:
                outer._dispatch(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _serve

        class _Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                # A client that gave up (size cap, timeout) is expected in fault tests.
                import sys

                if not isinstance(sys.exc_info()[1], ConnectionError):
                    super().handle_error(request, client_address)  # type: ignore[arg-type]

        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def route(self, prefix: str, handler: Handler, method: str = "*") -> None:
        """Longest matching prefix wins; later registrations win ties."""
        self.routes.append((method, prefix, handler))

    def requests(self, prefix: str = "") -> list[Request]:
        with self._lock:
            return [r for r in self.log if r.path.startswith(prefix)]

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _dispatch(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        request = Request(
            handler.command, parts.path, parse_qs(parts.query), dict(handler.headers.items()), body
        )
        with self._lock:
            self.log.append(request)
        reply = self._find(request)(request)
        if reply.delay:
            time.sleep(reply.delay)
        if reply.drop:
            handler.close_connection = True
            handler.connection.close()
            return
        handler.send_response(reply.status)
        headers = {"Content-Type": "application/octet-stream", **reply.headers}
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(reply.body)))
        # Headers and body leave in one write: separate small writes meet Nagle's
        # algorithm and delayed ACKs, adding ~40 ms to every answer.
        handler._headers_buffer.append(b"\r\n")  # type: ignore[attr-defined]
        if handler.command != "HEAD":
            handler._headers_buffer.append(reply.body)  # type: ignore[attr-defined]
        handler.flush_headers()

    def _find(self, request: Request) -> Handler:
        best: tuple[int, Handler] | None = None
        for method, prefix, fn in self.routes:
            if method not in ("*", request.method) or not request.path.startswith(prefix):
                continue
            if best is None or len(prefix) >= best[0]:
                best = (len(prefix), fn)
        return best[1] if best else (lambda _r: Reply(404, b"not found"))


def static(body: bytes | str, content_type: str = "application/xml", status: int = 200) -> Handler:
    data = body.encode() if isinstance(body, str) else body
    return lambda _r: Reply(status, data, {"Content-Type": content_type})


def sequence(*replies: Reply) -> Handler:
    """Answer with each reply in turn, then keep repeating the last one."""
    queue: Iterator[Reply] = iter(replies)
    last = [replies[-1]]

    def handler(_r: Request) -> Reply:
        reply = next(queue, None)
        if reply is not None:
            last[0] = reply
        return last[0]

    return handler


def folder(
    root: Path, prefix: str, suffix: str = ".xml", content_type: str = "application/xml"
) -> Handler:
    """Map ``<prefix><name>`` to ``root/<name><suffix>`` (404 when missing)."""

    def handler(request: Request) -> Reply:
        name = request.path[len(prefix) :].strip("/")
        target = (root / f"{name}{suffix}").resolve()
        if root.resolve() not in target.parents or not target.is_file():
            return Reply(404, b"no such file")
        return Reply(200, target.read_bytes(), {"Content-Type": content_type})

    return handler
