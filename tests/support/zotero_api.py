"""A local stand-in for the Zotero Web API v3 (the documented parts arxivbot uses).

Endpoints: ``GET /{users|groups}/{id}/items[/top]`` (paged with ``start``/``limit``, ``Link:
rel="next"``, ``Total-Results``, ``Last-Modified-Version``), ``GET .../collections``,
``POST .../items`` and ``POST .../collections`` (``Authorization: Bearer``, 403 without the
key, 412 when ``If-Unmodified-Since-Version`` is not the library's version, the documented
``successful``/``unchanged``/``failed`` answer, 50 objects at most). Faults are scripted:
``rate_limit_next`` answers the next write with 429 + ``Retry-After``, ``conflict_next``
lets "another client" write just before the next write so it gets 412, and ``backoff`` adds
a ``Backoff`` header to reads.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

from support.httpserver import LocalServer, Reply, Request


@dataclass
class ZoteroStandIn:
    server: LocalServer
    prefix: str = "/users/42"
    key: str = "zotero-test-key"
    version: int = 10
    items: list[dict[str, Any]] = field(default_factory=list)
    collections: list[dict[str, Any]] = field(default_factory=list)
    rate_limit_next: int = 0
    conflict_next: int = 0
    backoff: str = ""
    page_size: int = 2  # small pages, so paging is exercised
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def install(self) -> None:
        self.server.route(f"{self.prefix}/items", self._items)
        self.server.route(f"{self.prefix}/collections", self._collections)

    @property
    def endpoint(self) -> str:
        return self.server.url

    def add_item(self, data: dict[str, Any]) -> None:
        self.version += 1
        key = f"ITEM{len(self.items):04d}"
        self.items.append({"key": key, "version": self.version, "data": {"key": key, **data}})

    # -- handlers ------------------------------------------------------------------------
    def _items(self, request: Request) -> Reply:
        with self._lock:
            if request.method == "POST":
                return self._write(request, self.items, "ITEM")
            return self._page(request, self.items)

    def _collections(self, request: Request) -> Reply:
        with self._lock:
            if request.method == "POST":
                return self._write(request, self.collections, "COLL")
            return self._page(request, self.collections)

    def _page(self, request: Request, objects: list[dict[str, Any]]) -> Reply:
        start = int(request.query.get("start", ["0"])[0])
        limit = min(int(request.query.get("limit", [str(self.page_size)])[0]), self.page_size)
        page = objects[start : start + limit]
        headers = {
            "Content-Type": "application/json",
            "Total-Results": str(len(objects)),
            "Last-Modified-Version": str(self.version),
        }
        if start + limit < len(objects):
            nxt = f"{self.server.url}{request.path}?start={start + limit}&limit={limit}"
            headers["Link"] = f'<{nxt}>; rel="next"'
        if self.backoff:
            headers["Backoff"] = self.backoff
        body = [{**obj, "library": {}, "links": {}, "meta": {}} for obj in page]
        return Reply(200, json.dumps(body).encode(), headers)

    def _write(self, request: Request, objects: list[dict[str, Any]], kind: str) -> Reply:
        if request.headers.get("Authorization") != f"Bearer {self.key}":
            return Reply(403, b"Forbidden", {"Content-Type": "text/plain"})
        if self.rate_limit_next:
            self.rate_limit_next -= 1
            return Reply(429, b"Too Many Requests", {"Retry-After": "0"})
        if self.conflict_next:  # another client wrote between our read and this write
            self.conflict_next -= 1
            self.version += 1
        expected = request.headers.get("If-Unmodified-Since-Version")
        if expected is not None and int(expected) != self.version:
            return Reply(412, b"Library has been modified since specified version")
        payload = json.loads(request.body)
        if len(payload) > 50:
            return Reply(413, b"Too many objects")
        self.version += 1
        successful: dict[str, Any] = {}
        failed: dict[str, Any] = {}
        for index, data in enumerate(payload):
            if kind == "ITEM" and not data.get("title"):
                failed[str(index)] = {"key": "", "code": 400, "message": "title is required"}
                continue
            key = f"{kind}{len(objects):04d}"
            obj = {"key": key, "version": self.version, "data": {"key": key, **data}}
            objects.append(obj)
            successful[str(index)] = obj
        answer = {
            "successful": successful,
            "success": {i: o["key"] for i, o in successful.items()},
            "unchanged": {},
            "failed": failed,
        }
        headers = {"Content-Type": "application/json", "Last-Modified-Version": str(self.version)}
        return Reply(200, json.dumps(answer).encode(), headers)
