"""Digests with hostile text, and configs pointing at loopback targets, for the notify tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import MappingProxyType
from typing import Any

from arxivbot.config import Config
from arxivbot.models import (
    Announcement,
    AnnounceType,
    DayStats,
    Digest,
    Paper,
    RankedPaper,
    ScoreComponent,
    Summary,
    SummaryKey,
    SummarySource,
)

DAY = date(2025, 3, 4)
NOW = datetime(2025, 3, 4, 6, 0, tzinfo=UTC)
HOSTILE_TITLE = "Attention <script>alert(1)</script> & *bold* [x](javascript:y) @everyone"


def paper(n: int, title: str | None = None, authors: int = 5) -> RankedPaper:
    arxiv_id = f"2503.{n:05d}"
    p = Paper(
        arxiv_id=arxiv_id,
        version=1,
        title=title or f"Paper number {n} on reinforcement learning",
        authors=tuple(f"Author{n}_{i} Surname" for i in range(authors)),
        abstract=f"We study problem {n}. " + "Long abstract sentence. " * 30,
        primary_category="cs.LG",
        categories=("cs.LG",),
    )
    ann = Announcement(arxiv_id, 1, DAY, AnnounceType.NEW, "cs.LG")
    comps = (ScoreComponent("term", "RL", "title", 1.5),)
    return RankedPaper(p, ann, 3.0 - n / 100, comps, rank=n)


def summary(arxiv_id: str, text: str) -> Summary:
    key = SummaryKey(arxiv_id, 1, "m", "h", "en")
    return Summary(key, text, SummarySource.ABSTRACT, NOW)


def digest(count: int = 3, *, profile: str = "default", hostile: bool = True) -> Digest:
    papers = [paper(i) for i in range(1, count + 1)]
    if hostile and papers:
        papers[0] = paper(1, title=HOSTILE_TITLE)
    summaries = {}
    if papers:
        first = papers[0].paper.arxiv_id
        summaries[first] = summary(
            first, "## TL;DR\n\n**Agents** learn <b>fast</b> from few samples.\n\n## Method\n..."
        )
    return Digest(
        profile=profile,
        announced_on=DAY,
        generated_at=NOW,
        papers=tuple(papers),
        stats=DayStats(fetched=812, new=420, cross=120, kept=count),
        summaries=MappingProxyType(summaries),
    )


def config(
    targets: list[dict[str, Any]], *, profiles: dict[str, Any] | None = None, **notify: Any
) -> Config:
    return Config.model_validate(
        {"notify": {"targets": targets, **notify}, "profiles": profiles or {}}
    )


def mail_url(port: int, extra: str = "") -> str:
    return (
        f"mailto://bot:${{SMTP_PASSWORD}}@127.0.0.1:{port}"
        f"?to=a@x.org,b@y.org&from=bot@x.org&mode=none{extra}"
    )
