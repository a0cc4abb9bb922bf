"""Locate ``../shared/fixtures`` once; fail loudly (never skip) when it is missing."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


@cache
def fixtures_dir() -> Path:
    """``$ARXIVBOT_FIXTURES`` or ``<repo>/../shared/fixtures``; raise if absent."""
    candidates = [
        os.environ.get("ARXIVBOT_FIXTURES", ""),
        str(REPO_ROOT.parent / "shared/fixtures"),
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "arxiv-feeds").is_dir():
            return Path(candidate).resolve()
    looked = ", ".join(c for c in candidates if c)
    raise RuntimeError(
        f"arXiv test fixtures not found (looked in: {looked}); "
        "set ARXIVBOT_FIXTURES to the shared/fixtures folder"
    )


def feed_path(day: str, name: str = "cs.AI+cs.CL+cs.DC+cs.LG", fmt: str = "rss") -> Path:
    return fixtures_dir() / "arxiv-feeds" / day / fmt / f"{name}.xml"


def seed_config_path() -> Path:
    return fixtures_dir() / "seed-config.json"
