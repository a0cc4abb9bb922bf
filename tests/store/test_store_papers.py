from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from store_builders import build_announcement, build_paper

from arxivbot.errors import StoreError
from arxivbot.models import AnnounceType
from arxivbot.store import Store

T1 = datetime(2025, 6, 1, 10, tzinfo=UTC)
T2 = datetime(2025, 6, 5, 10, tzinfo=UTC)
DAY = date(2025, 6, 10)


def test_insert_then_read_back_equal(store: Store) -> None:
    paper = build_paper(
        comment="12 pages",
        journal_ref="J. Foo 1 (2025)",
        doi="10.1/x",
        license="http://creativecommons.org/licenses/by/4.0/",
        submitted=T1,
        updated=T1,
        authors=("Zoë Ünïcode", 'Quote "Q" Person'),
        title="Q&A with <item path, feature path, value>",
    )
    assert store.upsert_papers([paper]) == 1
    assert store.get_paper(paper.arxiv_id) == paper
    assert store.get_papers([paper.arxiv_id, "2506.99999"]) == {paper.arxiv_id: paper}
    assert store.get_paper("2506.99999") is None


def test_re_adding_the_same_paper_changes_nothing(store: Store) -> None:
    paper = build_paper()
    store.upsert_papers([paper])
    assert store.upsert_papers([paper]) == 0
    assert store.paper_count() == 1


def test_newer_version_replaces_metadata_but_keeps_first_submission(store: Store) -> None:
    v1 = build_paper(submitted=T1, updated=T1, doi="10.1/x")
    v2 = build_paper(version=2, title="Better title", categories=("cs.LG",), updated=T2)
    store.upsert_papers([v1])
    assert store.upsert_papers([v2]) == 1
    stored = store.get_paper(v1.arxiv_id)
    assert stored is not None
    assert (stored.version, stored.title, stored.categories) == (2, "Better title", ("cs.LG",))
    assert stored.submitted == T1 and stored.updated == T2 and stored.doi == "10.1/x"


def test_older_version_never_overwrites_newer(store: Store) -> None:
    v2 = build_paper(version=2, title="v2 title")
    store.upsert_papers([v2])
    assert store.upsert_papers([build_paper(version=1, title="old")]) == 0
    assert store.get_paper(v2.arxiv_id) == v2


def test_same_version_fills_missing_fields(store: Store) -> None:
    from_api = build_paper(comment="8 pages", journal_ref="JMLR", submitted=T1, updated=T1)
    store.upsert_papers([from_api])
    from_rss = build_paper()  # the feed knows no comment, journal ref or dates
    assert store.upsert_papers([from_rss]) == 0
    assert store.get_paper(from_api.arxiv_id) == from_api


def test_same_id_twice_in_one_batch_keeps_newest(store: Store) -> None:
    batch = [build_paper(version=3, title="v3"), build_paper(version=2, title="v2")]
    store.upsert_papers(batch)
    stored = store.get_paper(batch[0].arxiv_id)
    assert stored is not None and stored.version == 3


def test_announcements_are_idempotent(store: Store) -> None:
    paper = build_paper()
    store.upsert_papers([paper])
    announcement = build_announcement(paper, DAY)
    assert store.add_announcements([announcement, announcement]) == 1
    assert store.add_announcements([announcement]) == 0


def test_announcement_for_unknown_paper_names_it(store: Store) -> None:
    with pytest.raises(StoreError, match=r"2506\.00042"):
        store.add_announcements([build_announcement(build_paper("2506.00042"))])


def test_announced_papers_once_each_with_precedence(store: Store) -> None:
    a, b, c = build_paper("2506.00001"), build_paper("2506.00002"), build_paper("2506.00003")
    store.upsert_papers([a, b, c])
    store.add_announcements(
        [
            # the cross entry of an earlier feed category must not shadow the new one
            build_announcement(a, DAY, AnnounceType.CROSS, "cs.AI"),
            build_announcement(a, DAY, AnnounceType.NEW, "cs.LG"),
            build_announcement(b, DAY, AnnounceType.REPLACE_CROSS, "cs.AI"),
            build_announcement(b, DAY, AnnounceType.REPLACE, "cs.LG"),
            build_announcement(c, DAY, AnnounceType.CROSS, "cs.CL"),
            build_announcement(c, date(2025, 6, 9), AnnounceType.NEW, "cs.CL"),
        ]
    )
    everything = store.announced_papers(DAY, list(AnnounceType))
    assert [(p.arxiv_id, ann.announce_type) for p, ann in everything] == [
        ("2506.00001", AnnounceType.NEW),
        ("2506.00003", AnnounceType.CROSS),
        ("2506.00002", AnnounceType.REPLACE),
    ]
    first = store.announced_papers(DAY, [AnnounceType.NEW, AnnounceType.CROSS])
    assert [p.arxiv_id for p, _ in first] == ["2506.00001", "2506.00003"]
    assert store.announced_papers(DAY, []) == []
    assert store.announced_papers(date(2025, 6, 14), list(AnnounceType)) == []


def test_announcement_days(store: Store) -> None:
    paper = build_paper()
    store.upsert_papers([paper])
    days = [date(2025, 6, 9), date(2025, 6, 10), date(2025, 6, 5)]
    store.add_announcements([build_announcement(paper, d) for d in days])
    assert store.announcement_days() == sorted(days)
    assert store.announcement_days(since=date(2025, 6, 9)) == days[:2]


def test_iter_papers_in_batches(store: Store) -> None:
    papers = [build_paper(f"2506.{n:05d}") for n in range(1, 26)]
    store.upsert_papers(papers)
    assert list(store.iter_papers(batch_size=7)) == papers
    assert store.paper_count() == 25


def test_old_style_ids(store: Store) -> None:
    paper = build_paper("hep-th/9901001", primary_category="hep-th", categories=("hep-th",))
    store.upsert_papers([paper])
    assert store.get_paper("hep-th/9901001") == paper


def test_transaction_groups_writes_and_rolls_back(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.upsert_papers([build_paper("2506.00001")])
        store.upsert_papers([build_paper("2506.00002")])
        raise RuntimeError("crash in the middle")
    assert store.paper_count() == 0
    with store.transaction():
        store.upsert_papers([build_paper("2506.00001")])
        with pytest.raises(StoreError), store.transaction():  # nested: a savepoint
            store.upsert_papers([build_paper("2506.00002")])
            store.add_announcements([build_announcement(build_paper("2506.09999"))])
    assert [p.arxiv_id for p in store.iter_papers()] == ["2506.00001"]
    assert store.check() == []
