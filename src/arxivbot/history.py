"""Working with the stored history: back-fill announcement days and search them.

Search uses the ranking query language (fields, phrases, NOT, wildcards) when the text
parses as a query: FTS5 finds candidates for the positive terms quickly, then the exact
matcher keeps only true whole-word matches. Plain words go straight to FTS5.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from arxivbot.clock import Clock, utc_now
from arxivbot.config import LoadedConfig, fetch_categories, resolve_profiles
from arxivbot.errors import FetchError, QueryError
from arxivbot.models import StageIssue
from arxivbot.paths import Paths
from arxivbot.progress import ProgressEvent, ProgressSink, silent
from arxivbot.rank.query import MIN_PREFIX, And, Node, Not, Term, parse_query
from arxivbot.store import SearchFilters, SearchHit, open_store

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


# --- search --------------------------------------------------------------------------------


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
    query = parse_query(text)
    if not query.positive_terms():
        raise QueryError("a search needs at least one term that is not negated", query=text)
    fts = _fts(query.root)
    wanted = tuple(categories)
    if not wanted:
        wanted = _required_categories(query.root)
    found: list[SearchHit] = []
    offset, page = 0, max(FIRST_PAGE, limit * 4)
    with open_store(paths.db) as store:
        while offset < MAX_CANDIDATES:
            filters = SearchFilters(start, end, wanted, limit=page, offset=offset)
            hits = store.search(fts or "", filters)
            found.extend(hit for hit in hits if query.matches(hit.paper))
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


# --- back-fill -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BackfillPlan:
    days: tuple[date, ...]  # announcement days still missing from the store
    already: int  # days in the range the store already has
    requests: int
    seconds: float
    interval: float = 3.0  # seconds between requests (sources.min_interval_seconds)

    def describe(self) -> str:
        if not self.days:
            return f"nothing to do: the store already has all {self.already} announcement days"
        span = f"{self.days[0]}" if len(self.days) == 1 else f"{self.days[0]} .. {self.days[-1]}"
        return (
            f"{len(self.days)} announcement day(s) to fetch, {span} "
            f"({self.already} already stored): about {self.requests} API requests, "
            f"~{_duration(self.seconds)} at 1 request / {self.interval:g} s"
        )


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.1f} min" if seconds < 5400 else f"{seconds / 3600:.1f} h"


@dataclass(frozen=True)
class BackfillReport:
    filled: tuple[date, ...]
    issues: tuple[StageIssue, ...]
    written: int

    def describe(self) -> str:
        text = f"back-filled {len(self.filled)} day(s); wrote {self.written} files"
        for issue in self.issues:
            text += f"\n  ! {issue.subject}: {issue.message}"
        return text


def plan_backfill(
    loaded: LoadedConfig, paths: Paths, start: date, end: date, *, clock: Clock = utc_now
) -> BackfillPlan:
    """The announcement days in ``[start, end]`` the store lacks, and what fetching costs.

    Days after the latest published announcement are left out: the API has nothing yet.
    """
    from arxivbot.ingest import schedule_of
    from arxivbot.sources.backfill import estimate_requests

    if end < start:
        raise QueryError(f"--to {end} is before --from {start}")
    schedule = schedule_of(loaded.config)
    end = min(end, schedule.current_announcement_day(clock()))
    days = schedule.announcement_days(start, end)
    with open_store(paths.db) as store:
        stored = set(store.announcement_days())
    missing = tuple(d for d in days if d not in stored)
    estimate = estimate_requests(
        list(missing),
        fetch_categories(loaded.config),
        min_interval_seconds=loaded.config.sources.min_interval_seconds,
        schedule=schedule,
    )
    interval = loaded.config.sources.min_interval_seconds
    return BackfillPlan(
        missing, len(days) - len(missing), estimate.requests, estimate.seconds, interval
    )


def backfill(
    loaded: LoadedConfig,
    paths: Paths,
    plan: BackfillPlan,
    *,
    progress: ProgressSink = silent,
    clock: Clock = utc_now,
) -> BackfillReport:
    """Fetch each planned day, store and rank it; resumable (stored days are skipped)."""
    from arxivbot.ingest import backfill_listing, store_listing
    from arxivbot.sources.http import PoliteClient
    from arxivbot.stages import rank_stage, render_stage

    profiles = resolve_profiles(loaded.config)
    filled: list[date] = []
    issues: list[StageIssue] = []
    with open_store(paths.db) as store, store.run_lock():
        with PoliteClient(loaded.config.sources, store=store) as http:
            for index, day in enumerate(plan.days):
                progress(ProgressEvent("backfill", str(day), index, len(plan.days)))
                if day in store.announcement_days(since=day):
                    continue  # filled meanwhile (another backfill or run): resumable
                try:
                    listing = backfill_listing(loaded, http, day)
                except FetchError as exc:
                    issues.append(StageIssue("backfill", day.isoformat(), str(exc)))
                    continue
                store_listing(store, listing, loaded.config)
                rank_stage(loaded, store, profiles, day, dry_run=False)
                filled.append(day)
        progress(ProgressEvent("backfill", "done", len(plan.days), len(plan.days)))
        written = render_stage(loaded, store, profiles, paths.output, clock) if filled else []
    return BackfillReport(tuple(filled), tuple(issues), len(written))
