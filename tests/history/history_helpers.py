from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from click.testing import CliRunner
from lxml import etree

from arxivbot.cli.main import main
from arxivbot.config import DEFAULT_PROFILE
from arxivbot.digest import FIRST
from arxivbot.store import open_store
from support.fixtures import feed_path

COMMON = ["--config", "config.json", "--db", "db.sqlite3", "--output", "out"]
RUN = ["run", *COMMON, "--no-summaries", "--no-notify"]
NS = {"arxiv": "http://arxiv.org/schemas/atom"}


def invoke(*args: str) -> tuple[int, str]:
    """Exit code and output with rich's line wrapping undone (whitespace runs → one space)."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, " ".join(result.output.split())


def first_announcements(day: str) -> set[str]:
    """Ids (no version) of the new + cross items of ``day``'s recorded multi-category feed."""
    tree = etree.parse(str(feed_path(day)))
    return {
        (item.findtext("link") or "").rsplit("/", 1)[-1]
        for item in tree.iter("item")
        if item.findtext("arxiv:announce_type", namespaces=NS) in ("new", "cross")
    }


def stored_announcements(db: Path, day: str) -> set[str]:
    """Ids with a new/cross announcement on ``day`` in the store."""
    with open_store(db) as store:
        items = store.announced_papers(date.fromisoformat(day), FIRST)
    return {paper.arxiv_id for paper, _a in items}


def ranked(db: Path, day: str, profile: str = DEFAULT_PROFILE) -> set[str]:
    with open_store(db) as store:
        return {
            item.paper.arxiv_id for item in store.load_ranking(profile, date.fromisoformat(day))
        }


def ranked_days(db: Path, profile: str = DEFAULT_PROFILE) -> list[str]:
    with open_store(db) as store:
        return [d.isoformat() for d in sorted(store.ranking_days(profile))]


def set_config(path: Path, **changes: object) -> None:
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))
