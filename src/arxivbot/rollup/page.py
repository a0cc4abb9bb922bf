"""A roll-up as a site page (``weekly.html`` / ``monthly.html`` beside ``index.html``).

Same template environment and base layout as the static site (autoescape, the site's CSP,
no script of its own); charts are the site's server-side SVG bar charts.
"""

from __future__ import annotations

from datetime import datetime

from arxivbot.enrich.links import find_links
from arxivbot.render.site import paper_stem
from arxivbot.render.stats import Chart, bar_chart
from arxivbot.render.templating import environment
from arxivbot.rollup import PeriodKind, Rollup

PAGE_NAMES = {PeriodKind.WEEK: "weekly.html", PeriodKind.MONTH: "monthly.html"}


def rollup_charts(rollup: Rollup) -> list[Chart]:
    charts = []
    if rollup.rising:
        terms = rollup.rising
        charts.append(bar_chart("Rising terms: × share of papers vs the previous "
                                f"{rollup.period.kind.value}", [t.term for t in terms],
                                [t.ratio for t in terms]))  # fmt: skip
    if rollup.themes:
        labels = [", ".join(t.label[:2]) for t in rollup.themes]
        charts.append(bar_chart("Papers per theme", labels, [len(t.papers) for t in rollup.themes]))
    return charts


def render_rollup_page(rollup: Rollup, site_title: str, generated_at: datetime) -> str:
    kind = "Week" if rollup.period.kind is PeriodKind.WEEK else "Month"
    return (
        environment()
        .get_template("site/rollup.html")
        .render(
            root="",
            site_title=site_title,
            generated_at=generated_at.strftime("%Y-%m-%d %H:%M UTC"),
            heading=f"{kind} {rollup.period.name}",
            rollup=rollup,
            stems=[paper_stem(r.paper.arxiv_id) for r in rollup.top],
            code=[[link for link in find_links(r.paper) if link.is_code] for r in rollup.top],
            charts=rollup_charts(rollup),
        )
    )
