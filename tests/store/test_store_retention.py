from __future__ import annotations

from datetime import date, timedelta

from store_builders import NOW, build_announcement, build_paper

from arxivbot.models import RankedPaper, Summary, SummaryKey, SummarySource
from arxivbot.store import SearchFilters, Store
from arxivbot.store.retention import kept_days, reference_day

TODAY = date(2025, 6, 10)
OLD = TODAY - timedelta(days=100)
RECENT = TODAY - timedelta(days=5)


def test_prune_deletes_old_but_keeps_valuable_papers(store: Store) -> None:
    names = ["old", "summarised", "liked", "disliked", "ranked-old", "ranked-kept", "recent"]
    papers = {
        name: build_paper(f"2503.{i:05d}", title=f"paper {name}") for i, name in enumerate(names)
    }
    store.upsert_papers(papers.values())
    store.add_announcements(
        [build_announcement(p, RECENT if n == "recent" else OLD) for n, p in papers.items()]
    )
    store.add_announcements([build_announcement(papers["ranked-kept"], RECENT)])
    store.put_summary(
        Summary(
            SummaryKey(papers["summarised"].arxiv_id, 1, "m", "p", "en"),
            "paid for",
            SummarySource.PDF,
            NOW,
        )
    )
    store.add_feedback("default", papers["liked"].arxiv_id, 1, NOW)
    store.add_feedback("default", papers["disliked"].arxiv_id, -1, NOW)
    old_rank = RankedPaper(papers["ranked-old"], build_announcement(papers["ranked-old"], OLD), 1.0)
    kept_rank = RankedPaper(
        papers["ranked-kept"], build_announcement(papers["ranked-kept"], RECENT), 1.0
    )
    store.save_ranking("default", OLD, [old_rank])
    store.save_ranking("default", RECENT, [kept_rank])
    store.put_embeddings("mini", {papers["old"].arxiv_id: b"\x00" * 8})

    deleted = store.prune(keep_days=30, today=TODAY)

    left = {p.title.removeprefix("paper ") for p in store.iter_papers()}
    assert left == {"summarised", "liked", "ranked-kept", "recent"}
    # rows: 1 old ranking + announcements of 3 unprotected papers + 3 papers
    # (ranked-kept keeps both its announcements: it is protected by its kept ranking)
    assert deleted == 1 + 3 + 3
    assert store.ranking_days("default") == [RECENT]
    assert store.load_ranking("default", RECENT) == [kept_rank]
    assert store.get_embeddings("mini", [papers["old"].arxiv_id]) == {}
    assert store.search("paper", SearchFilters()) != []
    assert store.search("title:old", SearchFilters()) == []
    assert store.announcement_days() == [OLD, RECENT]  # the protected papers' history
    assert store.check() == []
    assert store.prune(keep_days=30, today=TODAY) == 0  # idempotent


def test_prune_zero_keeps_everything(store: Store) -> None:
    paper = build_paper()
    store.upsert_papers([paper])
    store.add_announcements([build_announcement(paper, OLD)])
    assert store.prune(keep_days=0, today=TODAY) == 0
    assert store.paper_count() == 1


def test_paper_without_announcements_ages_from_first_seen(store: Store) -> None:
    store.upsert_papers([build_paper()])  # stored at NOW (2025-06-10)
    assert store.prune(keep_days=30, today=TODAY) == 0
    assert store.prune(keep_days=30, today=TODAY + timedelta(days=31)) == 1
    store.vacuum()
    assert store.check() == []


def test_retention_counts_from_the_newest_stored_day_never_after_today() -> None:
    days = [OLD, RECENT]
    assert reference_day(days, TODAY) == RECENT  # not the wall clock
    assert reference_day(days, RECENT - timedelta(days=1)) == RECENT - timedelta(days=1)
    assert reference_day([], TODAY) is None


def test_retention_window_covers_what_outputs_show_and_catch_up_revisits() -> None:
    assert kept_days(0, shown_days=30, lookback_days=21) == 0  # 0 keeps everything
    assert kept_days(7, shown_days=30, lookback_days=21) == 30
    assert kept_days(7, shown_days=5, lookback_days=21) == 21
    assert kept_days(90, shown_days=30, lookback_days=21) == 90
