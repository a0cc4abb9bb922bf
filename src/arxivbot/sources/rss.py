"""rss.arxiv.org daily listings (RSS 2.0 and Atom) → :class:`Listing`.

Parsed with lxml, never feedparser: feedparser treats descriptions as HTML, turning ``Q&A``
into ``Q&amp;A`` and dropping text such as ``<item path, feature path, value>``. Here the
title, abstract and authors come out exactly as arXiv wrote them (outer whitespace trimmed).

A multi-category feed (``/rss/cs.AI+cs.CL``) lists each paper once; a paper is ``new`` when
its primary category is one of the requested ones. :func:`merge_listings` combines several
listings of one day (one per category) with the same rule, so a paper that is ``cross`` in
one feed and ``new`` in another is kept once, as ``new``, with all its categories.

A feed is untrusted input, dates included: a channel date that is not a date, or that lies
outside :data:`EARLIEST_ANNOUNCEMENT` … today + :data:`FUTURE_SLACK` (by the injected
clock), is refused with a message saying so. A date in 2099 would otherwise pin the README
to that day for good and make retention think every stored day is old.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from urllib.parse import unquote, urlsplit

from lxml import etree

from arxivbot.calendar import eastern_date
from arxivbot.clock import Clock, utc_now
from arxivbot.config.model import SourcesConfig
from arxivbot.errors import FeedParseError
from arxivbot.ids import parse_arxiv_id
from arxivbot.models import Announcement, AnnounceType, Listing, Paper
from arxivbot.sources.http import PoliteClient
from arxivbot.sources.xml import child_text, parse_document, parse_iso, parse_rfc822

log = logging.getLogger(__name__)

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
EARLIEST_ANNOUNCEMENT = date(1991, 8, 14)  # arXiv's first day
FUTURE_SLACK = timedelta(days=2)  # time zones and an early feed, never more
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.1"

_DESCRIPTION = re.compile(
    r"^\s*arXiv:(?P<id>\S+)\s+Announce Type:\s*(?P<type>[\w-]+)\s*\n?\s*Abstract:\s?(?P<abs>.*)$",
    re.S,
)
_SUFFIX = re.compile(r"^(?:Jr\.?|Sr\.?|II|III|IV)$")
# Precedence when a paper shows up more than once: first announcements before updates.
_TYPE_RANK = {
    AnnounceType.NEW: 0,
    AnnounceType.CROSS: 1,
    AnnounceType.REPLACE: 2,
    AnnounceType.REPLACE_CROSS: 3,
}


@dataclass(frozen=True)
class _RawItem:
    """The fields of one RSS item / Atom entry, before interpretation."""

    guid: str
    title: str
    description: str
    categories: tuple[str, ...]
    announce_type: str
    creators: str
    rights: str
    journal_ref: str
    doi: str
    published: datetime | None


def parse_feed(content: bytes, source_url: str, *, clock: Clock = utc_now) -> Listing:
    """Parse one rss.arxiv.org response (RSS 2.0 or Atom) into a :class:`Listing`.

    Raises :class:`FeedParseError` for HTML pages, malformed XML, unknown documents and
    announcement dates that are not dates or not plausible by ``clock``.
    Bad items are skipped (or defaulted) and described in ``Listing.notes``; never fatal.
    """
    root = parse_document(content, source=source_url, what="arXiv feed")
    if root.tag == "rss":
        channel = root.find("channel")
        if channel is None:
            raise FeedParseError("RSS document without a <channel>", url=source_url)
        raw_items = [_rss_item(item) for item in channel.iter("item")]
        feed_date = _channel_date(child_text(channel, "pubDate"), source_url)
        built_at = parse_rfc822(child_text(channel, "lastBuildDate"))
        self_link = child_text(channel, "link")
    elif root.tag == f"{ATOM}feed":
        raw_items = [_atom_entry(entry) for entry in root.iter(f"{ATOM}entry")]
        feed_date = None  # Atom <updated> is the build time; entries carry <published>
        built_at = parse_iso(child_text(root, f"{ATOM}updated"))
        self_link = child_text(root, f"{ATOM}id")
    else:
        raise FeedParseError(
            f"not an RSS or Atom feed (root element <{etree.QName(root).localname}>)",
            url=source_url,
            hint="check sources.rss_base",
        )
    requested = feed_categories(source_url) or feed_categories(self_link)
    today = clock().astimezone(UTC).date()
    if built_at is not None and built_at.astimezone(UTC).date() > today + FUTURE_SLACK:
        built_at = None  # a build time in the future says nothing we can use
    return _build_listing(source_url, raw_items, feed_date, built_at, requested, today)


def _channel_date(text: str, source_url: str) -> datetime | None:
    """The channel's ``<pubDate>``; one that is there but is no date is refused, not ignored."""
    moment = parse_rfc822(text)
    if moment is None and text.strip():
        raise FeedParseError(
            f"the feed's announcement date <pubDate> {text.strip()[:60]!r} is not a valid date",
            url=source_url,
            hint="arXiv (or the configured rss_base) sent a broken feed; try again later",
        )
    return moment


