"""``arxivbot export``: kept or liked papers to BibTeX, CSL-JSON or Obsidian notes."""

from __future__ import annotations

from pathlib import Path

import click

from arxivbot.cli.context import Context, parse_day, with_context

DEFAULT_NAMES = {"bibtex": "papers.bib", "csl": "papers.csl.json", "obsidian": "notes"}


@click.command()
@with_context
@click.option(
    "--format", "fmt", required=True, type=click.Choice(sorted(DEFAULT_NAMES)),
    help="bibtex (.bib), csl (CSL-JSON for Zotero/Pandoc) or obsidian (a folder of notes).",
)  # fmt: skip
@click.option("--out", "out", type=click.Path(path_type=Path), default=None,
              help="File (or notes folder). Default: papers.bib / papers.csl.json / notes/ "
              "in the output folder.")  # fmt: skip
@click.option(
    "--papers", "what", type=click.Choice(["kept", "liked", "both"]), default="kept",
    show_default=True, help="Papers in your digests, ones you liked, or both.",
)  # fmt: skip
@click.option("--profile", default=None, help="Profile name (default: the first).")
@click.option("--since", default=None, help="Only digests from this day on (kept papers).")
def export(
    ctx: Context, fmt: str, out: Path | None, what: str, profile: str | None, since: str | None
) -> None:
    """Export kept or liked papers; re-exports update notes, never duplicate them."""
    from arxivbot.export import ExportFormat, Selection, export_papers

    target = out or ctx.paths.output / DEFAULT_NAMES[fmt]
    report = export_papers(
        ctx.loaded, ctx.paths, ExportFormat(fmt), target, Selection(what), profile, parse_day(since)
    )
    ctx.console.line(report.describe())
