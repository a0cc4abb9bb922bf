"""The :class:`Source` seam: where announcements come from. arXiv is the first and only one.

A source answers two questions: the latest announcement (``latest``: a conditional GET,
so a 304 is an empty ``Listing(not_modified=True)``) and a past day rebuilt (``day``).
The pipeline calls only these two, through ``RunContext.source``. A second preprint
server needs more than a class here (``Paper`` is keyed by arXiv id; see CONTRIBUTING.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from arxivbot.calendar import schedule_with
from arxivbot.clock import Clock, utc_now
from arxivbot.config.model import SourcesConfig
from arxivbot.models import Listing
from arxivbot.sources.http import PoliteClient


class Source(Protocol):
    @property
    def name(self) -> str: ...

    def latest(
        self,
        http: PoliteClient,
        settings: SourcesConfig,
        categories: Sequence[str],
        *,
        clock: Clock = utc_now,
    ) -> Listing: ...

    def day(
        self, http: PoliteClient, settings: SourcesConfig, categories: Sequence[str], day: date
    ) -> Listing: ...


@dataclass(frozen=True)
class ArxivSource:
    """The RSS feed for the latest day, the search API for a past one."""

    name: str = "arxiv"

    def latest(
        self,
        http: PoliteClient,
        settings: SourcesConfig,
        categories: Sequence[str],
        *,
        clock: Clock = utc_now,
    ) -> Listing:
        from arxivbot.sources.rss import fetch_listing

        return fetch_listing(http, settings, categories, clock=clock)

    def day(
        self, http: PoliteClient, settings: SourcesConfig, categories: Sequence[str], day: date
    ) -> Listing:
        from arxivbot.sources.api import ApiClient
        from arxivbot.sources.backfill import listing_for_day

        schedule = schedule_with(settings.extra_holidays)
        return listing_for_day(ApiClient(http, settings), categories, day, schedule=schedule)


ARXIV = ArxivSource()
SOURCES: tuple[Source, ...] = (ARXIV,)
