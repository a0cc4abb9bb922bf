"""Schema and numbered migrations (``PRAGMA user_version`` holds the applied number).

Schema (version 1)
------------------
``papers``            one row per arXiv paper at its newest known version.
                      ``id`` INTEGER PK (the FTS rowid), ``arxiv_id`` UNIQUE (no version),
                      version, title, ``authors`` JSON array, abstract, primary_category,
                      ``categories`` JSON array, comment, journal_ref, doi, license,
                      ``submitted``/``updated`` ISO-8601 UTC or NULL, ``first_seen`` ISO UTC,
                      ``first_announced`` ISO date of its earliest stored announcement.
``paper_categories``  (category, paper_id): every category of every paper, indexed,
                      for fast "any of these categories" filters.
``announcements``     (arxiv_id, version, announced_on, announce_type, feed_category);
                      unique on (arxiv_id, announced_on, announce_type, feed_category).
``digests``           (profile, announced_on, saved_at): a ranking was saved for the day
                      (v2: + matched count before the cut, content_hash of the ranking)
                      (also when it kept no paper, so an empty day is still history).
``rankings``          (profile, announced_on, arxiv_id) PK, rank, score, ``components`` JSON,
                      forced, and the announcement it ranked (version, ann_on, type, category).
``summaries``         unique (arxiv_id, version, model, prompt_hash, language): text, source,
                      input/output tokens, created_at. No FK: a paid summary is never
                      deleted together with a paper.
``runs``              id, kind, started_at, finished_at, status, announced_on, report JSON.
``embeddings``        (model, arxiv_id) PK, ``vector`` BLOB.
``feedback``          (profile, arxiv_id) PK, value (+1 like / -1 dislike / 0 cleared), at.
``notifications``     (profile, target, announced_on) PK, sent_at.
``http_cache``        url PK, etag, last_modified, stored_at.
``judge_verdicts``    (v4) (arxiv_id, version, interests_hash, model) PK, score 0-10,
                      one-line reason, created_at: the LLM judge's verdicts, paid once.
``paper_text``        VIEW: title, abstract, authors (", "-joined), newest summary text.
                      (Authors are unwrapped from their JSON text with string functions:
                      json_each() inside the view breaks FTS5's integrity-check.)
                      (v3: + comment, journal_ref)
``paper_fts``         FTS5 external-content index over ``paper_text`` (porter stemming,
                      diacritics folded). The store keeps it in sync explicitly (see
                      ``search.py``): every change to a paper or its summaries removes the
                      old indexed values and re-adds the new ones in the same transaction.

Rules: migrations only ever get appended; each runs in one transaction together with
the ``user_version`` bump, so a crash leaves either the old or the new schema.
"""

from __future__ import annotations

import sqlite3

from arxivbot.errors import StoreError

