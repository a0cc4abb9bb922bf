"""Synthesised arXiv API answers for the recorded June 2026 announcement days.

The recorded API answers (``arxiv-api/``) hold no June 2026 submissions, but catch-up and
back-fill ask the API for "the papers of these categories submitted in this window". This
module answers exactly that kind of query from the recorded daily feeds: every ``new`` and
``cross`` item of the multi-category feed of announcement day ``D`` becomes an API entry whose
``published`` time lies inside ``calendar.submission_window(D)`` (spread evenly through it, in
feed order), so the production client maps it back to ``D``.

The Atom written here copies the structure of the real current-format answer in
``arxiv-api/millennium_2026-06/arxiv_results.xml``: the ``opensearch``/``arxiv``/Atom
namespaces, feed ``id``/``title``/``updated``/``link``, ``opensearch:itemsPerPage``,
``totalResults``, ``startIndex``, and per entry ``id`` (``http://arxiv.org/abs/<id>v<N>``),
``title``, ``updated``, the abs and pdf ``link``s, ``summary``, ``category`` terms,
``published``, ``arxiv:journal_ref`` when the feed had one, ``arxiv:primary_category`` and
``author/name``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

from lxml import etree

from arxivbot import calendar

ATOM_NS = "http://www.w3.org/2005/Atom"
ARXIV_NS = "http://arxiv.org/schemas/atom"
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"
DC_NS = "http://purl.org/dc/elements/1.1/"
MULTI = "cs.AI+cs.CL+cs.DC+cs.LG"
MAX_RESULTS = 2000

_CATEGORY = re.compile(r"\bcat:([A-Za-z.\-]+)")
_RANGE = re.compile(r"submittedDate:\[(\d{12}) TO (\d{12})\]")
_SHAPE = re.compile(
    r"^\(?\s*cat:[A-Za-z.\-]+(\s+OR\s+cat:[A-Za-z.\-]+)*\s*\)?"
    r"(\s+AND\s+submittedDate:\[\d{12} TO \d{12}\])?$"
)
_EVER = (datetime(1991, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


@dataclass(frozen=True)
class Entry:
    """One synthesised API entry (a first announcement of a recorded day)."""

    arxiv_id: str
    version: int
    title: str
    abstract: str
    authors: tuple[str, ...]
    categories: tuple[str, ...]  # primary first, as the feed lists them
    journal_ref: str
    published: datetime  # UTC, inside the submission window of ``announced_on``
    announced_on: date


@dataclass(frozen=True)
class SearchRequest:
    categories: tuple[str, ...]
    first: datetime  # inclusive, minute precision (arXiv semantics)
    last: datetime  # inclusive


def parse_search(search_query: str) -> SearchRequest | None:
    """The category [+ submittedDate] query ``ApiClient.search`` sends; None for others."""
    query = " ".join(search_query.split())
    if not _SHAPE.match(query):
        return None
    span = _RANGE.search(query)
    first, last = (
        (datetime.strptime(value, "%Y%m%d%H%M").replace(tzinfo=UTC) for value in span.groups())
        if span
        else _EVER
    )
    return SearchRequest(tuple(_CATEGORY.findall(query)), first, last)


def matching(fixtures: Path, request: SearchRequest) -> list[Entry]:
    """Entries in any requested category submitted within the range, oldest first."""
    wanted = set(request.categories)
    found = [
        entry
        for entry in all_entries(str(fixtures))
        if wanted.intersection(entry.categories)
        and request.first <= entry.published.replace(second=0, microsecond=0) <= request.last
    ]
    return sorted(found, key=lambda e: (e.published, e.arxiv_id))


@cache
def all_entries(fixtures: str) -> tuple[Entry, ...]:
    """Entries for every recorded announcement day (its multi-category feed's new + cross)."""
    entries: list[Entry] = []
    for folder in sorted((Path(fixtures) / "arxiv-feeds").iterdir()):
        feed = folder / "rss" / f"{MULTI}.xml"
        if not feed.is_file():
            continue
        day = date.fromisoformat(folder.name)
        if not calendar.is_announcement_day(day):
            continue
        entries.extend(_day_entries(feed, day))
    return tuple(entries)


def _day_entries(feed: Path, day: date) -> list[Entry]:
    root = etree.parse(str(feed), etree.XMLParser(resolve_entities=False, no_network=True))
    items = [
        item
        for item in root.iter("item")
        if item.findtext(f"{{{ARXIV_NS}}}announce_type") in ("new", "cross")
    ]
    start, end = calendar.submission_window(day)
    step = (end - start) / (len(items) + 1)
    entries = []
    for index, item in enumerate(items):
        description = item.findtext("description") or ""
        head, _sep, abstract = description.partition("Abstract: ")
        version = re.search(r"v(\d+) Announce Type", head)
        creators = item.findtext(f"{{{DC_NS}}}creator") or ""
        published = (start + step * (index + 1)).replace(microsecond=0)
        entries.append(
            Entry(
                arxiv_id=(item.findtext("link") or "").rsplit("/", 1)[-1],
                version=int(version.group(1)) if version else 1,
                title=item.findtext("title") or "",
                abstract=abstract,
                authors=tuple(a.strip() for a in creators.split(", ") if a.strip()),
                categories=tuple(c.text or "" for c in item.iterfind("category")),
                journal_ref=item.findtext(f"{{{ARXIV_NS}}}journal_reference") or "",
                published=published,
                announced_on=day,
            )
        )
    return entries


def atom_answer(
    search_query: str, entries: list[Entry], start: int, max_results: int, now: datetime
) -> bytes:
    """The Atom page ``[start, start + max_results)`` of ``entries``, as arXiv writes it."""
    size = max(0, min(max_results, MAX_RESULTS))
    page = entries[start : start + size]
    nsmap = {"opensearch": OPENSEARCH_NS, "arxiv": ARXIV_NS, None: ATOM_NS}
    feed = etree.Element(f"{{{ATOM_NS}}}feed", nsmap=nsmap)  # type: ignore[arg-type]
    digest = hashlib.sha1(f"{search_query}|{start}|{size}".encode()).hexdigest()[:27]
    _add(feed, "id", f"https://arxiv.org/api/{digest}")
    _add(
        feed,
        "title",
        f"arXiv Query: search_query={search_query}&id_list=&start={start}&max_results={size}",
    )
    _add(feed, "updated", _stamp(now))
    link = _add(feed, "link")
    link.set(
        "href",
        "https://arxiv.org/api/query?search_query="
        + search_query.replace(" ", "+")
        + f"&start={start}&max_results={size}&id_list=",
    )
    link.set("type", "application/atom+xml")
    _add(feed, "itemsPerPage", str(size), OPENSEARCH_NS)
    _add(feed, "totalResults", str(len(entries)), OPENSEARCH_NS)
    _add(feed, "startIndex", str(start), OPENSEARCH_NS)
    for entry in page:
        _entry(feed, entry)
    etree.indent(feed, space="  ")
    return etree.tostring(feed, xml_declaration=True, encoding="UTF-8") + b"\n"


def _entry(feed: etree._Element, entry: Entry) -> None:
    element = _add(feed, "entry")
    versioned = f"{entry.arxiv_id}v{entry.version}"
    _add(element, "id", f"http://arxiv.org/abs/{versioned}")
    _add(element, "title", entry.title)
    _add(element, "updated", _stamp(entry.published))
    for rel, href, kind, title in (
        ("alternate", f"https://arxiv.org/abs/{versioned}", "text/html", None),
        ("related", f"https://arxiv.org/pdf/{versioned}", "application/pdf", "pdf"),
    ):
        link = _add(element, "link")
        link.set("href", href)
        link.set("rel", rel)
        link.set("type", kind)
        if title:
            link.set("title", title)
    _add(element, "summary", entry.abstract)
    for category in entry.categories:
        _add(element, "category").attrib.update(
            {"term": category, "scheme": "http://arxiv.org/schemas/atom"}
        )
    _add(element, "published", _stamp(entry.published))
    if entry.journal_ref:
        _add(element, "journal_ref", entry.journal_ref, ARXIV_NS)
    _add(element, "primary_category", None, ARXIV_NS).set("term", entry.categories[0])
    for name in entry.authors:
        _add(_add(element, "author"), "name", name)


def _add(
    parent: etree._Element, tag: str, text: str | None = None, ns: str = ATOM_NS
) -> etree._Element:
    child = etree.SubElement(parent, f"{{{ns}}}{tag}")
    if text is not None:
        child.text = text
    return child


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
