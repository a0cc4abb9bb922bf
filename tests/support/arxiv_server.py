"""A stand-in arXiv on :class:`LocalServer`, serving the recorded data in ``shared/fixtures``.

Usage::

    from support.arxiv_server import ArxivServer

    with ArxivServer(day="2026-06-02") as arxiv:
        settings = arxiv.settings()            # SourcesConfig pointing every base URL here
        with PoliteClient(settings) as client:
            listing = fetch_listing(client, settings, ["cs.AI", "cs.CL", "cs.DC", "cs.LG"])
        arxiv.set_day("2026-06-06")            # switch the served day at run time (weekend)
        arxiv.fail_next("/rss/", Reply(503, headers={"Retry-After": "0"}))  # inject faults

Routes (all GET):

* ``/rss/<cats>`` and ``/atom/<cats>`` — ``arxiv-feeds/<day>/<fmt>/<cats>.xml`` of the current
  day, with ``ETag``/``Last-Modified`` and 304 on a matching ``If-None-Match``; 404 for
  categories without a recording (recorded: cs.AI, cs.CL, cs.CV, cs.LG, cs.DC and
  cs.AI+cs.CL+cs.DC+cs.LG for RSS; cs.AI and cs.LG for Atom).
* ``/api/query`` — the recorded API answers of ``arxiv-api/`` (status and body), matched on
  ``search_query``/``id_list``/``start``/``max_results``; 404 naming the query otherwise.
  Tests can add answers with :meth:`ArxivServer.add_api_answer`. With ``synth_api=True``,
  category + ``submittedDate`` searches (what catch-up and back-fill send) are answered from
  the recorded June 2026 feeds (see :mod:`support.arxiv_api_synth`); :meth:`fail_api_day`
  makes the searches of one announcement day answer 503, and ``api_times`` records when
  each API request arrived (``time.monotonic``), to check the client's rate limit.
* ``/oai`` — ``ListRecords`` replay by resumption token: the three recorded pages
  (page 1 → 2 → final, 2,538 records) by default, or the whole 103-page corpus with
  ``oai="full"``.
* ``/pdf/<id>`` — ``pdf/<id>.pdf`` (an unversioned id picks the recorded version).
* ``/`` — a small home page (anything else unrouted is 404 too, just with a page).

``requests(prefix)`` returns what was asked (the :class:`Request` log) and ``route()``
overrides any path (longest prefix wins, later registrations win ties).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
import time
from collections import deque
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

from arxivbot.config.model import SourcesConfig
from support import arxiv_api_synth as synth
from support.fixtures import fixtures_dir
from support.httpserver import Handler, LocalServer, Reply, Request

RECORDED_DAYS = tuple(f"2026-06-{n:02d}" for n in range(1, 31))
MULTI = "cs.AI+cs.CL+cs.DC+cs.LG"
_ApiKey = tuple[str, str, int, int]


class ArxivServer:
    """The recorded arXiv on loopback. A context manager; ``url`` is its base URL."""

    def __init__(
        self,
        day: str = "2026-06-02",
        *,
        oai: Literal["short", "full"] = "short",
        fixtures: Path | None = None,
        synth_api: bool = False,
    ) -> None:
        self.fixtures = fixtures or fixtures_dir()
        self.local = LocalServer()
        self._lock = threading.Lock()
        self._faults: dict[str, deque[Reply]] = {}
        self._api_extra: dict[_ApiKey, Reply] = {}
        self.day = ""
        self.set_day(day)
        self.oai_mode = oai
        self.synth_api = synth_api
        self.api_times: list[float] = []
        self._failing_days: set[date] = set()
        self.local.route("/rss/", self._feed("rss"))
        self.local.route("/atom/", self._feed("atom"))
        self.local.route("/api/query", self._guard(self._api))
        self.local.route("/oai", self._guard(self._oai))
        self.local.route("/pdf/", self._guard(self._pdf))
        home = Reply(
            200, b"<html><title>arXiv stand-in</title></html>", {"Content-Type": "text/html"}
        )
        self.local.route("/", lambda _request: home)  # arxiv.org/ (doctor's reachability)

    # -- public API ---------------------------------------------------------------------
    @property
    def url(self) -> str:
        return self.local.url

    def __enter__(self) -> ArxivServer:
        self.local.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.local.__exit__(*exc)

    def set_day(self, day: str) -> None:
        """Serve the feeds of ``day`` (``YYYY-MM-DD``, one of :data:`RECORDED_DAYS`)."""
        if not (self.fixtures / "arxiv-feeds" / day).is_dir():
            raise ValueError(f"no recorded feeds for {day}; recorded: {RECORDED_DAYS[0]}..")
        self.day = day

    def settings(self, **overrides: Any) -> SourcesConfig:
        """A SourcesConfig with every arXiv base URL pointing here and no rate-limit wait."""
        values: dict[str, Any] = {
            "rss_base": self.url,
            "arxiv_base": self.url,
            "api_base": self.url,
            "oai_base": self.url,
            "min_interval_seconds": 0,
            "timeout_seconds": 10,
            "max_retries": 2,
        }
        values.update(overrides)
        return SourcesConfig(**values)

    def fail_next(self, prefix: str, *replies: Reply) -> None:
        """Answer the next requests under ``prefix`` with ``replies`` first (503, drops ...)."""
        with self._lock:
            self._faults.setdefault(prefix, deque()).extend(replies)

    def add_api_answer(
        self,
        body: bytes | str,
        *,
        search_query: str = "",
        id_list: str = "",
        start: int = 0,
        max_results: int = 10,
        status: int = 200,
    ) -> None:
        """Serve ``body`` for this exact API query (``id_list`` comma-joined)."""
        data = body.encode() if isinstance(body, str) else body
        key = (search_query, id_list, start, max_results)
        self._api_extra[key] = Reply(status, data, {"Content-Type": "application/atom+xml"})

    def fail_api_day(self, day: str | None) -> None:
        """Answer 503 to every synthesised search covering announcement day ``day`` (None: stop)."""
        with self._lock:
            self._failing_days = set() if day is None else {date.fromisoformat(day)}

    def requests(self, prefix: str = "") -> list[Request]:
        return self.local.requests(prefix)

    def route(self, prefix: str, handler: Handler) -> None:
        self.local.route(prefix, handler)

    def feed_path(self, fmt: str, categories: str, day: str | None = None) -> Path:
        return self.fixtures / "arxiv-feeds" / (day or self.day) / fmt / f"{categories}.xml"

    # -- handlers -----------------------------------------------------------------------
    def _take_fault(self, path: str) -> Reply | None:
        with self._lock:
            for prefix, queue in self._faults.items():
                if path.startswith(prefix) and queue:
                    return queue.popleft()
        return None

    def _guard(self, handler: Handler) -> Handler:
        def guarded(request: Request) -> Reply:
            return self._take_fault(request.path) or handler(request)

        return guarded

    def _feed(self, fmt: str) -> Handler:
        def handler(request: Request) -> Reply:
            fault = self._take_fault(request.path)
            if fault is not None:
                return fault
            categories = request.path[len(f"/{fmt}/") :].strip("/")
            path = self.feed_path(fmt, categories)
            if "/" in categories or ".." in categories or not path.is_file():
                return Reply(404, f"no recorded {fmt} feed {categories!r} for {self.day}".encode())
            body = path.read_bytes()
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            headers = {
                "Content-Type": f"application/{fmt}+xml; charset=utf-8",
                "ETag": etag,
                "Last-Modified": _last_modified(self.day),
            }
            if request.headers.get("If-None-Match") == etag:
                return Reply(304, b"", {"ETag": etag})
            return Reply(200, body, headers)

        return handler

    def _api(self, request: Request) -> Reply:
        with self._lock:
            self.api_times.append(time.monotonic())
        key = _api_key(request.query)
        if key in self._api_extra:
            return self._api_extra[key]
        recorded = _api_recordings(str(self.fixtures))
        if key not in recorded and key[1]:  # id lookups were recorded with max_results=100
            key = (key[0], key[1], key[2], 100)
        if key in recorded:
            status, body = recorded[key]
            return Reply(status, body, {"Content-Type": "application/atom+xml; charset=utf-8"})
        search = synth.parse_search(key[0]) if self.synth_api and not key[1] else None
        if search is not None:
            return self._synth_answer(key, search)
        return Reply(404, f"no recorded API answer for {key}".encode())

    def _synth_answer(self, key: _ApiKey, search: synth.SearchRequest) -> Reply:
        entries = synth.matching(self.fixtures, search)
        with self._lock:
            failing = self._failing_days
        if any(entry.announced_on in failing for entry in entries):
            return Reply(503, b"arXiv is busy (injected)", {"Retry-After": "0"})
        now = datetime.combine(date.fromisoformat(self.day), datetime.min.time(), tzinfo=UTC)
        body = synth.atom_answer(key[0], entries, key[2], key[3], now + timedelta(hours=5))
        return Reply(200, body, {"Content-Type": "application/atom+xml; charset=utf-8"})

    def _oai(self, request: Request) -> Reply:
        token = (request.query.get("resumptionToken") or [""])[0]
        pages = _oai_pages(str(self.fixtures), self.oai_mode)
        if token not in pages:
            return Reply(200, _oai_error("badResumptionToken", token), {"Content-Type": "text/xml"})
        return Reply(200, pages[token].read(), {"Content-Type": "text/xml; charset=utf-8"})

    def _pdf(self, request: Request) -> Reply:
        name = request.path[len("/pdf/") :].strip("/").removesuffix(".pdf")
        folder = self.fixtures / "pdf"
        exact = folder / f"{name}.pdf"
        matches = [exact] if exact.is_file() else sorted(folder.glob(f"{name}v*.pdf"))
        if "/" in name or ".." in name or not matches:
            return Reply(404, b"no such paper")
        return Reply(200, matches[-1].read_bytes(), {"Content-Type": "application/pdf"})


def _last_modified(day: str) -> str:
    return date.fromisoformat(day).strftime("%a, %d %b %Y 04:00:00 GMT")


def _api_key(query: dict[str, list[str]]) -> _ApiKey:
    def first(name: str, default: str = "") -> str:
        return (query.get(name) or [default])[0]

    start = first("start", "0")
    size = first("max_results", "10")
    return (
        first("search_query"),
        first("id_list"),
        int(start) if start.isdigit() else 0,
        int(size) if size.isdigit() else 10,
    )


@cache
def _api_recordings(root: str) -> dict[_ApiKey, tuple[int, bytes]]:
    """Index every recorded API answer by the query it answered."""
    base = Path(root) / "arxiv-api"
    index: dict[_ApiKey, tuple[int, bytes]] = {}
    for path in sorted((base / "arxiv_py_golden_2026-04").glob("*.json")):
        envelope = json.loads(path.read_text(encoding="utf-8"))
        query = parse_qs(urlsplit(envelope["url"]).query, keep_blank_values=True)
        index[_api_key(query)] = (int(envelope["status_code"]), envelope["body"].encode())
    old = base / "arxiv_py_2016"
    index[("", "1111.2011v2", 0, 10)] = (200, (old / "id_list=1111.2011v2.xml").read_bytes())
    index[("au:del_maestro", "", 0, 10)] = (
        200,
        (old / "search_query=au_del_maestro.xml").read_bytes(),
    )
    millennium = (base / "millennium_2026-06" / "arxiv_results.xml").read_bytes()
    index[("cat:math.NT OR cat:math.AG", "", 0, 5)] = (200, millennium)
    return index


class _Page:
    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> bytes:
        if self.path.suffix == ".gz":
            with gzip.open(self.path, "rb") as stream:
                return stream.read()
        return self.path.read_bytes()


@cache
def _oai_pages(root: str, mode: str) -> dict[str, _Page]:
    """Resumption token ("" for the first request) → the page that answers it."""
    if mode == "short":
        recorded = Path(root) / "oai" / "cs_full_harvest_2016-03-09"
        return {
            "": _Page(recorded / "page_001.xml"),
            "1122234|1001": _Page(recorded / "page_002.xml"),
            "1122234|2001": _Page(recorded / "page_103_final.xml"),
        }
    corpus = Path(root) / "corpus" / "oai_cs_2016-03-09"
    pages: dict[str, _Page] = {}
    previous_token = ""
    for line in (corpus / "MANIFEST.tsv").read_text().splitlines()[1:]:
        fields = line.split("\t")
        pages[previous_token] = _Page(corpus / fields[1])
        token_field = fields[8] if len(fields) > 8 else ""
        previous_token = token_field.split("token=", 1)[1] if "token=" in token_field else ""
    return pages


def _oai_error(code: str, token: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        "<responseDate>2016-03-09T00:00:00Z</responseDate>"
        '<request verb="ListRecords">http://export.arxiv.org/oai2</request>'
        f'<error code="{code}">unknown resumption token {token}</error></OAI-PMH>'
    ).encode()