_V1 = (
    """CREATE TABLE papers (
        id INTEGER PRIMARY KEY,
        arxiv_id TEXT NOT NULL UNIQUE,
        version INTEGER NOT NULL,
        title TEXT NOT NULL,
        authors TEXT NOT NULL,
        abstract TEXT NOT NULL,
        primary_category TEXT NOT NULL,
        categories TEXT NOT NULL,
        comment TEXT NOT NULL DEFAULT '',
        journal_ref TEXT NOT NULL DEFAULT '',
        doi TEXT NOT NULL DEFAULT '',
        license TEXT NOT NULL DEFAULT '',
        submitted TEXT,
        updated TEXT,
        first_seen TEXT NOT NULL,
        first_announced TEXT
    )""",
    "CREATE INDEX papers_first_announced ON papers(first_announced)",
    """CREATE TABLE paper_categories (
        category TEXT NOT NULL,
        paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
        PRIMARY KEY (category, paper_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX paper_categories_paper ON paper_categories(paper_id)",
    """CREATE TABLE announcements (
        arxiv_id TEXT NOT NULL REFERENCES papers(arxiv_id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        announced_on TEXT NOT NULL,
        announce_type TEXT NOT NULL
            CHECK (announce_type IN ('new', 'cross', 'replace', 'replace-cross')),
        feed_category TEXT NOT NULL,
        UNIQUE (arxiv_id, announced_on, announce_type, feed_category)
    )""",
    "CREATE INDEX announcements_day ON announcements(announced_on, announce_type)",
    """CREATE TABLE digests (
        profile TEXT NOT NULL,
        announced_on TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        PRIMARY KEY (profile, announced_on)
    ) WITHOUT ROWID""",
    """CREATE TABLE rankings (
        profile TEXT NOT NULL,
        announced_on TEXT NOT NULL,
        arxiv_id TEXT NOT NULL REFERENCES papers(arxiv_id),
        rank INTEGER NOT NULL,
        score REAL NOT NULL,
        components TEXT NOT NULL,
        forced INTEGER NOT NULL DEFAULT 0,
        version INTEGER NOT NULL,
        ann_on TEXT NOT NULL,
        ann_type TEXT NOT NULL,
        ann_category TEXT NOT NULL,
        PRIMARY KEY (profile, announced_on, arxiv_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX rankings_paper ON rankings(arxiv_id)",
    """CREATE TABLE summaries (
        arxiv_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        model TEXT NOT NULL,
        prompt_hash TEXT NOT NULL,
        language TEXT NOT NULL,
        text TEXT NOT NULL,
        source TEXT NOT NULL,
        input_tokens INTEGER NOT NULL DEFAULT 0,
        output_tokens INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        UNIQUE (arxiv_id, version, model, prompt_hash, language)
    )""",
    "CREATE INDEX summaries_paper ON summaries(arxiv_id, created_at)",
    """CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL,
        announced_on TEXT,
        report TEXT NOT NULL DEFAULT '{}'
    )""",
    "CREATE INDEX runs_kind ON runs(kind, started_at)",
    """CREATE TABLE embeddings (
        model TEXT NOT NULL,
        arxiv_id TEXT NOT NULL REFERENCES papers(arxiv_id) ON DELETE CASCADE,
        vector BLOB NOT NULL,
        PRIMARY KEY (model, arxiv_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX embeddings_paper ON embeddings(arxiv_id)",
    """CREATE TABLE feedback (
        profile TEXT NOT NULL,
        arxiv_id TEXT NOT NULL,
        value INTEGER NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (profile, arxiv_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX feedback_paper ON feedback(arxiv_id)",
    """CREATE TABLE notifications (
        profile TEXT NOT NULL,
        target TEXT NOT NULL,
        announced_on TEXT NOT NULL,
        sent_at TEXT NOT NULL,
        PRIMARY KEY (profile, target, announced_on)
    ) WITHOUT ROWID""",
    """CREATE TABLE http_cache (
        url TEXT PRIMARY KEY,
        etag TEXT NOT NULL DEFAULT '',
        last_modified TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE VIEW paper_text AS
    SELECT p.id AS id, p.title AS title, p.abstract AS abstract,
        replace(substr(p.authors, 3, length(p.authors) - 4), '", "', ', ') AS authors,
        coalesce((SELECT s.text FROM summaries AS s WHERE s.arxiv_id = p.arxiv_id
                  ORDER BY s.created_at DESC, s.rowid DESC LIMIT 1), '') AS summary
    FROM papers AS p""",
    """CREATE VIRTUAL TABLE paper_fts USING fts5(
        title, abstract, authors, summary,
        content = 'paper_text', content_rowid = 'id',
        tokenize = 'porter unicode61 remove_diacritics 2'
    )""",
    # Title hits weigh most, then authors; bm25 is "lower is better".
    "INSERT INTO paper_fts(paper_fts, rank) VALUES ('rank', 'bm25(8.0, 1.0, 3.0, 1.0)')",
)

# Version 2: a digest remembers how many papers matched before the max_papers cut, and a
# hash of its content, so re-saving an identical ranking keeps its saved_at ("Last
# Updated" only moves when the digest really changed).
_V2 = (
    "ALTER TABLE digests ADD COLUMN matched INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE digests ADD COLUMN content_hash TEXT NOT NULL DEFAULT ''",
)

# Version 3: comments and journal references join the full-text index, so `co:` and `jr:`
# searches use it instead of scanning (the index is rebuilt once, from the papers table).
_V3 = (
    "DROP TABLE paper_fts",
    "DROP VIEW paper_text",
    """CREATE VIEW paper_text AS
    SELECT p.id AS id, p.title AS title, p.abstract AS abstract,
        replace(substr(p.authors, 3, length(p.authors) - 4), '", "', ', ') AS authors,
        coalesce((SELECT s.text FROM summaries AS s WHERE s.arxiv_id = p.arxiv_id
                  ORDER BY s.created_at DESC, s.rowid DESC LIMIT 1), '') AS summary,
        p.comment AS comment, p.journal_ref AS journal_ref
    FROM papers AS p""",
    """CREATE VIRTUAL TABLE paper_fts USING fts5(
        title, abstract, authors, summary, comment, journal_ref,
        content = 'paper_text', content_rowid = 'id',
        tokenize = 'porter unicode61 remove_diacritics 2'
    )""",
    "INSERT INTO paper_fts(paper_fts, rank) VALUES ('rank', 'bm25(8.0, 1.0, 3.0, 1.0, 1.0, 1.0)')",
    "INSERT INTO paper_fts(paper_fts) VALUES ('rebuild')",
)

# Version 4: the LLM relevance judge's verdicts, paid once per (paper, version, hash of the
# reader's interests, model). No FK, like summaries: a paid verdict outlives a pruned paper.
_V4 = (
    """CREATE TABLE judge_verdicts (
        arxiv_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        interests_hash TEXT NOT NULL,
        model TEXT NOT NULL,
        score REAL NOT NULL,
        reason TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (arxiv_id, version, interests_hash, model)
    ) WITHOUT ROWID""",
)

# Version 5: the HTML of each summary, rendered once per (summary, variant) and reused by
# every run's feeds, site and e-mail (render/stored_html.py). ``renderer`` names the
# renderer's version and ``text_hash`` the Markdown rendered, so a row made by an older
# renderer, or from a summary re-written under the same key, is never served. No FK, like
# summaries; plain columns and a composite key, so other SQL backends mirror it as is.
_V5 = (
    """CREATE TABLE rendered_summaries (
        arxiv_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        model TEXT NOT NULL,
        prompt_hash TEXT NOT NULL,
        language TEXT NOT NULL,
        variant TEXT NOT NULL,
        renderer TEXT NOT NULL,
        text_hash TEXT NOT NULL,
        html TEXT NOT NULL,
        PRIMARY KEY (arxiv_id, version, model, prompt_hash, language, variant)
    )""",
)


# Version 6: who is paying for which summary. A worker claims a summary key just before
# the LLM call (claims.py), so N processes sharing one store (PostgreSQL) pay each
# summary once; a claim expires at ``until`` so a crashed worker's papers come back.
_V6 = (
    """CREATE TABLE summary_claims (
        arxiv_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        model TEXT NOT NULL,
        prompt_hash TEXT NOT NULL,
        language TEXT NOT NULL,
        owner TEXT NOT NULL,
        until TEXT NOT NULL,
        PRIMARY KEY (arxiv_id, version, model, prompt_hash, language)
    )""",
)

# Version 7: a store-wide write counter, the cache key of ``arxivbot serve`` replicas that
# share a PostgreSQL store (there, statement triggers bump it in the writer's transaction).
# A SQLite server keys its caches on the file's stat instead, so here it stays 0.
_V7 = (
    "CREATE TABLE store_generation (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL)",
    "INSERT INTO store_generation (id, n) VALUES (1, 0)",
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2, _V3, _V4, _V5, _V6, _V7)
LATEST_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    return version


def migrate(conn: sqlite3.Connection, path: str) -> int:
    """Bring the schema to :data:`LATEST_VERSION`; refuse a newer database."""
    current = schema_version(conn)
    _refuse_newer(current, path)
    if current == LATEST_VERSION:
        return current
    if current == 0 and not _has_tables(conn):
        # Must precede the first table; lets prune() hand freed pages back cheaply.
        conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = schema_version(conn)  # another process may have migrated meanwhile
        _refuse_newer(current, path)
        for number in range(current + 1, LATEST_VERSION + 1):
            for statement in MIGRATIONS[number - 1]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return LATEST_VERSION


def _refuse_newer(current: int, path: str) -> None:
    if current > LATEST_VERSION:
        raise StoreError(
            f"database was created by a newer arxivbot; upgrade "
            f"({path} has schema version {current}, this arxivbot knows up to {LATEST_VERSION})",
            hint="pip install -U arxivbot",
        )


def _has_tables(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return bool(row[0])
