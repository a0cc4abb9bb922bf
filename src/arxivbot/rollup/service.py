"""Roll-ups for the configured profiles, written where their digests go."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

from arxivbot.config import LoadedConfig, resolve_profiles
from arxivbot.errors import UsageError
from arxivbot.fsutil import atomic_write_text
from arxivbot.paths import Paths
from arxivbot.rollup import Period, PeriodKind, Rollup, build_rollup
from arxivbot.rollup.feed import FEED_NAMES, rollup_feed
from arxivbot.rollup.markdown import FILE_NAMES, render_rollup
from arxivbot.rollup.page import PAGE_NAMES, render_rollup_page
from arxivbot.store import open_store
from arxivbot.store.api import StoreApi

FEED_PERIODS = 8  # roll-ups in the feed, newest first (periods without a digest skipped)


def write_rollups(
    loaded: LoadedConfig,
    paths: Paths,
    kind: PeriodKind,
    day: date | None,
    profile: str | None,
    out_dir: Path,
) -> list[tuple[Path, str]]:
    """(path, Markdown) per profile; one profile writes ``out_dir/weekly.md``, several
    write ``out_dir/<profile>/weekly.md`` (the layout of their digests)."""
    profiles = resolve_profiles(loaded.config)
    chosen = [p for p in profiles if profile is None or p.name == profile]
    if not chosen:
        names = ", ".join(p.name for p in profiles)
        raise UsageError(f"unknown profile {profile!r}", hint=f"choose one of: {names}")
    written: list[tuple[Path, str]] = []
    with open_store(paths.db) as store:
        for item in chosen:
            ranked = store.ranking_days(item.name)
            anchor = day or (max(ranked) if ranked else None)
            if anchor is None:
                raise UsageError(f"profile {item.name} has no digest yet", hint="run arxivbot run")
            period = Period.containing(kind, anchor)
            rollup = build_rollup(store, item, period)
            folder = out_dir if len(profiles) == 1 else out_dir / item.name
            folder.mkdir(parents=True, exist_ok=True)
            text = render_rollup(rollup)
            written.append((atomic_write_text(folder / FILE_NAMES[kind], text), text))
            title = loaded.config.output.site_title
            page = render_rollup_page(rollup, title, _changed(store, rollup))
            written.append((atomic_write_text(folder / PAGE_NAMES[kind], page), ""))
            recent = [(rollup, _changed(store, rollup))]
            for _ in range(FEED_PERIODS - 1):
                period = period.previous
                if any(period.start <= d <= period.end for d in ranked):  # else: no digest
                    older = build_rollup(store, item, period)
                    recent.append((older, _changed(store, older)))
            feed = rollup_feed(recent, title, loaded.config.output.site_url)
            written.append((atomic_write_text(folder / FEED_NAMES[kind], feed), ""))
    return written


def _changed(store: StoreApi, rollup: Rollup) -> datetime:
    """When the roll-up's newest digest last changed (re-runs write identical files)."""
    infos = [store.digest_info(rollup.profile, d) for d in rollup.days]
    saved = [info.saved_at for info in infos if info is not None]
    return max(saved, default=datetime.combine(rollup.period.end, time(), UTC))
