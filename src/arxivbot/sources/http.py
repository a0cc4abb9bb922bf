"""The one polite HTTP client for every arXiv host.

arXiv asks robots for at most one request every 3 seconds over a single connection, a
User-Agent naming a contact, and respect for ``Retry-After``. :class:`PoliteClient` enforces
all of that in one place so no caller can forget it:

* one ``httpx.Client`` with ``max_connections=1`` shared by rss/export/oaipmh/arxiv.org;
* at least ``min_interval_seconds`` between request *starts* (retries included), guarded by
  a lock so threads (e.g. PDF downloads) queue instead of racing;
* retries with exponential backoff and jitter on 429, 5xx, connection errors and timeouts,
  honouring ``Retry-After`` (seconds or an HTTP date), capped at :data:`MAX_RETRY_AFTER`;
* a streamed size cap: the body is read chunk by chunk and the transfer is aborted as soon
  as it exceeds ``max_response_mb`` (never buffer 50 MB and then check);
* conditional GET (ETag / Last-Modified) through the store's HTTP cache: 304 becomes
  ``HttpResponse(not_modified=True)``;
* ``timeout_seconds`` is the total time of one request (connect + headers + body, see
  :mod:`arxivbot.sources.transport`), never more than the run's :class:`Deadline` allows;
  a retry whose wait would end past the deadline is not made;
* a name that does not resolve (DNS) is tried twice at most: without network, waiting
  through the whole backoff schedule only delays the message.

``sleep``, ``monotonic`` and ``clock`` are injectable so tests run with fake time.
"""

from __future__ import annotations

import logging
import random
import socket
import threading
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from importlib import metadata
from types import MappingProxyType, TracebackType
from typing import Protocol

import httpx

from arxivbot.clock import Clock, utc_now
from arxivbot.config.model import SourcesConfig
from arxivbot.deadline import Deadline
from arxivbot.errors import FetchError, HttpStatusError, ResponseTooLarge
from arxivbot.sources.transport import limited_transport, request_limits

log = logging.getLogger(__name__)

PROJECT_URL = "https://github.com/arxivbot/arxivbot"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 300.0  # seconds; a longer Retry-After means "come back much later": give up
BACKOFF_BASE = 2.0
BACKOFF_CAP = 60.0
CHUNK = 64 * 1024


class HttpCache(Protocol):
    """The two StoreApi methods conditional GET needs (any object with them will do)."""

    def get_http_cache(self, url: str) -> tuple[str, str] | None: ...
    def put_http_cache(self, url: str, etag: str, last_modified: str) -> None: ...


@dataclass(frozen=True)
class HttpResponse:
    """A finished response. ``headers`` keys are lower-case; ``content`` is the decoded body."""

    url: str
    status: int
    headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    content: bytes = b""
    not_modified: bool = False

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")


def package_version() -> str:
    try:
        return metadata.version("arxivbot")
    except metadata.PackageNotFoundError:
        return "0"


def user_agent(contact: str) -> str:
    return f"arxivbot/{package_version()} (+{PROJECT_URL}; mailto:{contact})"


