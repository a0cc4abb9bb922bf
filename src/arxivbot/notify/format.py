"""What a notification says: the compact digest, rendered for one kind of channel.

Pure functions, no I/O. Everything taken from arXiv or an LLM is untrusted and is escaped
for the markup of the channel it goes to:

* ``TEXT`` — plain text (generic webhooks, Feishu/Lark, DingTalk, WeCom ...): nothing to escape.
* ``MARKDOWN`` — CommonMark (Slack, Discord, Matrix, Teams ...): punctuation that would start
  markup is backslash-escaped and ``@`` gets a zero-width space so a hostile title cannot
  ping ``@everyone``. Apprise turns the CommonMark into each service's dialect.
* ``HTML`` — e-mail and Telegram: ``html.escape`` everywhere, links only to http(s) URLs.

Long digests are split at paper boundaries into parts that fit the channel's limit; a single
paper that is too long on its own is cut short.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from arxivbot.models import Digest, RankedPaper
from arxivbot.render.summary_text import summary_lead

TLDR_CHARS = 200
TITLE_CHARS = 300
WHY_CHARS = 160
MAX_AUTHORS = 3
ELLIPSIS = "…"

_MD_SPECIAL = re.compile(r"([\\`*_\[\]()<>|~#!])")
_SPACES = re.compile(r"\s+")


class Style(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"


@dataclass(frozen=True)
class PaperItem:
    """One paper as the notification shows it (still untrusted, not escaped)."""

    rank: int
    title: str
    url: str
    authors: str
    why: str
    tldr: str
    tldr_html: str = ""  # the same lead for HTML e-mail: escaped, math as MathML


@dataclass(frozen=True)
class DigestText:
    """A digest rendered for one channel: a title and one or more body parts."""

    title: str
    parts: tuple[str, ...]


# ---------------------------------------------------------------- content


def short_authors(authors: Sequence[str], limit: int = MAX_AUTHORS) -> str:
    """``"A, B, C et al."`` — the first ``limit`` names, then et al."""
    names = [a.strip() for a in authors if a.strip()]
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + " et al."


def clip(text: str, limit: int) -> str:
    """Collapse whitespace and cut at a word boundary, ending with an ellipsis."""
    flat = _SPACES.sub(" ", text).strip()
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + ELLIPSIS


def tldr(summary_text: str | None, abstract: str, limit: int = TLDR_CHARS) -> str:
    """The summary's lead in plain text (math as ``$TeX$``), or the abstract."""
    return tldr_pair(summary_text, abstract, limit)[0]


def tldr_pair(summary_text: str | None, abstract: str, limit: int = TLDR_CHARS) -> tuple[str, str]:
    """(plain text, HTML) of the summary's first prose — the markup parsed, never patched
    (see :mod:`arxivbot.render.summary_text`) — or of the abstract when there is none."""
    lead = summary_lead(summary_text or "", limit)
    if lead.text.strip():
        return lead.text, lead.html
    text = clip(abstract, limit)
    return text, html.escape(text)


def paper_items(digest: Digest, top_n: int) -> tuple[PaperItem, ...]:
    return tuple(_item(digest, ranked, i) for i, ranked in enumerate(digest.papers[:top_n], 1))


def _item(digest: Digest, ranked: RankedPaper, position: int) -> PaperItem:
    paper = ranked.paper
    summary = digest.summary_for(paper.arxiv_id)
    lead, lead_html = tldr_pair(summary.text if summary else None, paper.abstract)
    return PaperItem(
        rank=ranked.rank or position,
        title=clip(paper.title, TITLE_CHARS),
        url=paper.abs_url,
        authors=short_authors(paper.authors),
        why=clip(ranked.explanation, WHY_CHARS),
        tldr=lead,
        tldr_html=lead_html,
    )


def digest_title(digest: Digest) -> str:
    """The subject line: date and count (and the profile when it is not the default one)."""
    count = len(digest.papers)
    noun = "paper" if count == 1 else "papers"
    suffix = "" if digest.profile == "default" else f" [{digest.profile}]"
    return f"arXiv digest {digest.announced_on.isoformat()}: {count} {noun}{suffix}"


def counts_line(digest: Digest) -> str:
    s = digest.stats
    return f"fetched {s.fetched} · new {s.new} · cross {s.cross} · kept {len(digest.papers)}"


