"""What an AI assistant may ask of the store, as plain library calls (no MCP here).

Each answer is a frozen dataclass the MCP layer returns as structured output. Paper text
comes from arXiv and LLMs, so it is untrusted: control, bidi and zero-width characters are
removed and every field is cut to a bound, so a hostile abstract cannot flood a context
window or hide instructions in invisible characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from arxivbot.clock import Clock, utc_now
from arxivbot.config import LoadedConfig, Profile, resolve_profiles
from arxivbot.digest import load_digest
from arxivbot.enrich.links import CodeLink, find_links
from arxivbot.errors import UsageError
from arxivbot.ids import parse_arxiv_id
from arxivbot.models import Paper, Summary
from arxivbot.paths import Paths
from arxivbot.render.markdown import clean_text
from arxivbot.store import open_store

MAX_SEARCH = 50
ABSTRACT_LIMIT = 5_000
SUMMARY_LIMIT = 20_000


@dataclass(frozen=True)
class LinkInfo:
    url: str
    kind: str  # github | gitlab | huggingface | code | project
    where: str  # abstract | comment | full text
    promised: bool


@dataclass(frozen=True)
class PaperBrief:
    arxiv_id: str
    version: int
    title: str
    authors: tuple[str, ...]
    categories: tuple[str, ...]
    announced_on: date | None
    url: str
    code: tuple[str, ...]  # code links (GitHub, GitLab, Hugging Face …)


@dataclass(frozen=True)
class PaperDetail:
    paper: PaperBrief
    abstract: str
    comment: str
    journal_ref: str
    doi: str
    pdf_url: str
    links: tuple[LinkInfo, ...]
    summary: str | None  # the newest stored summary (Markdown), untrusted
    summary_model: str | None
    feedback: int  # +1 liked, -1 disliked, 0 neither (for the profile asked about)


@dataclass(frozen=True)
class DigestEntry:
    rank: int
    score: float
    why: str
    paper: PaperBrief
    summary: str | None


@dataclass(frozen=True)
class DigestListing:
    profile: str
    day: date | None  # None: nothing ranked yet
    papers: tuple[DigestEntry, ...]
    recent_days: tuple[date, ...]  # other days that can be asked for, newest first


@dataclass(frozen=True)
class FeedbackResult:
    arxiv_id: str
    profile: str
    value: int
    known: bool  # the paper is in the store (otherwise used once it arrives)


@dataclass(frozen=True)
class AgentLibrary:
    """The store behind ``loaded``/``paths``, seen by an assistant."""

    loaded: LoadedConfig
    paths: Paths
    clock: Clock = utc_now

    def profile(self, name: str | None) -> Profile:
        profiles = resolve_profiles(self.loaded.config)
        if name is None:
            return profiles[0]
        for profile in profiles:
            if profile.name == name:
                return profile
        known = ", ".join(p.name for p in profiles)
        raise UsageError(f"unknown profile {name!r}", hint=f"choose one of: {known}")

    def search(
        self,
        query: str,
        since: date | None = None,
        until: date | None = None,
        categories: tuple[str, ...] = (),
        limit: int = 10,
    ) -> list[PaperBrief]:
        """Stored papers matching ``query`` (the ranking query language, e.g. ``has:code``)."""
        from arxivbot.app.search import search_history

        limit = max(1, min(limit, MAX_SEARCH))
        hits = search_history(self.loaded, self.paths, query, since, until, categories, limit)
        return [brief(hit.paper, hit.announced_on) for hit in hits]

    def get_paper(self, arxiv_id: str, profile: str | None = None) -> PaperDetail:
        wanted = _parse_id(arxiv_id)
        chosen = self.profile(profile)
        with open_store(self.paths.db) as store:
            paper = store.get_paper(wanted)
            if paper is None:
                raise UsageError(f"{wanted} is not in the store", hint="search for it first")
            summary = store.latest_summary(wanted)
            value = store.feedback(chosen.name).get(wanted, 0)
        return detail(paper, summary, value)

    def digest(self, day: date | None = None, profile: str | None = None) -> DigestListing:
        """One profile's ranked papers of one announcement day (the newest by default)."""
        chosen = self.profile(profile)
        with open_store(self.paths.db) as store:
            days = sorted(store.ranking_days(chosen.name), reverse=True)
            if day is None and not days:
                return DigestListing(chosen.name, None, (), ())
            target = day or days[0]
            if target not in days:
                shown = ", ".join(d.isoformat() for d in days[:10]) or "none yet"
                raise UsageError(f"no digest for {target}", hint=f"ranked days: {shown}")
            digest = load_digest(store, chosen, target, self.clock)
        entries = tuple(
            DigestEntry(
                rank=ranked.rank or index,
                score=round(ranked.score, 3),
                why=clean_text(ranked.explanation, limit=1_000),
                paper=brief(ranked.paper, ranked.announcement.announced_on),
                summary=_summary_text(digest.summary_for(ranked.paper.arxiv_id)),
            )
            for index, ranked in enumerate(digest.papers[: chosen.display_limit], start=1)
        )
        return DigestListing(chosen.name, target, entries, tuple(d for d in days[:10]))

    def feedback(self, arxiv_id: str, value: int, profile: str | None = None) -> FeedbackResult:
        """Like (+1) or dislike (-1): the next ranking uses it as a (negative) seed."""
        wanted = _parse_id(arxiv_id)
        chosen = self.profile(profile)
        with open_store(self.paths.db) as store:
            store.add_feedback(chosen.name, wanted, 1 if value > 0 else -1, self.clock())
            known = store.get_paper(wanted) is not None
        return FeedbackResult(wanted, chosen.name, 1 if value > 0 else -1, known)


def brief(paper: Paper, announced_on: date | None) -> PaperBrief:
    return PaperBrief(
        arxiv_id=paper.arxiv_id,
        version=paper.version,
        title=clean_text(paper.title, limit=500),
        authors=tuple(clean_text(a, limit=200) for a in paper.authors[:50]),
        categories=paper.categories,
        announced_on=announced_on,
        url=paper.abs_url,
        code=tuple(link.url for link in find_links(paper) if link.is_code),
    )


def detail(paper: Paper, summary: Summary | None, feedback: int) -> PaperDetail:
    return PaperDetail(
        paper=brief(paper, None),
        abstract=clean_text(paper.abstract, limit=ABSTRACT_LIMIT),
        comment=clean_text(paper.comment, limit=1_000),
        journal_ref=clean_text(paper.journal_ref, limit=500),
        doi=clean_text(paper.doi, limit=200),
        pdf_url=paper.pdf_url,
        links=tuple(_link_info(link) for link in find_links(paper)),
        summary=_summary_text(summary),
        summary_model=summary.model if summary is not None else None,
        feedback=feedback,
    )


def _link_info(link: CodeLink) -> LinkInfo:
    return LinkInfo(link.url, link.kind.value, link.where, link.promised)


def _summary_text(summary: Summary | None) -> str | None:
    if summary is None or not summary.text.strip():
        return None
    return summary.text[:SUMMARY_LIMIT]


def _parse_id(raw: str) -> str:
    try:
        return parse_arxiv_id(raw.strip()).id
    except ValueError as exc:
        raise UsageError(str(exc), hint="an arXiv id such as 2606.01234") from None