class PoliteClient:
    """``with PoliteClient(settings, store=store) as client: client.get(url)``."""

    def __init__(
        self,
        settings: SourcesConfig,
        *,
        store: HttpCache | None = None,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        clock: Clock = utc_now,
        rng: random.Random | None = None,
        transport: httpx.BaseTransport | None = None,
        deadline: Deadline | None = None,
    ) -> None:
        self.settings = settings
        self.deadline = deadline or Deadline.never()
        self.store = store
        self._sleep = sleep
        self._monotonic = monotonic
        self._clock = clock
        self._rng = rng or random.Random()
        self._lock = threading.Lock()
        self._last_start: float | None = None
        self.request_count = 0
        timeout = settings.timeout_seconds
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        self._client = httpx.Client(
            limits=limits,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 30.0)),
            headers={"User-Agent": user_agent(settings.contact)},
            follow_redirects=True,
            transport=transport or limited_transport(limits),
        )

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    @property
    def max_bytes(self) -> int:
        return int(self.settings.max_response_mb * 1024 * 1024)

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str | int] | None = None,
        conditional: bool = False,
        max_bytes: int | None = None,
        accept: str | None = None,
        ok_statuses: Collection[int] = (),
        save_validators: bool = True,
        retries: int | None = None,
    ) -> HttpResponse:
        """GET ``url``; raise FetchError/HttpStatusError/ResponseTooLarge on failure.

        ``ok_statuses`` are error statuses returned to the caller instead of raised (the API
        answers 400 with an Atom error entry whose message we want to show).
        ``save_validators=False`` leaves saving the ETag/Last-Modified of a conditional GET to
        the caller, for when they must only be saved together with what the body produced.
        ``retries`` overrides ``max_retries`` for a request that has a cheaper fallback (a
        paper's HTML, when its PDF will do).
        """
        full_url = str(httpx.URL(url, params=dict(params) if params else None))
        headers = {"Accept": accept} if accept else {}
        cache = self.store if conditional else None
        if cache is not None:
            headers.update(_validators(cache.get_http_cache(full_url)))
        cap = max_bytes if max_bytes is not None else self.max_bytes
        with self._lock:
            response = self._with_retries(full_url, headers, cap, ok_statuses, retries)
        if cache is not None and save_validators and response.status == 200:
            etag = response.headers.get("etag", "")
            modified = response.headers.get("last-modified", "")
            if etag or modified:
                cache.put_http_cache(full_url, etag, modified)
        return response

    def _with_retries(
        self,
        url: str,
        headers: dict[str, str],
        cap: int,
        ok_statuses: Collection[int],
        retries: int | None = None,
    ) -> HttpResponse:
        attempts = (self.settings.max_retries if retries is None else max(retries, 0)) + 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                response = self._attempt(url, headers, cap)
            except httpx.TransportError as exc:  # timeouts included
                if last or (attempt >= 1 and _is_dns_failure(exc)):
                    raise self._transport_error(exc, url, attempt + 1) from exc
                kind = "timeout" if isinstance(exc, httpx.TimeoutException) else "connection error"
                if not self._backoff(attempt, None, url, f"{kind}: {exc}"):
                    raise self._transport_error(exc, url, attempt + 1) from exc
                continue
            if response.status in RETRY_STATUSES and not last:
                delay = self._retry_after(response.headers.get("retry-after", ""))
                if delay is not None and delay > MAX_RETRY_AFTER:
                    raise _status_error(response, f"Retry-After of {delay:.0f} s")
                if not self._backoff(attempt, delay, url, f"HTTP {response.status}"):
                    raise _status_error(response, "the run's deadline left no time to retry")
                continue
            if response.status >= 400 and response.status not in ok_statuses:
                raise _status_error(response, f"{attempts} tries" if attempt else "")
            return response
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _transport_error(self, exc: httpx.TransportError, url: str, attempts: int) -> FetchError:
        if _is_dns_failure(exc):
            host = httpx.URL(url).host
            return FetchError(
                f"the name {host} could not be resolved (DNS), {attempts} tries",
                url=url,
                hint="no network, or a wrong base URL; check the connection and sources.*_base",
            )
        if self.deadline.expired():
            return FetchError(
                "stopped: the run's deadline (run.deadline_minutes) was reached",
                url=url,
                hint="what was done is kept; the next run continues",
            )
        if isinstance(exc, httpx.TimeoutException):
            return FetchError(
                f"timed out after {self.settings.timeout_seconds:g} s ({attempts} tries)",
                url=url,
                hint="arXiv is slow or unreachable; try later or raise timeout_seconds",
            )
        return FetchError(
            f"connection failed after {attempts} tries: {exc}",
            url=url,
            hint="check the network and the configured base URL",
        )

    def _attempt(self, url: str, headers: dict[str, str], cap: int) -> HttpResponse:
        self._wait_turn()
        self.request_count += 1
        limit = self.deadline.within(self.settings.timeout_seconds)
        with request_limits(limit), self._client.stream("GET", url, headers=headers) as stream:
            lowered = {k.lower(): v for k, v in stream.headers.items()}
            if stream.status_code == 304:
                return HttpResponse(str(stream.url), 304, MappingProxyType(lowered), b"", True)
            declared = lowered.get("content-length", "")
            if declared.isdigit() and int(declared) > cap:
                raise _too_large(url, cap)
            body = bytearray()
            for chunk in stream.iter_bytes(CHUNK):
                body.extend(chunk)
                if len(body) > cap:
                    raise _too_large(url, cap)
            return HttpResponse(
                str(stream.url), stream.status_code, MappingProxyType(lowered), bytes(body)
            )

    def _wait_turn(self) -> None:
        """Sleep until ``min_interval_seconds`` have passed since the previous request start."""
        interval = self.settings.min_interval_seconds
        now = self._monotonic()
        if self._last_start is not None and interval > 0:
            wait = self._last_start + interval - now
            if wait > 0:
                self._sleep(wait)
                now = self._monotonic()
        self._last_start = now

    def _backoff(self, attempt: int, retry_after: float | None, url: str, why: str) -> bool:
        """Sleep before the next attempt; False when that sleep would outlast the deadline."""
        if retry_after is not None:
            delay = retry_after
        else:
            delay = min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt)
            delay += self._rng.uniform(0, delay / 2)  # jitter: runners do not retry in step
        if not self.deadline.sleep_allowed(delay):
            log.warning("%s for %s; no retry: the run's deadline is too close", why, url)
            return False
        log.warning("%s for %s; retrying in %.1f s (attempt %d)", why, url, delay, attempt + 2)
        if delay > 0:
            self._sleep(delay)
        return True

    def _retry_after(self, value: str) -> float | None:
        """``Retry-After`` as seconds from now (delta-seconds or HTTP date), or None."""
        value = value.strip()
        if not value:
            return None
        if value.isdigit():
            return float(value)
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            return None
        return max(0.0, (when - self._clock()).total_seconds())


def _is_dns_failure(exc: BaseException) -> bool:
    """True when the chain of causes holds a name-resolution error (socket.gaierror)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, socket.gaierror):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _validators(cached: tuple[str, str] | None) -> dict[str, str]:
    if cached is None:
        return {}
    etag, last_modified = cached
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _too_large(url: str, cap: int) -> ResponseTooLarge:
    return ResponseTooLarge(
        f"response larger than the {cap / 1024 / 1024:g} MB cap",
        url=url,
        hint="raise sources.max_response_mb if this is expected",
    )


def _status_error(response: HttpResponse, after: str) -> HttpStatusError:
    status = response.status
    suffix = f" after {after}" if after else ""
    if status == 429 or status >= 500:
        hint = "arXiv is busy or down; try again later"
    elif status == 404:
        hint = "check the categories and the configured base URL"
    else:
        hint = "the request was refused; check the configuration"
    return HttpStatusError(
        f"HTTP {status} from arXiv{suffix}", url=response.url, status=status, hint=hint
    )
