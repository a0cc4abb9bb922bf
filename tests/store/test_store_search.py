from __future__ import annotations

from datetime import date, timedelta

import pytest
from store_builders import NOW, build_announcement, build_paper

from arxivbot.errors import QueryError
from arxivbot.models import Summary, SummaryKey, SummarySource
from arxivbot.store import SearchFilters, Store

DAY = date(2025, 6, 10)


@pytest.fixture
def filled(store: Store) -> Store:
    papers = [
        build_paper(
            "2506.00001",
            title="Quantum error correction with neural networks",
            abstract="A neural network decodes surface codes.",
            authors=("Alice Qubit",),
            categories=("quant-ph", "cs.LG"),
            primary_category="quant-ph",
        ),
        build_paper(
            "2506.00002",
            title="Self-supervised learning for speech",
            abstract="We train a network without labels. Quantum is not mentioned here at all.",
            authors=("Bob Speech", "Zoë Müller"),
            categories=("cs.CL",),
            primary_category="cs.CL",
        ),
        build_paper(
            "2506.00003",
            title="Graph algorithms",
            abstract="Shortest paths in planar graphs; the world of RL is far away.",
            categories=("cs.DS",),
            primary_category="cs.DS",
        ),
    ]
    store.upsert_papers(papers)
    store.add_announcements(
        [build_announcement(p, DAY - timedelta(days=i)) for i, p in enumerate(papers)]
    )
    return store


def ids(hits: list) -> list[str]:  # type: ignore[type-arg]
    return [hit.paper.arxiv_id for hit in hits]


def test_bm25_ranks_title_hits_first_and_snippets_highlight(filled: Store) -> None:
    hits = filled.search("quantum", SearchFilters())
    assert ids(hits) == ["2506.00001", "2506.00002"]
    assert hits[0].rank < hits[1].rank  # bm25: lower is better
    assert "**Quantum**" in hits[0].snippet
    assert hits[0].announced_on == DAY


def test_stemming_phrases_and_boolean(filled: Store) -> None:
    assert ids(filled.search("networks", SearchFilters())) == ["2506.00001", "2506.00002"]
    assert ids(filled.search('"neural network"', SearchFilters())) == ["2506.00001"]
    assert ids(filled.search("quantum NOT speech", SearchFilters())) == ["2506.00001"]
    assert sorted(ids(filled.search("graph OR speech", SearchFilters()))) == [
        "2506.00002",
        "2506.00003",
    ]


def test_column_filters_and_aliases(filled: Store) -> None:
    assert ids(filled.search("title:quantum", SearchFilters())) == ["2506.00001"]
    assert ids(filled.search("ti:quantum", SearchFilters())) == ["2506.00001"]
    assert ids(filled.search("au:muller", SearchFilters())) == ["2506.00002"]  # diacritics
    assert ids(filled.search("authors:qubit", SearchFilters())) == ["2506.00001"]


def test_hyphenated_words_are_phrases_not_syntax(filled: Store) -> None:
    assert ids(filled.search("self-supervised", SearchFilters())) == ["2506.00002"]


def test_filters_by_date_category_and_paging(filled: Store) -> None:
    def search(**kw: object) -> list[str]:
        hits = filled.search("network OR graph", SearchFilters(**kw))  # type: ignore[arg-type]
        return sorted(ids(hits))

    assert search(date_from=DAY - timedelta(days=1)) == ["2506.00001", "2506.00002"]
    assert search(date_to=DAY - timedelta(days=1)) == ["2506.00002", "2506.00003"]
    assert search(categories=("cs.LG",)) == ["2506.00001"]
    assert search(categories=("cs.CL", "cs.DS")) == ["2506.00002", "2506.00003"]
    assert search(categories=("cs",)) == ["2506.00001", "2506.00002", "2506.00003"]
    assert search(categories=("quant-ph",)) == ["2506.00001"]
    query, every = "network OR graph", SearchFilters()
    pages = [SearchFilters(limit=1), SearchFilters(limit=1, offset=1), SearchFilters(offset=2)]
    paged = [hit for page in pages for hit in filled.search(query, page)]
    assert ids(paged) == ids(filled.search(query, every))


def test_empty_query_browses_newest_first(filled: Store) -> None:
    hits = filled.search("", SearchFilters(categories=("cs",)))
    assert ids(hits) == ["2506.00001", "2506.00002", "2506.00003"]
    assert all(hit.rank == 0.0 for hit in hits)


