"""Hostile inputs shared by the README, feed and site tests."""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

from render_samples import DAY1, GENERATED, make_paper, rank, summary

from arxivbot.models import DayStats, Digest

HOSTILE_TITLE = (
    "# Pwned </details> | col | [click](javascript:alert(1)) <script>alert('t')</script>"
    "\n\n## injected heading\n<img src=x onerror=alert(2)> \u202egnirts desrever\u200b {{KEYWORDS}}"
)
HOSTILE_ABSTRACT = (
    "- list?\n</details>\n<script>alert('a')</script> [x](javascript:alert(3)) "
    "<iframe src=https://evil.example></iframe> " + "long " * 3000
)
HOSTILE_AUTHORS = ["<b>Bold</b> Author", "Mallory [x](javascript:alert(4))", "Eve\nNewline"]
HOSTILE_SUMMARY = (
    "## Summary\n\nText</details>\n\n<script>alert('s')</script>\n\n"
    "<img src=x onerror=alert(5)>\n\n[link](javascript:alert(6)) and [ok](https://example.org)\n\n"
    "[ref]: javascript:alert(7)\n\n<!-- comment\n\n| a | b |\n|---|---|\n| <b>x</b> | y |\n\n"
    "```python\nprint('unclosed fence')\n</details>\n"
)
MARKERS = ("alert(", "onerror", "<script", "javascript:")


def hostile_digest() -> Digest:
    bad = make_paper("2512.06666", HOSTILE_TITLE, HOSTILE_AUTHORS, HOSTILE_ABSTRACT, ("cs.AI",))
    good = make_paper("2512.07777", "A Normal Paper", ["Alice"], "Fine abstract.", ("cs.LG",))
    papers = (rank(bad, DAY1, 5.0, 1), rank(good, DAY1, 4.0, 2))
    summaries = {
        bad.arxiv_id: summary(bad, HOSTILE_SUMMARY, model="<b>model</b>"),
        good.arxiv_id: summary(good, "Plain **summary** of the normal paper."),
    }
    return Digest("default", DAY1, GENERATED, papers, DayStats(fetched=2, new=2, kept=2),
                  MappingProxyType(summaries))  # fmt: skip


def with_title(digest: Digest, title: str) -> Digest:
    ranked = digest.papers[0]
    paper = replace(ranked.paper, title=title)
    return replace(digest, papers=(replace(ranked, paper=paper), *digest.papers[1:]))
