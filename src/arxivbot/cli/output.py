"""Everything the CLI prints: rich progress, the run report, tables. The library never prints."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from rich.console import Console as RichConsole
from rich.logging import RichHandler
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from arxivbot.models import RunReport, StageIssue
from arxivbot.progress import ProgressEvent, ProgressSink, silent


class Console:
    def __init__(self, verbose: int = 0, quiet: bool = False) -> None:
        self.out = RichConsole(highlight=False)
        self.err = RichConsole(stderr=True, highlight=False)
        self.verbose = verbose
        self.quiet = quiet

    def setup_logging(self) -> None:
        """The CLI (never the library) decides where log records go: stderr via rich."""
        level = (
            logging.ERROR if self.quiet else (logging.WARNING, logging.INFO)[min(self.verbose, 1)]
        )
        if self.verbose > 1:
            level = logging.DEBUG
        handler = RichHandler(console=self.err, show_path=False, show_time=False, markup=False)
        root = logging.getLogger("arxivbot")
        root.handlers[:] = [handler]
        root.setLevel(level)
        root.propagate = False

    def line(self, text: str) -> None:
        self.out.print(text, markup=False)

    def warn(self, text: str) -> None:
        self.err.print(f"[yellow]warning:[/] {_escape(text)}")

    def error(self, text: str) -> None:
        self.err.print(f"[bold red]error:[/] {_escape(text)}")

    @contextmanager
    def progress(self) -> Iterator[ProgressSink]:
        if self.quiet or not self.err.is_terminal:
            yield self._log_sink if self.verbose else silent
            return
        bars = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[msg]}"),
            TimeElapsedColumn(),
            console=self.err,
            transient=True,
        )
        tasks: dict[str, TaskID] = {}

        def sink(event: ProgressEvent) -> None:
            if event.stage not in tasks:
                tasks[event.stage] = bars.add_task(event.stage, total=event.total, msg="")
            bars.update(
                tasks[event.stage], completed=event.done, total=event.total, msg=event.message[:60]
            )

        with bars:
            yield sink

    def _log_sink(self, event: ProgressEvent) -> None:
        total = f"/{event.total}" if event.total else ""
        self.err.print(f"[dim]{event.stage}[/] {event.done}{total} {_escape(event.message)}")

    def notes(self, notes: Sequence[str], issues: Sequence[StageIssue]) -> None:
        for note in notes:
            self.line(note)
        for issue in issues:
            self.warn(f"{issue.stage}: {issue.subject}: {issue.message}")

    def ranking(self, outcome: Any) -> None:
        for profile, result in outcome.results:
            table = Table(
                title=Text(
                    f"{profile.name} — {outcome.day} — {len(result.ranked)} kept of "
                    f"{result.matched} matched"
                )
            )
            for column in ("#", "score", "arXiv", "title", "why"):
                table.add_column(column, overflow="fold")
            for item in result.ranked:
                table.add_row(
                    str(item.rank),
                    f"{item.score:.1f}",
                    item.paper.arxiv_id,
                    Text(item.paper.title),  # paper text is never rich markup ([/], [link=])
                    Text(item.explanation[:80]),
                )
            self.out.print(table)

    def hits(self, hits: Sequence[Any]) -> None:
        if not hits:
            self.line("no papers found")
            return
        table = Table()
        for column in ("day", "arXiv", "title", "categories"):
            table.add_column(column, overflow="fold")
        for hit in hits:
            day = hit.announced_on.isoformat() if hit.announced_on else ""
            table.add_row(
                day,
                hit.paper.arxiv_id,
                Text(hit.paper.title),  # paper text is never rich markup ([/], [link=])
                Text(" ".join(hit.paper.categories[:3])),
            )
        self.out.print(table)

    def checks(self, checks: Sequence[Any]) -> None:
        for check in checks:
            mark = (
                "[green]ok[/]"
                if check.ok
                else ("[red]FAIL[/]" if check.required else "[yellow]warn[/]")
            )
            self.out.print(f"{mark:>14}  {_escape(check.name)}: {_escape(check.detail)}")
            if not check.ok and check.fix:
                self.out.print(f"{'':>5}  fix: {_escape(check.fix)}")

    def deliveries(self, deliveries: Sequence[Any]) -> None:
        if not deliveries:
            self.line("no notification targets configured (see notify.targets)")
        for d in deliveries:
            state = "sent" if d.ok else ("skipped" if d.skipped else "FAILED")
            self.line(f"{state:>8}  {d.target} [{d.profile}] {d.message}")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def print_report(console: Console, report: RunReport) -> None:
    """The one-screen end-of-run report."""
    if console.quiet:
        console.line(_headline(report))
        return
    table = Table(title=_headline(report), show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    s = report.stats
    rows = [
        ("announcement", report.announced_on.isoformat() if report.announced_on else "none"),
        ("fetched", f"{s.fetched} (new {s.new}, cross {s.cross}, replaced {s.replaced})"),
        ("matched / kept", f"{s.matched} / {s.kept}"),
        ("caught up", ", ".join(d.isoformat() for d in report.days_caught_up) or "-"),
        ("written", f"{len(report.written)} files"),
        ("time", f"{(report.finished_at - report.started_at).total_seconds():.1f} s"),
    ]
    for name, value in rows:
        table.add_row(name, value)
    console.out.print(table)
    for note in report.notes:
        console.line(f"  • {note}")
    for issue in report.issues:
        console.warn(f"{issue.stage}: {issue.subject}: {issue.message}")
    if console.verbose:
        for path in report.written:
            console.line(f"  wrote {path}")


def _headline(report: RunReport) -> str:
    return f"arxivbot run #{report.run_id}: {report.status}"
