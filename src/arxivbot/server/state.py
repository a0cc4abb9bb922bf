"""What the web server's routes share: config, profiles, the store, caches and the runner."""

from __future__ import annotations

import threading
from collections.abc import Hashable
from datetime import date
from pathlib import Path

from fastapi import HTTPException

from arxivbot.clock import Clock
from arxivbot.config import LoadedConfig, Profile, fetch_categories, resolve_profiles
from arxivbot.models import RankedPaper, Summary
from arxivbot.server.cache import CachedBody, GenerationCache, store_generation
from arxivbot.server.limits import SearchGate
from arxivbot.server.scheduler import RunCoordinator, Runner, Scheduler
from arxivbot.store.api import StoreApi
from arxivbot.store.sqlite_store import postgres_url

RankedDay = tuple[tuple[RankedPaper, Summary | None], ...]
# Searches run at once (CPU-bound in SQLite, so about the core count) and queued behind.
SEARCH_SLOTS = 2
SEARCH_QUEUE = 64


class ServerState:
    """One per app. The store is opened once and shared: each request borrows a SQLite
    connection from its bounded pool (see ``arxivbot.store.db``), so request threads never
    share a cursor and open files stay flat however many threads come and go.
    """

    def __init__(
        self,
        loaded: LoadedConfig,
        *,
        db_path: Path,
        output_dir: Path,
        runner: Runner | None,
        clock: Clock,
        scheduler: bool,
    ) -> None:
        self.loaded = loaded
        self.config = loaded.config
        self.db_path = db_path
        self.output_dir = output_dir
        self.clock = clock
        self.profiles: dict[str, Profile] = {p.name: p for p in resolve_profiles(self.config)}
        self.default_profile = next(iter(self.profiles.values()))
        self.categories = frozenset(fetch_categories(self.config))
        self.max_age = self.config.server.cache_max_age
        self.bodies: GenerationCache[CachedBody] = GenerationCache()
        self.days: GenerationCache[RankedDay] = GenerationCache(max_entries=256)
        self.searches = SearchGate(active=SEARCH_SLOTS, waiting=SEARCH_QUEUE)
        self.coordinator = RunCoordinator(runner, clock=clock)
        self.scheduler: Scheduler | None = None
        if scheduler and runner is not None:
            server = self.config.server
            self.scheduler = Scheduler(
                self.coordinator, server.schedule, server.timezone, clock=clock
            )
        self._store: StoreApi | None = None
        self._store_lock = threading.Lock()

    # -- store -------------------------------------------------------------------------
    def store(self) -> StoreApi:
        with self._store_lock:
            if self._store is None:
                from arxivbot.store import open_store

                self._store = open_store(self.db_path)
            return self._store

    def close(self) -> None:
        if self.scheduler is not None:
            self.scheduler.stop()
        with self._store_lock:
            if self._store is not None:
                self._store.close()
                self._store = None

    def generation(self) -> Hashable:
        if postgres_url(self.db_path) is not None:  # shared by replicas: ask the server
            return self.store().generation()
        return store_generation(self.db_path)  # a stat, without opening the store

    # -- lookups that answer 404 ---------------------------------------------------------
    def profile(self, name: str | None) -> Profile:
        if name is None:
            return self.default_profile
        found = self.profiles.get(name)
        if found is None:
            raise HTTPException(404, f"unknown profile {name!r}; known: {', '.join(self.profiles)}")
        return found

    def check_category(self, category: str | None) -> None:
        if category is not None and category not in self.categories:
            known = ", ".join(sorted(self.categories))
            raise HTTPException(404, f"unknown category {category!r}; this server has: {known}")

    def site_root(self, profile: Profile) -> Path:
        return self.output_dir / profile.output_subdir if profile.output_subdir else self.output_dir

    # -- ranked days, cached per store generation -------------------------------------------
    def ranked_day(self, profile: Profile, day: date) -> RankedDay:
        def build() -> RankedDay:
            store = self.store()
            ranked = store.load_ranking(profile.name, day)
            return tuple((item, store.latest_summary(item.paper.arxiv_id)) for item in ranked)

        return self.days.get(("day", profile.name, day), self.generation(), build)
