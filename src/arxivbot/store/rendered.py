"""Rendered summaries: the HTML of a summary, one row per (summary key, variant).

Written by the render stage after it renders a summary the store did not have, read back
by every later run, so a summary's Markdown is rendered once, not once per run per output.
The caller decides whether a row is still good (its ``renderer`` and ``text_hash``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from arxivbot.models import SummaryKey
from arxivbot.store.api import RenderedSummary
from arxivbot.store.conn import Conn

_CHUNK = 500


def get_rendered(conn: Conn, keys: Sequence[SummaryKey]) -> list[RenderedSummary]:
    """Every stored rendering (any variant, any renderer version) of the summaries ``keys``."""
    wanted = set(keys)
    ids = sorted({key.arxiv_id for key in wanted})
    found: list[RenderedSummary] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            "SELECT arxiv_id, version, model, prompt_hash, language, variant, renderer, "
            f"text_hash, html FROM rendered_summaries WHERE arxiv_id IN ({marks})",
            chunk,
        )
        for row in rows:
            key = SummaryKey(row[0], row[1], row[2], row[3], row[4])
            if key in wanted:
                found.append(RenderedSummary(key, row[5], row[6], row[7], row[8]))
    return found


def put_rendered(conn: Conn, items: Iterable[RenderedSummary]) -> None:
    """Store renderings, replacing an older one of the same summary and variant."""
    conn.executemany(
        "INSERT INTO rendered_summaries (arxiv_id, version, model, prompt_hash, language, "
        "variant, renderer, text_hash, html) VALUES (?,?,?,?,?,?,?,?,?) "
        "ON CONFLICT (arxiv_id, version, model, prompt_hash, language, variant) DO UPDATE SET "
        "renderer=excluded.renderer, text_hash=excluded.text_hash, html=excluded.html",
        [
            (
                item.key.arxiv_id,
                item.key.version,
                item.key.model,
                item.key.prompt_hash,
                item.key.language,
                item.variant,
                item.renderer,
                item.text_hash,
                item.html,
            )
            for item in items
        ],
    )
