"""Semantic ranking cost on a recorded day: peak RSS and wall time, cold and cached.

    python bench/bench_semantic.py [--day 2026-06-02] [--seed-day 2026-06-01]
                                   [--feed cs.AI+cs.CL+cs.DC+cs.LG] [--papers N]

Each measurement runs in a fresh interpreter that reports its own peak RSS
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``) and its wall time from before the first
import to the end of ranking, so the figures are the ranking process only (the feed file
is parsed inside it, as a run would). Every row ranks the same day with the original bot's
keywords (fixtures/seed-config.json, default weights and settings otherwise):

* ``original``: the original bot's substring scorer (what it cost: no model at all);
* ``keywords``: ``rank_day`` without semantic ranking;
* ``semantic cold``: ``rank_day`` with five liked papers (the first five of ``--seed-day``)
  on an empty embeddings cache: the model loads and embeds the seeds and every paper;
* ``semantic cached``: the same day again on the same store: every vector is in the cache,
  so the model never loads.

The papers are stored first (the embeddings cache only keeps vectors of stored papers).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(os.environ.get("ARXIVBOT_FIXTURES", ROOT.parent / "shared" / "fixtures"))

CHILD = r"""
import time
start = time.perf_counter()
import json, resource, sys
from dataclasses import replace
from pathlib import Path

mode, feed, seed_feed, db, count, config_file = sys.argv[1:7]
from arxivbot.config import parse_config, resolve_profiles
from arxivbot.sources.rss import parse_feed

items = list(parse_feed(Path(feed).read_bytes(), feed).items)
if int(count) > 0:
    items = items[: int(count)]
raw = json.loads(Path(config_file).read_text())
loaded = None
if mode == "original":
    from arxivbot.rank.naive import naive_keep, naive_score

    keywords, exclude = raw["keywords"], raw["exclude_keywords"]
    kept = [p for p, _ in items if naive_keep(p, keywords, exclude, raw["min_score"])]
    kept.sort(key=lambda p: -naive_score(p, keywords))
    ranked = len(kept)
else:
    from arxivbot.rank import RankContext, rank_day

    context = RankContext()
    if mode == "semantic":
        from arxivbot.rank import build_semantic_scorer
        from arxivbot.store import open_store

        seeds = [p for p, _ in parse_feed(Path(seed_feed).read_bytes(), seed_feed).items][:5]
        raw["semantic"] = {"seeds": [p.arxiv_id for p in seeds]}
        store = open_store(db)
        store.upsert_papers([*seeds, *(p for p, _ in items)])
        profile = resolve_profiles(parse_config(raw))[0]
        scorer, notes = build_semantic_scorer(
            profile.semantic,
            get_paper=store.get_paper,
            get_embeddings=store.get_embeddings,
            put_embeddings=store.put_embeddings,
        )
        assert scorer is not None, notes
        context = RankContext(semantic=scorer)
    profile = resolve_profiles(parse_config(raw))[0]
    result = rank_day(items, replace(profile, max_papers=len(items)), context)
    ranked = result.matched
    if context.semantic is not None:
        loaded = getattr(context.semantic.encoder, "loaded", None)
wall = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"papers": len(items), "kept": ranked, "wall_s": wall, "peak_mb": peak_mb,
                  "model_loaded": loaded}))
"""


def _run(mode: str, feed: Path, seed_feed: Path, db: str, count: int) -> dict[str, object]:
    config = FIXTURES / "seed-config.json"
    argv = [mode, str(feed), str(seed_feed), db, str(count), str(config)]
    out = subprocess.run(
        [sys.executable, "-c", CHILD, *argv], check=True, capture_output=True, text=True
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--day", default="2026-06-02")
    parser.add_argument("--seed-day", default="2026-06-01")
    parser.add_argument("--feed", default="cs.AI+cs.CL+cs.DC+cs.LG")
    parser.add_argument("--papers", type=int, default=0, help="0: the whole day")
    args = parser.parse_args()
    feeds = FIXTURES / "arxiv-feeds"
    feed = feeds / args.day / "rss" / f"{args.feed.removesuffix('.xml')}.xml"
    seed_feed = feeds / args.seed_day / "rss" / feed.name
    for path in (feed, seed_feed):
        if not path.exists():
            raise SystemExit(f"no recorded feed {path} (set ARXIVBOT_FIXTURES)")
    from arxivbot.rank.semantic import semantic_available

    modes = ["original", "keywords"]
    if semantic_available():
        modes += ["semantic", "semantic"]
    else:
        print("semantic extra not installed: pip install 'arxivbot[semantic]'")
    print(f"{args.day} {feed.name}, seed-config.json keywords, default settings")
    print("| run | papers | kept | wall (s) | peak RSS (MB) | model loaded |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.sqlite3")
        cold = True
        for mode in modes:
            label = mode
            if mode == "semantic":
                label, cold = ("semantic cold" if cold else "semantic cached"), False
            r = _run(mode, feed, seed_feed, db, args.papers)
            loaded = "—" if r["model_loaded"] is None else str(r["model_loaded"]).lower()
            print(
                f"| {label} | {r['papers']} | {r['kept']} | {float(str(r['wall_s'])):.2f} | "
                f"{float(str(r['peak_mb'])):.0f} | {loaded} |"
            )


if __name__ == "__main__":
    main()
