"""Peers that misbehave below HTTP: they drip bytes, never stop, or speak SMTP slowly.

:class:`LocalServer` answers whole replies, which cannot show a per-read timeout being
defeated. :class:`DripServer` is a plain TCP server whose ``script(conn)`` writes whatever
it likes, as slowly as it likes, until the client goes away or the server is closed.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable

Script = Callable[["DripServer", socket.socket], None]


class DripServer:
    """``with DripServer(script) as peer: peer.url`` (``http://127.0.0.1:PORT``)."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.connections = 0
        self._stop = threading.Event()
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.1)
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def port(self) -> int:
        return int(self._sock.getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def __enter__(self) -> DripServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(2)
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _addr = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._run, args=(conn,), daemon=True).start()

    def _run(self, conn: socket.socket) -> None:
        try:
            self.script(self, conn)
        except OSError:
            pass  # the client gave up: that is the point
        finally:
            conn.close()

    def pause(self, seconds: float) -> None:
        """Sleep, but wake when the server closes (so a test never waits on its own peer)."""
        self._stop.wait(seconds)


def read_request(conn: socket.socket) -> bytes:
    """Read an HTTP request's head and (Content-Length) body."""
    conn.settimeout(5)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head


def dripping(head: bytes, every: float) -> Script:
    """Answer with ``head`` then a body, one byte every ``every`` seconds, for ever."""

    def script(peer: DripServer, conn: socket.socket) -> None:
        read_request(conn)
        for byte in head:
            if peer.stopped:
                return
            conn.sendall(bytes([byte]))
            peer.pause(every)
        while not peer.stopped:
            conn.sendall(b"x")
            peer.pause(every)

    return script


def endless(content_type: str) -> Script:
    """HTTP 200, chunked, 64 KB chunks as fast as the client reads, never ending."""

    def script(peer: DripServer, conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: " + content_type.encode() + b"\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b'{"choices": [' + b" " * 65_000
        frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        while not peer.stopped:
            conn.sendall(frame)

    return script


def smtp_dripping_greeting(every: float) -> Script:
    """An SMTP server that sends ``220-`` continuation lines for ever, one every ``every`` s."""

    def script(peer: DripServer, conn: socket.socket) -> None:
        while not peer.stopped:
            conn.sendall(b"220-still greeting you\r\n")
            peer.pause(every)

    return script


def closed_port() -> int:
    """A local port nobody listens on (connection refused at once)."""
    probe = socket.create_server(("127.0.0.1", 0))
    port = int(probe.getsockname()[1])
    probe.close()
    return port
