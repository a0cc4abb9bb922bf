"""Full-text search on PostgreSQL: the FTS5 query syntax compiled to a ``tsquery``.

``Store.search`` takes the same text on both backends (FTS5's syntax, after
:func:`arxivbot.store.search.normalise_query` mapped ``ti:``-style aliases and quoted
compound words): words (AND-ed), ``"exact phrases"``, ``OR``, ``NOT``, ``prefix*``,
``NEAR(a b, 5)``, ``column:word``, ``column:(a OR b)`` and ``{col col}: ...``.
:func:`compile_query` parses that and prints a ``to_tsquery`` text in which every phrase
is one quoted literal (PostgreSQL's own parser splits it exactly as it split the indexed
text, so ``GPT-4`` or ``self-supervised`` match as they were written), columns become the
weights of ``papers.search`` (title A, abstract B, authors/comment/journal ref C, summary
D) and ``NEAR`` is approximated by AND (a superset, as the exact matcher rechecks).

Ranking is ``ts_rank`` with the same relative column weights as SQLite's bm25 (title 8,
authors 3, the rest 1), negated so that, as with bm25, lower is better. ``rank_window``
ranks only the newest N matches; ``time_limit`` is a ``statement_timeout``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import psycopg.errors

from arxivbot.errors import QueryError
from arxivbot.store.api import SearchFilters, SearchHit
from arxivbot.store.codec import paper_from_row, text_day
from arxivbot.store.pg_db import PgConn
from arxivbot.store.search import (
    HIGHLIGHT_CLOSE,
    HIGHLIGHT_OPEN,
    SearchTimeout,
    normalise_query,
)

WEIGHTS = {
    "title": "A",
    "abstract": "B",
    "authors": "C",
    "comment": "C",
    "journal_ref": "C",
    "summary": "D",
}
# ts_rank's weight array is {D, C, B, A}: summary 1, authors 3, abstract 1, title 8.
_RANK_WEIGHTS = "'{0.125, 0.375, 0.125, 1.0}'"
_HEADLINE = (
    f"StartSel={HIGHLIGHT_OPEN}, StopSel={HIGHLIGHT_CLOSE}, MaxWords=24, MinWords=8, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)
_TOKEN = re.compile(r'\s*(?:(")((?:[^"]|"")*)("?)|([(){}:,*])|([^\s"(){}:,*]+))')


@dataclass
class _Parser:
    tokens: list[str]
    source: str
    pos: int = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise self.error("unexpected end of query")
        self.pos += 1
        return token

    def error(self, detail: str) -> QueryError:
        return QueryError(
            f'bad search query {self.source!r}: {detail}. Use words, "exact phrases", OR, '
            "NOT, prefix*, and column filters title: abstract: authors: summary: "
            '(quote anything with punctuation, e.g. "self-supervised")'
        )

    # or := and ("OR" and)* ; and := not (["AND"] not)* ; not := atom ("NOT" atom)*
    def parse_or(self, weights: str) -> str:
        parts = [self.parse_and(weights)]
        while self.peek() == "OR":
            self.take()
            parts.append(self.parse_and(weights))
        return parts[0] if len(parts) == 1 else "(" + " | ".join(parts) + ")"

    def parse_and(self, weights: str) -> str:
        parts = [self.parse_not(weights)]
        while (token := self.peek()) is not None and token not in ("OR", ")"):
            if token == "AND":
                self.take()
            parts.append(self.parse_not(weights))
        return parts[0] if len(parts) == 1 else "(" + " & ".join(parts) + ")"

    def parse_not(self, weights: str) -> str:
        result = self.parse_atom(weights)
        while self.peek() == "NOT":
            self.take()
            result = f"({result} & !{self.parse_atom(weights)})"
        return result

    def parse_atom(self, weights: str) -> str:
        token = self.take()
        if token in ("AND", "OR", "NOT", ")", ",", ":", "*", "}"):
            raise self.error(f"syntax error near {token!r}")
        if token == "(":
            inner = self.parse_or(weights)
            if self.take() != ")":
                raise self.error("missing ')'")
            return inner
        if token == "{":
            return self.parse_columns(weights)
        if token == "NEAR" and self.peek() == "(":
            return self.parse_near(weights)
        if self.peek() == ":" and not token.startswith('"'):
            self.take()
            return self.parse_atom(_column_weights(self, [token]))
        return self.phrase(token, weights)

    def parse_columns(self, weights: str) -> str:
        names: list[str] = []
        while (token := self.take()) != "}":
            names.append(token)
        if self.take() != ":":
            raise self.error("a {column set} must be followed by ':'")
        return self.parse_atom(_column_weights(self, names))

    def parse_near(self, weights: str) -> str:
        self.take()  # "("
        parts: list[str] = []
        while self.peek() not in (")", ",", None):
            parts.append(self.phrase(self.take(), weights))
        if self.peek() == ",":
            self.take()
            if not self.take().isdigit():
                raise self.error("NEAR(...) takes a number after the comma")
        if self.take() != ")" or not parts:
            raise self.error("NEAR(...) needs phrases and a closing ')'")
        return "(" + " & ".join(parts) + ")"

    def phrase(self, token: str, weights: str) -> str:
        text = token[1:-1].replace('""', '"') if token.startswith('"') else token
        if token.startswith('"') and (len(token) < 2 or not token.endswith('"')):
            raise self.error("unterminated string")
        prefix = self.peek() == "*"
        if prefix:
            self.take()
        if not token.startswith('"') and not re.fullmatch(r"\w+", text):
            raise self.error(f"syntax error near {text!r}")
        literal = text.replace("\\", "\\\\").replace("'", "''")
        suffix = ("*" if prefix else "") + weights
        return f"'{literal}'" + (f":{suffix}" if suffix else "")


def _column_weights(parser: _Parser, names: list[str]) -> str:
    letters: set[str] = set()
    for name in names:
        if name not in WEIGHTS:
            raise parser.error(f"no such column: {name}")
        letters.add(WEIGHTS[name])
    return "".join(sorted(letters))


def _tokens(query: str) -> list[str]:
    tokens: list[str] = []
    pos = 0
    while pos < len(query):
        match = _TOKEN.match(query, pos)
        if match is None or match.end() == pos:
            if query[pos:].strip():
                tokens.append(query[pos:].strip())
            break
        if match.group(1):
            tokens.append('"' + match.group(2) + match.group(3))
        else:
            tokens.append(match.group(4) or match.group(5))
        pos = match.end()
    return tokens


def compile_query(fts_query: str) -> str:
    """A ``to_tsquery('arxivbot', ...)`` text for an FTS5-syntax query (QueryError if bad)."""
    source = fts_query
    parser = _Parser(_tokens(normalise_query(fts_query.strip())), source)
    result = parser.parse_or("")
    if parser.peek() is not None:
        raise parser.error(f"syntax error near {parser.peek()!r}")
    return result


def count_matches(conn: PgConn, fts_query: str) -> int:
    try:
        tsquery = compile_query(fts_query)
    except QueryError:
        return 0
    row = conn.execute(
        "SELECT count(*) FROM papers WHERE search @@ to_tsquery('arxivbot', ?)", (tsquery,)
    ).fetchone()
    return int(row[0])


def search(conn: PgConn, fts_query: str, filters: SearchFilters) -> list[SearchHit]:
    if not normalise_query(fts_query.strip()):
        return _browse(conn, filters)
    tsquery = compile_query(fts_query)
    if filters.time_limit is None:
        rows = _ranked_rows(conn, tsquery, filters)
    else:
        rows = _limited(conn, tsquery, filters, fts_query)
    return [
        SearchHit(
            paper=paper_from_row(row),
            announced_on=text_day(row["first_announced"]),
            rank=float(row["score"]),
            snippet=row["snippet"] or "",
        )
        for row in rows
    ]


def _limited(conn: PgConn, tsquery: str, filters: SearchFilters, source: str) -> list[Any]:
    """The ranked rows under ``statement_timeout``, set inside a savepoint so that neither
    the limit nor a cancelled statement outlives this search."""
    seconds = filters.time_limit or 0.0
    conn.raw.execute("SAVEPOINT search_limit")
    conn.raw.execute(f"SET LOCAL statement_timeout = {max(1, int(seconds * 1000))}".encode())
    try:
        rows = _ranked_rows(conn, tsquery, filters)
    except psycopg.errors.QueryCanceled:
        conn.raw.execute("ROLLBACK TO SAVEPOINT search_limit")
        raise SearchTimeout(
            f"the search {source!r} took longer than {seconds:g} s",
            hint="use rarer words, longer prefixes or a date range",
        ) from None
    conn.raw.execute("SET LOCAL statement_timeout = DEFAULT")
    conn.raw.execute("RELEASE SAVEPOINT search_limit")
    return rows


def _ranked_rows(conn: PgConn, tsquery: str, filters: SearchFilters) -> list[Any]:
    """The page asked for, best first, with snippets for that page only."""
    where, params = filter_sql(filters, "p.id")
    limit, offset = max(filters.limit, 0), max(filters.offset, 0)
    window = ""
    if filters.rank_window is not None:  # rank the newest matches only
        window = f"ORDER BY p.id DESC LIMIT {max(filters.rank_window, offset + limit)}"
    return conn.execute(
        "WITH q AS (SELECT to_tsquery('arxivbot', ?) AS q), "
        f"matched AS (SELECT p.id FROM papers AS p, q WHERE p.search @@ q.q {where} {window}), "
        f"ranked AS (SELECT p.id, -ts_rank({_RANK_WEIGHTS}, p.search, q.q) AS score "
        "FROM papers AS p JOIN matched USING (id), q "
        "ORDER BY score, p.id DESC LIMIT ? OFFSET ?) "
        "SELECT p.*, r.score, ts_headline('arxivbot', concat_ws(' … ', p.title, p.abstract, "
        f"arxivbot_authors(p.authors)), q.q, '{_HEADLINE}') AS snippet "
        "FROM ranked AS r JOIN papers AS p USING (id), q ORDER BY r.score, p.id DESC",
        (tsquery, *params, limit, offset),
    ).fetchall()


def _browse(conn: PgConn, filters: SearchFilters) -> list[SearchHit]:
    """No text query: the newest papers that pass the filters."""
    where, params = filter_sql(filters, "p.id")
    rows = conn.execute(
        f"SELECT p.* FROM papers AS p WHERE TRUE {where} "
        "ORDER BY p.first_announced DESC NULLS LAST, p.arxiv_id DESC LIMIT ? OFFSET ?",
        (*params, max(filters.limit, 0), max(filters.offset, 0)),
    ).fetchall()
    return [
        SearchHit(paper_from_row(row), announced_on=text_day(row["first_announced"]), rank=0.0)
        for row in rows
    ]


def filter_sql(filters: SearchFilters, paper_id: str) -> tuple[str, list[object]]:
    """``AND ...`` clauses for the date and category filters (as SQLite's ``_filter_sql``)."""
    clauses: list[str] = []
    params: list[object] = []
    if filters.date_from is not None or filters.date_to is not None:
        clauses.append("p.first_announced BETWEEN ? AND ?")
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
                tests.append("(c.category = ? OR starts_with(c.category, ?))")
                params.extend([category, f"{category}."])
        clauses.append(
            f"EXISTS (SELECT 1 FROM paper_categories AS c WHERE c.paper_id = {paper_id} "
            f"AND ({' OR '.join(tests)}))"
        )
    return "".join(f" AND {clause}" for clause in clauses), params
