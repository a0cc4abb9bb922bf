"""A roll-up as a Markdown section (``weekly.md`` / ``monthly.md`` and the README excerpt)."""

from __future__ import annotations

from urllib.parse import quote

from arxivbot.enrich.links import find_links
from arxivbot.render.markdown import md_inline
from arxivbot.render.readme import code_link_md, format_score
from arxivbot.rollup import PeriodKind, Rollup

FILE_NAMES = {PeriodKind.WEEK: "weekly.md", PeriodKind.MONTH: "monthly.md"}


def render_rollup(rollup: Rollup) -> str:
    period = rollup.period
    title = "Week" if period.kind is PeriodKind.WEEK else "Month"
    lines = [
        f"## 🗓️ {title} {period.name} ({period.start.isoformat()} – {period.end.isoformat()})",
        "",
        f"_{len(rollup.days)} digest day(s), {rollup.kept} paper(s) kept of "
        f"{rollup.announced:,} announced; profile {md_inline(rollup.profile)}._",
        "",
        "### Top papers",
        "",
    ]
    if not rollup.top:
        lines.append("_No digest in this period._")
    for index, ranked in enumerate(rollup.top, start=1):
        paper = ranked.paper
        code = " · ".join(code_link_md(link) for link in find_links(paper) if link.is_code)
        lines.append(
            f"{index}. [{md_inline(paper.title, limit=300)}]({_url(paper.abs_url)}) "
            f"— ★ {format_score(ranked.score)}, {ranked.announcement.announced_on.isoformat()}"
            + (f" · {code}" if code else "")
        )
    if rollup.themes:
        lines += ["", "### Themes", ""]
        for theme in rollup.themes:
            label = ", ".join(md_inline(term) for term in theme.label)
            titles = "; ".join(md_inline(p.title, limit=90) for p in theme.papers[:3])
            more = f" (+{len(theme.papers) - 3} more)" if len(theme.papers) > 3 else ""
            lines.append(f"- **{label}** — {len(theme.papers)} papers: {titles}{more}")
    if rollup.rising:
        lines += ["", f"### Rising terms (vs the previous {period.kind.value})", ""]
        lines.append("| term | papers | before | × share |")
        lines.append("|---|---:|---:|---:|")
        for term in rollup.rising:
            lines.append(
                f"| {md_inline(term.term)} | {term.papers} | {term.previous} | {term.ratio:g} |"
            )
    return "\n".join(lines) + "\n"


def _url(url: str) -> str:
    return quote(url, safe=":/?#=&.%~-_+")
