"""The Markdown README digest in the original bot's layout, and the ``papers.json`` twin.

The built-in template (``templates/README.template.md``) is itself a template in the
original ``README.template.md`` format, so a user's template and ours are filled by the
same single pass: placeholders inside substituted text (a title containing
``{{KEYWORDS}}``) are never expanded again.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from arxivbot.config import Config, Profile
from arxivbot.enrich.links import CodeLink, find_links
from arxivbot.fsutil import atomic_write_text
from arxivbot.models import Digest, RankedPaper, Summary, SummarySource
from arxivbot.render.markdown import clean_text, md_block_start, md_inline
from arxivbot.render.summary_md import safe_summary_markdown

ABSTRACT_CHARS = 300  # the original cut abstracts at 300 characters + "..."
TITLE_LIMIT = 400
AUTHORS_LIMIT = 2_000
SUMMARY_LIMIT = 40_000
_PLACEHOLDER_RE = re.compile(r"\{\{([A-Z_]+)\}\}")


def builtin_template() -> str:
    return (resources.files("arxivbot") / "templates" / "README.template.md").read_text("utf-8")


def render_readme(
    digest: Digest | None,
    profile: Profile,
    config: Config,
    *,
    template: str | None = None,
    notice: str | None = None,
    generated_at: datetime,
) -> str:
    """The README text for ``digest`` (None: nothing announced yet) in the original layout.

    ``template`` is a user's ``README.template.md`` text; the original placeholders
    ``{{PAPERS_SECTION}} {{LAST_UPDATED}} {{PAPER_COUNT}} {{CATEGORIES}} {{KEYWORDS}}``
    and ours (``{{EXTRA_STATS}} {{NOTICE}} {{SCHEDULE}} {{ANNOUNCED_ON}}``) are filled.
    """
    shown = digest.papers[: profile.display_limit] if digest else ()
    notice_md = f"\n> ℹ️ {md_inline(notice, limit=500)}\n" if notice else ""
    text = template if template is not None else builtin_template()
    papers = papers_section(digest, profile) if digest else "_No papers have been announced yet._"
    if "{{NOTICE}}" not in text and notice_md:
        papers = notice_md.strip() + "\n\n" + papers
    values = {
        "PAPERS_SECTION": papers,
        "LAST_UPDATED": generated_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
        "PAPER_COUNT": str(len(shown)),
        "CATEGORIES": ", ".join(md_inline(c) for c in profile.categories),
        "KEYWORDS": _interests(profile),
        "EXTRA_STATS": _extra_stats(digest),
        "NOTICE": notice_md,
        "SCHEDULE": _schedule(config),
        "ANNOUNCED_ON": digest.announced_on.isoformat() if digest else "",
    }
    filled = _PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), text)
    return filled if filled.endswith("\n") else filled + "\n"


def _interests(profile: Profile) -> str:
    """The original's keyword list, plus the query and followed authors when there are any."""
    parts = [", ".join(md_inline(k) for k in profile.keywords)] if profile.keywords else []
    if profile.query:
        parts.append(f"query: {md_inline(profile.query, limit=500)}")
    if profile.exclude_query:
        parts.append(f"excluding: {md_inline(profile.exclude_query, limit=500)}")
    if profile.authors.follow:
        parts.append(f"following: {md_inline(', '.join(profile.authors.follow), limit=500)}")
    return "; ".join(parts) or "_(none)_"


def papers_section(digest: Digest, profile: Profile) -> str:
    """The numbered paper blocks, each ending with a ``---`` separator."""
    shown = digest.papers[: profile.display_limit]
    if not shown:
        return f"_No paper matched your interests on {digest.announced_on.isoformat()}._"
    blocks = [
        paper_block(index, ranked, digest.summary_for(ranked.paper.arxiv_id))
        for index, ranked in enumerate(shown, start=1)
    ]
    return "\n\n".join(blocks)


def paper_block(index: int, ranked: RankedPaper, summary: Summary | None) -> str:
    paper = ranked.paper
    lines = [
        f"### {index}. [{md_inline(paper.title, limit=TITLE_LIMIT)}]({_url(paper.abs_url)})",
        "",
        f"**Authors**: {md_inline(', '.join(paper.authors), limit=AUTHORS_LIMIT)}  ",
        # The original showed the followed category the paper was listed in.
        f"**Category**: {md_inline(ranked.announcement.feed_category)}  ",
        f"**Published**: {ranked.announcement.announced_on.isoformat()}  ",
        f"**Score**: {format_score(ranked.score)}  ",
        f"**Type**: {md_inline(ranked.announcement.announce_type.value)}  ",
        f"**ArXiv ID**: {md_inline(paper.versioned_id)}  ",
    ]
    if ranked.explanation:
        lines.append(f"**Why**: {md_inline(ranked.explanation, limit=1_000)}  ")
    links = find_links(paper)
    if links:
        lines.append(f"**Code**: {' · '.join(code_link_md(link) for link in links)}  ")
    lines += ["", "#### Abstract", md_block_start(cut_abstract(paper.abstract))]
    if summary is not None and summary.text.strip():
        lines += ["", *_summary_block(summary)]
    lines += ["", "---"]
    return "\n".join(lines)


