"""Weekly and monthly roll-ups (``arxivbot digest --week/--month``), from the store alone.

A roll-up covers one ISO week (Monday–Sunday) or calendar month of announcement days and
holds, per profile: the period's top papers (each paper once, at its best daily score),
themes among the kept papers (:mod:`~arxivbot.rollup.terms`, no LLM) and rising terms —
words and phrases whose share of *all* announced papers grew most since the previous
period of the same length, counted from the stored announcements.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from arxivbot.config import Profile
from arxivbot.models import AnnounceType, Paper, RankedPaper
from arxivbot.rollup.terms import RisingTerm, Theme, document_counts, rising_terms, themes
from arxivbot.store.api import StoreApi

TOP = 10
FIRST = (AnnounceType.NEW, AnnounceType.CROSS)


class PeriodKind(StrEnum):
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: date
    end: date  # inclusive

    @classmethod
    def containing(cls, kind: PeriodKind, day: date) -> Period:
        if kind is PeriodKind.WEEK:
            start = day - timedelta(days=day.weekday())
            return cls(kind, start, start + timedelta(days=6))
        last = calendar.monthrange(day.year, day.month)[1]
        return cls(kind, day.replace(day=1), day.replace(day=last))

    @property
    def previous(self) -> Period:
        return Period.containing(self.kind, self.start - timedelta(days=1))

    @property
    def name(self) -> str:
        if self.kind is PeriodKind.WEEK:
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return self.start.strftime("%Y-%m")

    def days(self) -> Iterator[date]:
        day = self.start
        while day <= self.end:
            yield day
            day += timedelta(days=1)


@dataclass(frozen=True)
class Rollup:
    profile: str
    period: Period
    days: tuple[date, ...]  # the ranked days it covers
    top: tuple[RankedPaper, ...]
    themes: tuple[Theme, ...]
    rising: tuple[RisingTerm, ...]
    announced: int  # papers announced in the period (all fetched categories)
    kept: int  # distinct papers the profile's digests kept


def build_rollup(store: StoreApi, profile: Profile, period: Period, top: int = TOP) -> Rollup:
    days = tuple(
        d for d in sorted(store.ranking_days(profile.name)) if period.start <= d <= period.end
    )
    best: dict[str, RankedPaper] = {}
    for day in days:
        for ranked in store.load_ranking(profile.name, day):
            held = best.get(ranked.paper.arxiv_id)
            if held is None or ranked.score > held.score:
                best[ranked.paper.arxiv_id] = ranked
    kept = sorted(best.values(), key=lambda r: (-r.score, r.paper.arxiv_id))
    now = document_counts(_announced(store, period))
    before = document_counts(_announced(store, period.previous))
    return Rollup(
        profile=profile.name,
        period=period,
        days=days,
        top=tuple(kept[:top]),
        themes=tuple(themes([r.paper for r in kept], now)),
        rising=tuple(rising_terms(now, before)),
        announced=now[0],
        kept=len(kept),
    )


def _announced(store: StoreApi, period: Period) -> Iterator[Paper]:
    """Each paper first announced in the period once (new and cross-lists)."""
    seen: set[str] = set()
    for day in period.days():
        for paper, _ in store.announced_papers(day, FIRST):
            if paper.arxiv_id not in seen:
                seen.add(paper.arxiv_id)
                yield paper


__all__ = ["Period", "PeriodKind", "RisingTerm", "Rollup", "Theme", "build_rollup"]
