"""Which papers an export holds: a profile's kept papers (every ranked day) or its likes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from arxivbot.config import LoadedConfig, resolve_profiles
from arxivbot.enrich.links import CodeLink, find_links
from arxivbot.errors import UsageError
from arxivbot.models import Paper, Summary
from arxivbot.rank.seeds import id_date
from arxivbot.store.api import StoreApi


class Selection(StrEnum):
    KEPT = "kept"  # in a stored ranking of the profile
    LIKED = "liked"  # liked (+1) for the profile
    BOTH = "both"


@dataclass(frozen=True)
class ExportItem:
    paper: Paper
    summary: Summary | None
    links: tuple[CodeLink, ...]
    liked: bool
    first_kept: date | None  # the first digest day that showed it (None: liked only)
    score: float | None  # its best score in those digests

    @property
    def issued(self) -> date | None:
        """When the paper appeared: its first submission, else the month its id names."""
        if self.paper.submitted is not None:
            return self.paper.submitted.date()
        return id_date(self.paper.arxiv_id) or self.first_kept


def select_papers(
    store: StoreApi, profile: str, what: Selection, since: date | None = None
) -> list[ExportItem]:
    """The selected papers, oldest arXiv id first (a stable order for re-exports)."""
    kept: dict[str, tuple[date, float]] = {}
    if what is not Selection.LIKED:
        for day in sorted(store.ranking_days(profile)):
            if since is not None and day < since:
                continue
            for ranked in store.load_ranking(profile, day):
                first, best = kept.get(ranked.paper.arxiv_id, (day, ranked.score))
                kept[ranked.paper.arxiv_id] = (first, max(best, ranked.score))
    liked = {key for key, value in store.feedback(profile).items() if value > 0}
    wanted = set(kept) if what is Selection.KEPT else liked
    if what is Selection.BOTH:
        wanted |= set(kept)
    ids = sorted(wanted)
    papers = store.get_papers(ids)
    summaries = store.latest_summaries(ids)
    return [
        ExportItem(
            paper=papers[key],
            summary=summaries.get(key),
            links=find_links(papers[key]),
            liked=key in liked,
            first_kept=kept[key][0] if key in kept else None,
            score=kept[key][1] if key in kept else None,
        )
        for key in ids
        if key in papers  # a like recorded before its paper arrived: nothing to export yet
    ]


def choose_profile(loaded: LoadedConfig, profile: str | None) -> str:
    """The named profile (checked), or the first one."""
    names = [p.name for p in resolve_profiles(loaded.config)]
    if profile is None:
        return names[0]
    if profile not in names:
        raise UsageError(f"unknown profile {profile!r}", hint=f"choose one of: {', '.join(names)}")
    return profile
