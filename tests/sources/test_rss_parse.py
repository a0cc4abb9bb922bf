"""parse_feed against the recorded rss.arxiv.org feeds and hand-made hostile inputs."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import feedparser
import pytest

from arxivbot.errors import FeedParseError
from arxivbot.models import Announcement, AnnounceType, Paper
from arxivbot.sources.rss import feed_categories, merge_items, parse_feed, split_authors
from support.fixtures import feed_path, shared_feed_path

DATA = Path(__file__).resolve().parents[1] / "data" / "sources"
MULTI = "cs.AI+cs.CL+cs.DC+cs.LG"

# (day, file, fmt) -> (new, cross, replace, replace-cross), from arxiv-feeds/README.md
EXPECTED = {
    ("2026-06-01", MULTI, "rss"): (147, 51, 0, 0),
    ("2026-06-02", MULTI, "rss"): (362, 121, 0, 0),
    ("2026-06-09", "cs.AI", "rss"): (146, 122, 34, 28),
    ("2026-06-16", "cs.CV", "rss"): (254, 9, 63, 3),
    ("2026-06-23", MULTI, "rss"): (198, 109, 73, 19),
    ("2026-06-25", MULTI, "rss"): (0, 3, 3, 3),
    ("2026-06-30", "cs.LG", "rss"): (0, 71, 0, 16),
    ("2026-06-05", "cs.AI", "atom"): (108, 64, 17, 23),
    ("2026-06-12", "cs.LG", "atom"): (0, 31, 0, 9),
}


def load(day: str, name: str = MULTI, fmt: str = "rss") -> tuple[bytes, str]:
    return feed_path(day, name, fmt).read_bytes(), f"http://rss.arxiv.org/{fmt}/{name}"


def load_whole(day: str, name: str = MULTI, fmt: str = "rss") -> tuple[bytes, str]:
    """A whole recorded day (corpus-scale: the large set; skips when it is absent)."""
    return shared_feed_path(day, name, fmt).read_bytes(), f"http://rss.arxiv.org/{fmt}/{name}"


def type_counts(day: str, name: str, fmt: str) -> tuple[int, ...]:
    listing = parse_feed(*load_whole(day, name, fmt))
    counts = Counter(a.announce_type for _, a in listing.items)
    return tuple(counts[t] for t in AnnounceType)


@pytest.mark.parametrize(("day", "name", "fmt"), sorted(EXPECTED))
def test_recorded_days_have_the_documented_counts(day: str, name: str, fmt: str) -> None:
    assert type_counts(day, name, fmt) == EXPECTED[(day, name, fmt)]


@pytest.mark.parametrize(("day", "name", "fmt"), sorted(EXPECTED))
def test_announce_types_are_counted_as_the_file_states_them(day: str, name: str, fmt: str) -> None:
    raw = feed_path(day, name, fmt).read_bytes().decode()
    stated = Counter(re.findall(r"<arxiv:announce_type>([a-z-]+)<", raw))
    counts = Counter(a.announce_type for _, a in parse_feed(*load(day, name, fmt)).items)
    assert tuple(counts[t] for t in AnnounceType) == tuple(stated[t.value] for t in AnnounceType)


def test_listing_header_fields() -> None:
    listing = parse_feed(*load("2026-06-02"))
    assert listing.announced_on == date(2026, 6, 2)
    assert listing.built_at == datetime(2026, 6, 2, 4, 0, 2, tzinfo=UTC)
    assert listing.notes == ()
    paper, announcement = listing.items[0]
    assert paper.arxiv_id == "2604.04937" and paper.version == 1
    assert paper.title.startswith("Pramana: Fine-Tuning Large Language Models")
    assert paper.authors == ("Sharath Sathish",)
    assert paper.primary_category == "cs.AI" and paper.categories[0] == "cs.AI"
    assert paper.license == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
    assert paper.abstract.startswith("Large language models produce fluent text")
    assert announcement == Announcement(
        "2604.04937", 1, date(2026, 6, 2), AnnounceType.NEW, "cs.AI"
    )


def test_multi_category_feed_category_is_a_requested_one() -> None:
    listing = parse_feed(*load("2026-06-09"))
    requested = set(MULTI.split("+"))
    for paper, announcement in listing.items:
        assert announcement.feed_category in requested
        if announcement.announce_type in (AnnounceType.NEW, AnnounceType.REPLACE):
            assert announcement.feed_category == paper.primary_category
        else:
            assert paper.primary_category not in requested


def test_journal_reference_is_read() -> None:
    listing = parse_feed(*load("2026-06-04"))
    refs = {p.arxiv_id: p.journal_ref for p, _ in listing.items if p.journal_ref}
    assert refs["2606.04127"] == "BioNLP Workshop at ACL 2026"


@pytest.mark.parametrize("day", ["2026-06-06", "2026-06-07", "2026-06-22", "2026-06-28"])
@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_weekend_and_holiday_feeds_are_no_announcement(day: str, fmt: str) -> None:
    name = "cs.AI" if fmt == "atom" else MULTI
    listing = parse_feed(*load(day, name, fmt))
    assert listing.announced_on is None
    assert listing.items == () and listing.is_empty
    assert listing.built_at is not None


def test_partial_day_is_parsed_not_rejected() -> None:
    listing = parse_feed(*load_whole("2026-06-25"))
    assert listing.announced_on == date(2026, 6, 25)
    assert len(listing.items) == 9


def test_rss_and_atom_agree_item_by_item() -> None:
    rss = parse_feed(*load("2026-06-10", "cs.AI", "rss"))
    atom = parse_feed(*load("2026-06-10", "cs.AI", "atom"))
    assert rss.announced_on == atom.announced_on == date(2026, 6, 10)
    assert rss.items == atom.items


def _etree_items(path: Path) -> dict[str, tuple[str, str, str]]:
    """Reference values from the standard library parser: (title, abstract, creators)."""
    root = ET.parse(path).getroot()
    found = {}
    for item in root.iter("item"):
        guid = item.findtext("guid", "")
        description = item.findtext("description", "")
        abstract = description.split("\nAbstract: ", 1)[1]
        creator = item.findtext("{http://purl.org/dc/elements/1.1/}creator", "")
        found[guid.rsplit(":", 1)[1]] = (item.findtext("title", ""), abstract, creator)
    return found


@pytest.mark.parametrize("day", ["2026-06-01", "2026-06-04", "2026-06-17"])
def test_titles_and_abstracts_are_exactly_what_arxiv_wrote(day: str) -> None:
    path = feed_path(day, MULTI)
    reference = _etree_items(path)
    listing = parse_feed(path.read_bytes(), "http://rss.arxiv.org/rss/" + MULTI)
    assert len(listing.items) == len(reference)
    for paper, _ in listing.items:
        title, abstract, creators = reference[paper.versioned_id]
        assert paper.title == title.strip()
        assert paper.abstract == abstract.strip()
        assert ", ".join(paper.authors) == " ".join(creators.split()).replace(" and ", ", ")


def test_ampersands_and_angle_brackets_survive_where_feedparser_mangles_them() -> None:
    content, url = load_whole("2026-06-04")
    by_id = {p.arxiv_id: p for p, _ in parse_feed(content, url).items}
    assert by_id["2605.30589"].abstract.count("community Q&A -- yielding") == 1
    assert by_id["2605.30589"].abstract.count("&amp;") == 0
    fp = {e.id.rsplit(":", 1)[1]: e for e in feedparser.parse(content).entries}
    assert "community Q&amp;A" in fp["2605.30589v2"].summary  # what we avoid

    content, url = load_whole("2026-06-01")
    listing = parse_feed(content, url)
    angle = [p for p, _ in listing.items if "<item path, feature path, value>" in p.abstract]
    assert len(angle) == 1
    fp = {e.id.rsplit(":", 1)[1]: e for e in feedparser.parse(content).entries}
    assert "item path, feature path" not in fp[angle[0].versioned_id].summary


def test_hostile_and_exotic_titles_are_preserved_exactly() -> None:
    listing = parse_feed((DATA / "hostile.rss.xml").read_bytes(), "http://x/rss/cs.AI+cs.CL")
    papers = {p.arxiv_id: (p, a) for p, a in listing.items}
    hostile, announcement = papers["2606.00001"]
    assert hostile.title == (
        '<script>alert("x")</script> Q&A | **bold** [link](javascript:alert(1)) <!-- -->'
    )
    assert hostile.abstract == (
        'We map <item path, feature path, value> triples; $\\alpha < \\beta$ & "quotes" — '
        "ünïcödé 日本語 😀.\nSecond line kept."
    )
    assert hostile.authors == ("Ada Lovelace", "Ö. Ñandú, Jr.", "Grace Hopper", "Alan Turing")
    assert announcement.announce_type is AnnounceType.NEW
    cdata, cdata_announcement = papers["2606.00002"]
    assert cdata.title == "CDATA title with <b>tags</b> & ampersand"
    assert cdata_announcement.announce_type is AnnounceType.CROSS  # from the description
    assert cdata_announcement.feed_category == "cs.CL"


def test_bad_items_are_skipped_or_defaulted_and_noted() -> None:
    listing = parse_feed((DATA / "hostile.rss.xml").read_bytes(), "http://x/rss/cs.AI+cs.CL")
    ids = [p.arxiv_id for p, _ in listing.items]
    assert "2606.00005" not in ids  # unknown announce type
    assert len(ids) == 4
    no_authors, defaulted = next((p, a) for p, a in listing.items if p.arxiv_id == "2606.00003")
    assert no_authors.authors == ()
    assert no_authors.abstract == "Just an abstract without the usual prefix."
    assert defaulted.announce_type is AnnounceType.REPLACE  # v2, primary requested
    old, old_announcement = next((p, a) for p, a in listing.items if "/" in p.arxiv_id)
    assert (old.arxiv_id, old.version) == ("hep-th/9901001", 3)
    assert old_announcement.announce_type is AnnounceType.REPLACE_CROSS
    notes = "\n".join(listing.notes)
    assert "not-an-id" in notes and "weird" in notes
    assert "2606.00003: no authors" in notes and "assumed replace" in notes


def test_items_are_ordered_new_cross_replace() -> None:
    listing = parse_feed(*load("2026-06-09"))
    ranks = [list(AnnounceType).index(a.announce_type) for _, a in listing.items]
    assert ranks == sorted(ranks)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty response"),
        (b"<?xml version='1.0'?><rss><channel><item><title>cut", "malformed XML"),
        (b"<rss><channel></rss>", "malformed XML"),
        (b"<?xml version='1.0'?><html><body>hi</body></html>", "not an RSS or Atom feed"),
        (b"<rss version='2.0'/>", "without a <channel>"),
    ],
)
def test_malformed_documents_raise_feed_parse_error(content: bytes, message: str) -> None:
    with pytest.raises(FeedParseError, match=message) as info:
        parse_feed(content, "http://rss.arxiv.org/rss/cs.AI")
    assert info.value.url == "http://rss.arxiv.org/rss/cs.AI"


def test_truncated_recorded_feed_is_a_clear_error() -> None:
    content, url = load("2026-06-02")
    with pytest.raises(FeedParseError, match=r"malformed XML .*line \d+"):
        parse_feed(content[: len(content) // 2], url)


def test_html_maintenance_page_is_recognised() -> None:
    with pytest.raises(FeedParseError, match="HTML page instead of a feed") as info:
        parse_feed((DATA / "maintenance.html").read_bytes(), "http://x/rss/cs.AI")
    assert "maintenance" in str(info.value)


@pytest.mark.parametrize("name", ["bomb.rss.xml", "xxe.rss.xml"])
def test_entity_declarations_are_refused_not_expanded(name: str) -> None:
    with pytest.raises(FeedParseError, match="declares a DTD or XML entities"):
        parse_feed((DATA / name).read_bytes(), "http://x/rss/cs.AI")


def test_items_without_date_anywhere_is_an_error() -> None:
    content = (
        b"<rss><channel><item><title>t</title><guid>oai:arXiv.org:2606.00001v1</guid>"
        b"<category>cs.AI</category></item></channel></rss>"
    )
    with pytest.raises(FeedParseError, match="no announcement date"):
        parse_feed(content, "http://x/rss/cs.AI")


def _pair(
    arxiv_id: str, kind: AnnounceType, categories: tuple[str, ...], feed: str
) -> tuple[Paper, Announcement]:
    paper = Paper(arxiv_id, 1, "T", ("A",), "abs", categories[0], categories)
    return paper, Announcement(arxiv_id, 1, date(2026, 6, 2), kind, feed)


def test_merge_keeps_a_cross_listed_paper_once_as_new() -> None:
    # cs.AI's feed lists the paper as cross, cs.CL's (read later) as new: the original bot
    # kept the first and lost the paper's 'new' announcement.
    cross = _pair("2606.1", AnnounceType.CROSS, ("cs.CL", "cs.AI"), "cs.AI")
    new = _pair("2606.1", AnnounceType.NEW, ("cs.CL", "cs.AI", "cs.LG"), "cs.CL")
    other = _pair("2606.2", AnnounceType.REPLACE, ("cs.AI",), "cs.AI")
    merged = merge_items([other, cross, new])
    assert [p.arxiv_id for p, _ in merged] == ["2606.1", "2606.2"]
    paper, announcement = merged[0]
    assert announcement.announce_type is AnnounceType.NEW and announcement.feed_category == "cs.CL"
    assert paper.categories == ("cs.CL", "cs.AI", "cs.LG")


def test_merging_per_category_feeds_matches_the_multi_category_feed() -> None:
    from arxivbot.sources.rss import merge_listings

    day = "2026-06-16"
    singles = [parse_feed(*load_whole(day, cat)) for cat in ("cs.AI", "cs.CL", "cs.DC", "cs.LG")]
    merged = merge_listings(singles)
    multi = parse_feed(*load_whole(day))
    assert merged.announced_on == multi.announced_on
    merged_types = {p.arxiv_id: a.announce_type for p, a in merged.items}
    multi_types = {p.arxiv_id: a.announce_type for p, a in multi.items}
    assert merged_types == multi_types
    assert sum(len(s.items) for s in singles) > len(merged.items)


def test_split_authors() -> None:
    assert split_authors("A B, C D") == ("A B", "C D")
    assert split_authors("  A B,\n  C D and E F ") == ("A B", "C D", "E F")
    assert split_authors("Donald Johann Jr. and Fred Prior") == ("Donald Johann Jr.", "Fred Prior")
    assert split_authors("X Y, Jr., Z") == ("X Y, Jr.", "Z")
    assert split_authors("") == ()


def test_feed_categories_from_url() -> None:
    assert feed_categories("http://127.0.0.1:1/rss/cs.AI+cs.CL") == ("cs.AI", "cs.CL")
    assert feed_categories("https://rss.arxiv.org/atom/hep-th") == ("hep-th",)
    assert feed_categories("https://rss.arxiv.org/") == ()


def test_parse_speed_is_not_asserted_but_all_fixtures_parse() -> None:
    root = shared_feed_path("2026-06-01").parents[2]
    total = 0
    for path in sorted(root.glob("2026-06-*/*/*.xml")):
        fmt = path.parent.name
        listing = parse_feed(path.read_bytes(), f"http://x/{fmt}/{path.stem}")
        assert listing.notes == ()
        total += len(listing.items)
    assert total == 15735 + 3393 + 1048  # all RSS items + both Atom files (README tables)
    assert re.match(r"\d", str(total))


# -- dates are untrusted input --------------------------------------------------------------
CLOCK = lambda: datetime(2026, 6, 2, 12, tzinfo=UTC)  # noqa: E731 - a fixed "now"


def _dated_feed(pub_date: str) -> bytes:
    return (
        f"<rss><channel><pubDate>{pub_date}</pubDate><item><title>t</title>"
        "<guid>oai:arXiv.org:2606.00001v1</guid><category>cs.AI</category>"
        "<description>arXiv:2606.00001v1 Announce Type: new Abstract: a</description>"
        "</item></channel></rss>"
    ).encode()


@pytest.mark.parametrize(
    ("pub_date", "message"),
    [
        ("Tue, 02 Jun 2099 00:00:00 -0400", "outside the plausible window"),
        ("Mon, 02 Jun 1980 00:00:00 -0400", "outside the plausible window"),
        ("Fri, 31 Dec 9999 23:59:59 -1200", "not a valid date"),
        ("yesterday-ish", "not a valid date"),
    ],
)
def test_implausible_announcement_dates_refuse_the_feed(pub_date: str, message: str) -> None:
    # A 2099 date would pin the README to that day and make retention drop every stored day.
    with pytest.raises(FeedParseError, match=message):
        parse_feed(_dated_feed(pub_date), "http://x/rss/cs.AI", clock=CLOCK)


def test_todays_feed_in_any_time_zone_is_accepted() -> None:
    listing = parse_feed(_dated_feed("Wed, 03 Jun 2026 00:00:00 -0400"), "http://x/rss/cs.AI",
                         clock=CLOCK)  # fmt: skip
    assert listing.announced_on == date(2026, 6, 3)


def test_a_paper_listed_as_v1_and_v3_keeps_the_newest_metadata() -> None:
    old_paper, old = _pair("2606.1", AnnounceType.NEW, ("cs.AI",), "cs.AI")
    newer = Paper("2606.1", 3, "T v3", ("A",), "abs v3", "cs.AI", ("cs.AI", "cs.LG"))
    replaced = Announcement("2606.1", 3, date(2026, 6, 2), AnnounceType.REPLACE, "cs.LG")
    ((paper, announcement),) = merge_items([(old_paper, old), (newer, replaced)])
    assert (paper.version, paper.title, announcement.version) == (3, "T v3", 3)
    assert announcement.announce_type is AnnounceType.NEW  # still the day's first announcement
    assert paper.categories == ("cs.AI", "cs.LG")


def test_absurd_version_numbers_are_refused() -> None:
    from arxivbot.ids import parse_arxiv_id

    with pytest.raises(ValueError, match="implausible version"):
        parse_arxiv_id("2606.00001v99999999999999999999")
    assert parse_arxiv_id("2606.00001v12").version == 12
