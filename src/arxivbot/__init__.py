"""arxivbot: a personal, ranked, summarised digest of each arXiv announcement.

Library use::

    from arxivbot import load_config, run_pipeline, RunOptions
    loaded = load_config("config.json")
    report = run_pipeline(loaded, RunOptions(db_path=Path("data/arxivbot.sqlite3"),
                                             output_dir=Path("output")))

Heavy parts (the LLM client, the web server) are imported on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "load_config": "arxivbot.config",
    "Config": "arxivbot.config",
    "LoadedConfig": "arxivbot.config",
    "resolve_profiles": "arxivbot.config",
    "run_pipeline": "arxivbot.app",
    "RunOptions": "arxivbot.app",
    "open_store": "arxivbot.store",
    "parse_arxiv_id": "arxivbot.ids",
    "ArxivId": "arxivbot.ids",
    "parse_query": "arxivbot.rank.query",
    "rank_day": "arxivbot.rank",
    "summarize_papers": "arxivbot.summarize",
    "search_history": "arxivbot.app",
    "Paper": "arxivbot.models",
    "Announcement": "arxivbot.models",
    "AnnounceType": "arxivbot.models",
    "RankedPaper": "arxivbot.models",
    "Summary": "arxivbot.models",
    "Digest": "arxivbot.models",
    "RunReport": "arxivbot.models",
    "RunStatus": "arxivbot.models",
    "ArxivBotError": "arxivbot.errors",
}

__all__ = ["__version__", *sorted(_LAZY)]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'arxivbot' has no attribute {name!r}")
    return getattr(import_module(module), name)