def test_summary_text_is_searchable_and_follows_updates(filled: Store) -> None:
    key = SummaryKey("2506.00003", 1, "m", "p", "en")
    filled.put_summary(Summary(key, "Dijkstra meets **kangaroos**", SummarySource.PDF, NOW))
    assert ids(filled.search("kangaroo", SearchFilters())) == ["2506.00003"]
    assert ids(filled.search("summary:dijkstra", SearchFilters())) == ["2506.00003"]
    filled.put_summary(Summary(key, "Now about wombats", SummarySource.PDF, NOW))
    assert filled.search("kangaroo", SearchFilters()) == []
    assert ids(filled.search("wombats", SearchFilters())) == ["2506.00003"]
    assert filled.check() == []


def test_new_version_reindexes_text(filled: Store) -> None:
    filled.upsert_papers([build_paper("2506.00003", version=2, title="Trees, not graphs")])
    assert ids(filled.search("title:trees", SearchFilters())) == ["2506.00003"]
    assert filled.search("planar", SearchFilters()) == []
    assert filled.check() == []


@pytest.mark.parametrize("query", ['"unterminated', "nosuchcolumn:word", "AND", "(a OR"])
def test_bad_query_is_a_query_error(filled: Store, query: str) -> None:
    with pytest.raises(QueryError, match="bad search query") as info:
        filled.search(query, SearchFilters())
    assert "sqlite" not in str(info.value).lower()


def test_document_frequency_counts_title_and_abstract_phrases(filled: Store) -> None:
    assert filled.document_frequency("neural network") == 1
    assert filled.document_frequency("Neural  Network") == 1  # case and spacing folded
    assert filled.document_frequency("quantum") == 2
    assert filled.document_frequency("RL") == 1
    assert filled.document_frequency("Bob") == 0  # authors are not counted
    assert filled.document_frequency('say "hi"') == 0
    assert filled.document_frequency("...") == 0
    assert filled.document_frequency("") == 0
    filled.upsert_papers([build_paper("2506.00009", title="Quantum walks")])
    assert filled.document_frequency("quantum") == 3  # cache dropped on write


# -- bounded work: rank window, date prefilter, time limit --------------------------------
@pytest.fixture
def many(store: Store) -> Store:
    """60 papers about "graph", stored oldest first (one announcement day each)."""
    papers = [
        build_paper(f"2506.{n:05d}", title=f"Graph study {n}", abstract="graph " * (1 + n % 7))
        for n in range(1, 61)
    ]
    store.upsert_papers(papers)
    store.add_announcements(
        [build_announcement(p, DAY - timedelta(days=60 - i)) for i, p in enumerate(papers)]
    )
    return store


def test_rank_window_ranks_only_the_newest_matches(many: Store) -> None:
    everything = ids(many.search("graph", SearchFilters(limit=100)))
    windowed = ids(many.search("graph", SearchFilters(limit=10, rank_window=10)))
    assert len(everything) == 60
    assert sorted(windowed) == [f"2506.{n:05d}" for n in range(51, 61)]
    # A page past the window widens it instead of coming back empty.
    deep = many.search("graph", SearchFilters(limit=5, offset=20, rank_window=10))
    assert len(deep) == 5


def test_date_prefilter_keeps_exactly_the_days_asked(many: Store) -> None:
    start, end = DAY - timedelta(days=30), DAY - timedelta(days=21)
    filters = SearchFilters(date_from=start, date_to=end, limit=10, rank_window=5)
    hits = many.search("graph", filters)
    assert len(hits) == 10
    assert all(hit.announced_on and start <= hit.announced_on <= end for hit in hits)
    empty = SearchFilters(date_from=date(2001, 1, 1), date_to=date(2001, 1, 2))
    assert many.search("graph", empty) == []


def test_time_limit_stops_a_search_and_the_connection_is_reused(many: Store) -> None:
    from arxivbot.store.search import SearchTimeout

    with pytest.raises(SearchTimeout, match="took longer than"):
        many.search("g* OR s*", SearchFilters(limit=60, time_limit=1e-9))
    # The pooled connection carries no handler afterwards: the next search answers.
    assert len(many.search("graph", SearchFilters(limit=3, time_limit=30.0))) == 3
