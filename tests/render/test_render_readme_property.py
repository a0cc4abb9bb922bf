"""Property: no mix of backticks, fences, HTML and math in a summary gets live markup into
the README or hides an entry (rendered as GitHub would: CommonMark with raw HTML on)."""

from __future__ import annotations

from types import MappingProxyType

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from readme_check import github_like_html, live_markup, paper_headings
from render_samples import DAY1, GENERATED, make_paper, rank, summary

from arxivbot.config import Config, Profile
from arxivbot.models import DayStats, Digest
from arxivbot.render import render_readme

FRAGMENTS = (
    "`", "``", "```", "````", "\\`", "~~~", "```py`x", "``` <img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "</details>", "<details>",
    "<summary>", "<!--", "-->", "<br>", "<br/>", "<sup>", "</sup>", "<sub>", "</sub>",
    "![](http://host/pixel?a=1)", "![x](https://t.example/p.gif)", "[x](javascript:alert(1))",
    "<a href='javascript:x'>", "<svg onload=alert(1)>", "&lt;script&gt;", "<style>", "$",
    "$$", "$<img src=x onerror=alert(1)>$", "$a`b$", "\\", "\n", "\n\n", "# ", "### 99. ",
    "===", "---", "|", "| a | b |\n|---|---|\n", "- ", "1. ", "> ", "    ", "word", "x_i",
    "*", "_", "<http://a.example>", "[r]: javascript:alert(2)", "[r]", "<iframe src=//e>",
    "<textarea>", "<div>", "<p onclick=x>", "\t", "\\$", "<", ">", "&", "&#60;img src=x>",
)  # fmt: skip
summaries = st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join)


def _digest(texts: list[str]) -> Digest:
    papers, found = [], {}
    for i, text in enumerate(texts):
        paper = make_paper(f"2512.{10000 + i}", f"Entry {i}", ["A"], "Abstract.", ("cs.AI",))
        papers.append(rank(paper, DAY1, 5.0 - i, i + 1))
        found[paper.arxiv_id] = summary(paper, text)
    stats = DayStats(fetched=len(texts), new=len(texts), kept=len(texts))
    return Digest("default", DAY1, GENERATED, tuple(papers), stats, MappingProxyType(found))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(summaries, min_size=3, max_size=3))
def test_readme_has_no_live_markup_and_every_entry(
    texts: list[str], profile: Profile, config: Config
) -> None:
    readme = render_readme(_digest(texts), profile, config, generated_at=GENERATED)
    tree = github_like_html(readme)
    assert live_markup(tree) == []
    headings = [h.text_content() for h in paper_headings(tree)]
    assert headings == [f"{i + 1}. Entry {i}" for i in range(3)]
    shown = sum(1 for text in texts if text.strip())  # a blank summary is not shown
    assert len(tree.xpath("//details")) == shown
