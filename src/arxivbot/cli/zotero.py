"""``arxivbot zotero import|push``: your Zotero library, both ways (Zotero Web API)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from arxivbot.cli.context import Context, with_context


def _library_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--library", "library_id", required=True, help="Zotero user or group id."),
        click.option("--group", is_flag=True, help="The id is a group library's."),
        click.option(
            "--key-env",
            default="ZOTERO_API_KEY",
            show_default=True,
            help="Environment variable holding the API key.",
        ),
        click.option(
            "--endpoint",
            default="https://api.zotero.org",
            show_default=True,
            help="API base URL (another Zotero data server).",
        ),
        click.option("--profile", default=None, help="Profile name (default: the first)."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


@click.group()
def zotero() -> None:
    """Import likes from a Zotero library, or push liked papers into one."""


@zotero.command("import")
@with_context
@_library_options
def import_cmd(ctx: Context, library_id: str, group: bool, key_env: str, endpoint: str,
               profile: str | None) -> None:  # fmt: skip
    """Like every arXiv paper in the library (the next ranking uses them as seeds)."""
    from arxivbot.export.zotero import ZoteroLibrary, zotero_import

    library = ZoteroLibrary(library_id, "group" if group else "user", key_env, endpoint)
    ctx.console.line(zotero_import(ctx.loaded, ctx.paths, library, profile).describe())


@zotero.command("push")
@with_context
@_library_options
@click.option("--collection", default="arxivbot", show_default=True, help="Collection name.")
def push_cmd(ctx: Context, library_id: str, group: bool, key_env: str, endpoint: str,
             profile: str | None, collection: str) -> None:  # fmt: skip
    """Create the liked papers the library lacks, in a collection (made when missing)."""
    from arxivbot.export.zotero import ZoteroLibrary, zotero_push

    library = ZoteroLibrary(library_id, "group" if group else "user", key_env, endpoint)
    ctx.console.line(zotero_push(ctx.loaded, ctx.paths, library, collection, profile).describe())
