"""The static site: latest digest, day archive, paper pages, search and statistics.

Every link is relative (``root`` is ``""`` or ``"../"``), so the site works from a
sub-path such as GitHub Pages ``/repo/`` and straight from disk. The search index is
written twice: ``search-index.json`` for fetch() and ``search-index.js`` (a global) because
browsers block fetch() of local files opened via ``file://``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from markupsafe import Markup

from arxivbot.config import Config, Profile
from arxivbot.enrich.links import CodeLink, find_links
from arxivbot.fsutil import atomic_write_bytes, atomic_write_text
from arxivbot.ids import ArxivId
from arxivbot.models import DayStats, Digest, RankedPaper, Summary, SummarySource
from arxivbot.render.feeds import FeedMeta
from arxivbot.render.markdown import clean_text, markdown_to_safe_html
from arxivbot.render.site_index import (
    WrittenIndex,
    script_safe_json,
    search_index,
    write_search_index,
)
from arxivbot.render.stats import site_charts
from arxivbot.render.templating import environment, summary_label

STATIC_FILES = ("style.css", "query.js", "search.js", "feedback.js", "reader.js")
__all__ = ["STATIC_FILES", "paper_stem", "script_safe_json", "search_index", "write_site"]


@dataclass(frozen=True)
class PaperView:
    """What a template needs to show one ranked paper (all text still untrusted)."""

    ranked: RankedPaper
    summary: Summary | None
    stem: str
    authors: str
    why: str
    summary_html: Markup | str = ""
    summary_label: str = ""
    offline: bool = False
    links: tuple[CodeLink, ...] = ()  # code and project pages named in the paper's text


@dataclass(frozen=True)
class DayLink:
    href: str
    label: str
    count: int = 0


@dataclass
class _SiteWriter:
    out_dir: Path
    meta: FeedMeta
    profile: Profile
    written: list[Path] = field(default_factory=list)

    def page(self, relpath: str, template: str, **context: Any) -> None:
        root = "../" * relpath.count("/")
        html = (
            environment()
            .get_template(f"site/{template}")
            .render(
                root=root,
                site_title=self.meta.title,
                generated_at=self.meta.generated_at.strftime("%Y-%m-%d %H:%M UTC"),
                # several profiles: each site lives one folder down, the landing page above
                all_profiles=bool(self.profile.output_subdir),
                feed_categories=self.profile.categories,
                **context,
            )
        )
        self.written.append(atomic_write_text(self.out_dir / relpath, html))


def paper_stem(arxiv_id: str) -> str:
    """A file-system and URL safe page name; old-style ids (``hep-th/9901001``) hold a '/'."""
    return ArxivId(arxiv_id).file_stem


def paper_view(ranked: RankedPaper, summary: Summary | None) -> PaperView:
    has_summary = summary is not None and bool(summary.text.strip())
    return PaperView(
        ranked=ranked,
        summary=summary,
        stem=paper_stem(ranked.paper.arxiv_id),
        authors=clean_text(", ".join(ranked.paper.authors), limit=2_000),
        why=clean_text(ranked.explanation, limit=1_000),
        summary_html=Markup(markdown_to_safe_html(summary.text)) if summary and has_summary else "",
        summary_label=summary_label(summary) if summary else "",
        offline=bool(summary and summary.source is SummarySource.OFFLINE),
        links=find_links(ranked.paper),
    )


def digest_views(digest: Digest) -> list[PaperView]:
    return [paper_view(r, digest.summary_for(r.paper.arxiv_id)) for r in digest.papers]


def write_site(
    out_dir: Path,
    history: Sequence[Digest],
    profile: Profile,
    config: Config,
    meta: FeedMeta,
    *,
    all_days_stats: Mapping[date, DayStats] | None = None,
    notice: str | None = None,
) -> list[Path]:
    """Write every page of the site for ``history`` (one profile's digests, any order)."""
    digests = sorted(history, key=lambda d: d.announced_on, reverse=True)
    writer = _SiteWriter(out_dir, meta, profile)
    _write_static(writer)
    index = _write_search(writer, digests)
    _write_digest_pages(writer, digests, profile, notice, index)
    _write_paper_pages(writer, digests)
    charts = site_charts(digests, all_days_stats)
    total = sum(len(d.papers) for d in digests)
    writer.page("stats.html", "stats.html", charts=charts, total_papers=total,
                day_count=len(digests))  # fmt: skip
    return writer.written


# What a static host tells feedback.js: no API here. `arxivbot serve` answers this path itself.
STATIC_SERVER_JS = "window.arxivbotServer = null;\n"


def _write_static(writer: _SiteWriter) -> None:
    folder = resources.files("arxivbot") / "static"
    for name in STATIC_FILES:
        target = writer.out_dir / "static" / name
        writer.written.append(atomic_write_bytes(target, (folder / name).read_bytes()))
    server_js = writer.out_dir / "static" / "server.js"
    writer.written.append(atomic_write_bytes(server_js, STATIC_SERVER_JS.encode()))


def _day_href(day: date, root: str) -> str:
    return f"{root}days/{day.isoformat()}.html"


def _write_digest_pages(
    writer: _SiteWriter,
    digests: list[Digest],
    profile: Profile,
    notice: str | None,
    index: WrittenIndex,
) -> None:
    common = {"profile_name": profile.name, "categories": ", ".join(profile.categories)}
    latest = digests[0] if digests else None
    heading = f"arXiv digest — {latest.announced_on.isoformat()}" if latest else "arXiv digest"
    writer.page("index.html", "digest.html", digest=latest, heading=heading, notice=notice,
                items=digest_views(latest) if latest else [], prev_day=None, next_day=None,
                **common)  # fmt: skip
    for i, digest in enumerate(digests):
        newer = digests[i - 1] if i > 0 else None
        older = digests[i + 1] if i + 1 < len(digests) else None
        writer.page(
            f"days/{digest.announced_on.isoformat()}.html",
            "digest.html",
            digest=digest,
            heading=f"arXiv digest — {digest.announced_on.isoformat()}",
            notice=None,
            items=digest_views(digest),
            prev_day=DayLink(_day_href(older.announced_on, "../"), older.announced_on.isoformat())
            if older
            else None,
            next_day=DayLink(_day_href(newer.announced_on, "../"), newer.announced_on.isoformat())
            if newer
            else None,
            **common,
        )
    # every day with a page, earlier runs' too (the search index remembers them)
    days = [DayLink(f"{d.day}.html", d.day, d.count) for d in index.days]
    writer.page("days/index.html", "days.html", days=days)


def _write_paper_pages(writer: _SiteWriter, digests: list[Digest]) -> None:
    seen: dict[str, tuple[RankedPaper, Summary | None, list[date]]] = {}
    for digest in digests:  # newest first: the first sighting is the newest version
        for ranked in digest.papers:
            key = ranked.paper.arxiv_id
            if key not in seen:
                seen[key] = (ranked, digest.summary_for(key), [])
            seen[key][2].append(digest.announced_on)
    for ranked, summary, days in seen.values():
        view = paper_view(ranked, summary)
        appearances = [DayLink(_day_href(d, "../"), d.isoformat()) for d in days]
        writer.page(f"papers/{view.stem}.html", "paper.html", item=view, appearances=appearances)


def _write_search(writer: _SiteWriter, digests: list[Digest]) -> WrittenIndex:
    written = write_search_index(writer.out_dir, digests)
    writer.written.extend(written.paths)
    first = written.days[-1].day if written.days else ""
    last = written.days[0].day if written.days else ""
    writer.page("search.html", "search.html", count=written.papers, day_count=len(written.days),
                first_day=first, last_day=last)  # fmt: skip
    return written
