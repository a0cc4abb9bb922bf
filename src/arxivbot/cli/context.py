"""What every ``arxivbot`` command shares: common options, config loading, error handling."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import click

from arxivbot.cli.output import Console
from arxivbot.config import LoadedConfig, load_config
from arxivbot.errors import ArxivBotError
from arxivbot.paths import Paths, resolve_paths


@dataclass(frozen=True)
class Context:
    """What every config-reading command starts from."""

    loaded: LoadedConfig
    paths: Paths
    console: Console


_COMMON = (
    click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path),
        default=None,
        help="Config file (JSON or TOML). Default: $ARXIVBOT_CONFIG or ./config.json.",
    ),
    click.option(
        "--db",
        "db_path",
        type=click.Path(path_type=Path),
        default=None,
        help="SQLite store. Default: $ARXIVBOT_DB or store.path from the config.",
    ),
    click.option(
        "--output",
        "output_dir",
        type=click.Path(path_type=Path),
        default=None,
        help="Output folder. Default: $ARXIVBOT_OUTPUT or output.dir from the config.",
    ),
    click.option("-v", "--verbose", count=True, help="More detail."),
    click.option("-q", "--quiet", is_flag=True, help="Only errors and the final line."),
)


def with_context(fn: Callable[..., None]) -> Callable[..., None]:
    """Add --config/--db/--output/-v/-q and call ``fn(ctx, **its own options)``."""

    @functools.wraps(fn)
    def command(
        config_path: Path | None,
        db_path: Path | None,
        output_dir: Path | None,
        verbose: int,
        quiet: bool,
        **options: Any,
    ) -> None:
        fn(load_context(config_path, db_path, output_dir, verbose, quiet), **options)

    for option in reversed(_COMMON):
        command = option(command)
    return command


def load_context(
    config_path: Path | None,
    db_path: Path | None,
    output_dir: Path | None,
    verbose: int,
    quiet: bool,
) -> Context:
    console = Console(verbose=verbose, quiet=quiet)
    console.setup_logging()
    path = config_path or Path(os.environ.get("ARXIVBOT_CONFIG", "config.json"))
    if config_path is None and not path.exists() and not os.environ.get("ARXIVBOT_CONFIG"):
        toml = Path("config.toml")
        path = toml if toml.exists() else path
    loaded = load_config(path)
    for warning in loaded.warnings:
        console.warn(warning)
    return Context(loaded, resolve_paths(loaded, db_path, output_dir), console)


def parse_day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from None


class ArxivbotGroup(click.Group):
    """Turns every ArxivBotError into one clear line and its exit code, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ArxivBotError as exc:
            Console().error(str(exc))
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            Console().error("interrupted; the store is consistent and the next run resumes")
            sys.exit(130)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except Exception as exc:  # a bug: one clear line, the traceback only on request
            console = Console()
            if os.environ.get("ARXIVBOT_TRACEBACK"):
                console.err.print_exception()
            console.error(
                f"unexpected {type(exc).__name__}: {exc} — this is a bug in arxivbot; "
                "set ARXIVBOT_TRACEBACK=1 to see the traceback and please report it"
            )
            sys.exit(1)