def code_link_md(link: CodeLink) -> str:
    """``[GitHub owner/repo](url)``; a link the authors only promised says so."""
    promise = " (promised)" if link.promised else ""
    return f"[{md_inline(link.display)}]({_url(link.url)}){promise}"


def _summary_block(summary: Summary) -> list[str]:
    if summary.source is SummarySource.OFFLINE:
        label = "📝 Extractive summary (offline, not written by an LLM)"
    else:
        label = f"🤖 AI Summary (by {html.escape(clean_text(summary.model, limit=80))})"
    body = safe_summary_markdown(summary.text[:SUMMARY_LIMIT])
    return [
        "<details>",
        f"<summary><strong>{label}</strong> - Click to expand</summary>",
        "",
        body,
        "",
        "</details>",
    ]


def cut_abstract(abstract: str, limit: int = ABSTRACT_CHARS) -> str:
    """The original's cut: the first ``limit`` characters and ``...`` when longer."""
    text = clean_text(abstract)
    return text if len(text) <= limit else text[:limit] + "..."


def format_score(score: float) -> str:
    """``11.0`` like the original; one decimal (scores are sums of 0.5 steps by default)."""
    return f"{score:.1f}"


def _url(url: str) -> str:
    return quote(url, safe=":/?#=&.%~-_+")


def _extra_stats(digest: Digest | None) -> str:
    if digest is None:
        return ""
    stats = digest.stats
    rows = [
        ("Announcement Date", digest.announced_on.isoformat()),
        ("Papers Fetched", str(stats.fetched)),
        ("New / Cross-listed", f"{stats.new} / {stats.cross}"),
        ("Matched Your Interests", str(stats.matched)),
    ]
    return "".join(f"- **{label}**: {value}\n" for label, value in rows)


def _schedule(config: Config) -> str:
    server = config.server
    return (
        "The bot fetches the latest papers on arXiv announcement days: on GitHub Actions at "
        "the cron time of `.github/workflows/digest.yml` (in UTC), or with `arxivbot serve` "
        f"at cron `{server.schedule.replace('`', '')}` ({md_inline(server.timezone)})."
    )


def write_readme(out_dir: Path, text: str) -> Path:
    """Atomically replace ``out_dir/README.md``."""
    return atomic_write_text(out_dir / "README.md", text)


def render_papers_json(digest: Digest) -> str:
    """The digest as machine-readable JSON: papers, scores, score components, summaries."""
    document = {
        "profile": digest.profile,
        "announced_on": digest.announced_on.isoformat(),
        "generated_at": digest.generated_at.isoformat(),
        "stats": _stats_dict(digest),
        "papers": [_paper_dict(r, digest.summary_for(r.paper.arxiv_id)) for r in digest.papers],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def write_papers_json(out_dir: Path, text: str) -> Path:
    """Atomically replace ``out_dir/papers.json`` with ``render_papers_json`` output."""
    return atomic_write_text(out_dir / "papers.json", text)


def _stats_dict(digest: Digest) -> Mapping[str, int]:
    s = digest.stats
    return {
        "fetched": s.fetched,
        "new": s.new,
        "cross": s.cross,
        "replaced": s.replaced,
        "matched": s.matched,
        "kept": s.kept,
    }


def _paper_dict(ranked: RankedPaper, summary: Summary | None) -> dict[str, Any]:
    paper = ranked.paper
    return {
        "rank": ranked.rank,
        "arxiv_id": paper.arxiv_id,
        "version": paper.version,
        "title": paper.title,
        "authors": list(paper.authors),
        "primary_category": paper.primary_category,
        "categories": list(paper.categories),
        "announce_type": ranked.announcement.announce_type.value,
        "announced_on": ranked.announcement.announced_on.isoformat(),
        "score": ranked.score,
        "forced": ranked.forced,
        "explanation": ranked.explanation,
        "components": [
            {
                "kind": c.kind,
                "label": c.label,
                "field": c.field,
                "contribution": c.contribution,
                "detail": c.detail,
            }
            for c in ranked.components
        ],
        "abstract": paper.abstract,
        "links": {"abs": paper.abs_url, "pdf": paper.pdf_url, "html": paper.html_url},
        "code": [
            {"url": c.url, "kind": c.kind.value, "where": c.where, "promised": c.promised}
            for c in find_links(paper)
        ],
        "summary": None
        if summary is None
        else {
            "text": summary.text,
            "model": summary.model,
            "source": summary.source.value,
            "language": summary.key.language,
            "created_at": summary.created_at.isoformat(),
        },
    }
