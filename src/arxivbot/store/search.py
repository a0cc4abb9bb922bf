"""FTS5 full-text search over titles, abstracts, authors and summaries.

``paper_fts`` is an *external-content* index over the ``paper_text`` view, so the
text is stored once (in ``papers``/``summaries``) and the index holds only tokens.
External content is not synced by SQLite: before a paper's indexed text changes the
old values must be removed with the ``'delete'`` command (fed from the view, i.e.
exactly what was indexed), and after the change the new values re-added. The helpers
:func:`fts_remove` and :func:`fts_add` do that and always run inside the writer's
transaction, so index and content can never disagree after a crash.

Query syntax is FTS5's: words (AND-ed), ``"exact phrases"``, ``OR``, ``NOT``,
``prefix*``, ``NEAR(a b, 5)`` and column filters ``title:word`` /
``title:(a OR b)``. arXiv-style aliases ``ti:``, ``abs:``, ``au:``, ``sum:``, ``co:`` and
``jr:`` map to the columns ``title``, ``abstract``, ``authors``, ``summary``, ``comment``
and ``journal_ref``.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date

from arxivbot.errors import ArxivBotError, QueryError
from arxivbot.store.api import SearchFilters, SearchHit
from arxivbot.store.codec import paper_from_row, text_day
from arxivbot.store.conn import Conn

HIGHLIGHT_OPEN = "**"  # snippet markers (Markdown bold); the text itself is untrusted
HIGHLIGHT_CLOSE = "**"
_SNIPPET_TOKENS = 24
_ID_CHUNK = 500
_MAX_ROWID = 2**63 - 1
_PROGRESS_STEPS = 1_000  # SQLite VM steps between deadline checks (~µs each)
# Column weights (title, abstract, authors, summary, comment, journal_ref): title hits
# weigh most, then authors. The same weights are the index's ``rank`` setting (migration
# 3) for ad-hoc SQL; calling bm25() with them directly costs ~40 % less than ``rank``.
_BM25_WEIGHTS = "8.0, 1.0, 3.0, 1.0, 1.0, 1.0"
_ALIASES = {
    "ti": "title",
    "abs": "abstract",
    "au": "authors",
    "sum": "summary",
    "co": "comment",
    "jr": "journal_ref",
}
_ALIAS_RE = re.compile(r"(?<![\w.])(ti|abs|au|sum|co|jr)\s*:")
_FTS_COLUMNS = "title, abstract, authors, summary, comment, journal_ref"
# A bare hyphenated/dotted word (self-supervised, GPT-4, cs.LG) is FTS5 syntax (NOT,
# column filter); users mean the phrase, so we quote it.
_COMPOUND_RE = re.compile(r"(?<![\w\"*])(\w+(?:[-.'+/]\w+)+)(?![\w\"])")


class SearchTimeout(ArxivBotError):
    """A text search ran past ``SearchFilters.time_limit`` and was stopped."""

    exit_code = 2


# -- keeping the index in sync ---------------------------------------------------------
def fts_remove(conn: Conn, paper_ids: Sequence[int]) -> None:
    """Drop the indexed text of these papers (call *before* changing their text).

    A no-op on PostgreSQL, whose ``tsvector`` triggers do this (see ``pg_schema.py``)."""
    if not isinstance(conn, sqlite3.Connection):
        return
    for start in range(0, len(paper_ids), _ID_CHUNK):
        chunk = paper_ids[start : start + _ID_CHUNK]
        marks = ",".join("?" * len(chunk))
        conn.execute(
            f"INSERT INTO paper_fts(paper_fts, rowid, {_FTS_COLUMNS}) "
            f"SELECT 'delete', id, {_FTS_COLUMNS} FROM paper_text WHERE id IN ({marks})",
            chunk,
        )


def fts_add(conn: Conn, paper_ids: Sequence[int]) -> None:
    """Index the current text of these papers (call *after* changing it; SQLite only)."""
    if not isinstance(conn, sqlite3.Connection):
        return
    for start in range(0, len(paper_ids), _ID_CHUNK):
        chunk = paper_ids[start : start + _ID_CHUNK]
        marks = ",".join("?" * len(chunk))
        conn.execute(
            f"INSERT INTO paper_fts(rowid, {_FTS_COLUMNS}) "
            f"SELECT id, {_FTS_COLUMNS} FROM paper_text WHERE id IN ({marks})",
            chunk,
        )


def fts_rebuild(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO paper_fts(paper_fts) VALUES ('rebuild')")


def fts_check(conn: sqlite3.Connection) -> list[str]:
    try:
        conn.execute("INSERT INTO paper_fts(paper_fts, rank) VALUES ('integrity-check', 1)")
    except sqlite3.DatabaseError as exc:
        return [f"full-text index out of sync ({exc}); run the store's rebuild_search_index()"]
    return []


# -- queries -----------------------------------------------------------------------------
def normalise_query(text: str) -> str:
    """Outside quoted phrases: map ``ti:``-style aliases to columns, quote ``a-b`` words."""
    parts = text.split('"')
    for index in range(0, len(parts), 2):  # even parts are outside quotes
        part = _ALIAS_RE.sub(lambda m: f"{_ALIASES[m.group(1)]}:", parts[index])
        parts[index] = _COMPOUND_RE.sub(r'"\1"', part)
    return '"'.join(parts)


def phrase_query(phrase: str, columns: str = "{title abstract}") -> str:
    """An FTS5 query for one exact phrase in the given columns (quotes escaped)."""
    return f'{columns} : "{phrase.replace(chr(34), chr(34) * 2)}"'


def count_matches(conn: sqlite3.Connection, fts_query: str) -> int:
    try:
        row = conn.execute(
            "SELECT count(*) FROM paper_fts WHERE paper_fts MATCH ?", (fts_query,)
        ).fetchone()
    except sqlite3.OperationalError as exc:
        if _is_query_error(exc):
            return 0  # e.g. a phrase that is only punctuation: it occurs nowhere
        raise
    count: int = row[0]
    return count


def search(conn: sqlite3.Connection, fts_query: str, filters: SearchFilters) -> list[SearchHit]:
    query = normalise_query(fts_query.strip())
    if not query:
        return _browse(conn, filters)
    try:
        with _time_limit(conn, filters.time_limit):
            ranked = _ranked_ids(conn, query, filters)
            snippets = _snippets(conn, query, [paper_id for paper_id, _ in ranked])
    except sqlite3.OperationalError as exc:
        if _is_query_error(exc):
            raise _query_error(fts_query, exc) from None
        if str(exc) == "interrupted":
            raise SearchTimeout(
                f"the search {fts_query!r} took longer than {filters.time_limit:g} s",
                hint="use rarer words, longer prefixes or a date range",
            ) from None
        raise
    papers = {row["id"]: row for row in _paper_rows(conn, [paper_id for paper_id, _ in ranked])}
    return [
        SearchHit(
            paper=paper_from_row(papers[paper_id]),
            announced_on=text_day(papers[paper_id]["first_announced"]),
            rank=score,
            snippet=snippets.get(paper_id, ""),
        )
        for paper_id, score in ranked
        if paper_id in papers
    ]


def _ranked_ids(
    conn: sqlite3.Connection, query: str, filters: SearchFilters
) -> list[tuple[int, float]]:
    """(paper id, bm25) of the page asked for, best first.

    Ranking is the cost (bm25 per matching row), so the statement computes nothing else:
    no snippet, no paper columns. A date filter becomes a rowid range the FTS index
    seeks to (a superset: the exact test stays), and ``rank_window`` caps the rows
    ranked to the newest matches, found by walking the index newest first.
    """
    where, params = _filter_sql(filters, "f.rowid")
    low, high, dated = _date_rowids(conn, filters)
    if low > high:
        return []
    limit, offset = max(filters.limit, 0), max(filters.offset, 0)
    window = max(filters.rank_window or 0, offset + limit)
    if filters.rank_window is not None and dated > window:
        newest = conn.execute(
            "SELECT f.rowid FROM paper_fts AS f WHERE f.paper_fts MATCH ? "
            f"AND f.rowid BETWEEN ? AND ? {where} ORDER BY f.rowid DESC LIMIT 1 OFFSET ?",
            (query, low, high, *params, window - 1),
        ).fetchone()
        if newest is not None:  # more matches than the window: rank the newest only
            low = newest[0]
    rows = conn.execute(
        f"SELECT f.rowid, bm25(paper_fts, {_BM25_WEIGHTS}) AS score FROM paper_fts AS f "
        f"WHERE f.paper_fts MATCH ? AND f.rowid BETWEEN ? AND ? {where} "
        "ORDER BY score, f.rowid DESC LIMIT ? OFFSET ?",
        (query, low, high, *params, limit, offset),
    ).fetchall()
    return [(int(row[0]), float(row[1])) for row in rows]


def _date_rowids(conn: sqlite3.Connection, filters: SearchFilters) -> tuple[int, int, int]:
    """(lowest rowid, highest rowid, papers) of the date filter's papers (all without one)."""
    if filters.date_from is None and filters.date_to is None:
        return 0, _MAX_ROWID, _MAX_ROWID
    row = conn.execute(
        "SELECT min(id), max(id), count(*) FROM papers WHERE first_announced BETWEEN ? AND ?",
        (
            (filters.date_from or date.min).isoformat(),
            (filters.date_to or date.max).isoformat(),
        ),
    ).fetchone()
    if row[0] is None:
        return 1, 0, 0  # an empty range: nothing was announced then
    return int(row[0]), int(row[1]), int(row[2])


