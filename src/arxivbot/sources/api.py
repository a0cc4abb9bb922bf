"""The arXiv search API (``{api_base}/api/query``, Atom 1.0 + opensearch + arxiv extensions).

Used to backfill missed announcement days and to repair metadata by id. Every request goes
through the shared :class:`PoliteClient` (rate limit, one connection, retries). arXiv answers
a bad query with HTTP 400 and an Atom *error entry*; that becomes :class:`ApiQueryError`
carrying arXiv's own message.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from lxml import etree

from arxivbot.config.model import SourcesConfig
from arxivbot.errors import FeedParseError, HttpStatusError
from arxivbot.ids import parse_arxiv_id
from arxivbot.models import Paper
from arxivbot.sources.http import PoliteClient
from arxivbot.sources.xml import child_text, normalise_space, parse_document, parse_iso

log = logging.getLogger(__name__)

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
MAX_PAGE = 2000  # arXiv's documented maximum per request
ID_BATCH = 100
API_ACCEPT = "application/atom+xml, application/xml;q=0.9"


class ApiQueryError(HttpStatusError):
    """arXiv rejected the query (HTTP 400 with an Atom error entry)."""


@dataclass(frozen=True)
class ApiPage:
    """One API response: its papers and the opensearch paging numbers."""

    papers: tuple[Paper, ...]
    total_results: int
    start: int
    items_per_page: int


def parse_api_feed(content: bytes, source_url: str = "arXiv API") -> ApiPage:
    """Parse one API answer; an error entry raises :class:`ApiQueryError`."""
    root = parse_document(content, source=source_url, what="arXiv API response")
    if root.tag != f"{ATOM}feed":
        raise FeedParseError(
            f"not an Atom feed (root <{etree.QName(root).localname}>)", url=source_url
        )
    entries = list(root.iterfind(f"{ATOM}entry"))
    for entry in entries:
        _raise_if_error(entry, source_url)
    papers = tuple(_paper(entry, source_url) for entry in entries)
    return ApiPage(
        papers=papers,
        total_results=_int(child_text(root, f"{OPENSEARCH}totalResults"), len(papers)),
        start=_int(child_text(root, f"{OPENSEARCH}startIndex"), 0),
        items_per_page=_int(child_text(root, f"{OPENSEARCH}itemsPerPage"), len(papers)),
    )


def _int(text: str, default: int) -> int:
    text = text.strip()
    return int(text) if text.isdigit() else default


def _raise_if_error(entry: etree._Element, source_url: str) -> None:
    entry_id = child_text(entry, f"{ATOM}id")
    if "/api/errors" in entry_id or child_text(entry, f"{ATOM}title").strip() == "Error":
        message = normalise_space(child_text(entry, f"{ATOM}summary")) or entry_id
        raise ApiQueryError(
            f"arXiv API rejected the query: {message}",
            url=source_url,
            status=400,
            hint="check the ids / query syntax",
        )


def _paper(entry: etree._Element, source_url: str) -> Paper:
    raw_id = child_text(entry, f"{ATOM}id").strip()
    try:
        ident = parse_arxiv_id(raw_id)
    except ValueError as exc:
        raise FeedParseError(f"API entry with a bad id {raw_id!r}", url=source_url) from exc
    terms = [c.get("term", "").strip() for c in entry.iterfind(f"{ATOM}category")]
    categories = [term for term in terms if term]
    primary_el = entry.find(f"{ARXIV}primary_category")
    primary = primary_el.get("term", "").strip() if primary_el is not None else ""
    primary = primary or (categories[0] if categories else "")
    authors = (child_text(a, f"{ATOM}name") for a in entry.iterfind(f"{ATOM}author"))
    return Paper(
        arxiv_id=ident.id,
        version=ident.version or 1,
        title=normalise_space(child_text(entry, f"{ATOM}title")),
        authors=tuple(normalise_space(name) for name in authors if name.strip()),
        abstract=normalise_space(child_text(entry, f"{ATOM}summary")),
        primary_category=primary,
        categories=tuple(dict.fromkeys([primary, *categories])) if primary else (),
        comment=normalise_space(child_text(entry, f"{ARXIV}comment")),
        journal_ref=normalise_space(child_text(entry, f"{ARXIV}journal_ref")),
        doi=child_text(entry, f"{ARXIV}doi").strip(),
        license=child_text(entry, f"{ARXIV}license").strip(),
        submitted=_utc(parse_iso(child_text(entry, f"{ATOM}published"))),
        updated=_utc(parse_iso(child_text(entry, f"{ATOM}updated"))),
    )


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None


def category_query(categories: Sequence[str]) -> str:
    """``cat:cs.AI OR cat:cs.CL`` (parenthesised when combined with other clauses)."""
    clauses = [f"cat:{category}" for category in dict.fromkeys(categories)]
    if not clauses:
        raise ValueError("at least one category is needed")
    return clauses[0] if len(clauses) == 1 else "(" + " OR ".join(clauses) + ")"


def submitted_range(start: datetime, end: datetime) -> str:
    """``submittedDate:[YYYYMMDDHHMM TO YYYYMMDDHHMM]`` in UTC, minute precision, inclusive.

    The range is widened to whole minutes; callers filter the exact instants afterwards.
    """
    first = start.astimezone(UTC).strftime("%Y%m%d%H%M")
    last = (end.astimezone(UTC) + timedelta(minutes=1)).strftime("%Y%m%d%H%M")
    return f"submittedDate:[{first} TO {last}]"


class ApiClient:
    """``ApiClient(client, settings).search(categories=[...], submitted_from=..., ...)``."""

    def __init__(
        self, client: PoliteClient, settings: SourcesConfig, *, page_size: int = 1000
    ) -> None:
        self.client = client
        self.settings = settings
        self.page_size = max(1, min(page_size, MAX_PAGE))

    @property
    def url(self) -> str:
        return f"{self.settings.api_base.rstrip('/')}/api/query"

    def query(
        self,
        *,
        search_query: str = "",
        id_list: Sequence[str] = (),
        start: int = 0,
        max_results: int = 10,
        sort_by: str = "submittedDate",
        sort_order: str = "ascending",
    ) -> ApiPage:
        """One request; the building block of :meth:`search` and :meth:`by_ids`."""
        params: dict[str, str | int] = {
            "search_query": search_query,
            "id_list": ",".join(id_list),
            "start": start,
            "max_results": max(1, min(max_results, MAX_PAGE)),
        }
        if search_query:
            params.update(sortBy=sort_by, sortOrder=sort_order)
        response = self.client.get(self.url, params=params, accept=API_ACCEPT, ok_statuses={400})
        if response.status != 400:
            return parse_api_feed(response.content, response.url)
        try:
            parse_api_feed(response.content, response.url)  # raises with arXiv's message
        except ApiQueryError:
            raise
        except FeedParseError:
            pass
        raise ApiQueryError(
            "arXiv API rejected the query (HTTP 400)",
            url=response.url,
            status=400,
            hint="check the ids / query syntax",
        )

    def iter_pages(self, search_query: str, *, limit: int | None = None) -> Iterator[ApiPage]:
        """Page through ``search_query`` until ``totalResults`` (or ``limit``) is reached."""
        start = 0
        retried_empty = False
        while limit is None or start < limit:
            size = self.page_size if limit is None else min(self.page_size, limit - start)
            page = self.query(search_query=search_query, start=start, max_results=size)
            if not page.papers:
                # arXiv sometimes answers an empty page mid-way; ask once more, then stop.
                if start < page.total_results and not retried_empty:
                    retried_empty = True
                    continue
                return
            retried_empty = False
            yield page
            start += len(page.papers)
            if start >= page.total_results:
                return

    def search(
        self,
        query: str = "",
        *,
        categories: Sequence[str] = (),
        submitted_from: datetime | None = None,
        submitted_to: datetime | None = None,
        limit: int | None = None,
    ) -> list[Paper]:
        """Papers matching ``query`` AND any of ``categories`` AND submitted in
        ``[submitted_from, submitted_to)`` (exact instants, filtered after the API's minutes).
        """
        clauses = [query] if query else []
        if categories:
            clauses.append(category_query(categories))
        if submitted_from is not None and submitted_to is not None:
            clauses.append(submitted_range(submitted_from, submitted_to))
        if not clauses:
            raise ValueError("search needs a query, categories or a date range")
        papers: list[Paper] = []
        for page in self.iter_pages(" AND ".join(clauses), limit=limit):
            papers.extend(p for p in page.papers if _within(p, submitted_from, submitted_to))
        return papers

    def by_ids(self, arxiv_ids: Sequence[str], *, batch_size: int = ID_BATCH) -> list[Paper]:
        """Look papers up by id (old or new style, with or without version), in batches.

        Unknown ids are simply absent from the result.
        """
        ids = [str(parse_arxiv_id(value)) for value in arxiv_ids]
        papers: list[Paper] = []
        size = max(1, min(batch_size, MAX_PAGE))
        for offset in range(0, len(ids), size):
            batch = ids[offset : offset + size]
            page = self.query(id_list=batch, max_results=size)
            papers.extend(page.papers)
        return papers


def _within(paper: Paper, start: datetime | None, end: datetime | None) -> bool:
    if start is None or end is None or paper.submitted is None:
        return True
    return start <= paper.submitted < end
