"""Served search over the whole stored history, in the ranking query language.

``GET /search`` answers a browser with the styled HTML page (the site's templates and
stylesheet) and anything else with JSON; ``GET /api/search`` is always JSON;
``GET /search/atom`` is the same search as an Atom feed (a saved search a feed reader can
follow). All three run :func:`arxivbot.app.search.search_store`, the code behind
``arxivbot search``, so a query means the same everywhere and a bad one gets the parser's
position-aware message (400). Results are in bm25 order, paginated, with the store's
highlighted snippet and facets: category, day range, has a summary, liked.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from markupsafe import Markup, escape
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from arxivbot.app.search import search_store
from arxivbot.errors import QueryError
from arxivbot.models import Announcement, AnnounceType, RankedPaper
from arxivbot.render.feeds import FeedItem, FeedMeta, atom_feed
from arxivbot.render.templating import environment
from arxivbot.server.api import PaperOut, StateDep, json_bytes
from arxivbot.server.cache import CachedBody, cached_response
from arxivbot.server.limits import busy
from arxivbot.server.state import ServerState
from arxivbot.store import SearchFilters, SearchHit
from arxivbot.store.search import SearchTimeout

SearchField = Literal["all", "title", "abstract", "authors"]
_FIELD_PREFIX = {"all": "", "title": "ti", "abstract": "abs", "authors": "au"}
SEARCH_TIME_LIMIT = 2.0  # seconds one store query may run before the search is stopped (503)
FEED_ITEMS = 50
router = APIRouter()


class SearchHitOut(BaseModel):
    paper: PaperOut
    announced_on: date | None
    rank: float = Field(description="bm25: lower is a better match")
    snippet: str = Field(description="untrusted text; matched words wrapped in ** (bold)")
    has_summary: bool
    liked: bool


class FacetOut(BaseModel):
    value: str
    count: int


class SearchResults(BaseModel):
    query: str
    field: str
    limit: int
    offset: int
    more: bool = Field(description="another page follows (offset + limit)")
    hits: list[SearchHitOut]
    categories: list[FacetOut] = Field(description="categories of the matches up to this page")


@dataclass(frozen=True)
class SearchParams:
    q: str
    field: SearchField
    date_from: date | None
    date_to: date | None
    category: str | None
    summary: bool
    liked: bool
    profile: str
    limit: int
    offset: int

    @property
    def text(self) -> str:
        """The query as the language sees it (``field`` wraps it in ``ti:(…)`` etc.)."""
        prefix = _FIELD_PREFIX[self.field]
        return f"{prefix}:({self.q})" if prefix and self.q.strip() else self.q

    def url(self, path: str, **changes: object) -> str:
        values: dict[str, object] = {
            "q": self.q,
            "field": self.field if self.field != "all" else "",
            "from": self.date_from or "",
            "to": self.date_to or "",
            "category": self.category or "",
            "summary": "1" if self.summary else "",
            "liked": "1" if self.liked else "",
            "offset": self.offset or "",
        }
        values.update(changes)
        kept = {k: str(v) for k, v in values.items() if v not in ("", None, 0)}
        return f"{path}?{urlencode(kept)}" if kept else path


Q = Annotated[str, Query(max_length=500, description="the query language (docs/query-language.md)")]
FieldParam = Annotated[SearchField, Query(description="limit the query to one field")]
FromParam = Annotated[date | None, Query(alias="from")]
ToParam = Annotated[date | None, Query(alias="to")]
CategoryParam = Annotated[str | None, Query(max_length=40)]
FlagParam = Annotated[bool, Query()]
ProfileParam = Annotated[
    str | None, Query(max_length=41, description="whose likes (default: first)")
]
LimitParam = Annotated[int, Query(ge=1, le=200)]
OffsetParam = Annotated[int, Query(ge=0, le=10_000)]


def _params(
    state: ServerState,
    q: str,
    field: SearchField,
    date_from: date | None,
    date_to: date | None,
    category: str | None,
    summary: bool,
    liked: bool,
    profile: str | None,
    limit: int,
    offset: int,
) -> SearchParams:
    if date_from and date_to and date_from > date_to:
        raise HTTPException(400, "'from' must not be after 'to'")
    state.check_category(category or None)
    chosen = state.profile(profile).name
    return SearchParams(
        q, field, date_from, date_to, category or None, summary, liked, chosen, limit, offset
    )


def run_search(state: ServerState, params: SearchParams) -> SearchResults:
    """One page of matches (the store is asked for one more, to know whether more follow)."""
    store = state.store()
    liked = {i for i, v in store.feedback(params.profile).items() if v > 0}
    summarised: dict[str, bool] = {}

    def has_summary(arxiv_id: str) -> bool:
        if arxiv_id not in summarised:
            summarised[arxiv_id] = store.latest_summary(arxiv_id) is not None
        return summarised[arxiv_id]

    def keep(hit: SearchHit) -> bool:
        if params.liked and hit.paper.arxiv_id not in liked:
            return False
        return not params.summary or has_summary(hit.paper.arxiv_id)

    wanted = params.offset + params.limit + 1
    categories = (params.category,) if params.category else ()
    try:
        if params.q.strip():
            found = search_store(
                store,
                params.text,
                params.date_from,
                params.date_to,
                categories,
                wanted,
                keep=keep,
                time_limit=SEARCH_TIME_LIMIT,
            )
        else:  # no query: the newest papers (with the facets applied)
            filters = SearchFilters(
                params.date_from,
                params.date_to,
                categories,
                limit=wanted * 4,
                time_limit=SEARCH_TIME_LIMIT,
            )
            found = [hit for hit in store.search("", filters) if keep(hit)][:wanted]
    except SearchTimeout:
        raise busy(f"the search took longer than {SEARCH_TIME_LIMIT:g} s; narrow it") from None
    page = found[params.offset : params.offset + params.limit]
    counts = Counter(c for hit in found for c in hit.paper.categories)
    return SearchResults(
        query=params.q,
        field=params.field,
        limit=params.limit,
        offset=params.offset,
        more=len(found) > params.offset + params.limit,
        hits=[
            SearchHitOut(
                paper=PaperOut.of(hit.paper),
                announced_on=hit.announced_on,
                rank=hit.rank,
                snippet=hit.snippet,
                has_summary=has_summary(hit.paper.arxiv_id),
                liked=hit.paper.arxiv_id in liked,
            )
            for hit in page
        ],
        categories=[FacetOut(value=c, count=n) for c, n in counts.most_common(12)],
    )


def highlighted(snippet: str) -> Markup:
    """The store's ``**match**`` marks as ``<mark>``, every other character escaped."""
    parts = str(escape(snippet)).split("**")
    out = [part if i % 2 == 0 else f"<mark>{part}</mark>" for i, part in enumerate(parts)]
    if len(parts) % 2 == 0:  # an unpaired marker: show it as written
        out[-1] = "**" + parts[-1]
    return Markup("".join(out))


