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

    Environment overrides (ARXIVBOT_DB, ARXIVBOT_OUTPUT) were already applied by the loader.
    """
    config = loaded.config
    return Paths(
        db=db if db is not None else loaded.resolve(config.store.path),
        output=output if output is not None else loaded.resolve(config.output.dir),
    )
