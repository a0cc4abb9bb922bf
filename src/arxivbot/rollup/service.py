"""Roll-ups for the configured profiles, written where their digests go."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from arxivbot.config import LoadedConfig, resolve_profiles
from arxivbot.errors import UsageError
from arxivbot.fsutil import atomic_write_text
from arxivbot.paths import Paths
from arxivbot.rollup import Period, PeriodKind, build_rollup
from arxivbot.rollup.markdown import FILE_NAMES, render_rollup
from arxivbot.rollup.page import PAGE_NAMES, render_rollup_page
from arxivbot.store import open_store


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
            rollup = build_rollup(store, item, Period.containing(kind, anchor))
            folder = out_dir if len(profiles) == 1 else out_dir / item.name
            folder.mkdir(parents=True, exist_ok=True)
            text = render_rollup(rollup)
            written.append((atomic_write_text(folder / FILE_NAMES[kind], text), text))
            # the page's date is when its newest digest last changed: re-runs are identical
            saved = [
                info.saved_at for d in rollup.days if (info := store.digest_info(item.name, d))
            ]
            page = render_rollup_page(rollup, loaded.config.output.site_title, max(saved))
            written.append((atomic_write_text(folder / PAGE_NAMES[kind], page), ""))
    return written
