"""The ``arxivbot`` command line: each command parses options, calls one library function, prints.

Exit codes: 0 done (also "no announcement today"), 1 the run failed, 2 bad config or
usage, 3 another run holds the lock, 4 finished but you must act (e.g. the LLM key is refused),
5 cut short (what was done is published). A command's status carries its code
(``RunStatus.exit_code``, one map in :mod:`arxivbot.models`); an error carries its own
(``ArxivBotError.exit_code``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from arxivbot import app
from arxivbot.cli.agent import mcp
from arxivbot.cli.context import ArxivbotGroup, Context, parse_day, with_context
from arxivbot.cli.export import export
from arxivbot.cli.output import Console, print_report
from arxivbot.cli.rollup import digest
from arxivbot.cli.store_cmd import store
from arxivbot.cli.zotero import zotero
from arxivbot.errors import ConfigError
from arxivbot.models import RunReport

F = TypeVar("F", bound=Callable[..., Any])


@click.group(cls=ArxivbotGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="arxivbot")
def main() -> None:
    """arxivbot: your ranked, summarised arXiv digest every announcement day."""


@main.command()
@with_context
@click.option("--date", "day", default=None, help="Re-process this announcement day (YYYY-MM-DD).")
@click.option("--force", is_flag=True, help="Re-summarise and re-render even if nothing changed.")
@click.option("--dry-run", is_flag=True, help="Fetch and rank only; write nothing, call no LLM.")
@click.option("--no-summaries", is_flag=True, help="Skip the LLM summaries.")
@click.option("--no-notify", is_flag=True, help="Send no notifications.")
@click.option("--no-catch-up", is_flag=True, help="Do not back-fill missed announcement days.")
def run(
    ctx: Context,
    day: str | None,
    force: bool,
    dry_run: bool,
    no_summaries: bool,
    no_notify: bool,
    no_catch_up: bool,
) -> None:
    """Fetch the latest announcement, rank, summarise, and publish the digest."""
    loaded, paths, console = ctx.loaded, ctx.paths, ctx.console
    options = app.RunOptions(
        db_path=paths.db,
        output_dir=paths.output,
        day=parse_day(day),
        force=force,
        dry_run=dry_run,
        summaries=not no_summaries,
        notify=not no_notify,
        catch_up=not no_catch_up,
    )
    with console.progress() as sink:
        report = app.run_pipeline(loaded, options, progress=sink)
    print_report(console, report)
    sys.exit(report.status.exit_code)


@main.command()
@with_context
def fetch(
    ctx: Context,
) -> None:
    """Fetch the latest announcement into the store (no ranking, no outputs)."""
    loaded, paths, console = ctx.loaded, ctx.paths, ctx.console
    listing = app.fetch_latest(loaded, paths)
    console.line(app.describe_listing(listing))


@main.command()
@with_context
@click.option("--date", "day", default=None, help="Announcement day (default: latest stored).")
def rank(
    ctx: Context,
    day: str | None,
) -> None:
    """Rank a stored announcement day for every profile and show the top papers."""
    loaded, paths, console = ctx.loaded, ctx.paths, ctx.console
    outcome = app.rank_stored(loaded, paths, parse_day(day))
    console.ranking(outcome)


@main.command()
@with_context
@click.option("--date", "day", default=None, help="Announcement day (default: latest ranked).")
@click.option("--ids", multiple=True, help="arXiv ids to summarise (repeatable).")
@click.option("--force", is_flag=True, help="Summarise again even if a summary exists.")
def summarize(
    ctx: Context,
    day: str | None,
    ids: tuple[str, ...],
    force: bool,
) -> None:
    """Summarise stored papers with the configured LLM (paid once per paper)."""
    loaded, paths, console = ctx.loaded, ctx.paths, ctx.console
    with console.progress() as sink:
        result = app.summarize_stored(loaded, paths, parse_day(day), ids, force, sink)
    console.notes(result.notes, result.issues)
    sys.exit(result.status.exit_code)


@main.command()
@with_context
def render(
    ctx: Context,
) -> None:
    """Write README, papers.json, feeds and the static site from the store."""
    loaded, paths, console = ctx.loaded, ctx.paths, ctx.console
    written = app.render_outputs(loaded, paths)
    console.line(f"wrote {len(written)} files into {paths.output}")


@main.command()
@with_context
@click.option("--from", "start", required=True, help="First announcement day (YYYY-MM-DD).")
@click.option("--to", "end", required=True, help="Last announcement day (YYYY-MM-DD).")
@click.option("--yes", is_flag=True, help="Do not ask before starting.")
def backfill(
    ctx: Context,
    start: str,
    end: str,
    yes: bool,
) -> None:
    """Fill announcement days from the arXiv API (resumable, rate-limited)."""
    loaded, paths, console = ctx.loaded, ctx.paths, ctx.console
    first, last = parse_day(start), parse_day(end)
    assert first is not None and last is not None
    plan = app.plan_backfill(loaded, paths, first, last)
    console.line(plan.describe())
    if not yes and sys.stdin.isatty() and not click.confirm("Start?", default=True):
        return
    with console.progress() as sink:
        report = app.backfill(loaded, paths, plan, progress=sink)
    console.line(report.describe())
    sys.exit(report.status.exit_code)  # failed only when nothing at all was filled


@main.command()
@with_context
@click.argument("query")
@click.option("--from", "start", default=None, help="Earliest announcement day.")
@click.option("--to", "end", default=None, help="Latest announcement day.")
@click.option("--category", multiple=True, help="Only papers in this category (repeatable).")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines.")
def search(
    ctx: Context,
    query: str,
    start: str | None,
    end: str | None,
    category: tuple[str, ...],
    limit: int,
    as_json: bool,
) -> None:
    """Search the stored history (query language or free text)."""
    loaded, paths, console = ctx.loaded, ctx.paths, ctx.console
    hits = app.search_history(
        loaded, paths, query, parse_day(start), parse_day(end), category, limit
    )
    if as_json:
        for hit in hits:
            click.echo(json.dumps(app.hit_json(hit), ensure_ascii=False))
    else:
        console.hits(hits)


@main.command()
@with_context
@click.option("--host", default=None, help="Bind address (default from config).")
@click.option("--port", default=None, type=int, help="Port (default from config).")
@click.option("--no-scheduler", is_flag=True, help="Serve only; do not run on the schedule.")
def serve(
    ctx: Context,
    host: str | None,
    port: int | None,
    no_scheduler: bool,
) -> None:
    """Serve the site, feeds, search and JSON API; run the pipeline on the schedule."""
    loaded, paths, console = ctx.loaded, ctx.paths, ctx.console
    from arxivbot.server.app import serve as serve_app

    server = loaded.config.server
    console.line(f"serving on http://{host or server.host}:{port or server.port}")

    def runner() -> RunReport:  # the server runs the same pipeline as `arxivbot run`
        return app.run_pipeline(loaded, app.RunOptions(db_path=paths.db, output_dir=paths.output))

    # The CLI wires the two wings: the server (above app/) is handed the run as a callable.
    serve_app(
        loaded,
        db_path=paths.db,
        output_dir=paths.output,
        host=host or server.host,
        port=port or server.port,
        runner=runner,
        scheduler=not no_scheduler and server.scheduler,
    )


@main.command()
@with_context
def doctor(
    ctx: Context,
) -> None:
    """Check config, environment, store and reachability; say what to fix."""
    loaded, paths, console = ctx.loaded, ctx.paths, ctx.console
    checks = app.doctor(loaded, paths)
    console.checks(checks)
    sys.exit(app.checks_status(checks).exit_code)


def _feedback_command(value: int) -> Callable[..., None]:
    @with_context
    @click.argument("arxiv_ids", nargs=-1, required=True)
    @click.option("--profile", default=None, help="Profile (default: the first).")
    def command(
        ctx: Context,
        arxiv_ids: tuple[str, ...],
        profile: str | None,
    ) -> None:
        loaded, paths, console = ctx.loaded, ctx.paths, ctx.console
        for message in app.feedback(loaded, paths, arxiv_ids, value, profile):
            console.line(message)

    return command


main.command("like", help="Mark papers you like: they become seeds for ranking.")(
    _feedback_command(1)
)
main.command("dislike", help="Mark papers you dislike: similar papers rank lower.")(
    _feedback_command(-1)
)


@main.command()
@with_context
@click.option("--test", "test_message", is_flag=True, help="Send a test message to each target.")
@click.option("--resend", is_flag=True, help="Send again even if already sent for that day.")
@click.option("--date", "day", default=None, help="Announcement day (default: latest ranked).")
def notify(
    ctx: Context,
    test_message: bool,
    resend: bool,
    day: str | None,
) -> None:
    """Send the digest (or a test message) to the configured email/chat targets."""
    loaded, paths, console = ctx.loaded, ctx.paths, ctx.console
    deliveries = app.notify(loaded, paths, test=test_message, resend=resend, day=parse_day(day))
    console.deliveries(deliveries)
    sys.exit(app.deliveries_status(deliveries).exit_code)


@main.command()
@click.option(
    "--out",
    "folder",
    type=click.Path(path_type=Path),
    default=Path("arxivbot-demo"),
    show_default=True,
    help="Folder for the demo's store and outputs.",
)
def demo(folder: Path) -> None:
    """See arxivbot work: a sample day's digest, feeds and site, offline, no key needed."""
    from arxivbot.app.demo import run_demo

    console = Console()
    with console.progress() as sink:
        result = run_demo(folder, progress=sink)
    stats = result.report.stats
    console.line(
        f"demo digest of the {result.report.announced_on} announcement: {stats.fetched} papers "
        f"read, {stats.kept} kept and ranked, extractive summaries (no LLM was called)"
    )
    console.line(f"  README   {result.output_dir / 'README.md'}")
    console.line(f"  site     {result.site_index}  (open it in a browser)")
    console.line(f"  feeds    {result.output_dir / 'rss.xml'}, atom.xml, feed.json")
    console.line("next: 'arxivbot init' writes your config; put your LLM key in the variable")
    console.line("it names, then 'arxivbot run --config config.toml' fetches today's announcement")
    sys.exit(result.report.status.exit_code)