def render_page(
    state: ServerState,
    params: SearchParams,
    results: SearchResults | None,
    error: QueryError | None,
) -> str:
    profile = state.profile(params.profile)
    return (
        environment()
        .get_template("site/served_search.html")
        .render(
            root="/",
            site_title=state.config.output.site_title,
            generated_at=state.clock().strftime("%Y-%m-%d %H:%M UTC"),
            all_profiles=False,
            feed_categories=profile.categories,
            params=params,
            results=results,
            error=str(error) if error else "",
            highlighted=highlighted,
            profiles=[p.name for p in state.profiles.values()],
        )
    )


async def _answer(
    request: Request, state: ServerState, params: SearchParams, kind: str
) -> Response:
    key = ("search2", kind, params)

    def build() -> CachedBody:
        now = state.clock()
        if kind == "html":
            try:
                results = run_search(state, params) if params.q.strip() else None
                page = render_page(state, params, results, None)
            except QueryError as exc:
                page = render_page(state, params, None, exc)
            return CachedBody.of(page.encode(), "text/html; charset=utf-8", now)
        try:
            results = run_search(state, params)
        except QueryError as exc:  # the CLI's message: what was expected, where, a caret
            raise HTTPException(400, str(exc)) from None
        if kind == "atom":
            text = _atom(state, params, results)
            return CachedBody.of(text.encode(), "application/atom+xml; charset=utf-8", now)
        return CachedBody.of(json_bytes(results), "application/json", now)

    generation = state.generation()
    body = state.bodies.peek(key, generation)
    if body is None:  # a miss costs a search: wait for a slot (or hear 503 at once)
        async with state.searches.slot():
            body = await run_in_threadpool(state.bodies.get, key, generation, build)
    response = cached_response(request, body, max_age=state.max_age)
    response.headers["Vary"] = "Accept, Accept-Encoding"
    return response


