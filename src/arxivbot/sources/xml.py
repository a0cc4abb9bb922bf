"""Secure XML parsing shared by every arXiv reader (feeds, API, OAI-PMH).

arXiv's answers are untrusted input: the parser never resolves entities, never touches the
network and keeps lxml's default size limits (``huge_tree=False``), and a document with a
DOCTYPE is refused outright (arXiv never sends one; XML bombs and XXE need one).
An HTML page where XML was expected (arXiv's maintenance page answers 200) gets its own
message, because "malformed XML" would send the user looking in the wrong place.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from lxml import etree

from arxivbot.errors import FeedParseError

_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S)
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.I)

_YEAR = re.compile(r"\b(\d{4})\b(?!:)")  # the year of an RFC 822 date, not a time or zone
HTML_INSTEAD_OF_XML = (
    "arXiv answered with an HTML page instead of a feed — maybe maintenance; try later"
)


def secure_parser() -> etree.XMLParser:
    """A fresh parser: no entity expansion, no network, no DTD loading, default size limits."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_pis=True,
    )


def looks_like_html(content: bytes) -> bool:
    head = content[:2048].lstrip(b"\xef\xbb\xbf")
    return bool(_HTML_START.match(head))


def parse_document(content: bytes, *, source: str, what: str) -> etree._Element:
    """Parse ``content`` (bytes of ``what``, e.g. "RSS feed") fetched from ``source``.

    Raises :class:`FeedParseError` with the URL and a hint for HTML pages, empty bodies,
    malformed XML and documents that declare entities.
    """
    if not content.strip():
        raise FeedParseError(
            f"empty response where an {what} was expected", url=source, hint="try again later"
        )
    if looks_like_html(content):
        raise FeedParseError(HTML_INSTEAD_OF_XML, url=source, hint=f"expected an {what}")
    if _DOCTYPE.search(content):
        # arXiv never sends a DTD; one declares entities (bombs) or points at files (XXE).
        raise _entities_error(source, what)
    try:
        root = etree.fromstring(content, parser=secure_parser())
    except etree.XMLSyntaxError as exc:
        raise FeedParseError(
            f"malformed XML in the {what}: {exc.msg} (line {exc.lineno})",
            url=source,
            hint="the response was cut off or is not XML; try again later",
        ) from exc
    _refuse_entity_declarations(root, source=source, what=what)
    return root


def _refuse_entity_declarations(root: etree._Element, *, source: str, what: str) -> None:
    # A DOCTYPE padded past the pre-check window: ask libxml2 what the DTD declared.
    dtd = root.getroottree().docinfo.internalDTD
    entities = getattr(dtd, "iterentities", None)  # absent from lxml-stubs
    if entities is not None and any(True for _ in entities()):
        raise _entities_error(source, what)


def _entities_error(source: str, what: str) -> FeedParseError:
    return FeedParseError(
        f"the {what} declares a DTD or XML entities (a possible XML bomb); refusing to read it",
        url=source,
        hint="arXiv never sends a DTD; check the configured base URL",
    )


def child_text(element: etree._Element, tag: str) -> str:
    """The text of the first child ``tag`` (Clark notation), '' when absent."""
    child = element.find(tag)
    if child is None:
        return ""
    return "".join(str(text) for text in child.itertext())


def normalise_space(text: str) -> str:
    """Collapse runs of whitespace (arXiv's API/OAI wrap abstracts at 80 columns)."""
    return " ".join(text.split())


def parse_rfc822(text: str) -> datetime | None:
    """An RSS date (``Tue, 02 Jun 2026 00:00:00 -0400``) as an aware datetime, or None.

    None too for dates that cannot be moved to UTC (``9999-12-31 -1200``) and for a
    four-digit year the parser rewrote (the standard library reads ``0001`` as 2001).
    """
    if not text.strip():
        return None
    try:
        moment = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, OverflowError):
        return None
    written = _YEAR.search(text)
    if written is not None and int(written.group(1)) != moment.year:
        return None
    return _in_utc_range(moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC))


def parse_iso(text: str) -> datetime | None:
    """An ISO 8601 timestamp (``2026-06-02T00:00:00-04:00``, ``...Z``) or None."""
    raw = text.strip()
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        return None
    return _in_utc_range(moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC))


def _in_utc_range(moment: datetime) -> datetime | None:
    """``moment``, if it and the days around it exist in UTC (later arithmetic must not fail)."""
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        return None
    if not 1 < utc.year < 9999:
        return None
    return moment