@main.command()
@click.option(
    "--path",
    "target",
    type=click.Path(path_type=Path),
    default=Path("config.toml"),
    show_default=True,
    help="Where to write (.toml with comments, or .json).",
)
@click.option("--categories", default=None, help="Comma-separated, e.g. cs.AI,cs.CL.")
@click.option("--keywords", default=None, help="Comma-separated keywords or phrases.")
@click.option("--query", default=None, help="A query in arxivbot's query language.")
@click.option(
    "--provider",
    default=None,
    type=click.Choice(["openai", "dashscope", "deepseek", "ollama", "vllm", "none"]),
)
@click.option("--language", default=None, help="Summary language, e.g. en or zh.")
@click.option("--output", "output", default=None, help="Output folder.")
@click.option("--non-interactive", is_flag=True, help="Never ask; use flags and defaults.")
@click.option("--interactive", "ask", is_flag=True, help="Ask even when stdin is not a terminal.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(
    target: Path,
    categories: str | None,
    keywords: str | None,
    query: str | None,
    provider: str | None,
    language: str | None,
    output: str | None,
    non_interactive: bool,
    ask: bool,
    force: bool,
) -> None:
    """Create a starter config, asking in a terminal or from flags."""
    from arxivbot.cli.init import gather_starter_options

    console = Console()
    if ask and non_interactive:
        raise click.UsageError("choose either --interactive or --non-interactive")
    if target.exists() and not force:
        # Say so before asking any question, not after the user answered them all.
        raise ConfigError(f"{target} already exists", hint="pass --force to replace it")
    interactive = ask or (not non_interactive and sys.stdin.isatty())
    options = gather_starter_options(
        interactive,
        categories=categories,
        keywords=keywords,
        query=query,
        provider=provider,
        language=language,
        output=output,
    )
    written = app.write_starter(target, options, overwrite=force)
    console.line(f"wrote {written}; next: arxivbot run --config {written}")


main.add_command(mcp)  # cli/agent.py (issue 19)
main.add_command(export)  # cli/export.py (issue 19)
main.add_command(digest)  # cli/rollup.py (issue 19)
main.add_command(zotero)  # cli/zotero.py (issue 19)
main.add_command(store)  # cli/store_cmd.py: store copy (issue 18)


if __name__ == "__main__":  # pragma: no cover
    main()
