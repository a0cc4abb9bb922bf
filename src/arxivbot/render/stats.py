"""Server-side SVG charts for the statistics page (no chart library, no script).

Each chart is an inline ``<svg>`` (HTML5 needs no xmlns) built with ElementTree, so labels
(categories) are escaped by the serializer. Colours come from CSS classes (``bar-a``,
``bar-b``) so dark mode works and the Content-Security-Policy needs no inline styles.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from arxivbot.models import DayStats, Digest

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 28, 36


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]
    css_class: str = "bar-a"


@dataclass(frozen=True)
class Chart:
    title: str
    svg: str  # serialised inline SVG, safe to embed


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: object) -> ET.Element:
    element = ET.SubElement(
        parent, tag, {k.rstrip("_").replace("_", "-"): str(v) for k, v in attrs.items()}
    )
    if text is not None:
        element.text = text
    return element


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if value <= step * magnitude:
            return step * magnitude
    return 10.0 * magnitude


def _fmt(value: float) -> str:
    return f"{value:g}"


def column_chart(title: str, labels: Sequence[str], series: Sequence[Series]) -> Chart:
    """Vertical bars, one group per label, one bar per series; a legend when > 1 series."""
    svg = ET.Element("svg", {"viewBox": f"0 0 {WIDTH} {HEIGHT}", "role": "img",
                                "class": "chart"})  # fmt: skip
    _el(svg, "title", title)
    values = [v for s in series for v in s.values]
    top = _nice_max(max(values, default=0))
    if all(v == int(v) for v in values):  # counts: keep the four grid steps whole numbers
        top = max(4.0, math.ceil(top / 4) * 4.0)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    for tick in range(5):
        value = top * tick / 4
        y = TOP + plot_h - plot_h * tick / 4
        _el(svg, "line", x1=LEFT, x2=WIDTH - RIGHT, y1=y, y2=y, class_="grid")
        _el(
            svg,
            "text",
            _fmt(round(value, 2)),
            x=LEFT - 6,
            y=y + 4,
            class_="axis",
            text_anchor="end",
        )
    group_w = plot_w / max(len(labels), 1)
    bar_w = max(group_w * 0.8 / max(len(series), 1), 1.0)
    label_every = max(1, math.ceil(len(labels) / 12))
    for i, label in enumerate(labels):
        x0 = LEFT + i * group_w + group_w * 0.1
        for j, one in enumerate(series):
            value = one.values[i] if i < len(one.values) else 0
            h = plot_h * value / top
            bar = _el(svg, "rect", x=round(x0 + j * bar_w, 2), y=round(TOP + plot_h - h, 2),
                      width=round(bar_w, 2), height=round(h, 2), class_=one.css_class)  # fmt: skip
            _el(bar, "title", f"{label} — {one.name}: {_fmt(value)}")
        if i % label_every == 0:
            _el(svg, "text", label, x=round(x0 + group_w * 0.4, 2), y=HEIGHT - BOTTOM + 16,
                class_="axis", text_anchor="middle")  # fmt: skip
    if len(series) > 1:
        for j, one in enumerate(series):
            x = LEFT + j * 130
            _el(svg, "rect", x=x, y=6, width=12, height=12, class_=one.css_class)
            _el(svg, "text", one.name, x=x + 18, y=16, class_="legend")
    return Chart(title, ET.tostring(svg, encoding="unicode"))


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float]) -> Chart:
    """Horizontal bars (long labels such as categories read better sideways)."""
    row_h, label_w = 22, 120
    height = TOP + row_h * max(len(labels), 1) + 8
    svg = ET.Element("svg", {"viewBox": f"0 0 {WIDTH} {height}", "role": "img",
                                "class": "chart"})  # fmt: skip
    _el(svg, "title", title)
    top = _nice_max(max(values, default=0))
    plot_w = WIDTH - label_w - RIGHT - 40
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = TOP + i * row_h
        _el(svg, "text", label, x=label_w - 8, y=y + 15, class_="axis", text_anchor="end")
        w = plot_w * value / top
        bar = _el(svg, "rect", x=label_w, y=y + 3, width=round(w, 2), height=row_h - 6,
                  class_="bar-a")  # fmt: skip
        _el(bar, "title", f"{label}: {_fmt(value)}")
        _el(svg, "text", _fmt(value), x=round(label_w + w + 6, 2), y=y + 15, class_="value")
    return Chart(title, ET.tostring(svg, encoding="unicode"))


def day_stats_from(history: Sequence[Digest]) -> dict[date, DayStats]:
    return {d.announced_on: d.stats for d in history}


def site_charts(
    history: Sequence[Digest], all_days_stats: Mapping[date, DayStats] | None = None
) -> list[Chart]:
    """The four charts of the statistics page."""
    stats = dict(all_days_stats) if all_days_stats else day_stats_from(history)
    days = sorted(stats)[-60:]
    labels = [d.strftime("%m-%d") for d in days]
    kept = {d.announced_on: len(d.papers) for d in history}
    charts = [
        column_chart(
            "Papers kept per announcement day",
            labels,
            [Series("kept", tuple(float(kept.get(d, stats[d].kept)) for d in days))],
        ),
        column_chart(
            "Fetched vs kept per day",
            labels,
            [
                Series("fetched", tuple(float(stats[d].fetched) for d in days), "bar-b"),
                Series("kept", tuple(float(kept.get(d, stats[d].kept)) for d in days)),
            ],
        ),
    ]
    per_category = Counter(c for d in history for r in d.papers for c in r.paper.categories)
    top = per_category.most_common(15)
    charts.append(bar_chart("Kept papers per category", [c for c, _ in top], [n for _, n in top]))
    charts.append(score_histogram([r.score for d in history for r in d.papers]))
    return charts


def score_histogram(scores: Sequence[float], bins: int = 12) -> Chart:
    if not scores:
        return column_chart("Score distribution", [], [Series("papers", ())])
    low, high = math.floor(min(scores)), math.ceil(max(scores))
    width = max((high - low) / bins, 0.5)
    count = max(1, math.ceil((high - low) / width) or 1)
    edges = [low + i * width for i in range(count)]
    counts = [0.0] * count
    for score in scores:
        counts[min(int((score - low) / width), count - 1)] += 1
    labels = [_fmt(round(e, 1)) for e in edges]
    return column_chart("Score distribution", labels, [Series("papers", tuple(counts))])