def _atom(state: ServerState, params: SearchParams, results: SearchResults) -> str:
    """The search as an Atom feed: the feed writer of the site's own feeds (render.feeds)."""
    output = state.config.output
    base = output.site_url.rstrip("/")
    store = state.store()
    items: list[FeedItem] = []
    for hit in results.hits:
        paper = store.get_paper(hit.paper.arxiv_id)
        if paper is None:
            continue
        day = hit.announced_on or state.clock().date()
        seen = Announcement(
            paper.arxiv_id, paper.version, day, AnnounceType.NEW, paper.primary_category
        )
        ranked = RankedPaper(paper, seen, 0.0)
        items.append(FeedItem(ranked, store.latest_summary(paper.arxiv_id)))
    meta = FeedMeta(
        title=output.site_title,
        site_url=f"{base}{params.url('/search')}" if base else "",
        feed_url=f"{base}/" if base else "",
        description=f"arXiv papers matching {params.q}",
        generated_at=state.clock(),
    )
    self_url = f"{base}{params.url('/search/atom')}" if base else params.url("/search/atom")
    return atom_feed(items, meta, f"{output.site_title}: search “{params.q}”", self_url)


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "application/json" not in accept


@router.get("/search", response_model=SearchResults, tags=["api"])
async def search(
    request: Request,
    state: StateDep,
    q: Q = "",
    field: FieldParam = "all",
    date_from: FromParam = None,
    date_to: ToParam = None,
    category: CategoryParam = None,
    summary: FlagParam = False,
    liked: FlagParam = False,
    profile: ProfileParam = None,
    limit: LimitParam = 20,
    offset: OffsetParam = 0,
) -> Response:
    """Search the whole stored history with the query language (``attention -survey``,
    ``ti:"KV cache"``, ``au:Hinton``, ``quantiz*``, ``cat:cs.*``); a browser gets the page.

    Searches that miss the cache queue for a bounded number of slots: when the queue is
    full the answer is 503 with ``Retry-After``."""
    params = _params(
        state, q, field, date_from, date_to, category, summary, liked, profile, limit, offset
    )
    return await _answer(request, state, params, "html" if _wants_html(request) else "json")


@router.get("/api/search", response_model=SearchResults, tags=["api"])
async def api_search(
    request: Request,
    state: StateDep,
    q: Q = "",
    field: FieldParam = "all",
    date_from: FromParam = None,
    date_to: ToParam = None,
    category: CategoryParam = None,
    summary: FlagParam = False,
    liked: FlagParam = False,
    profile: ProfileParam = None,
    limit: LimitParam = 20,
    offset: OffsetParam = 0,
) -> Response:
    """``/search`` as JSON, whatever the Accept header says."""
    params = _params(
        state, q, field, date_from, date_to, category, summary, liked, profile, limit, offset
    )
    return await _answer(request, state, params, "json")


@router.get("/search/atom", tags=["feeds"], response_class=Response)
async def search_feed(
    request: Request,
    state: StateDep,
    q: Q = "",
    field: FieldParam = "all",
    category: CategoryParam = None,
    summary: FlagParam = False,
    liked: FlagParam = False,
    profile: ProfileParam = None,
) -> Response:
    """A saved search as an Atom feed: its newest best matches (up to 50)."""
    if not q.strip():
        raise HTTPException(400, "a search feed needs a query (?q=)")
    params = _params(state, q, field, None, None, category, summary, liked, profile, FEED_ITEMS, 0)
    return await _answer(request, state, params, "atom")
