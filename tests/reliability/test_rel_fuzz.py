"""Fuzzing the feed parser and the store: a lying feed costs an item or the day, never a crash.

Hypothesis mutates the recorded feeds of ``tests/data`` (RSS and Atom, a hostile day too):
field values swapped for hostile ones (dates in year 1 or 9999, absurd versions, empty
titles, unknown announce types, XML-legal junk), elements dropped or repeated, bytes cut,
inserted or overwritten. Each mutated document goes through ``sources.rss.parse_feed`` and,
when it parses, into a real SQLite store, the way a run stores a listing.

The rules checked on every example:

- ``parse_feed`` raises :class:`FeedParseError` (an ``ArxivBotError``) or returns a listing;
  any other exception type is a bug;
- a returned listing stores without any error, the store stays consistent, and every stored
  paper and announcement keeps the models' invariants (below).

``$ARXIVBOT_FUZZ_EXAMPLES`` sets the examples per strategy (``bench/reliability.py`` runs more).
"""

from __future__ import annotations

import copy
import os
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from rel_helpers import Describe

from arxivbot.errors import FeedParseError
from arxivbot.ids import parse_arxiv_id
from arxivbot.models import Announcement, AnnounceType, Listing, Paper
from arxivbot.sources.rss import EARLIEST_ANNOUNCEMENT, FUTURE_SLACK, parse_feed
from arxivbot.store import open_store

DATA = Path(__file__).resolve().parents[1] / "data"
FEEDS = DATA / "recorded" / "arxiv-feeds" / "2026-06-03"
SEEDS = (
    ("http://rss.arxiv.org/rss/cs.CL", FEEDS / "rss" / "cs.CL.xml"),
    ("http://rss.arxiv.org/rss/cs.DC", FEEDS / "rss" / "cs.DC.xml"),
    ("http://rss.arxiv.org/atom/cs.AI", FEEDS / "atom" / "cs.AI.xml"),
    ("http://rss.arxiv.org/rss/cs.AI", DATA / "reliability" / "hostile-day.rss.xml"),
)
NOW = datetime(2026, 6, 9, 15, 0, tzinfo=UTC)  # every seed day is plausible
EXAMPLES = int(os.environ.get("ARXIVBOT_FUZZ_EXAMPLES", "120"))
ITEMS_KEPT = 4  # items per seed: enough for duplicates and merges, small enough to be fast

# Values that broke (or nearly broke) real parsers: dates outside every range, versions
# past SQLite's INTEGER, ids in every shape, types arXiv does not have.
HOSTILE = (
    "", " ", "\n", "0", "-1", "v0", "NaN", "null", "cs.XX", "new", "NEW", "cross", "bogus",
    "replace-cross", "Tue, 02 Jun 2099 00:00:00 -0400", "Fri, 31 Dec 9999 23:59:59 -1200",
    "Mon, 01 Jan 0001 00:00:00 +1400", "Sat, 29 Feb 2025 00:00:00 +0000", "2026-06-03",
    "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "2026-13-45T99:99:99Z",
    "oai:arXiv.org:2606.03083v99999999999999999999", "oai:arXiv.org:2606.03083v0",
    "oai:arXiv.org:hep-th/9901001v2", "arXiv:2606.03083", "https://arxiv.org/abs/2606.0308",
    "2606.03083v1 Announce Type: new \nAbstract: x", "arXiv:../../etc/passwd v1",
    "arXiv:2606.99999v3 Announce Type: replace-cross \nAbstract: ", "A, , and , Jr., and",
    "\u202e\u200b", "x" * 5000, "<script>alert(1)</script>", "]]>", "&amp;lt;",
)  # fmt: skip
XML_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
    | st.sampled_from("\n\t "),
    max_size=80,
)
VALUES = st.sampled_from(HOSTILE) | XML_TEXT


def seed_root(path: Path) -> etree._Element:
    """The recorded feed cut to its first few items."""
    root = etree.fromstring(path.read_bytes())
    parent = root.find("channel") if root.tag == "rss" else root
    assert parent is not None
    entries = [e for e in parent if etree.QName(e).localname in {"item", "entry"}]
    for extra in entries[ITEMS_KEPT:]:
        parent.remove(extra)
    return root


SEED_ROOTS = tuple((url, seed_root(path)) for url, path in SEEDS)


@st.composite
def structural_mutation(draw: st.DrawFn) -> tuple[str, bytes]:
    """A seed feed with a few fields, attributes or elements changed."""
    url, seed = draw(st.sampled_from(SEED_ROOTS))
    root = copy.deepcopy(seed)
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    for _ in range(draw(st.integers(1, 6))):
        target = draw(st.sampled_from(elements))
        action = draw(st.sampled_from(("text", "text", "text", "attr", "drop", "repeat")))
        if action == "text":
            target.text = draw(VALUES)
        elif action == "attr":
            target.set(draw(st.sampled_from(("term", "href", "lang"))), draw(VALUES))
        elif target.getparent() is not None:
            parent = target.getparent()
            assert parent is not None
            if action == "drop":
                parent.remove(target)
            else:
                parent.insert(parent.index(target), copy.deepcopy(target))
            elements = [e for e in root.iter() if isinstance(e.tag, str)]
    return url, etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@st.composite