def _build_listing(
    source_url: str,
    raw_items: list[_RawItem],
    feed_date: datetime | None,
    built_at: datetime | None,
    requested: tuple[str, ...],
    today: date,
) -> Listing:
    if not raw_items:
        return Listing(source_url, None, _utc(built_at), ())
    announced_on = _announcement_date(feed_date, raw_items, source_url, today)
    notes: list[str] = []
    items: list[tuple[Paper, Announcement]] = []
    for position, raw in enumerate(raw_items, start=1):
        try:
            items.append(_interpret(raw, announced_on, requested, notes))
        except ValueError as exc:
            notes.append(f"item {position} ({raw.guid or 'no id'}) skipped: {exc}")
    for note in notes:
        log.warning("%s: %s", source_url, note)
    merged = merge_items(items)
    return Listing(source_url, announced_on, _utc(built_at), merged, notes=tuple(notes))


def _announcement_date(
    feed_date: datetime | None, raw_items: list[_RawItem], source_url: str, today: date
) -> date:
    moment = feed_date or next((raw.published for raw in raw_items if raw.published), None)
    if moment is None:
        raise FeedParseError(
            "feed has items but no announcement date (no valid pubDate or published)",
            url=source_url,
            hint="arXiv (or the configured rss_base) sent a broken feed; try again later",
        )
    day = moment.astimezone(UTC).date()
    latest = today + FUTURE_SLACK
    if not EARLIEST_ANNOUNCEMENT <= day <= latest:
        raise FeedParseError(
            f"the feed's announcement date {day.isoformat()} is outside the plausible window "
            f"{EARLIEST_ANNOUNCEMENT.isoformat()} to {latest.isoformat()}; refusing the feed",
            url=source_url,
            hint="the feed (or the machine's clock) is wrong; previous outputs are kept",
        )
    return eastern_date(moment)


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None


def _rss_item(item: etree._Element) -> _RawItem:
    return _RawItem(
        guid=child_text(item, "guid").strip() or child_text(item, "link").strip(),
        title=child_text(item, "title"),
        description=child_text(item, "description"),
        categories=_unique(_texts(item.iterfind("category"))),
        announce_type=child_text(item, f"{ARXIV}announce_type").strip(),
        creators=child_text(item, f"{DC}creator"),
        rights=child_text(item, f"{DC}rights").strip(),
        journal_ref=child_text(item, f"{ARXIV}journal_reference").strip(),
        doi=child_text(item, f"{ARXIV}DOI").strip(),
        published=parse_rfc822(child_text(item, "pubDate")),
    )


