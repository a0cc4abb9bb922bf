"""``generation()``: the cache key of servers sharing a store moves with every commit."""

from __future__ import annotations

from store_builders import NOW, build_paper

from arxivbot.store import StoreApi, open_store


def test_generation_moves_on_each_write_and_is_seen_by_other_stores(
    store: StoreApi, store_url: str
) -> None:
    before = store.generation()
    assert store.generation() == before  # reading changes nothing
    store.upsert_papers([build_paper()])
    after = store.generation()
    assert after != before
    with open_store(store_url) as replica:  # another process's view of the same store
        assert replica.generation() == after
        replica.add_feedback("main", "2506.00001", 1, NOW)
        assert store.generation() != after
