"""A weekly roll-up over the recorded June 2026 feeds, in a fresh SQLite store.

    python bench/bench_rollup.py [--week 2026-06-15] [--out rollup.md]

Stores every recorded day's combined cs.AI+cs.CL+cs.DC+cs.LG feed, ranks each day with
the original bot's seed config (``shared/fixtures/seed-config.json``, keywords only, no
LLM), then builds the roll-up of the given week against the previous one and prints its
Markdown with the time taken. The original bot had no roll-ups.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path

from arxivbot.config import parse_config, resolve_profiles
from arxivbot.rank import RankContext, rank_day
from arxivbot.rollup import Period, PeriodKind, build_rollup
from arxivbot.rollup.markdown import render_rollup
from arxivbot.rollup.page import render_rollup_page
from arxivbot.sources.rss import parse_feed
from arxivbot.store import open_store

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(os.environ.get("ARXIVBOT_FIXTURES", ROOT.parent / "shared" / "fixtures"))
FEED = "rss/cs.AI+cs.CL+cs.DC+cs.LG.xml"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--week", default="2026-06-15", help="any day of the week to roll up")
    parser.add_argument("--out", type=Path, default=None, help="also write the Markdown here")
    parser.add_argument("--html", type=Path, default=None, help="also write weekly.html here")
    args = parser.parse_args()
    feeds = sorted((FIXTURES / "arxiv-feeds").glob(f"2026-*/{FEED}"))
    if not feeds:
        raise SystemExit(f"recorded feeds not found under {FIXTURES} (set ARXIVBOT_FIXTURES)")
    raw = json.loads((FIXTURES / "seed-config.json").read_text())
    raw["ai_summary"] = {"enabled": False}
    profile = resolve_profiles(parse_config(raw))[0]
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "store.db") as store:
        start = time.perf_counter()
        for feed in feeds:
            listing = parse_feed(feed.read_bytes(), str(feed))
            if listing.announced_on is None:
                continue
            store.upsert_papers(p for p, _ in listing.items)
            store.add_announcements(a for _, a in listing.items)
            result = rank_day(list(listing.items), profile, RankContext())
            store.save_ranking(profile.name, listing.announced_on, result.ranked, result.matched)
        filled = time.perf_counter() - start
        period = Period.containing(PeriodKind.WEEK, date.fromisoformat(args.week))
        start = time.perf_counter()
        rollup = build_rollup(store, profile, period)
        built = time.perf_counter() - start
    text = render_rollup(rollup)
    print(text)
    print(f"configuration: seed-config keywords, {len(feeds)} recorded days stored and ranked in "
          f"{filled:.1f} s; roll-up of {period.name} (vs {period.previous.name}) built in "
          f"{built * 1000:.0f} ms; the original bot: no roll-ups")  # fmt: skip
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    if args.html:  # the page with the site's stylesheet beside it, e.g. for a screenshot
        (args.html / "static").mkdir(parents=True, exist_ok=True)
        css = resources.files("arxivbot") / "static" / "style.css"
        (args.html / "static" / "style.css").write_bytes(css.read_bytes())
        page = render_rollup_page(rollup, "arXiv digest", datetime(2026, 6, 19, 23, tzinfo=UTC))
        (args.html / "weekly.html").write_text(page, encoding="utf-8")


if __name__ == "__main__":
    main()
