"""``arxivbot digest --week/--month``: the period's roll-up as Markdown (weekly.md / monthly.md)."""

from __future__ import annotations

from pathlib import Path

import click

from arxivbot.cli.context import Context, parse_day, with_context


@click.command()
@with_context
@click.option("--week", "kind", flag_value="week", default=True, help="The ISO week (default).")
@click.option("--month", "kind", flag_value="month", help="The calendar month.")
@click.option("--day", default=None, help="Any day of the period (default: the newest digest).")
@click.option("--profile", default=None, help="Profile name (default: every profile).")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Folder for weekly.md / monthly.md (default: the output folder; per profile "
              "in its subfolder when there are several).")  # fmt: skip
@click.option("--print", "show", is_flag=True, help="Also print the Markdown.")
def digest(
    ctx: Context, kind: str, day: str | None, profile: str | None, out: Path | None, show: bool
) -> None:
    """Roll up a week or month: top papers, themes, rising terms."""
    from arxivbot.rollup import PeriodKind
    from arxivbot.rollup.service import write_rollups

    written = write_rollups(
        ctx.loaded, ctx.paths, PeriodKind(kind), parse_day(day), profile, out or ctx.paths.output
    )
    for path, text in written:
        if show and text:
            click.echo(text)
        ctx.console.line(f"wrote {path}")
