"""The commands as step tuples over the recorded arXiv stand-in (loopback, real store)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from arxivbot.app import describe_listing, fetch_latest, rank_stored, render_outputs
from arxivbot.config import load_config
from arxivbot.paths import Paths
from support.arxiv_server import ArxivServer
from support.fixtures import fixtures_dir


def _config(folder: Path, arxiv: ArxivServer) -> Path:
    data = json.loads((fixtures_dir() / "seed-config.json").read_text())
    urls = dict.fromkeys(("rss_base", "arxiv_base", "api_base", "oai_base"), arxiv.url)
    data["sources"] = {**urls, "min_interval_seconds": 0, "max_retries": 1}
    path = folder / "config.json"
    path.write_text(json.dumps(data))
    shutil.copy(fixtures_dir() / "ai_summary_prompt.txt", folder / "ai_summary_prompt.txt")
    return path


def test_fetch_then_an_unchanged_feed_then_rank_and_render(tmp_path: Path) -> None:
    with ArxivServer(day="2026-06-02") as arxiv:
        loaded = load_config(_config(tmp_path, arxiv))
        paths = Paths(db=tmp_path / "db.sqlite3", output=tmp_path / "out")
        first = fetch_latest(loaded, paths)
        assert first.announced_on is not None and first.items
        assert describe_listing(first).startswith(f"stored {len(first.items)} announcements")
        # The second fetch gets a 304: the fetch step's one rule for it re-reads the
        # stored day instead of calling it "no announcement".
        again = fetch_latest(loaded, paths)
        assert again.announced_on == first.announced_on
        assert describe_listing(again).startswith("unchanged:")
    outcome = rank_stored(loaded, paths, None)
    assert outcome.day == first.announced_on and outcome.kept > 0
    written = render_outputs(loaded, paths)
    assert [Path(p).name for p in written][:2] == ["README.md", "papers.json"]
