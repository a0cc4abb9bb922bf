"""Render summaries through every output (README, site, feed, e-mail) and count what a
reader would see wrong: literal tags, emphasis inside formulas, formulas not shown as math,
entries that vanish, live markup. Shared by the small in-repo golden test and the
corpus-scale one over all recorded qwen-long summaries."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import lxml.html
from markdown_it.token import Token
from readme_check import github_like_html, live_markup, paper_headings
from render_samples import DAY1, GENERATED, make_paper, rank, summary

from arxivbot.config import Config, Profile
from arxivbot.models import DayStats, Digest
from arxivbot.notify.smtp import digest_email
from arxivbot.render import render_readme
from arxivbot.render.markdown import parse_summary
from arxivbot.render.site import paper_view
from arxivbot.render.templating import item_html

BATCH = 40  # summaries per rendered README / e-mail
_LITERAL_TAG_RE = re.compile(r"<\s*/?\s*(br|sup|sub)\b", re.I)
_MATH_TYPES = ("math_inline", "math_inline_double", "math_block", "math_block_label")


@dataclass(frozen=True)
class Entry:
    name: str
    text: str


@dataclass
class GoldenReport:
    summaries: int = 0
    formulas: int = 0
    mathml: Counter[str] = field(default_factory=Counter)  # output → <math> elements
    fallbacks: Counter[str] = field(default_factory=Counter)  # TeX shown as code
    problems: list[str] = field(default_factory=list)
    readme_entries: int = 0
    readme_verbatim_math: int = 0

    def problem(self, output: str, name: str, what: str) -> None:
        if len(self.problems) < 50:
            self.problems.append(f"{output} {name}: {what}")


def formulas(tokens: Sequence[Token]) -> Iterator[Token]:
    for token in tokens:
        if token.type in _MATH_TYPES:
            yield token
        yield from formulas(token.children or [])


def check_entries(
    entries: Sequence[Entry], profile: Profile, config: Config, *, batch: int = BATCH
) -> GoldenReport:
    report = GoldenReport()
    for start in range(0, len(entries), batch):
        chunk = entries[start : start + batch]
        digest = _digest(chunk)
        _check_readme(report, digest, chunk, profile, config)
        _check_email(report, digest)
        for ranked, entry in zip(digest.papers, chunk, strict=True):
            _check_html_paths(report, digest, ranked, entry)
    return report


def _digest(entries: Sequence[Entry]) -> Digest:
    papers, found = [], {}
    for i, entry in enumerate(entries):
        paper = make_paper(f"2601.{10000 + i:05d}", f"Entry {i}", ["A"], "Abstract.", ("cs.LG",))
        papers.append(rank(paper, DAY1, 100.0 - i, i + 1))
        found[paper.arxiv_id] = summary(paper, entry.text)
    stats = DayStats(fetched=len(entries), new=len(entries), kept=len(entries))
    return Digest("default", DAY1, GENERATED, tuple(papers), stats, MappingProxyType(found))


def _check_html_paths(report: GoldenReport, digest: Digest, ranked: object, entry: Entry) -> None:
    from arxivbot.models import RankedPaper

    assert isinstance(ranked, RankedPaper)
    found = digest.summary_for(ranked.paper.arxiv_id)
    tex = [t.content for t in formulas(parse_summary(entry.text))]
    report.summaries += 1
    report.formulas += len(tex)
    outputs = {
        "site": str(paper_view(ranked, found).summary_html),
        "feed": item_html(ranked, found),
    }
    for output, fragment in outputs.items():
        tree = lxml.html.fromstring(f"<div>{fragment}</div>")
        shown = len(tree.xpath("//math"))
        code = tree.xpath("//code[@class='math-tex']")
        report.mathml[output] += shown
        if output == "site":
            report.fallbacks.update(c.text_content() for c in code)
        if shown + len(code) != len(tex):
            report.problem(output, entry.name, f"{len(tex)} formulas, {shown} MathML")
        _check_tree(report, output, entry.name, tree)


def _check_tree(report: GoldenReport, output: str, name: str, tree: lxml.html.HtmlElement) -> None:
    if tree.xpath("//math//em | //math//strong | //em[ancestor::math]"):
        report.problem(output, name, "<em> inside math")
    for text in _visible_text(tree):
        if _LITERAL_TAG_RE.search(text):
            report.problem(output, name, f"literal tag in {text[:60]!r}")
    if live_markup(tree):
        report.problem(output, name, f"live markup {live_markup(tree)[:3]}")
    if tree.xpath("//h1 | //h2"):
        report.problem(output, name, "a summary heading outranks the entry")


def _visible_text(tree: lxml.html.HtmlElement) -> Iterator[str]:
    """Text a reader sees as prose (not inside code, where tags are shown on purpose)."""
    for node in tree.iter():
        if not isinstance(node.tag, str) or node.tag in ("code", "pre"):
            continue
        if node.text and not _in_code(node):
            yield node.text
        if node.tail and not _in_code(node.getparent()):
            yield node.tail


def _in_code(node: lxml.html.HtmlElement | None) -> bool:
    while node is not None:
        if node.tag in ("code", "pre"):
            return True
        node = node.getparent()
    return False


def _check_readme(
    report: GoldenReport, digest: Digest, chunk: Sequence[Entry], profile: Profile, config: Config
) -> None:
    text = render_readme(digest, profile, config, generated_at=GENERATED)
    tree = github_like_html(text)
    headings = [h.text_content() for h in paper_headings(tree)]
    if headings != [f"{i + 1}. Entry {i}" for i in range(len(chunk))]:
        report.problem("readme", chunk[0].name, f"{len(headings)} of {len(chunk)} entries render")
    report.readme_entries += len(headings)
    if len(tree.xpath("//details")) != len(chunk):
        report.problem("readme", chunk[0].name, "a summary's <details> block is broken")
    if live_markup(tree):
        report.problem("readme", chunk[0].name, f"live markup {live_markup(tree)[:3]}")
    for item in chunk:
        for token in formulas(parse_summary(item.text)):
            report.readme_verbatim_math += token.content.strip("\n") in text
    for node in _visible_text(tree):
        if _LITERAL_TAG_RE.search(node):
            report.problem("readme", chunk[0].name, f"literal tag in {node[:60]!r}")


def _check_email(report: GoldenReport, digest: Digest) -> None:
    html = digest_email(digest, top_n=len(digest.papers), site_url="").html
    tree = lxml.html.fromstring(html).xpath("//body")[0]  # the head has our own <meta>
    report.mathml["email"] += len(tree.xpath("//math"))
    for text in _visible_text(tree):
        if _LITERAL_TAG_RE.search(text):
            report.problem("email", digest.papers[0].paper.arxiv_id, f"literal tag {text[:60]!r}")
    if tree.xpath("//math//em") or live_markup(tree):
        report.problem("email", digest.papers[0].paper.arxiv_id, "markup inside math / live")
