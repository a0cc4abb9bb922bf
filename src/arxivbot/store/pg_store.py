"""``PgStore``: the PostgreSQL implementation of :class:`~arxivbot.store.api.StoreApi`.

Same contract and same table modules as the SQLite ``Store`` (the SQL both engines
accept, see :mod:`arxivbot.store.conn`); what differs lives in the ``pg_*`` modules:
connections and transactions (``pg_db``), the schema (``pg_schema``), full-text search
(``pg_search``) and the run lock (``pg_lock``). Many
processes on many machines may share one database: writes are short transactions, the
run lock is an advisory lock, and summary workers claim their papers.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import date, datetime
from pathlib import Path
from types import TracebackType

from arxivbot.clock import Clock, utc_now
from arxivbot.errors import StoreError
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
from arxivbot.store import (
    claims,
    extras,
    papers,
    pg_search,
    rankings,
    rendered,
    retention,
    runs,
    summaries,
    verdicts,
)
from arxivbot.store.api import (
    DigestInfo,
    RenderedSummary,
    RunRecord,
    SearchFilters,
    SearchHit,
    StoreApi,
)
from arxivbot.store.codec import paper_from_row
from arxivbot.store.pg_db import DEFAULT_TIMEOUT_S, PgDatabase, translate_pg_errors
from arxivbot.store.pg_lock import pg_run_lock
from arxivbot.store.pg_schema import migrate
from arxivbot.store.search import phrase_query


class PgStore:
    """An open arxivbot database on a PostgreSQL server."""

    def __init__(
        self, url: str, *, clock: Clock = utc_now, timeout_s: float = DEFAULT_TIMEOUT_S
    ) -> None:
        self._db = PgDatabase(url, timeout_s=timeout_s)
        self.url = self._db.label
        # A label, not a file: what messages and cache keys show (the URL, no password).
        self.path = Path(self.url)
        self._clock = clock
        self._df_cache: dict[str, int] = {}
        self._df_lock = threading.Lock()
        try:
            with self._db.session() as conn, translate_pg_errors(self.url):
                migrate(conn, self.url)
        except BaseException:
            self._db.close()
            raise

    # -- lifecycle ---------------------------------------------------------------------
    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> PgStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def transaction(self) -> AbstractContextManager[None]:
        return self._transaction()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._db.write():
            yield

    def run_lock(self, wait_seconds: float = 0.0) -> AbstractContextManager[Path]:
        """An advisory lock held by this process's session (RunLockedError if taken)."""
        return pg_run_lock(self._db, self.path, wait_seconds=wait_seconds, clock=self._clock)

    # -- papers and announcements ------------------------------------------------------
    def upsert_papers(self, items: Iterable[Paper]) -> int:
        with self._db.write() as conn:
            changed = papers.upsert_papers(conn, items, self._clock())
        if changed:
            self._forget_frequencies()
        return changed

    def add_announcements(self, announcements: Iterable[Announcement]) -> int:
        with self._db.write() as conn:
            return papers.add_announcements(conn, announcements)

    def get_paper(self, arxiv_id: str) -> Paper | None:
        return self.get_papers([arxiv_id]).get(arxiv_id)

    def get_papers(self, arxiv_ids: Sequence[str]) -> dict[str, Paper]:
        with self._db.read() as conn:
            return papers.get_papers(conn, sorted(set(arxiv_ids)))

    def announced_papers(
        self, announced_on: date, types: Sequence[AnnounceType]
    ) -> list[tuple[Paper, Announcement]]:
        with self._db.read() as conn:
            return papers.announced_papers(conn, announced_on, types)

    def announcement_days(self, since: date | None = None) -> list[date]:
        with self._db.read() as conn:
            return papers.announcement_days(conn, since)

    def paper_count(self) -> int:
        with self._db.read() as conn:
            return papers.paper_count(conn)

    def iter_papers(self, batch_size: int = 1000) -> Iterator[Paper]:
        """Every stored paper in storage order, one short read per batch."""
        after = 0
        while True:
            with self._db.read() as conn:
                rows = papers.paper_batch(conn, after, max(batch_size, 1))
            if not rows:
                return
            after = rows[-1]["id"]
            yield from (paper_from_row(row) for row in rows)

    # -- rankings ----------------------------------------------------------------------
    def save_ranking(
        self,
        profile: str,
        announced_on: date,
        ranked: Sequence[RankedPaper],
        matched: int | None = None,
    ) -> None:
        with self._db.write() as conn:
            rankings.save_ranking(conn, profile, announced_on, ranked, self._clock(), matched)

    def digest_info(self, profile: str, announced_on: date) -> DigestInfo | None:
        with self._db.read() as conn:
            return rankings.digest_info(conn, profile, announced_on)

    def load_ranking(self, profile: str, announced_on: date) -> list[RankedPaper]:
        with self._db.read() as conn:
            return rankings.load_ranking(conn, profile, announced_on)

    def ranking_days(self, profile: str) -> list[date]:
        with self._db.read() as conn:
            return rankings.ranking_days(conn, profile)

    def ranking_profiles(self) -> list[str]:
        with self._db.read() as conn:
            return rankings.ranking_profiles(conn)

    # -- summaries ---------------------------------------------------------------------
    def get_summary(self, key: SummaryKey) -> Summary | None:
        with self._db.read() as conn:
            return summaries.get_summary(conn, key)

    def latest_summary(self, arxiv_id: str) -> Summary | None:
        return self.latest_summaries([arxiv_id]).get(arxiv_id)

    def latest_summaries(self, arxiv_ids: Sequence[str]) -> dict[str, Summary]:
        with self._db.read() as conn:
            return summaries.latest_summaries(conn, arxiv_ids)

    def put_summary(self, summary: Summary) -> None:
        with self._db.write() as conn:
            summaries.put_summary(conn, summary)

    def claim_summary(self, key: SummaryKey, owner: str, until: datetime) -> bool:
        with self._db.write() as conn:
            return claims.claim_summary(conn, key, owner, self._clock(), until)

    def release_claims(self, owner: str) -> None:
        with self._db.write() as conn:
            claims.release_claims(conn, owner)

    def get_rendered(self, keys: Sequence[SummaryKey]) -> list[RenderedSummary]:
        with self._db.read() as conn:
            return rendered.get_rendered(conn, keys)

    def put_rendered(self, items: Sequence[RenderedSummary]) -> None:
        if items:
            with self._db.write() as conn:
                rendered.put_rendered(conn, items)

    # -- runs --------------------------------------------------------------------------
    def start_run(self, kind: str, started_at: datetime) -> int:
        with self._db.write() as conn:
            return runs.start_run(conn, kind, started_at)

    def finish_run(self, report: RunReport, kind: str = "run") -> None:
        with self._db.write() as conn:
            runs.finish_run(conn, report, kind)

    def last_run(self, kind: str = "run", status: str | None = None) -> RunRecord | None:
        with self._db.read() as conn:
            return runs.last_run(conn, kind, status)

    def recent_runs(self, limit: int = 20) -> list[RunRecord]:
        with self._db.read() as conn:
            return runs.recent_runs(conn, limit)

    # -- term statistics and search ----------------------------------------------------
    def document_frequency(self, phrase: str) -> int:
        """Stored papers whose title or abstract contains ``phrase`` (cached)."""
        key = " ".join(phrase.lower().split())
        if not key:
            return 0
        with self._df_lock:
            cached = self._df_cache.get(key)
        if cached is not None:
            return cached
        with self._db.read() as conn:
            count = pg_search.count_matches(conn, phrase_query(key))
        with self._df_lock:
            self._df_cache[key] = count
        return count

    def _forget_frequencies(self) -> None:
        with self._df_lock:
            self._df_cache.clear()

    def search(self, fts_query: str, filters: SearchFilters) -> list[SearchHit]:
        with self._db.read() as conn:
            return pg_search.search(conn, fts_query, filters)

    def rebuild_search_index(self) -> None:
        with self._db.write() as conn:
            conn.execute("UPDATE papers AS p SET search = arxivbot_paper_vector(p)")

    # -- embeddings, feedback, notifications, HTTP cache -------------------------------
    def get_embeddings(self, model: str, arxiv_ids: Sequence[str]) -> dict[str, bytes]:
        with self._db.read() as conn:
            return extras.get_embeddings(conn, model, arxiv_ids)

    def put_embeddings(self, model: str, vectors: dict[str, bytes]) -> None:
        with self._db.write() as conn:
            extras.put_embeddings(conn, model, vectors)

    def get_verdicts(
        self, model: str, interests_hash: str, papers: Sequence[tuple[str, int]]
    ) -> dict[str, JudgeVerdict]:
        with self._db.read() as conn:
            return verdicts.get_verdicts(conn, model, interests_hash, papers)

    def put_verdicts(self, items: Sequence[JudgeVerdict]) -> None:
        with self._db.write() as conn:
            verdicts.put_verdicts(conn, items)

    def add_feedback(self, profile: str, arxiv_id: str, value: int, at: datetime) -> None:
        with self._db.write() as conn:
            extras.add_feedback(conn, profile, arxiv_id, value, at)

    def feedback(self, profile: str) -> dict[str, int]:
        with self._db.read() as conn:
            return extras.feedback(conn, profile)

    def was_notified(self, profile: str, target: str, announced_on: date) -> bool:
        with self._db.read() as conn:
            return extras.was_notified(conn, profile, target, announced_on)

    def mark_notified(self, profile: str, target: str, announced_on: date, at: datetime) -> None:
        with self._db.write() as conn:
            extras.mark_notified(conn, profile, target, announced_on, at)

    def get_http_cache(self, url: str) -> tuple[str, str] | None:
        with self._db.read() as conn:
            return extras.get_http_cache(conn, url)

    def put_http_cache(self, url: str, etag: str, last_modified: str) -> None:
        with self._db.write() as conn:
            extras.put_http_cache(conn, url, etag, last_modified)

    # -- maintenance -------------------------------------------------------------------
    def prune(self, keep_days: int, today: date) -> int:
        with self._db.write() as conn:
            deleted = retention.prune(conn, keep_days, today)
        if deleted:
            self._forget_frequencies()
        return deleted

    def vacuum(self) -> None:
        """``VACUUM ANALYZE``: reclaim dead rows and refresh the planner's statistics."""
        if self._db.in_transaction:
            raise StoreError("vacuum() cannot run inside a transaction")
        with self._db.session() as conn, translate_pg_errors(self.url):
            conn.raw.execute("VACUUM ANALYZE")

    def generation(self) -> Hashable:
        """The write counter (``store_generation``, bumped by triggers on every write)."""
        with self._db.read() as conn:
            return int(conn.execute("SELECT n FROM store_generation").fetchone()[0])

    def checkpoint(self) -> None:
        """Nothing to fold on a server (SQLite folds its WAL here); kept for the contract."""

    def check(self) -> list[str]:
        """Rows whose search vector disagrees with their text ([] = healthy)."""
        with self._db.read() as conn:
            row = conn.execute(
                "SELECT count(*) FROM papers AS p WHERE p.search <> arxivbot_paper_vector(p)"
            ).fetchone()
        if row[0]:
            return [
                f"full-text index out of sync for {row[0]} papers; "
                "run the store's rebuild_search_index()"
            ]
        return []


def _conforms(store: PgStore) -> StoreApi:
    """Never called: makes mypy prove that PgStore implements the StoreApi protocol."""
    return store
