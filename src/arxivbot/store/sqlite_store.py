"""``Store``: the SQLite implementation of :class:`~arxivbot.store.api.StoreApi`.

Each public method is one short transaction (a write) or one consistent snapshot
(a read) unless called inside ``with store.transaction():``, which groups writes
into one atomic unit. A ``Store`` may be shared by threads: each transaction borrows a
connection from a bounded pool (see :mod:`arxivbot.store.db`); WAL lets the web server
read while a scheduled run writes.
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
    rankings,
    rendered,
    retention,
    runs,
    search,
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
from arxivbot.store.db import DEFAULT_BUSY_TIMEOUT_MS, Database, translate_errors
from arxivbot.store.lock import run_lock
from arxivbot.store.migrations import migrate


class Store:
    """An open arxivbot database file."""

    def __init__(
        self, path: Path, *, clock: Clock = utc_now, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS
    ) -> None:
        self.path = path
        self._clock = clock
        self._db = Database(path, busy_timeout_ms=busy_timeout_ms)
        self._df_cache: dict[str, int] = {}
        self._df_lock = threading.Lock()
        try:
            with self._db.session() as conn, translate_errors(path):
                migrate(conn, str(path))
        except BaseException:
            self._db.close()
            raise

    # -- lifecycle ---------------------------------------------------------------------
    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
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
        """Cross-process lock so two runs never write concurrently (RunLockedError)."""
        return self._run_lock(wait_seconds)

    @contextmanager
    def _run_lock(self, wait_seconds: float) -> Iterator[Path]:
        with run_lock(self.path, wait_seconds=wait_seconds, clock=self._clock) as path:
            # One run at a time holds this file's lock, so a claim still here was left by a
            # run that was killed: its summaries are ours to pay now, not after its lease.
            with self._db.write() as conn:
                claims.clear_claims(conn)
            yield path

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
            count = search.count_matches(conn, search.phrase_query(key))
        with self._df_lock:
            self._df_cache[key] = count
        return count

    def _forget_frequencies(self) -> None:
        with self._df_lock:
            self._df_cache.clear()

    def search(self, fts_query: str, filters: SearchFilters) -> list[SearchHit]:
        with self._db.read() as conn:
            return search.search(conn, fts_query, filters)

    def rebuild_search_index(self) -> None:
        with self._db.write() as conn:
            search.fts_rebuild(conn)

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
            if not self._db.in_transaction:
                with self._db.session() as conn, translate_errors(self.path):
                    conn.execute("PRAGMA incremental_vacuum").fetchall()
        return deleted

    def vacuum(self) -> None:
        """Rewrite the file compactly (exclusive, slow on big stores: run it rarely)."""
        if self._db.in_transaction:
            raise StoreError("vacuum() cannot run inside a transaction")
        with self._db.session() as conn, translate_errors(self.path):
            conn.execute("VACUUM")

    def generation(self) -> Hashable:
        """The database file's and its WAL's stat: changes whenever a write commits."""
        parts: list[object] = []
        for candidate in (self.path, self.path.with_name(self.path.name + "-wal")):
            try:
                stat = candidate.stat()
            except OSError:
                parts.append(None)
                continue
            parts.append((stat.st_mtime_ns, stat.st_size, stat.st_ino))
        return tuple(parts)

    def checkpoint(self) -> None:
        """Fold the WAL into the main file (e.g. before copying the file elsewhere)."""
        with self._db.session() as conn, translate_errors(self.path):
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def check(self) -> list[str]:
        """Problems found by ``PRAGMA integrity_check``, FK and FTS checks ([] = healthy)."""
        with self._db.read() as conn:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            problems = [p for p in problems if p != "ok"]
            problems += [
                f"foreign key violation in {row[0]} (row {row[1]} -> {row[2]})"
                for row in conn.execute("PRAGMA foreign_key_check")
            ]
            problems += search.fts_check(conn)
        return problems


def open_store(
    path: Path | str, *, clock: Clock = utc_now, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS
) -> StoreApi:
    """Open (creating and migrating if needed) the store at ``path``: a SQLite file, or a
    ``postgresql://`` URL (the ``postgres`` extra: psycopg 3 with a connection pool)."""
    url = postgres_url(path)
    if url is not None:
        try:
            from arxivbot.store.pg_store import PgStore
        except ImportError as exc:
            raise StoreError(
                "a postgresql:// store needs psycopg", hint="pip install 'arxivbot[postgres]'"
            ) from exc
        return PgStore(url, clock=clock, timeout_s=busy_timeout_ms / 1000)
    db_path = Path(path).expanduser()
    if str(path) == ":memory:":
        raise StoreError("the store needs a file path (':memory:' cannot be shared by threads)")
    if not db_path.parent.is_dir():
        try:
            db_path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the folder for the database {db_path}: {exc}",
                hint="pass --db with a writable path",
            ) from exc
    return Store(db_path, clock=clock, busy_timeout_ms=busy_timeout_ms)


def postgres_url(target: Path | str) -> str | None:
    """``target`` as a PostgreSQL URL, or None for a file path. A URL that went through
    ``Path()`` lost a slash (``postgresql:/host/db``); it is given back."""
    text = str(target)
    for scheme in ("postgresql:", "postgres:"):
        if text.startswith(scheme):
            rest = text[len(scheme) :].lstrip("/")
            return f"postgresql://{rest}"
    return None


def _conforms(store: Store) -> StoreApi:
    """Never called: makes mypy prove that Store implements the StoreApi protocol."""
    return store
