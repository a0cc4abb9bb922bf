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
from collections.abc import Sequence
from datetime import date

from arxivbot.errors import QueryError
from arxivbot.store.api import SearchFilters, SearchHit
from arxivbot.store.codec import paper_from_row, text_day

HIGHLIGHT_OPEN = "**"  # snippet markers (Markdown bold); the text itself is untrusted
HIGHLIGHT_CLOSE = "**"
_SNIPPET_TOKENS = 24
_ID_CHUNK = 500
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


# -- keeping the index in sync ---------------------------------------------------------
def fts_remove(conn: sqlite3.Connection, paper_ids: Sequence[int]) -> None:
    """Drop the indexed text of these papers (call *before* changing their text)."""
    for start in range(0, len(paper_ids), _ID_CHUNK):
        chunk = paper_ids[start : start + _ID_CHUNK]
        marks = ",".join("?" * len(chunk))
        conn.execute(
            f"INSERT INTO paper_fts(paper_fts, rowid, {_FTS_COLUMNS}) "
            f"SELECT 'delete', id, {_FTS_COLUMNS} FROM paper_text WHERE id IN ({marks})",
            chunk,
        )


def fts_add(conn: sqlite3.Connection, paper_ids: Sequence[int]) -> None:
    """Index the current text of these papers (call *after* changing it)."""
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
    where, params = _filter_sql(filters, "f.rowid")
    try:
        # One table in FROM and ``ORDER BY rank``: FTS5 sorts internally and streams
        # rows in rank order, so the filters (correlated EXISTS) and snippet() run
        # only until the page is full. A JOIN or ``rowid IN (...)`` would instead rank
        # every match externally or re-run the match per id (100x slower).
        ranked = conn.execute(
            "SELECT f.rowid AS id, f.rank AS score, "
            f"snippet(paper_fts, -1, ?, ?, '…', {_SNIPPET_TOKENS}) AS snippet "
            f"FROM paper_fts AS f WHERE f.paper_fts MATCH ? {where} "
            "ORDER BY f.rank LIMIT ? OFFSET ?",
            (
                HIGHLIGHT_OPEN,
                HIGHLIGHT_CLOSE,
                query,
                *params,
                max(filters.limit, 0),
                max(filters.offset, 0),
            ),
        ).fetchall()
    except sqlite3.OperationalError as exc:
        if _is_query_error(exc):
            raise _query_error(fts_query, exc) from None
        raise
    papers = {row["id"]: row for row in _paper_rows(conn, [row["id"] for row in ranked])}
    return [
        SearchHit(
            paper=paper_from_row(papers[row["id"]]),
            announced_on=text_day(papers[row["id"]]["first_announced"]),
            rank=float(row["score"]),
            snippet=row["snippet"] or "",
        )
        for row in ranked
        if row["id"] in papers
    ]


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