def no_announcement_text(day: date, next_expected: datetime | None) -> str:
    """The one-line notice for a day without an arXiv announcement."""
    text = f"No arXiv announcement on {day.isoformat()} (weekend or holiday)"
    if next_expected is not None:
        text += f"; next expected {next_expected.strftime('%Y-%m-%d %H:%M %Z').strip()}"
    return text + "."


def safe_link(url: str) -> str:
    """The URL when it is an absolute http(s) URL, else "" (never a javascript: link)."""
    return url if re.match(r"^https?://[^\s<>\"']+$", url) else ""


# ---------------------------------------------------------------- escaping


def escape(text: str, style: Style) -> str:
    if style is Style.HTML:
        return html.escape(text, quote=True)
    if style is Style.MARKDOWN:
        return _MD_SPECIAL.sub(r"\\\1", text).replace("@", "@\u200b")
    return text


# ---------------------------------------------------------------- chat bodies


def render_digest(
    digest: Digest, style: Style, *, top_n: int, site_url: str, limit: int
) -> DigestText:
    """The digest as one or more parts, each at most ``limit`` characters."""
    items = paper_items(digest, top_n)
    header = _header(digest, style)
    blocks = [_paper_block(item, style) for item in items]
    if not blocks:
        blocks = [escape("No paper matched your interests today.", style)]
    more = len(digest.papers) - len(items)
    footer = _footer(style, site_url, more)
    return DigestText(digest_title(digest), split_parts(header, blocks, footer, limit))


def render_notice(text: str, style: Style) -> str:
    return escape(text, style)


def _header(digest: Digest, style: Style) -> str:
    counts = escape(counts_line(digest), style)
    if style is Style.HTML:
        return f"<b>{escape(digest_title(digest), style)}</b>\n{counts}"
    if style is Style.MARKDOWN:
        return counts
    return counts


def _paper_block(item: PaperItem, style: Style) -> str:
    title = escape(item.title, style)
    url = safe_link(item.url)
    if style is Style.HTML:
        head = f'<b>{item.rank}. <a href="{html.escape(url)}">{title}</a></b>' if url else title
        lines = [head, f"<i>{escape(item.authors, style)}</i>"]
    elif style is Style.MARKDOWN:
        head = f"**{item.rank}. [{title}]({url})**" if url else f"**{item.rank}. {title}**"
        lines = [head, f"_{escape(item.authors, style)}_"]
    else:
        lines = [f"{item.rank}. {title}", url, item.authors]
    if item.why:
        lines.append(f"Why: {escape(item.why, style)}")
    if item.tldr:
        lines.append(f"TL;DR: {escape(item.tldr, style)}")
    return "\n".join(line for line in lines if line)


def _footer(style: Style, site_url: str, more: int) -> str:
    url = safe_link(site_url)
    extra = f"{more} more paper{'s' if more != 1 else ''} in the full digest" if more > 0 else ""
    if not url:
        return escape(extra, style)
    label = extra or "Full digest"
    if style is Style.HTML:
        return f'<a href="{html.escape(url)}">{escape(label, style)}</a>'
    if style is Style.MARKDOWN:
        return f"[{escape(label, style)}]({url})"
    return f"{label}: {url}"


def split_parts(header: str, blocks: Sequence[str], footer: str, limit: int) -> tuple[str, ...]:
    """Pack header, paper blocks and footer into parts of at most ``limit`` characters."""
    sep = "\n\n"
    pieces = [p for p in (header, *blocks, footer) if p]
    parts: list[str] = []
    current = ""
    for piece in pieces:
        piece = cut_to(piece, limit)
        candidate = f"{current}{sep}{piece}" if current else piece
        if len(candidate) <= limit:
            current = candidate
            continue
        parts.append(current)
        current = piece
    if current:
        parts.append(current)
    return tuple(parts)


def cut_to(text: str, limit: int) -> str:
    """Cut a block to ``limit`` characters on a line boundary where possible."""
    if len(text) <= limit:
        return text
    # Whole lines first: each line is self-contained markup (a tag or link never spans lines).
    kept: list[str] = []
    for line in text.split("\n"):
        if sum(len(k) + 1 for k in kept) + len(line) + len(ELLIPSIS) > limit:
            break
        kept.append(line)
    if kept:
        return "\n".join(kept) + ELLIPSIS
    return text[: limit - 1].rstrip() + ELLIPSIS