def byte_mutation(draw: st.DrawFn) -> tuple[str, bytes]:
    """A seed feed's bytes cut, or with bytes inserted or overwritten somewhere."""
    url, seed = draw(st.sampled_from(SEED_ROOTS))
    data = bytearray(etree.tostring(seed, xml_declaration=True, encoding="UTF-8"))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(("cut", "insert", "overwrite")))
        junk = draw(st.binary(max_size=16) | st.sampled_from(HOSTILE).map(str.encode))
        if action == "cut":
            del data[at:]
        elif action == "insert":
            data[at:at] = junk
        else:
            data[at : at + len(junk)] = junk
    return url, bytes(data)


def parse_or_refuse(url: str, content: bytes) -> Listing | None:
    """The listing, or None when refused with the documented error; anything else fails."""
    try:
        return parse_feed(content, url, clock=lambda: NOW)
    except FeedParseError as exc:
        assert str(exc).strip(), "a refusal must say what was wrong"
        return None


def check_paper(paper: Paper) -> None:
    ident = parse_arxiv_id(paper.arxiv_id)
    assert ident.version is None and ident.id == paper.arxiv_id, paper.arxiv_id
    assert 1 <= paper.version < 2**63, paper.version
    assert paper.title.strip() == paper.title and paper.title, repr(paper.title)
    assert paper.categories and paper.primary_category == paper.categories[0], paper
    assert all(c.strip() == c and c for c in paper.categories), paper.categories
    assert len(set(paper.categories)) == len(paper.categories), paper.categories
    assert all(name.strip() == name and name for name in paper.authors), paper.authors


def check_announcement(announcement: Announcement, paper: Paper) -> None:
    assert announcement.arxiv_id == paper.arxiv_id
    assert isinstance(announcement.announce_type, AnnounceType)
    assert announcement.feed_category in paper.categories, announcement
    latest = NOW.date() + FUTURE_SLACK
    assert EARLIEST_ANNOUNCEMENT <= announcement.announced_on <= latest, announcement


def store_and_check(listing: Listing) -> None:
    """Store ``listing`` as a run does (one transaction) and audit what the store holds."""
    if listing.announced_on is None:
        assert not listing.items
        return
    day = listing.announced_on
    assert isinstance(day, date)
    assert EARLIEST_ANNOUNCEMENT <= day <= NOW.date() + FUTURE_SLACK, day
    ids = [paper.arxiv_id for paper, _a in listing.items]
    assert len(ids) == len(set(ids)), "a listing holds each paper once"
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "fuzz.sqlite3")
        try:
            with store.transaction():
                store.upsert_papers(paper for paper, _a in listing.items)
                store.add_announcements(a for _p, a in listing.items)
            assert store.check() == []
            stored = store.get_papers(ids)
            assert set(stored) == set(ids)
            for paper, announcement in listing.items:
                check_paper(paper)
                check_paper(stored[paper.arxiv_id])
                assert stored[paper.arxiv_id] == paper, "the store returns what it was given"
                check_announcement(announcement, paper)
            announced = store.announced_papers(day, tuple(AnnounceType))
            assert {paper.arxiv_id for paper, _a in announced} <= set(ids)
        finally:
            store.close()


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples on every machine; the bench varies the count
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def test_fuzzed_feed_fields_parse_or_refuse_and_store_cleanly(case: Describe) -> None:
    case("source", f"fuzz (hypothesis, {EXAMPLES} examples): recorded RSS/Atom feeds with "
         "hostile field values (year 1/9999 dates, 20-digit versions, junk ids and types), "
         "elements dropped or repeated, through parse_feed into a real SQLite store",
         "only FeedParseError or a listing; every stored paper/announcement keeps the models' "
         "invariants; integrity_check clean")  # fmt: skip

    @FUZZ
    @given(structural_mutation())
    def fuzz(sample: tuple[str, bytes]) -> None:
        listing = parse_or_refuse(*sample)
        if listing is not None:
            store_and_check(listing)

    fuzz()


def test_fuzzed_feed_bytes_parse_or_refuse_and_store_cleanly(case: Describe) -> None:
    case(
        "source",
        f"fuzz (hypothesis, {EXAMPLES} examples): recorded feeds' bytes cut, "
        "inserted into or overwritten with junk, through parse_feed into a real SQLite store",
        "only FeedParseError or a listing; what is stored keeps the models' invariants",
    )

    @FUZZ
    @given(byte_mutation())
    def fuzz(sample: tuple[str, bytes]) -> None:
        listing = parse_or_refuse(*sample)
        if listing is not None:
            store_and_check(listing)

    fuzz()


def test_seeds_parse_as_they_are() -> None:
    """The unmutated seeds are good listings (else the fuzz would only test refusals)."""
    sizes = []
    for url, root in SEED_ROOTS:
        listing = parse_or_refuse(url, etree.tostring(root, xml_declaration=True))
        assert listing is not None, url
        store_and_check(listing)
        sizes.append(len(listing.items))
    assert sizes == [3, 0, ITEMS_KEPT, ITEMS_KEPT]  # cs.CL lists 3 papers, cs.DC none that day
