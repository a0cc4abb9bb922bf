"""A real store and output folder for the web server tests and bench: recorded arXiv days
parsed, ranked with the seed config, real qwen-long summaries, one hostile paper, then the
feeds and the site written by the render stage."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from arxivbot.clock import fixed_clock
from arxivbot.config import LoadedConfig, Profile, parse_config, resolve_profiles
from arxivbot.digest import load_history
from arxivbot.models import (
    Announcement,
    AnnounceType,
    DayStats,
    Paper,
    RankedPaper,
    RunReport,
    ScoreComponent,
    Summary,
    SummaryKey,
    SummarySource,
)
from arxivbot.rank import RankContext, rank_day
from arxivbot.render import FeedMeta, write_feeds, write_site
from arxivbot.sources.rss import parse_feed
from arxivbot.store import open_store

FEED = "cs.AI+cs.CL+cs.DC+cs.LG"
DAYS = (date(2026, 6, 1), date(2026, 6, 2))
NOW = datetime(2026, 6, 2, 6, 0, tzinfo=UTC)
CLOCK = fixed_clock(NOW)
HOSTILE_ID = "2606.99999"
HOSTILE_TITLE = '<script>alert("title")</script> Efficient LLM Inference & Q&A <b>bold</b>'
HOSTILE_SUMMARY = (
    "## Summary\n\nClick [here](javascript:alert(1)) now.\n\n<script>alert(2)</script>\n\n"
    '<img src=x onerror="alert(3)"> **bold**'
)
OLD_STYLE_ID = "hep-th/9901001"
SECRET_URL_PART = "T0SECRETWEBHOOK"


@dataclass(frozen=True)
class World:
    loaded: LoadedConfig
    profile: Profile
    db_path: Path
    output_dir: Path
    ranked: dict[date, tuple[RankedPaper, ...]]
    summarized: tuple[str, ...]


def seed_config(fixtures: Path, **overrides: object) -> LoadedConfig:
    raw = json.loads((fixtures / "seed-config.json").read_text(encoding="utf-8"))
    raw["ai_summary"].pop("prompt_file", None)
    raw["output"] = {"site_title": "Test digest", "site_url": "https://example.org/digest/"}
    raw["notify"] = {
        "targets": [
            {"name": "chat", "url": f"https://hooks.example.org/{SECRET_URL_PART}?token=abc"}
        ]
    }
    raw["server"] = {"admin_token_env": "ARXIVBOT_TEST_ADMIN_TOKEN"}
    raw.update(overrides)
    return LoadedConfig(parse_config(raw), None, ())


def summary_texts(fixtures: Path, count: int) -> list[str]:
    texts: list[str] = []
    with (fixtures / "history" / "qwen_long_summaries.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            texts.append(json.loads(line)["ai_summary"])
            if len(texts) == count:
                break
    return texts


def hostile_paper(day: date) -> tuple[Paper, Announcement]:
    paper = Paper(
        arxiv_id=HOSTILE_ID,
        version=2,
        title=HOSTILE_TITLE,
        authors=("Eve <img src=x onerror=alert(4)>", "Mallory"),
        abstract='An abstract with <a href="javascript:alert(5)">a link</a> and zebrafish.',
        primary_category="cs.LG",
        categories=("cs.LG", "cs.AI"),
    )
    return paper, Announcement(HOSTILE_ID, 2, day, AnnounceType.NEW, "cs.LG")


def old_style_paper(day: date) -> tuple[Paper, Announcement]:
    paper = Paper(
        arxiv_id=OLD_STYLE_ID,
        version=1,
        title="Old-style identifiers still work",
        authors=("A. Physicist",),
        abstract="Strings and branes, for the old-style id route.",
        primary_category="cs.DC",
        categories=("cs.DC",),
    )
    return paper, Announcement(OLD_STYLE_ID, 1, day, AnnounceType.CROSS, "cs.DC")


def build_world(
    fixtures: Path,
    root: Path,
    *,
    summaries: int = 15,
    render: bool = True,
    days: int = 2,
    first: int = 0,
) -> World:
    """``days`` recorded days from ``DAYS[first]`` on; the newest gets the extra papers."""
    loaded = seed_config(fixtures)
    profile = resolve_profiles(loaded.config)[0]
    db_path = root / "db.sqlite3"
    output_dir = root / "out"
    texts = iter(summary_texts(fixtures, summaries))
    ranked_by_day: dict[date, tuple[RankedPaper, ...]] = {}
    summarized: list[str] = []
    with open_store(db_path) as store:
        chosen = DAYS[first : first + days]
        for day in chosen:
            feed = fixtures / "arxiv-feeds" / day.isoformat() / "rss" / f"{FEED}.xml"
            listing = parse_feed(feed.read_bytes(), f"https://rss.arxiv.org/rss/{FEED}")
            items = list(listing.items)
            extras = [hostile_paper(day), old_style_paper(day)] if day == chosen[-1] else []
            items += extras
            store.upsert_papers(p for p, _ in items)
            store.add_announcements(a for _, a in items)
            # Rank the recorded papers only: the extras are placed on top by hand below.
            recorded = items[: len(listing.items)]
            first = [(p, a) for p, a in recorded if a.announce_type.is_first_announcement]
            result = rank_day(first, profile, RankContext())
            ranked = list(result.ranked)
            for offset, (paper, announcement) in enumerate(extras):
                component = ScoreComponent("term", "LLM", "title", 50.0 - offset)
                ranked.insert(offset, RankedPaper(paper, announcement, 50.0 - offset, (component,)))
            ranked = [replace(r, rank=i) for i, r in enumerate(ranked, start=1)]
            store.save_ranking(profile.name, day, ranked)
            ranked_by_day[day] = tuple(ranked)
        newest = ranked_by_day[chosen[-1]]
        for item in newest[:summaries]:
            paper = item.paper
            text = HOSTILE_SUMMARY if paper.arxiv_id == HOSTILE_ID else next(texts, "summary")
            key = SummaryKey(paper.arxiv_id, paper.version, "qwen-long", "p0", "zh")
            store.put_summary(Summary(key, text, SummarySource.FILE, NOW, 1000, 800))
            summarized.append(paper.arxiv_id)
        run_id = store.start_run("run", NOW - timedelta(minutes=5))
        report = RunReport(
            run_id, NOW - timedelta(minutes=5), NOW, "ok", chosen[-1], DayStats(kept=30)
        )
        store.finish_run(report)
        if render:
            render_outputs(store, loaded, profile, output_dir)
    return World(loaded, profile, db_path, output_dir, ranked_by_day, tuple(summarized))


def render_outputs(store: object, loaded: LoadedConfig, profile: Profile, out: Path) -> None:
    config = loaded.config
    history = load_history(store, profile, CLOCK, days=config.output.feed_days)  # type: ignore[arg-type]
    meta = FeedMeta(
        title=config.output.site_title,
        site_url=config.output.site_url,
        feed_url=config.output.site_url,
        description="test digest",
        generated_at=NOW,
    )
    write_feeds(out, history, profile, config, meta)
    write_site(out, history, profile, config, meta)


_SHARED: dict[str, World] = {}


def shared_world(fixtures: Path, tmp_path_factory: object) -> World:
    """One read-only world per test session (building it renders a whole site)."""
    if "world" not in _SHARED:
        root = tmp_path_factory.mktemp("web-world")  # type: ignore[attr-defined]
        _SHARED["world"] = build_world(fixtures, root)
    return _SHARED["world"]