def _atom_entry(entry: etree._Element) -> _RawItem:
    creators = child_text(entry, f"{DC}creator")
    if not creators.strip():  # plain Atom authors, should a mirror send them
        names = (child_text(author, f"{ATOM}name") for author in entry.iterfind(f"{ATOM}author"))
        creators = ", ".join(name.strip() for name in names if name.strip())
    terms = (cat.get("term", "") for cat in entry.iterfind(f"{ATOM}category"))
    return _RawItem(
        guid=child_text(entry, f"{ATOM}id").strip(),
        title=child_text(entry, f"{ATOM}title"),
        description=child_text(entry, f"{ATOM}summary"),
        categories=_unique(term.strip() for term in terms if term.strip()),
        announce_type=child_text(entry, f"{ARXIV}announce_type").strip(),
        creators=creators,
        rights=child_text(entry, f"{DC}rights").strip(),
        journal_ref=child_text(entry, f"{ARXIV}journal_reference").strip(),
        doi=child_text(entry, f"{ARXIV}DOI").strip(),
        published=parse_iso(child_text(entry, f"{ATOM}published")),
    )


def _unique(categories: Iterable[str]) -> tuple[str, ...]:
    """Categories in feed order, each once (a repeated one would count twice in ranking)."""
    return tuple(dict.fromkeys(categories))


def _texts(elements: Iterable[etree._Element]) -> Iterable[str]:
    for element in elements:
        text = "".join(str(part) for part in element.itertext()).strip()
        if text:
            yield text


def _interpret(
    raw: _RawItem, announced_on: date, requested: tuple[str, ...], notes: list[str]
) -> tuple[Paper, Announcement]:
    match = _DESCRIPTION.match(raw.description)
    ident = parse_arxiv_id(raw.guid or (match.group("id") if match else ""))
    if ident.version is None and match:
        ident = parse_arxiv_id(match.group("id"))
    version = ident.version or 1
    abstract = (match.group("abs") if match else raw.description).strip()
    title = raw.title.strip()
    if not title:
        raise ValueError("no title")
    if not raw.categories:
        raise ValueError("no category")
    primary = raw.categories[0]
    authors = split_authors(raw.creators)
    if not authors:
        notes.append(f"{ident.id}: no authors listed")
    type_text = raw.announce_type or (match.group("type") if match else "")
    announce_type = _announce_type(type_text, primary, version, requested)
    if not type_text:
        notes.append(f"{ident.id}: no announce type; assumed {announce_type.value}")
    paper = Paper(
        arxiv_id=ident.id,
        version=version,
        title=title,
        authors=authors,
        abstract=abstract,
        primary_category=primary,
        categories=raw.categories,
        journal_ref=raw.journal_ref,
        doi=raw.doi,
        license=raw.rights,
    )
    feed_category = _feed_category(raw.categories, requested)
    return paper, Announcement(ident.id, version, announced_on, announce_type, feed_category)


def _announce_type(
    text: str, primary: str, version: int, requested: tuple[str, ...]
) -> AnnounceType:
    if text:
        try:
            return AnnounceType(text.lower())
        except ValueError:
            raise ValueError(f"unknown announce type {text!r}") from None
    # No type given: infer it the way arXiv assigns it.
    own = not requested or primary in requested
    if version > 1:
        return AnnounceType.REPLACE if own else AnnounceType.REPLACE_CROSS
    return AnnounceType.NEW if own else AnnounceType.CROSS


def _feed_category(categories: Sequence[str], requested: tuple[str, ...]) -> str:
    """The requested category this item was listed under: its primary when requested."""
    for category in categories:
        if category in requested:
            return category
    return categories[0]


def split_authors(creators: str) -> tuple[str, ...]:
    """Split ``dc:creator`` ("A, B and C") into names; arXiv joins them with ", "."""
    text = " ".join(creators.split())
    if not text:
        return ()
    names: list[str] = []
    for piece in (name.strip() for name in text.split(", ")):
        if names and _SUFFIX.match(piece):  # "Donald Johann, Jr." is one author
            names[-1] = f"{names[-1]}, {piece}"
        elif piece:
            names.append(piece)
    if names and " and " in names[-1]:  # the last pair is sometimes written "X and Y"
        names[-1:] = [part.strip() for part in names[-1].split(" and ") if part.strip()]
    return tuple(names)


def feed_categories(url: str) -> tuple[str, ...]:
    """The categories named by a feed URL (``.../rss/cs.AI+cs.CL`` → cs.AI, cs.CL)."""
    path = unquote(urlsplit(url).path).rstrip("/")
    last = path.rsplit("/", 1)[-1]
    if not last or ("." not in last and "-" not in last):
        return ()
    return tuple(part for part in re.split(r"[+ ]", last) if part)


