"""Response caching for the web server: validators, conditional GET and safe file lookup.

Every cacheable body is computed once per *generation* of its source and kept as bytes
with a strong ETag (a hash of the bytes) and a Last-Modified time. A file's generation is
its (mtime, size, inode); the store's is the stat of the SQLite file and its WAL, which
changes on every committed write, so a run made by another process (``arxivbot run`` from
cron) is seen as soon as it commits, without polling the database on every request.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Generic, TypeVar

from starlette.requests import Request
from starlette.responses import Response

T = TypeVar("T")
GZIP_MIN_BYTES = 512
_COMPRESSED_TYPES = ("image/png", "image/jpeg", "image/webp", "font/woff")
_SAFE_SEGMENT = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.,+=~@-]*$")


@dataclass(frozen=True)
class CachedBody:
    """A response body with its validators, ready to serve many times.

    The gzip form is made once here, not per request: compressing a 300 kB feed costs
    more than everything else a cached request does (see bench/bench_server.py).
    """

    content: bytes
    media_type: str
    etag: str
    last_modified: datetime
    gzipped: bytes = b""

    @property
    def gzip_etag(self) -> str:
        """Each encoding is its own representation, so it gets its own strong tag."""
        return self.etag[:-1] + '-gz"'

    @classmethod
    def of(cls, content: bytes, media_type: str, last_modified: datetime) -> CachedBody:
        digest = hashlib.blake2b(content, digest_size=16).hexdigest()
        zipped = b""
        if len(content) >= GZIP_MIN_BYTES and not media_type.startswith(_COMPRESSED_TYPES):
            zipped = gzip.compress(content, compresslevel=6, mtime=0)
            if len(zipped) >= len(content):
                zipped = b""
        moment = last_modified.replace(microsecond=0)
        return cls(content, media_type, f'"{digest}"', moment, zipped)


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def accepts_gzip(request: Request) -> bool:
    for part in request.headers.get("accept-encoding", "").lower().split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def is_not_modified(request: Request, body: CachedBody) -> bool:
    """RFC 9110 §13.1: If-None-Match wins over If-Modified-Since when both are sent."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        if if_none_match.strip() == "*":
            return True
        # Weak comparison, as RFC 9110 prescribes for If-None-Match; either encoding's
        # tag matches, since both stand for the same bytes.
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return body.etag in tags or body.gzip_etag in tags
    since = request.headers.get("if-modified-since")
    if since is None:
        return False
    try:
        moment = parsedate_to_datetime(since)
    except (TypeError, ValueError, IndexError):
        return False  # an unparseable date is ignored, as the RFC says
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return body.last_modified <= moment


def cached_response(request: Request, body: CachedBody, *, max_age: int) -> Response:
    """200 with the body (pre-gzipped when the client takes gzip), or 304 when the
    client's validators still match."""
    zipped = bool(body.gzipped) and accepts_gzip(request)
    headers = {
        "ETag": body.gzip_etag if zipped else body.etag,
        "Last-Modified": http_date(body.last_modified),
        "Cache-Control": f"public, max-age={max_age}, must-revalidate",
        "Vary": "Accept-Encoding",
    }
    if is_not_modified(request, body):
        return Response(status_code=304, headers=headers)
    if zipped:
        headers["Content-Encoding"] = "gzip"
        return Response(body.gzipped, media_type=body.media_type, headers=headers)
    return Response(body.content, media_type=body.media_type, headers=headers)


class GenerationCache(Generic[T]):
    """Memoises values by key; an entry is reused while its generation token is unchanged.

    Building happens outside the lock, so a slow build never blocks other keys. While one
    thread rebuilds a stale entry, other threads keep getting the stale value instead of
    piling up identical rebuilds (a run in progress changes the store's generation often
    and the server is under load exactly then).
    """

    def __init__(self, max_entries: int = 512) -> None:
        self._entries: OrderedDict[Hashable, tuple[Hashable, T]] = OrderedDict()
        self._building: set[Hashable] = set()
        self._lock = threading.Lock()
        self._max = max_entries

    def peek(self, key: Hashable, generation: Hashable) -> T | None:
        """The value :meth:`get` would return without building, or None (a miss)."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None and (found[0] == generation or key in self._building):
                self._entries.move_to_end(key)
                return found[1]
        return None

    def get(self, key: Hashable, generation: Hashable, build: Callable[[], T]) -> T:
        with self._lock:
            found = self._entries.get(key)
            if found is not None and (found[0] == generation or key in self._building):
                self._entries.move_to_end(key)
                return found[1]
            self._building.add(key)
        try:
            value = build()
        finally:
            with self._lock:
                self._building.discard(key)
        with self._lock:
            self._entries[key] = (generation, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def file_generation(path: Path) -> tuple[int, int, int] | None:
    """(mtime_ns, size, inode) of a file, or None when it is missing or not a file."""
    try:
        stat = path.stat()
    except OSError:
        return None
    if not path.is_file():
        return None
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def store_generation(db_path: Path) -> tuple[object, ...]:
    """Changes whenever a write to the SQLite store commits (database file or its WAL)."""
    parts: list[object] = []
    for candidate in (db_path, db_path.with_name(db_path.name + "-wal")):
        try:
            stat = os.stat(candidate)
        except OSError:
            parts.append(None)
            continue
        parts.append((stat.st_mtime_ns, stat.st_size, stat.st_ino))
    return tuple(parts)


def mtime_of(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def safe_join(root: Path, url_path: str) -> Path | None:
    """``root/url_path`` when every segment is a plain name inside ``root``; else None.

    Refuses ``..``, ``.`` and empty segments, hidden names (``.env``, ``.git``),
    backslashes, NUL and anything whose real path (symlinks resolved) leaves ``root``.
    """
    segments = url_path.split("/")
    if not segments or any(not _SAFE_SEGMENT.match(segment) for segment in segments):
        return None
    base = root.resolve()
    candidate = base.joinpath(*segments)
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return real if real.is_relative_to(base) else None
