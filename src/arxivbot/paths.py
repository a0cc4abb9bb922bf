"""Where the store and the outputs live: CLI flag > environment > config (relative to it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from arxivbot.config import LoadedConfig


@dataclass(frozen=True)
class Paths:
    db: Path
    output: Path


def resolve_paths(loaded: LoadedConfig, db: Path | None, output: Path | None) -> Paths:
    """Explicit paths win; config paths resolve against the config file's folder.

    Environment overrides (ARXIVBOT_DB, ARXIVBOT_DB_URL, ARXIVBOT_OUTPUT) were already
    applied by the loader. A PostgreSQL store travels as ``Path(url)``, which folds the
    URL's ``//``; ``open_store`` (``store.postgres_url``) reads it back, so every caller
    opens the right backend from ``paths.db`` alone.
    """
    config = loaded.config
    if db is None and config.store.url:
        db = Path(config.store.url)
    return Paths(
        db=db if db is not None else loaded.resolve(config.store.path),
        output=output if output is not None else loaded.resolve(config.output.dir),
    )