def merge_items(
    items: Iterable[tuple[Paper, Announcement]],
) -> tuple[tuple[Paper, Announcement], ...]:
    """Keep each paper once: the strongest announce type wins, categories are united.

    ``new`` beats ``cross`` beats ``replace`` beats ``replace-cross``; a paper is never
    dropped, and the result is ordered by announce type, then by first appearance.
    """
    kept: dict[str, tuple[Paper, Announcement]] = {}
    order: dict[str, int] = {}
    for paper, announcement in items:
        key = paper.arxiv_id
        if key not in kept:
            kept[key] = (paper, announcement)
            order[key] = len(order)
            continue
        old_paper, old_announcement = kept[key]
        winner = (
            announcement
            if _TYPE_RANK[announcement.announce_type] < _TYPE_RANK[old_announcement.announce_type]
            else old_announcement
        )
        # The same paper listed as v1 and v3: the metadata of the newest version is kept.
        newest = paper if paper.version > old_paper.version else old_paper
        categories = _union(old_paper.categories, paper.categories, newest.primary_category)
        kept[key] = (
            replace(newest, categories=categories),
            replace(winner, version=newest.version),
        )
    return tuple(
        sorted(
            kept.values(),
            key=lambda pair: (_TYPE_RANK[pair[1].announce_type], order[pair[0].arxiv_id]),
        )
    )


def _union(first: Sequence[str], second: Sequence[str], primary: str) -> tuple[str, ...]:
    ordered = [primary, *first, *second]
    return tuple(dict.fromkeys(ordered))


def merge_listings(listings: Sequence[Listing]) -> Listing:
    """Combine listings of one announcement day (e.g. one request per category)."""
    dated = [listing for listing in listings if listing.announced_on is not None]
    days = {listing.announced_on for listing in dated}
    if len(days) > 1:
        raise FeedParseError(
            f"feeds of different days cannot be merged: {sorted(d.isoformat() for d in days if d)}",
            hint="arXiv was mid-update; try again in a few minutes",
        )
    items = [pair for listing in listings for pair in listing.items]
    built = [listing.built_at for listing in listings if listing.built_at is not None]
    return Listing(
        source_url=" ".join(listing.source_url for listing in listings),
        announced_on=next(iter(days), None),
        built_at=max(built) if built else None,
        items=merge_items(items),
        not_modified=bool(listings) and all(listing.not_modified for listing in listings),
        notes=tuple(note for listing in listings for note in listing.notes),
    )


def feed_url(settings: SourcesConfig, categories: Sequence[str]) -> str:
    """``{rss_base}/rss/cs.AI+cs.CL`` (or ``/atom/`` when ``feed_format`` is atom)."""
    unique = list(dict.fromkeys(c.strip() for c in categories if c.strip()))
    if not unique:
        raise ValueError("at least one arXiv category is needed to fetch a feed")
    return f"{settings.rss_base.rstrip('/')}/{settings.feed_format}/{'+'.join(unique)}"


def fetch_listing(
    client: PoliteClient,
    settings: SourcesConfig,
    categories: Sequence[str],
    *,
    clock: Clock = utc_now,
) -> Listing:
    """Fetch today's listing for ``categories`` with ONE multi-category conditional request.

    A 304 (unchanged since the last run) gives an empty ``Listing(not_modified=True)``.
    The response's validators travel in ``Listing.validators``: the store stage saves them
    with the items, so a run killed before storing the day fetches it again.
    """
    url = feed_url(settings, categories)
    response = client.get(url, conditional=True, accept=FEED_ACCEPT, save_validators=False)
    if response.not_modified:
        return Listing(response.url, None, None, (), not_modified=True)
    listing = parse_feed(response.content, url, clock=clock)
    validators = (response.headers.get("etag", ""), response.headers.get("last-modified", ""))
    return replace(listing, source_url=response.url, validators=validators)
