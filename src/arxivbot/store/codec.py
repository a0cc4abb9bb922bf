"""Conversions between domain values and SQLite column values (ISO text, JSON)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from arxivbot.models import Paper, ScoreComponent

PAPER_COLUMNS = (
    "arxiv_id, version, title, authors, abstract, primary_category, categories, "
    "comment, journal_ref, doi, license, submitted, updated"
)


def dt_text(moment: datetime | None) -> str | None:
    """An aware datetime as ISO-8601 UTC text (naive values are taken as UTC)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def text_dt(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def must_dt(text: str) -> datetime:
    moment = text_dt(text)
    if moment is None:
        raise ValueError("missing timestamp")
    return moment


def day_text(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def text_day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def paper_values(paper: Paper) -> tuple[object, ...]:
    """Column values in :data:`PAPER_COLUMNS` order."""
    return (
        paper.arxiv_id,
        paper.version,
        paper.title,
        json.dumps(list(paper.authors), ensure_ascii=False),
        paper.abstract,
        paper.primary_category,
        json.dumps(list(paper.categories), ensure_ascii=False),
        paper.comment,
        paper.journal_ref,
        paper.doi,
        paper.license,
        dt_text(paper.submitted),
        dt_text(paper.updated),
    )


def paper_from_row(row: Any) -> Paper:
    """A paper from a ``papers`` row (``sqlite3.Row`` or ``pg_db.Row``)."""
    return Paper(
        arxiv_id=row["arxiv_id"],
        version=row["version"],
        title=row["title"],
        authors=tuple(json.loads(row["authors"])),
        abstract=row["abstract"],
        primary_category=row["primary_category"],
        categories=tuple(json.loads(row["categories"])),
        comment=row["comment"],
        journal_ref=row["journal_ref"],
        doi=row["doi"],
        license=row["license"],
        submitted=text_dt(row["submitted"]),
        updated=text_dt(row["updated"]),
    )


def components_json(components: tuple[ScoreComponent, ...]) -> str:
    return json.dumps(
        [
            {
                "kind": c.kind,
                "label": c.label,
                "field": c.field,
                "contribution": c.contribution,
                "detail": c.detail,
            }
            for c in components
        ],
        ensure_ascii=False,
    )


def components_from_json(text: str) -> tuple[ScoreComponent, ...]:
    return tuple(
        ScoreComponent(
            kind=str(item["kind"]),
            label=str(item["label"]),
            field=str(item["field"]),
            contribution=float(item["contribution"]),
            detail=str(item.get("detail", "")),
        )
        for item in json.loads(text)
    )
