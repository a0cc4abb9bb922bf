"""An httpx transport whose every socket read and write respects a total-time limit.

httpx's timeouts are per operation: a server that drips one byte every 3 s (or a header
line every 3 s, or an endless 200 body) keeps a request alive forever. Here the network
streams read the limits of the request running on the current thread (set by
:func:`request_limits`): each read waits at most until the request's deadline, and the
bytes received are counted against a cap *while* they arrive, so connect + headers + body
together never outlast the deadline and an endless body is cut at the cap, not after.

httpx has no public hook for the network backend; httpcore's connection pools take one,
so :func:`limited_transport` builds the standard ``httpx.HTTPTransport`` (proxies, TLS and
environment handling unchanged) and gives its pool the limited backend.
"""

from __future__ import annotations

import ssl
import threading
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpcore
import httpx

from arxivbot.deadline import Deadline
from arxivbot.errors import ResponseTooLarge

_local = threading.local()


@dataclass
class _Limits:
    deadline: Deadline
    max_bytes: int | None
    received: int = 0


@contextmanager
def request_limits(deadline: Deadline, max_bytes: int | None = None) -> Iterator[None]:
    """Requests made by this thread inside the block end by ``deadline``, read ≤ max_bytes."""
    previous = getattr(_local, "limits", None)
    _local.limits = _Limits(deadline, max_bytes)
    try:
        yield
    finally:
        _local.limits = previous


def _current() -> _Limits | None:
    limits: _Limits | None = getattr(_local, "limits", None)
    return limits


def _timeout(timeout: float | None, kind: type[httpcore.TimeoutException]) -> float | None:
    limits = _current()
    if limits is None:
        return timeout
    left = limits.deadline.remaining()
    if left <= 0:
        raise kind("the request's total time limit was reached")
    return left if timeout is None else min(timeout, left)


class _LimitedStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data = self._stream.read(max_bytes, _timeout(timeout, httpcore.ReadTimeout))
        limits = _current()
        if limits is not None and limits.max_bytes is not None:
            limits.received += len(data)
            if limits.received > limits.max_bytes:
                raise ResponseTooLarge(
                    f"response larger than the {limits.max_bytes / 1024 / 1024:g} MB cap",
                    hint="the server sent far more than any answer needs",
                )
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _timeout(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        wrapped = self._stream.start_tls(
            ssl_context, server_hostname, _timeout(timeout, httpcore.ConnectTimeout)
        )
        return _LimitedStream(wrapped)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._stream.get_extra_info(info)


class _LimitedBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_tcp(
            host, port, _timeout(timeout, httpcore.ConnectTimeout), local_address, socket_options
        )
        return _LimitedStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_unix_socket(
            path, _timeout(timeout, httpcore.ConnectTimeout), socket_options
        )
        return _LimitedStream(stream)

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def limited_transport(limits: httpx.Limits | None = None) -> httpx.HTTPTransport:
    """``httpx.HTTPTransport`` whose sockets obey :func:`request_limits`."""
    transport = httpx.HTTPTransport(limits=limits or httpx.Limits())
    pool = getattr(transport, "_pool", None)
    if isinstance(pool, httpcore.ConnectionPool):  # also the HTTP(S)/SOCKS proxy pools
        pool._network_backend = _LimitedBackend()
    return transport
