"""``arxivbot store copy SRC DST``: move a store to another backend (SQLite → PostgreSQL)."""

from __future__ import annotations

import click

from arxivbot.cli.context import Context, with_context


@click.group("store")
def store() -> None:
    """Maintain the store (copy it to PostgreSQL)."""


@store.command("copy")
@with_context
@click.argument("source")
@click.argument("target")
def copy(ctx: Context, source: str, target: str) -> None:
    """Copy every row of SOURCE into the empty store TARGET, verified table by table.

    Each is a SQLite path or a postgresql:// URL (the 'postgres' extra).
    """
    from arxivbot.store.copy import copy_store

    report = copy_store(source, target)
    for table in report.tables:
        ctx.console.line(
            f"{table.table:<20} {table.rows:>9} rows  sha256-sum {table.checksum[:16]}"
        )
    ctx.console.line(
        f"copied {report.rows} rows from {report.source} to {report.target}: counts and "
        "checksums match"
    )