@contextmanager
def _time_limit(conn: sqlite3.Connection, seconds: float | None) -> Iterator[None]:
    """Interrupt the statements of this block once ``seconds`` have passed (the FTS
    sorter checks for interrupts, so even a huge prefix expansion stops in time)."""
    if seconds is None:
        yield
        return
    deadline = time.monotonic() + seconds
    conn.set_progress_handler(lambda: time.monotonic() > deadline, _PROGRESS_STEPS)
    try:
        yield
    finally:  # the connection goes back to the pool: leave no handler behind
        conn.set_progress_handler(None, 0)


def _snippets(conn: sqlite3.Connection, query: str, ids: list[int]) -> dict[int, str]:
    """Snippets for the returned page only (a rowid lookup each inside the match)."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        f"SELECT rowid, snippet(paper_fts, -1, ?, ?, '…', {_SNIPPET_TOKENS}) FROM paper_fts "
        f"WHERE paper_fts MATCH ? AND rowid IN ({marks})",
        (HIGHLIGHT_OPEN, HIGHLIGHT_CLOSE, query, *ids),
    ).fetchall()
    return {int(row[0]): row[1] or "" for row in rows}


def _browse(conn: sqlite3.Connection, filters: SearchFilters) -> list[SearchHit]:
    """No text query: the newest papers that pass the filters."""
    where, params = _filter_sql(filters, "p.id")
    rows = conn.execute(
        f"SELECT p.* FROM papers AS p WHERE 1 {where} "
        "ORDER BY p.first_announced DESC, p.arxiv_id DESC LIMIT ? OFFSET ?",
        (*params, max(filters.limit, 0), max(filters.offset, 0)),
    ).fetchall()
    return [
        SearchHit(paper_from_row(row), announced_on=text_day(row["first_announced"]), rank=0.0)
        for row in rows
    ]


def _paper_rows(conn: sqlite3.Connection, ids: list[int]) -> list[sqlite3.Row]:
    rows: list[sqlite3.Row] = []
    for start in range(0, len(ids), _ID_CHUNK):
        chunk = ids[start : start + _ID_CHUNK]
        marks = ",".join("?" * len(chunk))
        rows += conn.execute(f"SELECT * FROM papers WHERE id IN ({marks})", chunk).fetchall()
    return rows


def _filter_sql(filters: SearchFilters, paper_id: str) -> tuple[str, list[object]]:
    """``AND ...`` clauses for the filters, correlated on the SQL expression ``paper_id``."""
    clauses: list[str] = []
    params: list[object] = []
    if filters.date_from is not None or filters.date_to is not None:
        clauses.append(
            f"EXISTS (SELECT 1 FROM papers AS d WHERE d.id = {paper_id} "
            "AND d.first_announced >= ? AND d.first_announced <= ?)"
        )
        params += [
            (filters.date_from or date.min).isoformat(),
            (filters.date_to or date.max).isoformat(),
        ]
    if filters.categories:
        tests: list[str] = []
        for category in filters.categories:
            if "." in category:
                tests.append("c.category = ?")
                params.append(category)
            else:  # a whole archive: "cs" is every cs.* category, "hep-th" itself
                tests.append("(c.category = ? OR c.category GLOB ?)")
                params.extend([category, f"{category}.*"])
        clauses.append(
            f"EXISTS (SELECT 1 FROM paper_categories AS c WHERE c.paper_id = {paper_id} "
            f"AND ({' OR '.join(tests)}))"
        )
    return "".join(f" AND {clause}" for clause in clauses), params


def _is_query_error(exc: sqlite3.OperationalError) -> bool:
    text = str(exc)
    return (
        text.startswith("fts5:")
        or "no such column" in text
        or "unterminated string" in text
        or "unknown special query" in text
    )


def _query_error(query: str, exc: sqlite3.OperationalError) -> QueryError:
    detail = str(exc).removeprefix("fts5: ")
    return QueryError(
        f'bad search query {query!r}: {detail}. Use words, "exact phrases", OR, NOT, '
        "prefix*, and column filters title: abstract: authors: summary: "
        '(quote anything with punctuation, e.g. "self-supervised")'
    )
