from __future__ import annotations

from datetime import date, timedelta

from store_builders import NOW, build_paper

from arxivbot.store import Store

DAY = date(2025, 6, 10)


def test_feedback_latest_vote_wins_and_zero_clears(store: Store) -> None:
    store.add_feedback("default", "2506.00001", 1, NOW)
    store.add_feedback("default", "2506.00002", 1, NOW)
    store.add_feedback("default", "2506.00002", -1, NOW + timedelta(minutes=1))
    store.add_feedback("other", "2506.00001", -1, NOW)
    assert store.feedback("default") == {"2506.00001": 1, "2506.00002": -1}
    store.add_feedback("default", "2506.00001", 0, NOW)
    assert store.feedback("default") == {"2506.00002": -1}
    assert store.feedback("nobody") == {}


def test_notifications_once_per_profile_target_day(store: Store) -> None:
    assert not store.was_notified("default", "mailto://me", DAY)
    store.mark_notified("default", "mailto://me", DAY, NOW)
    store.mark_notified("default", "mailto://me", DAY, NOW)  # idempotent
    assert store.was_notified("default", "mailto://me", DAY)
    assert not store.was_notified("default", "mailto://me", DAY + timedelta(days=1))
    assert not store.was_notified("default", "slack://x", DAY)
    assert not store.was_notified("other", "mailto://me", DAY)


def test_http_cache_round_trip_and_overwrite(store: Store) -> None:
    url = "https://rss.arxiv.org/rss/cs.AI+cs.LG"
    assert store.get_http_cache(url) is None
    store.put_http_cache(url, '"abc"', "Tue, 10 Jun 2025 04:00:00 GMT")
    assert store.get_http_cache(url) == ('"abc"', "Tue, 10 Jun 2025 04:00:00 GMT")
    store.put_http_cache(url, "", "Wed, 11 Jun 2025 04:00:00 GMT")
    assert store.get_http_cache(url) == ("", "Wed, 11 Jun 2025 04:00:00 GMT")
    store.put_http_cache(url, "", "")
    assert store.get_http_cache(url) is None


def test_embeddings_per_model(store: Store) -> None:
    store.upsert_papers([build_paper("2506.00001"), build_paper("2506.00002")])
    vector = bytes(range(16))
    store.put_embeddings("mini", {"2506.00001": vector, "2506.09999": b"unknown paper"})
    store.put_embeddings("mini", {"2506.00002": b"\x01" * 4})
    assert store.get_embeddings("mini", ["2506.00001", "2506.00002", "2506.09999"]) == {
        "2506.00001": vector,
        "2506.00002": b"\x01" * 4,
    }
    assert store.get_embeddings("other-model", ["2506.00001"]) == {}
    store.put_embeddings("mini", {"2506.00001": b"new"})
    assert store.get_embeddings("mini", ["2506.00001"]) == {"2506.00001": b"new"}


def test_judge_verdicts_per_version_interests_and_model(store: Store) -> None:
    from arxivbot.models import JudgeVerdict

    first = JudgeVerdict("2506.00001", 1, "h1", "m", 7.5, "on topic", NOW)
    store.put_verdicts([first, JudgeVerdict("2506.00002", 2, "h1", "m", 1.0, "off", NOW)])
    wanted = [("2506.00001", 1), ("2506.00002", 3), ("2506.00003", 1)]
    assert store.get_verdicts("m", "h1", wanted) == {"2506.00001": first}  # v3 is not v2
    assert store.get_verdicts("other", "h1", wanted) == {}
    assert store.get_verdicts("m", "h2", wanted) == {}
    again = JudgeVerdict("2506.00001", 1, "h1", "m", 2.0, "changed", NOW + timedelta(days=1))
    store.put_verdicts([again])
    assert store.get_verdicts("m", "h1", [("2506.00001", 1)]) == {"2506.00001": again}
    assert store.check() == []
