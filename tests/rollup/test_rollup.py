"""Weekly/monthly roll-ups over a real SQLite store: periods, top papers, themes, rising terms."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from datetime import date, timedelta
from pathlib import Path

from arxivbot.config import load_config, resolve_profiles
from arxivbot.models import Announcement, AnnounceType, Paper, RankedPaper, ScoreComponent
from arxivbot.paths import resolve_paths
from arxivbot.rollup import Period, PeriodKind, build_rollup
from arxivbot.rollup.markdown import render_rollup
from arxivbot.rollup.terms import paper_terms
from arxivbot.store import open_store

MONDAY = date(2026, 6, 15)
SPEC = "Speculative decoding drafts tokens with a small model; verification accepts drafts."
RL = "Reinforcement learning rollouts with reward shaping and policy optimization for agents."
FILLER = "Lenses focus light on sensors for cameras in astronomy and microscopy."


def _paper(n: int, title: str, abstract: str) -> Paper:
    return Paper(f"2606.{n:05d}", 1, title, ("Ada Lovelace",), abstract, "cs.LG", ("cs.LG",))


def test_periods() -> None:
    week = Period.containing(PeriodKind.WEEK, date(2026, 6, 18))
    assert (week.start, week.end, week.name) == (MONDAY, date(2026, 6, 21), "2026-W25")
    assert week.previous.start == date(2026, 6, 8)
    month = Period.containing(PeriodKind.MONTH, date(2026, 2, 10))
    assert (month.start, month.end, month.name) == (date(2026, 2, 1), date(2026, 2, 28), "2026-02")
    assert month.previous.name == "2026-01"


def test_paper_terms_drop_boilerplate() -> None:
    terms = paper_terms(_paper(1, "We propose a novel framework", SPEC))
    assert "speculative decoding" in terms and "decoding" in terms
    assert not {"propose", "novel", "framework", "with", "a"} & terms


def _world(tmp_path: Path) -> Path:
    """Last week: optics only. This week: speculative decoding rises; two clear themes."""
    config = tmp_path / "config.json"
    raw = {"categories": ["cs.LG"], "keywords": ["decoding", "agents"],
           "store": {"path": "store.db"}, "output": {"dir": "out"}}  # fmt: skip
    config.write_text(json.dumps(raw))
    loaded = load_config(config)
    profile = resolve_profiles(loaded.config)[0]
    papers: list[tuple[Paper, date]] = []
    for i in range(8):
        papers.append((_paper(100 + i, f"Optics study {i}", FILLER), MONDAY - timedelta(days=7)))
    for i in range(6):
        papers.append((_paper(200 + i, f"Faster speculative decoding {i}", SPEC), MONDAY))
    for i in range(4):
        papers.append((_paper(300 + i, f"Agents trained by RL {i}", RL), MONDAY + timedelta(1)))
    for i in range(3):
        papers.append((_paper(400 + i, f"Optics again {i}", FILLER), MONDAY + timedelta(2)))
    with open_store(resolve_paths(loaded, None, None).db) as store:
        store.upsert_papers(p for p, _ in papers)
        store.add_announcements(
            Announcement(p.arxiv_id, 1, d, AnnounceType.NEW, "cs.LG") for p, d in papers
        )
        for day in sorted({d for _, d in papers}):
            ranked = [
                RankedPaper(p, Announcement(p.arxiv_id, 1, d, AnnounceType.NEW, "cs.LG"),
                            2.0 + int(p.arxiv_id[-1]) / 10,
                            (ScoreComponent("term", "x", "title", 1.0),), i + 1)
                for i, (p, d) in enumerate(x for x in papers if x[1] == day)
                if "Optics" not in p.title
            ]  # fmt: skip
            store.save_ranking(profile.name, day, ranked, matched=len(ranked))
    return config


def test_rollup_top_themes_rising(tmp_path: Path) -> None:
    config = _world(tmp_path)
    loaded = load_config(config)
    profile = resolve_profiles(loaded.config)[0]
    with open_store(resolve_paths(loaded, None, None).db) as store:
        rollup = build_rollup(store, profile, Period.containing(PeriodKind.WEEK, MONDAY), top=3)
    assert rollup.days == (MONDAY, MONDAY + timedelta(1), MONDAY + timedelta(2))
    assert rollup.kept == 10 and rollup.announced == 13
    assert [r.score for r in rollup.top] == [2.5, 2.4, 2.3]
    labels = {theme.label[0]: len(theme.papers) for theme in rollup.themes}
    assert len(labels) == 2 and sorted(labels.values()) == [4, 6]
    spec = next(t for t in rollup.themes if len(t.papers) == 6)
    assert all("draft" in term or "decoding" in term for term in spec.label)
    rising = [term.term for term in rollup.rising]
    assert rising and all("optics" not in t and "lenses" not in t for t in rising)
    assert any("speculative" in t or "decoding" in t for t in rising)
    text = render_rollup(rollup)
    assert text.startswith("## 🗓️ Week 2026-W25 (2026-06-15 – 2026-06-21)")
    assert "### Themes" in text and "### Rising terms (vs the previous week)" in text


def test_cli_digest_week(tmp_path: Path) -> None:
    config = _world(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "arxivbot.cli", "digest", "--week", "--config", str(config)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    written = tmp_path / "out" / "weekly.md"
    assert f"wrote {written}" in result.stdout
    assert "Week 2026-W25" in written.read_text()  # the newest digest's week
    page = (tmp_path / "out" / "weekly.html").read_text()
    assert "<h1>Week 2026-W25</h1>" in page and page.count("<svg") == 2
    assert 'href="papers/2606.00205.html"' in page and "Content-Security-Policy" in page
    again = subprocess.run(
        [sys.executable, "-m", "arxivbot.cli", "digest", "--config", str(config)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert again.returncode == 0 and (tmp_path / "out" / "weekly.html").read_text() == page
    feed = (tmp_path / "out" / "weekly.atom").read_text()
    atom = "{http://www.w3.org/2005/Atom}"
    root = ElementTree.fromstring(feed)  # well-formed; one entry per period with a digest
    entries = root.findall(f"{atom}entry")
    assert [e.findtext(f"{atom}id") for e in entries] == [
        "urn:arxivbot:rollup:default:2026-W25",
        "urn:arxivbot:rollup:default:2026-W24",  # its (empty) digest day counts
    ]
    assert "Faster speculative decoding" in (entries[0].findtext(f"{atom}content") or "")


def test_page_and_markdown_escape_hostile_titles() -> None:
    from datetime import UTC, datetime

    from arxivbot.rollup import Rollup
    from arxivbot.rollup.page import render_rollup_page

    bad = _paper(9, "<script>alert(1)</script> [x](javascript:alert(2))", SPEC)
    ranked = RankedPaper(bad, Announcement(bad.arxiv_id, 1, MONDAY, AnnounceType.NEW, "cs.LG"), 3.0)
    rollup = Rollup("default", Period.containing(PeriodKind.WEEK, MONDAY), (MONDAY,), (ranked,),
                    (), (), 1, 1)  # fmt: skip
    page = render_rollup_page(rollup, "<b>site</b>", datetime(2026, 6, 15, tzinfo=UTC))
    assert "<script>alert" not in page and "<b>site</b>" not in page
    markdown = render_rollup(rollup)
    assert "<script>" not in markdown and "[x](javascript:" not in markdown
    assert r"\[x\](javascript:" in markdown  # escaped: shown as text, never a link
