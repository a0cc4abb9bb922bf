"""Where the tests find recorded arXiv data.

Two sets, resolved once:

* :func:`fixtures_dir` — the compact set committed under ``tests/data/recorded`` (a sample
  of every recorded June-2026 day, small API/OAI answers, generated PDFs, a few summaries;
  built by ``tests/data/build_recorded.py``). The core suite runs on it, so a bare clone
  passes its own test command.
* :func:`shared_fixtures_dir` — the large recorded set (``$ARXIVBOT_FIXTURES`` or
  ``<repo>/../shared/fixtures``: whole feeds, the 102,538-record corpus, real PDFs, 2,427
  summaries), read in place by corpus-scale tests. Absent, those tests skip with one line
  that says where it looked.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPACT = REPO_ROOT / "tests" / "data" / "recorded"


def fixtures_dir() -> Path:
    """The compact, in-repository recorded set (always present)."""
    return COMPACT


@cache
def _shared_candidates() -> tuple[list[str], Path | None]:
    candidates = [
        os.environ.get("ARXIVBOT_FIXTURES", ""),
        str(REPO_ROOT.parent / "shared/fixtures"),
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "arxiv-feeds").is_dir():
            return candidates, Path(candidate).resolve()
    return candidates, None


def shared_fixtures_dir() -> Path:
    """The large recorded set; skips the calling test (one clear line) when it is absent."""
    candidates, found = _shared_candidates()
    if found is None:
        looked = ", ".join(c for c in candidates if c)
        pytest.skip(
            f"corpus-scale: the large recorded set was not found (looked in: {looked}); "
            "set ARXIVBOT_FIXTURES to a shared/fixtures folder to run it"
        )
    return found


def feed_path(day: str, name: str = "cs.AI+cs.CL+cs.DC+cs.LG", fmt: str = "rss") -> Path:
    return fixtures_dir() / "arxiv-feeds" / day / fmt / f"{name}.xml"


def shared_feed_path(day: str, name: str = "cs.AI+cs.CL+cs.DC+cs.LG", fmt: str = "rss") -> Path:
    return shared_fixtures_dir() / "arxiv-feeds" / day / fmt / f"{name}.xml"


def seed_config_path() -> Path:
    return fixtures_dir() / "seed-config.json"
