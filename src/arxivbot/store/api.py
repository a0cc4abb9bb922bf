"""The store's one public interface (contract shared by every stage).

Implementation lives in the sibling modules; this class is what the rest of the
library codes against. All methods are synchronous, use raw parameterised SQL, and
commit their own transaction unless called inside ``with store.transaction():``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Protocol

from arxivbot.models import (
    Announcement,
    AnnounceType,
    JudgeVerdict,
    Paper,
    RankedPaper,
    RunReport,
    Summary,
    SummaryKey,
)


@dataclass(frozen=True)
class SearchHit:
    paper: Paper
    announced_on: date | None
    rank: float  # bm25 (lower is better) or 0 when not a text search
    snippet: str = ""  # untrusted text; matched words wrapped in ** (Markdown bold)


@dataclass(frozen=True)
class SearchFilters:
    date_from: date | None = None
    date_to: date | None = None
    categories: tuple[str, ...] = ()
    limit: int = 50
    offset: int = 0
    # Rank only the newest N text matches (stored order), so a broad query costs the same
    # on a store of any size; None ranks every match (the CLI's exhaustive search).
    rank_window: int | None = None
    # Seconds a text search may take before it is stopped (SearchTimeout); None: no bound.
    time_limit: float | None = None


@dataclass(frozen=True)
class RenderedSummary:
    """The HTML of one summary in one output variant, as one renderer version made it."""

    key: SummaryKey
    variant: str  # which rendering of the summary, e.g. "h3": its top heading level
    renderer: str  # the renderer's version: a row made by another version is stale
    text_hash: str  # sha256 of the Markdown it was rendered from
    html: str  # already sanitised: safe to embed


@dataclass(frozen=True)
class RunRecord:
    run_id: int
    kind: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    announced_on: date | None
    report_json: str


@dataclass(frozen=True)
class DigestInfo:
    """A saved digest: when its content last changed, and how many papers matched."""

    saved_at: datetime
    matched: int


class StoreApi(Protocol):
    path: Path

    def close(self) -> None: ...
    def __enter__(self) -> StoreApi: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def transaction(self) -> AbstractContextManager[None]: ...
    # cross-process lock: two runs never write concurrently (RunLockedError)
    def run_lock(self, wait_seconds: float = 0.0) -> AbstractContextManager[Path]: ...

    # papers and announcements
    def upsert_papers(self, papers: Iterable[Paper]) -> int: ...
    def add_announcements(self, announcements: Iterable[Announcement]) -> int: ...
    def get_paper(self, arxiv_id: str) -> Paper | None: ...
    def get_papers(self, arxiv_ids: Sequence[str]) -> dict[str, Paper]: ...
    def announced_papers(
        self, announced_on: date, types: Sequence[AnnounceType]
    ) -> list[tuple[Paper, Announcement]]: ...
    def announcement_days(self, since: date | None = None) -> list[date]: ...
    def paper_count(self) -> int: ...
    def iter_papers(self, batch_size: int = 1000) -> Iterator[Paper]: ...

    # rankings (one profile's digest for one day)
    def save_ranking(
        self,
        profile: str,
        announced_on: date,
        ranked: Sequence[RankedPaper],
        matched: int | None = None,
    ) -> None: ...
    def digest_info(self, profile: str, announced_on: date) -> DigestInfo | None: ...
    def load_ranking(self, profile: str, announced_on: date) -> list[RankedPaper]: ...
    def ranking_days(self, profile: str) -> list[date]: ...
    def ranking_profiles(self) -> list[str]: ...

    # summaries: paid once per key
    def get_summary(self, key: SummaryKey) -> Summary | None: ...
    def latest_summary(self, arxiv_id: str) -> Summary | None: ...
    def latest_summaries(self, arxiv_ids: Sequence[str]) -> dict[str, Summary]: ...
    def put_summary(self, summary: Summary) -> None: ...
    # a worker's right to pay for one summary until ``until`` (False: stored or taken)
    def claim_summary(self, key: SummaryKey, owner: str, until: datetime) -> bool: ...
    # the run is over: what ``owner`` did not store may be paid by the next run at once
    def release_claims(self, owner: str) -> None: ...

    # rendered summaries: HTML made once per (summary, variant), reused by every run
    def get_rendered(self, keys: Sequence[SummaryKey]) -> list[RenderedSummary]: ...
    def put_rendered(self, items: Sequence[RenderedSummary]) -> None: ...

    # runs
    def start_run(self, kind: str, started_at: datetime) -> int: ...
    def finish_run(self, report: RunReport, kind: str = "run") -> None: ...
    def last_run(self, kind: str = "run", status: str | None = None) -> RunRecord | None: ...
    def recent_runs(self, limit: int = 20) -> list[RunRecord]: ...

    # term statistics (specificity of a term, learned from stored abstracts)
    def document_frequency(self, phrase: str) -> int: ...

    # full-text search over titles, abstracts, authors, summaries
    def search(self, fts_query: str, filters: SearchFilters) -> list[SearchHit]: ...

    # embeddings cache (semantic ranking)
    def get_embeddings(self, model: str, arxiv_ids: Sequence[str]) -> dict[str, bytes]: ...
    def put_embeddings(self, model: str, vectors: dict[str, bytes]) -> None: ...

    # LLM judge verdicts: paid once per (paper, version, interests hash, model)
    def get_verdicts(
        self, model: str, interests_hash: str, papers: Sequence[tuple[str, int]]
    ) -> dict[str, JudgeVerdict]: ...
    def put_verdicts(self, verdicts: Sequence[JudgeVerdict]) -> None: ...

    # feedback (like / dislike)
    def add_feedback(self, profile: str, arxiv_id: str, value: int, at: datetime) -> None: ...
    def feedback(self, profile: str) -> dict[str, int]: ...

    # notifications: one day's digest goes to one target once
    def was_notified(self, profile: str, target: str, announced_on: date) -> bool: ...
    def mark_notified(
        self, profile: str, target: str, announced_on: date, at: datetime
    ) -> None: ...

    # HTTP validators for conditional GET
    def get_http_cache(self, url: str) -> tuple[str, str] | None: ...
    def put_http_cache(self, url: str, etag: str, last_modified: str) -> None: ...

    # retention
    def prune(self, keep_days: int, today: date) -> int: ...

    # maintenance
    def check(self) -> list[str]: ...
    # changes whenever a write commits: the cache key of servers sharing the store
    def generation(self) -> Hashable: ...  # integrity problems; [] when healthy
    def checkpoint(self) -> None: ...  # fold the WAL into the file before copying it
    def vacuum(self) -> None: ...
    def rebuild_search_index(self) -> None: ...
