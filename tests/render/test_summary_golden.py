"""Golden: summaries render right in README, site, feeds and e-mail.

The small set (``tests/data/summaries``, written for this test: tables with ``<br>``, math
with ``_ * <``, ``<sup>``/``<sub>``, headings, hostile markup) runs from a bare clone; the
corpus-scale one renders all 2,427 recorded qwen-long summaries in place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from summary_golden import Entry, check_entries

from arxivbot.config import Config, Profile

SMALL = Path(__file__).resolve().parents[1] / "data" / "summaries"
# Not TeX: "$/hr & tok/$M" (a cost unit in a table) is shown as code, as written.
KNOWN_NOT_TEX = {"$/hr & tok/$"}


def test_small_summaries_render_everywhere(profile: Profile, config: Config) -> None:
    entries = [Entry(p.name, p.read_text("utf-8")) for p in sorted(SMALL.glob("*.md"))]
    assert len(entries) == 20
    report = check_entries(entries, profile, config, batch=7)
    assert report.problems == []
    assert report.readme_entries == 20
    # Two formulas cannot be shown faithfully (aligned, an unknown command): code, as TeX.
    assert set(report.fallbacks) == {
        "$\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}$",
        "$\\frobnicate{x}$",
    }
    assert report.mathml["site"] == report.formulas - 2 == report.mathml["feed"]
    assert report.mathml["email"] > 0  # leads with math show it as MathML
    assert report.readme_verbatim_math >= report.formulas - 2  # untouched for GitHub


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.timeout(1800)  # ~2,400 summaries × 4 outputs on a shared CI core
def test_all_recorded_summaries_render_everywhere(
    shared_fixtures: Path, profile: Profile, config: Config
) -> None:
    path = shared_fixtures / "history" / "qwen_long_summaries.jsonl"
    with path.open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    entries = [Entry(r["id"], r["ai_summary"]) for r in records]
    assert len(entries) == 2427
    report = check_entries(entries, profile, config)
    assert report.problems == []
    assert report.readme_entries == 2427
    assert set(report.fallbacks) <= KNOWN_NOT_TEX
    assert report.mathml["site"] == report.formulas - sum(report.fallbacks.values())
    assert report.mathml["feed"] == report.mathml["site"]
