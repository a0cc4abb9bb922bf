"""The shared Jinja2 environment (autoescape on) and its filters.

``math`` shows ``$...$`` TeX from titles and abstracts without a CDN: simple commands
become Unicode (``\\alpha`` → α, ``\\leq`` → ≤), ``^``/``_`` become ``<sup>``/``<sub>``,
and the rest stays as written inside ``<span class="math">``. Every piece of text is
escaped before any markup is added, so the filter output is safe.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from arxivbot.enrich.links import find_links
from arxivbot.models import RankedPaper, Summary, SummarySource
from arxivbot.render.markdown import FEED_HEADING_LEVEL, clean_text, markdown_to_safe_html

_GREEK = [
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon", "phi",
    "chi", "psi", "omega",
]  # fmt: skip
_SYMBOLS: dict[str, str] = {
    **{name: chr(0x3B1 + i + (1 if i > 16 else 0)) for i, name in enumerate(_GREEK)},
    **{name.capitalize(): chr(0x391 + i + (1 if i > 16 else 0)) for i, name in enumerate(_GREEK)},
    "varepsilon": "ε", "vartheta": "ϑ", "varphi": "φ", "ell": "ℓ", "times": "×", "cdot": "·",
    "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈",
    "sim": "∼", "simeq": "≃", "infty": "∞", "in": "∈", "notin": "∉", "subset": "⊂",
    "subseteq": "⊆", "cup": "∪", "cap": "∩", "to": "→", "rightarrow": "→", "leftarrow": "←",
    "Rightarrow": "⇒", "mapsto": "↦", "pm": "±", "mp": "∓", "sqrt": "√", "sum": "∑",
    "prod": "∏", "int": "∫", "partial": "∂", "nabla": "∇", "forall": "∀", "exists": "∃",
    "log": "log", "exp": "exp", "max": "max", "min": "min", "lVert": "‖", "rVert": "‖",
    "ll": "≪", "gg": "≫", "propto": "∝", "emptyset": "∅", "ldots": "…", "cdots": "⋯",
    "star": "⋆", "circ": "∘", "prime": "′", "top": "⊤", "langle": "⟨", "rangle": "⟩",
}  # fmt: skip
_BLACKBOARD = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "E": "𝔼", "P": "ℙ"}
_MATH_RE = re.compile(r"\$\$?([^$]{1,300}?)\$\$?")
_STYLE_RE = re.compile(
    r"\\(?:mathbb|mathbf|mathcal|mathrm|mathit|text|textbf|operatorname)\{([^{}]*)\}"
)
_CMD_RE = re.compile(r"\\([A-Za-z]+)")
_SCRIPT_RE = re.compile(r"([\^_])(\{[^{}]*\}|\\?.)")


def tex_to_html(tex: str) -> Markup:
    """A modest TeX → HTML conversion for inline math (never raises, always escaped)."""
    text = _STYLE_RE.sub(lambda m: _BLACKBOARD.get(m.group(1), m.group(1)), tex)
    text = _CMD_RE.sub(lambda m: _SYMBOLS.get(m.group(1), m.group(0)), text)
    out: list[str] = []
    last = 0
    for match in _SCRIPT_RE.finditer(text):
        out.append(str(escape(text[last : match.start()])))
        tag = "sup" if match.group(1) == "^" else "sub"
        body = match.group(2).strip("{}")
        out.append(f"<{tag}>{escape(body)}</{tag}>")
        last = match.end()
    out.append(str(escape(text[last:])))
    body = "".join(out).replace("{", "").replace("}", "")  # leftover TeX grouping
    return Markup(f'<span class="math">{body}</span>')


def with_math(text: str) -> Markup:
    """Escape ``text`` and render its ``$...$`` spans with :func:`tex_to_html`."""
    text = clean_text(text)
    parts: list[str] = []
    last = 0
    for match in _MATH_RE.finditer(text):
        parts.append(str(escape(text[last : match.start()])))
        parts.append(str(tex_to_html(match.group(1))))
        last = match.end()
    parts.append(str(escape(text[last:])))
    return Markup("".join(parts))


def format_score(score: float) -> str:
    return f"{score:.1f}"


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("arxivbot", "templates"),
        autoescape=select_autoescape(["html", "xml", "j2"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["math"] = with_math
    env.filters["markdown"] = lambda text: Markup(markdown_to_safe_html(text))
    env.filters["score"] = format_score
    env.filters["clean"] = clean_text
    return env


def summary_label(summary: Summary) -> str:
    if summary.source is SummarySource.OFFLINE:
        return "Extractive summary (offline)"
    return f"AI summary (by {clean_text(summary.model, limit=80)})"


@lru_cache(maxsize=4096)  # pure; a paper is an item in the whole feed and its categories'
def item_html(ranked: RankedPaper, summary: Summary | None) -> str:
    """The HTML body of one feed item: why + score, abstract, summary, links."""
    paper = ranked.paper
    has_summary = summary is not None and bool(summary.text.strip())
    return (
        environment()
        .get_template("feed_item.html")
        .render(
            score=format_score(ranked.score),
            why=clean_text(ranked.explanation, limit=1_000),
            authors=clean_text(", ".join(paper.authors), limit=2_000),
            categories=", ".join(paper.categories),
            announce_type=ranked.announcement.announce_type.value,
            announced_on=ranked.announcement.announced_on.isoformat(),
            abstract=clean_text(paper.abstract),
            summary_html=Markup(markdown_to_safe_html(summary.text, FEED_HEADING_LEVEL))
            if summary and has_summary
            else "",
            summary_label=summary_label(summary) if summary else "",
            offline=bool(summary and summary.source is SummarySource.OFFLINE),
            abs_url=paper.abs_url,
            pdf_url=paper.pdf_url,
            html_url=paper.html_url,
            links=find_links(paper),
        )
    )
