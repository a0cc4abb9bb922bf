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

from arxivbot import calendar
from arxivbot.clock import Clock, utc_now
from arxivbot.config import LoadedConfig, fetch_categories, resolve_profiles
from arxivbot.errors import FetchError, QueryError
from arxivbot.models import StageIssue
from arxivbot.paths import Paths
from arxivbot.progress import ProgressEvent, ProgressSink, silent
from arxivbot.rank.query import FIELD_PREFIXES, Term, parse_query
from arxivbot.store import SearchFilters, SearchHit, open_store

CANDIDATES = 2000  # FTS candidates checked by the exact matcher per search
FTS_COLUMNS = {"title": "title", "abstract": "abstract", "authors": "authors"}


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
    """Papers in the store matching ``text``, best first."""
    filters = SearchFilters(date_from=start, date_to=end, categories=tuple(categories), limit=limit)
    with open_store(paths.db) as store:
        query = parse_query(text)
        terms = query.positive_terms()
        if not terms:
            raise QueryError("a search needs at least one term that is not negated", query=text)
        fts = " OR ".join(_fts_term(term) for term in terms)
        wide = SearchFilters(start, end, tuple(categories), limit=CANDIDATES)
        hits = store.search(fts, wide)
        exact = [hit for hit in hits if query.matches(hit.paper)]
        return exact[: filters.limit]


def _fts_term(term: Term) -> str:
    """An FTS5 expression that finds a superset of the term's exact matches."""
    words = [w.replace('"', "") for w in term.words if w.replace('"', "")]
    if term.prefix and words:
        words[-1] = words[-1] + "*"
    phrase = " ".join(w if w.endswith("*") else f'"{w}"' for w in words)
    column = FTS_COLUMNS.get(FIELD_PREFIXES.get(term.field or "", ""), "")
    return f"{column} : ({phrase})" if column else f"({phrase})"


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

    def describe(self) -> str:
        if not self.days:
            return f"nothing to do: the store already has all {self.already} announcement days"
        minutes = self.seconds / 60
        return (
            f"{len(self.days)} announcement day(s) to fetch ({self.already} already stored): "
            f"about {self.requests} API requests, ~{minutes:.1f} min at arXiv's 1 request / 3 s"
        )


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


def plan_backfill(loaded: LoadedConfig, paths: Paths, start: date, end: date) -> BackfillPlan:
    from arxivbot.sources.backfill import estimate_requests

    if end < start:
        raise QueryError(f"--to {end} is before --from {start}")
    days = calendar.announcement_days(start, end)
    with open_store(paths.db) as store:
        stored = set(store.announcement_days())
    missing = tuple(d for d in days if d not in stored)
    estimate = estimate_requests(
        list(missing),
        fetch_categories(loaded.config),
        min_interval_seconds=loaded.config.sources.min_interval_seconds,
    )
    return BackfillPlan(missing, len(days) - len(missing), estimate.requests, estimate.seconds)


def backfill(
    loaded: LoadedConfig,
    paths: Paths,
    plan: BackfillPlan,
    *,
    progress: ProgressSink = silent,
    clock: Clock = utc_now,
) -> BackfillReport:
    """Fetch each planned day, store and rank it; resumable (stored days are skipped)."""
    from arxivbot.sources.http import PoliteClient
    from arxivbot.stages import backfill_listing, rank_stage, render_stage, store_listing

    profiles = resolve_profiles(loaded.config)
    filled: list[date] = []
    issues: list[StageIssue] = []
    with open_store(paths.db) as store, store.run_lock():
        with PoliteClient(loaded.config.sources, store=store) as http:
            for index, day in enumerate(plan.days):
                progress(ProgressEvent("backfill", str(day), index, len(plan.days)))
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
