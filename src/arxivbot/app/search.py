"""``arxivbot search``: the stored history, searched with the ranking query language.

Search uses the ranking query language (fields, phrases, NOT, wildcards) when the text
parses as a query: FTS5 finds candidates for the positive terms quickly, then the exact
matcher keeps only true whole-word matches. Plain words go straight to FTS5.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from arxivbot.config import LoadedConfig
from arxivbot.enrich.links import fts_prefilter
from arxivbot.errors import QueryError
from arxivbot.paths import Paths
from arxivbot.rank.query import MIN_PREFIX, And, Node, Not, Term, parse_query
from arxivbot.store import SearchFilters, SearchHit, StoreApi, open_store

FIRST_PAGE = 100  # candidates fetched first; most queries are answered from this page
MAX_PAGE = 4000  # the page size grows x4 up to this when the exact matcher rejects many
MAX_CANDIDATES = 20_000  # candidates checked per search at most (bounds the worst case)
FTS_COLUMNS = {
    "ti": "title",
    "abs": "abstract",
    "au": "authors",
    "co": "comment",
    "jr": "journal_ref",
}


def search_history(
    loaded: LoadedConfig,
    paths: Paths,
    text: str,
    start: date | None = None,
    end: date | None = None,
    categories: Sequence[str] = (),
    limit: int = 20,
) -> list[SearchHit]:
    """Papers in the store matching ``text`` (the ranking query language), best first.

    FTS5 narrows the store to a superset of the matches (the query's AND/OR structure,
    phrases, prefixes and field columns; NOT and fields FTS does not index impose no
    constraint there), ordered by bm25; the exact matcher then keeps true whole-word
    matches. Candidates are fetched in growing pages until ``limit`` matches are found,
    so a typical search checks ~100 papers, not thousands.
    """
    with open_store(paths.db) as store:
        return search_store(store, text, start, end, categories, limit)


def search_store(
    store: StoreApi,
    text: str,
    start: date | None = None,
    end: date | None = None,
    categories: Sequence[str] = (),
    limit: int = 20,
    *,
    keep: Callable[[SearchHit], bool] | None = None,
    time_limit: float | None = None,
) -> list[SearchHit]:
    """:func:`search_history` on an open store (the server's ``/search`` calls this).

    ``keep`` is one more test a match must pass (the server's has-summary and liked
    facets); ``time_limit`` bounds each store query (``SearchTimeout``)."""
    query = parse_query(text)
    if not query.positive_terms():
        raise QueryError("a search needs at least one term that is not negated", query=text)
    fts = _fts(query.root)
    wanted = tuple(categories)
    if not wanted:
        wanted = _required_categories(query.root)
    found: list[SearchHit] = []
    offset, page = 0, max(FIRST_PAGE, limit * 4)
    while offset < MAX_CANDIDATES:
        filters = SearchFilters(
            start, end, wanted, limit=page, offset=offset, time_limit=time_limit
        )
        hits = store.search(fts or "", filters)
        found.extend(
            hit for hit in hits if query.matches(hit.paper) and (keep is None or keep(hit))
        )
        offset += len(hits)
        if len(found) >= limit or len(hits) < page:
            break
        page = min(page * 4, MAX_PAGE)
    return found[:limit]


def _fts(node: Node) -> str | None:
    """An FTS5 expression matching a superset of ``node``'s matches; None = anything."""
    if isinstance(node, Term):
        return _fts_term(node)
    if isinstance(node, Not):
        return None  # "not X" excludes little: the exact matcher applies it
    parts = [_fts(child) for child in node.children]
    if isinstance(node, And):
        kept = [part for part in parts if part]
        return " AND ".join(f"({part})" for part in kept) if kept else None
    if any(part is None for part in parts):
        return None
    return " OR ".join(f"({part})" for part in parts)


def _fts_term(term: Term) -> str | None:
    if term.field == "has":  # has:code: the words its links are made of
        return fts_prefilter(term.label.casefold())
    if term.field not in (None, *FTS_COLUMNS):
        return None  # categories are not in the full-text index (a filter handles one)
    words = [w for w in term.match_words if w]
    if not words:
        return None
    phrase = '"' + " ".join(w.replace('"', "") for w in words) + '"'
    if term.prefix:
        # Porter stems the index ("optimization" -> "optim"), so a stem may be shorter
        # than the typed prefix: also accept each shorter prefix as a whole token.
        head, last = words[:-1], words[-1]
        shorter = [last[:n] for n in range(MIN_PREFIX, len(last))]
        options = [f"{phrase}*", *(f'"{" ".join([*head, s])}"' for s in shorter)]
        phrase = "(" + " OR ".join(options) + ")"
    column = FTS_COLUMNS.get(term.field or "")
    return f"{column} : {phrase}" if column else f"{{title abstract}} : {phrase}"


def _required_categories(node: Node) -> tuple[str, ...]:
    """A single plain ``cat:X`` the whole query requires becomes the store's category filter."""
    terms = node.children if isinstance(node, And) else (node,)
    cats = [
        " ".join(t.words)
        for t in terms
        if isinstance(t, Term) and t.field == "cat" and not t.prefix
    ]
    return (cats[0],) if len(cats) == 1 else ()


def hit_json(hit: SearchHit) -> dict[str, Any]:
    paper = hit.paper
    return {
        "id": paper.arxiv_id,
        "version": paper.version,
        "title": paper.title,
        "authors": list(paper.authors),
        "categories": list(paper.categories),
        "announced_on": hit.announced_on.isoformat() if hit.announced_on else None,
        "url": paper.abs_url,
    }
