"""vercel.json (static hosting of the `digest` branch) and the bundled config.json."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from croniter import croniter
from deploy_helpers import REPO, config_json, step_named, workflow

from arxivbot.config import load_config
from arxivbot.render.feeds import feed_path


@pytest.fixture(scope="module")
def vercel() -> dict[str, Any]:
    data = json.loads((REPO / "vercel.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _site_pages() -> set[str]:
    """Pages the static-site writer produces (read from its own calls)."""
    source = (REPO / "src" / "arxivbot" / "render" / "site.py").read_text(encoding="utf-8")
    return set(re.findall(r'writer\.page\(\s*"([^"{}]+)"', source))


def _generated(destination: str, category: str) -> bool:
    path = destination.removeprefix("/").replace(":category", category)
    feeds = {feed_path(fmt, cat) for fmt in ("rss", "atom", "json") for cat in (None, category)}
    return path in feeds or path in _site_pages()


def test_vercel_serves_the_branch_as_static_files(vercel: dict[str, Any]) -> None:
    assert vercel["framework"] is None
    assert vercel["buildCommand"] is None and vercel["installCommand"] is None
    assert vercel["outputDirectory"] == "."
    # The project's own branches hold source, not a site: only `digest` deploys.
    enabled = vercel["git"]["deploymentEnabled"]
    assert enabled == {"main": False, "master": False}
    assert "builds" not in vercel and "routes" not in vercel, "legacy keys disable rewrites"


def test_rewrites_point_at_files_the_renderer_writes(vercel: dict[str, Any]) -> None:
    categories = config_json()["categories"]
    for rule in vercel["rewrites"]:
        assert "." not in rule["source"], "a source with an extension would shadow a file"
        for category in categories:
            assert _generated(rule["destination"], category), rule


def test_original_routes_keep_working(vercel: dict[str, Any]) -> None:
    sources = {rule["source"] for rule in vercel["rewrites"]}
    assert {"/rss", "/rss/:category", "/atom", "/atom/:category"} <= sources


def test_feed_headers_name_the_feed_types(vercel: dict[str, Any]) -> None:
    types = {
        rule["source"]: {h["key"]: h["value"] for h in rule["headers"]}["Content-Type"]
        for rule in vercel["headers"]
    }
    assert types["/rss"].startswith("application/rss+xml")
    assert types["/atom.xml"].startswith("application/atom+xml")
    assert types["/feed.json"].startswith("application/feed+json")


def test_the_workflow_ships_vercel_json_on_the_digest_branch() -> None:
    assert "cp ../vercel.json vercel.json" in step_named(workflow("digest.yml"), "publish")["run"]


def test_bundled_config_loads_without_warnings() -> None:
    loaded = load_config(REPO / "config.json", environ={})
    assert loaded.warnings == ()
    prompt = loaded.config.ai_summary.prompt_file
    assert prompt is None or loaded.resolve(prompt).is_file()


def test_bundled_config_keeps_the_original_keys(fixtures: Any) -> None:
    seed = json.loads((fixtures / "seed-config.json").read_text(encoding="utf-8"))
    ours = config_json()
    for key, value in seed.items():
        if key == "ai_summary":
            for sub, sub_value in value.items():
                if sub != "prompt_file":  # the seed names a file the repository doesn't ship
                    assert ours[key][sub] == sub_value, f"ai_summary.{sub}"
        else:
            assert ours[key] == value, key


def test_config_agrees_with_the_deployment_files() -> None:
    config = load_config(REPO / "config.json", environ={}).config
    run_script = step_named(workflow("digest.yml"), "run arxivbot")["run"]
    assert f"--db {config.store.path}" in run_script, "local runs and Actions share a path"
    assert config.store.retention_days > 0, "keep the cached database small"
    assert croniter.is_valid(config.server.schedule)
