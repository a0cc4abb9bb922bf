"""The fork-and-forget path end to end: digest.yml's steps with the REAL arxivbot against a
recorded arXiv day served over loopback, publishing to a local 'GitHub' repository."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from deploy_helpers import (
    REPO,
    Runner,
    branch_files,
    cli_flags,
    config_json,
    git,
    isolate_git,
    make_origin,
)

from support.httpserver import LocalServer, folder

DAY = "2026-06-16"


def test_scheduled_run_publishes_digest_site_and_feeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixtures: Path
) -> None:
    cli_flags("run")  # skips only while the CLI does not exist
    isolate_git(tmp_path, monkeypatch)
    config = config_json()
    config["ai_summary"]["enabled"] = False  # no LLM here; summaries have their own tests
    config.setdefault("sources", {})["min_interval_seconds"] = 0
    origin = make_origin(tmp_path, config)
    with LocalServer() as arxiv:
        arxiv.route("/rss/", folder(fixtures / "arxiv-feeds" / DAY / "rss", "/rss/"))
        bases = {f"ARXIVBOT_{name}_BASE": arxiv.url for name in ("RSS", "ARXIV", "API", "OAI")}

        first = Runner(tmp_path, origin, "run1", fake=False, **bases)
        assert first.full_run() == "0", first.summary.read_text()
        files = branch_files(origin, "digest")
        for needed in ("README.md", "papers.json", "index.html", "rss.xml", "atom.xml"):
            assert needed in files, f"{needed} not published: {sorted(files)[:20]}"
        assert {"vercel.json", ".nojekyll"} <= files
        assert "config.json" not in files, "the digest branch holds output only"
        vercel = json.loads((REPO / "vercel.json").read_text())
        for rule in vercel["rewrites"]:
            for category in config["categories"]:
                target = rule["destination"].removeprefix("/").replace(":category", category)
                assert target in files, f"vercel.json rewrites to missing {target}"

        # The next scheduled run restores the database from the cache and finds nothing
        # new: the published output is byte-identical, so nothing is committed.
        head = git(origin, "rev-parse", "digest")
        second = Runner(tmp_path, origin, "run2", fake=False, **bases)
        (second.workspace / "data").mkdir()
        shutil.copy2(first.workspace / "data" / "arxivbot.sqlite3", second.workspace / "data")
        assert second.full_run() == "0", second.summary.read_text()
        changed = git(origin, "diff", "--stat", head, "digest")
        if changed:  # show one changed line per file kind, to say what is not stable
            changed += "\n" + git(origin, "diff", "-U0", head, "digest", "--", "README.md")
        assert not changed, f"an unchanged day made a commit:\n{changed}"
