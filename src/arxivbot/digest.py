"""Assemble :class:`Digest` objects from the store: one profile, one announcement day.

Shared by the pipeline (after ranking), the ``render`` command and the web server, so a
digest shown anywhere is built the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from types import MappingProxyType

from arxivbot.clock import Clock
from arxivbot.config import Profile
from arxivbot.models import AnnounceType, DayStats, Digest, Summary
from arxivbot.store.api import StoreApi

FIRST = (AnnounceType.NEW, AnnounceType.CROSS)
ALL_TYPES = tuple(AnnounceType)


def day_stats(
    store: StoreApi, day: date, categories: Sequence[str], matched: int = 0, kept: int = 0
) -> DayStats:
    """Counts of one stored announcement day, limited to the profile's categories."""
    wanted = set(categories)
    counts = dict.fromkeys(AnnounceType, 0)
    for paper, announcement in store.announced_papers(day, ALL_TYPES):
        if wanted.intersection(paper.categories):
            counts[announcement.announce_type] += 1
    replaced = counts[AnnounceType.REPLACE] + counts[AnnounceType.REPLACE_CROSS]
    return DayStats(
        fetched=sum(counts.values()),
        new=counts[AnnounceType.NEW],
        cross=counts[AnnounceType.CROSS],
        replaced=replaced,
        matched=matched,
        kept=kept,
    )


def load_digest(store: StoreApi, profile: Profile, day: date, clock: Clock) -> Digest:
    """The stored ranking of ``day`` for ``profile``, with the latest summary of each paper.

    ``generated_at`` is when the digest's content last changed (its ranking or a summary),
    not the wall clock: re-rendering an unchanged day gives byte-identical outputs.
    """
    ranked = store.load_ranking(profile.name, day)
    summaries: dict[str, Summary] = store.latest_summaries([r.paper.arxiv_id for r in ranked])
    info = store.digest_info(profile.name, day)
    matched = info.matched if info is not None else len(ranked)
    changed = [summary.created_at for summary in summaries.values()]
    if info is not None:
        changed.append(info.saved_at)
    stats = day_stats(store, day, profile.categories, matched=matched, kept=len(ranked))
    return Digest(
        profile=profile.name,
        announced_on=day,
        generated_at=max(changed, default=None) or clock(),
        papers=tuple(ranked),
        stats=stats,
        summaries=MappingProxyType(summaries),
    )


def load_history(
    store: StoreApi, profile: Profile, clock: Clock, *, until: date | None = None, days: int = 30
) -> list[Digest]:
    """Digests of the ranked days in the ``days`` before ``until`` (inclusive), newest first."""
    ranked_days = sorted(store.ranking_days(profile.name), reverse=True)
    if until is not None:
        ranked_days = [d for d in ranked_days if d <= until]
    if ranked_days:
        newest = ranked_days[0]
        horizon = newest - timedelta(days=days)
        ranked_days = [d for d in ranked_days if d > horizon]
    return [load_digest(store, profile, day, clock) for day in ranked_days]
