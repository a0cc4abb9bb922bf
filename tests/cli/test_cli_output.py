"""Paper text printed through rich is text, not markup: `[/]` cannot crash, `[link=]` hide."""

from __future__ import annotations

import io
from datetime import date

from rich.console import Console as RichConsole
from rich.text import Text

from arxivbot.cli.output import Console
from arxivbot.models import Paper
from arxivbot.store.api import SearchHit

HOSTILE = "Closing [/] tags and [link=https://evil.example]a hidden link[/link] [bold]x"
OSC8 = "\x1b]8;"  # the terminal escape that starts a hyperlink


def test_hostile_titles_print_verbatim_in_search_results() -> None:
    console = Console()
    sink = io.StringIO()
    console.out = RichConsole(file=sink, force_terminal=True, width=400)
    paper = Paper("2606.00001", 1, HOSTILE, ("A",), "abs", "cs.AI", ("cs.AI", "[/]"))
    console.hits([SearchHit(paper, date(2026, 6, 2), 0.0)])  # raised MarkupError before
    printed = sink.getvalue()
    assert OSC8 not in printed
    assert HOSTILE in Text.from_ansi(printed).plain
