"""The optional LLM relevance judge through the OpenAI-compatible stand-in and a real store."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from arxivbot.app.ranking import build_judge, new_judge_budget
from arxivbot.clock import fixed_clock
from arxivbot.config import Profile, parse_config, resolve_profiles
from arxivbot.models import Announcement, AnnounceType, Paper
from arxivbot.rank import RankContext, RankResult, rank_day
from arxivbot.rank.judge import JudgeBudget, LlmJudge, interests_hash, parse_verdicts
from arxivbot.store import Store, open_store
from arxivbot.summarize.llm import CircuitBreaker, LlmClient, RetryPolicy
from support.llm_server import FakeLlm

NOW = datetime(2026, 6, 2, 12, 0, tzinfo=UTC)
INTERESTS = "Speculative decoding and faster LLM inference."
ID_RE = re.compile(r"^id: (\S+)\nTitle: (.*)$", re.MULTILINE)


def make(
    arxiv_id: str, title: str, abstract: str = "", version: int = 1
) -> tuple[Paper, Announcement]:
    paper = Paper(
        arxiv_id=arxiv_id,
        version=version,
        title=title,
        authors=("Ada Lovelace",),
        abstract=abstract,
        primary_category="cs.LG",
        categories=("cs.LG",),
    )
    return paper, Announcement(arxiv_id, version, date(2026, 6, 2), AnnounceType.NEW, "cs.LG")


def profile(**judge: Any) -> Profile:
    raw: dict[str, Any] = {
        "keywords": ["decoding"],
        "interests": INTERESTS,
        "judge": {"enabled": True, **judge},
    }
    return resolve_profiles(parse_config(raw))[0]


def papers_in(llm: FakeLlm) -> list[tuple[str, str]]:
    """(id, title) of the papers in the stand-in's latest request (calls are sequential)."""
    body = llm.chat_bodies[-1]
    messages = body["messages"]
    assert isinstance(messages, list)
    return ID_RE.findall(str(messages[-1]["content"]))


def rubric(llm: FakeLlm) -> Callable[[str], str]:
    """10 when "speculative" is in the title, else 2: a judge that reads titles."""

    def answer(_default: str) -> str:
        verdicts = [
            {
                "id": arxiv_id,
                "score": 10 if "speculative" in title.lower() else 2,
                "reason": "on speculative decoding" if "peculative" in title else "off topic",
            }
            for arxiv_id, title in papers_in(llm)
        ]
        return json.dumps({"verdicts": verdicts})

    return answer


@pytest.fixture()
def llm() -> Iterator[FakeLlm]:
    with FakeLlm() as server:
        yield server


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "db.sqlite3", clock=fixed_clock(NOW)) as opened:
        yield opened


class Judged:
    def __init__(self, llm: FakeLlm, store: Store, budget: JudgeBudget | None = None) -> None:
        self.client = LlmClient(
            api_key="test-key",
            base_url=llm.base_url,
            model="judge-model",
            timeout=10,
            temperature=0,
            max_output_tokens=512,
        )
        policy = RetryPolicy(0, sleep=lambda _s: None, breaker=CircuitBreaker())
        self.budget = budget or JudgeBudget(max_calls=100, max_tokens=10_000_000)
        self.judge = LlmJudge(
            self.client.chat, "judge-model", store, self.budget, policy, fixed_clock(NOW), 512
        )

    def rank(self, papers: Sequence[tuple[Paper, Announcement]], prof: Profile) -> RankResult:
        try:
            return rank_day(papers, prof, RankContext(rerankers=(self.judge,)))
        finally:
            self.client.close()


DAY = [
    make("2606.00001", "Decoding in reinforcement learning", "We study decoding."),
    make("2606.00002", "Speculative decoding at scale", "Draft models for decoding."),
    make("2606.00003", "Decoding brain signals", "Decoding, decoding, decoding."),
]


def test_verdicts_blend_into_the_score_and_show_in_why(llm: FakeLlm, store: Store) -> None:
    llm.answer_override = rubric(llm)
    before = {r.paper.arxiv_id: r.score for r in rank_day(DAY, profile(), RankContext()).ranked}
    result = Judged(llm, store).rank(DAY, profile(weight=3.0))
    assert llm.chat_calls == 1  # three papers, one batch
    top = result.ranked[0]
    assert top.paper.arxiv_id == "2606.00002"
    for ranked in result.ranked:
        judge = [c for c in ranked.components if c.kind == "judge"]
        assert len(judge) == 1
        verdict = 10 if ranked.paper.arxiv_id == "2606.00002" else 2
        assert judge[0].contribution == pytest.approx(3.0 * (verdict - 5) / 5)
        assert ranked.score == pytest.approx(before[ranked.paper.arxiv_id] + judge[0].contribution)
    assert "LLM judge 10/10: on speculative decoding (+3)" in top.explanation
    assert "LLM judge 2/10: off topic (-1.80)" in result.ranked[1].explanation
    body = llm.chat_bodies[0]
    prompt = str(body["messages"][-1]["content"])  # type: ignore[index]
    assert INTERESTS in prompt and "Draft models for decoding." in prompt
    assert body["model"] == "judge-model"


def test_a_malformed_answer_falls_back_per_paper(llm: FakeLlm, store: Store) -> None:
    def answer(_default: str) -> str:
        ids = [arxiv_id for arxiv_id, _ in papers_in(llm)]
        return (
            "Here you go:\n```json\n"
            + json.dumps(
                [
                    {"id": ids[0], "score": 9, "reason": "fine"},
                    {"id": ids[1], "score": "very high", "reason": "bad score"},
                    {"id": "9999.99999", "score": 8, "reason": "not in the batch"},
                    {"id": ids[2], "score": 11, "reason": "out of range"},
                ]
            )
            + "\n```"
        )

    llm.answer_override = answer
    judged = Judged(llm, store)
    plain = {r.paper.arxiv_id: r.score for r in rank_day(DAY, profile(), RankContext()).ranked}
    result = judged.rank(DAY, profile())
    with_verdict = [r for r in result.ranked if any(c.kind == "judge" for c in r.components)]
    assert len(with_verdict) == 1
    for ranked in result.ranked:
        if ranked not in with_verdict:
            assert ranked.score == plain[ranked.paper.arxiv_id]  # its keyword score
    assert any("3 malformed verdict(s), 2 of 3" in note for note in judged.judge.notes)
    assert any("no verdict for 2 paper(s)" in note for note in judged.judge.notes)
    # only the valid verdict was stored: the next run asks again about the other two
    key = interests_hash(INTERESTS)
    assert len(store.get_verdicts("judge-model", key, [(p.arxiv_id, 1) for p, _ in DAY])) == 1


def test_an_answer_that_is_not_json_is_never_fatal(llm: FakeLlm, store: Store) -> None:
    llm.answer_override = lambda _default: "I think they are all great papers!"
    judged = Judged(llm, store)
    result = judged.rank(DAY, profile())
    assert len(result.ranked) == 3
    assert not any(c.kind == "judge" for r in result.ranked for c in r.components)
    assert any("not JSON" in note for note in judged.judge.notes)


def test_a_rerun_makes_no_call_and_gives_the_same_ranking(llm: FakeLlm, store: Store) -> None:
    llm.answer_override = rubric(llm)
    first = Judged(llm, store).rank(DAY, profile())
    calls = llm.chat_calls
    assert calls == 1
    again = Judged(llm, store).rank(DAY, profile())
    assert llm.chat_calls == calls
    assert [(r.paper.arxiv_id, r.score) for r in again.ranked] == [
        (r.paper.arxiv_id, r.score) for r in first.ranked
    ]
    # other interests, another version or another model are judged afresh
    Judged(llm, store).rank(DAY, replace_interests(profile(), "Brain-computer interfaces."))
    assert llm.chat_calls == calls + 1
    newer = [make("2606.00002", "Speculative decoding at scale", "v2.", version=2)]
    Judged(llm, store).rank(newer, profile())
    assert llm.chat_calls == calls + 2


def replace_interests(prof: Profile, interests: str) -> Profile:
    from dataclasses import replace

    return replace(prof, interests=interests)


def test_the_cap_holds_with_a_thousand_candidates(llm: FakeLlm, store: Store) -> None:
    llm.answer_override = rubric(llm)
    many = [make(f"2606.{i:05d}", f"Speculative decoding {i}", "We decode.") for i in range(1000)]
    budget = JudgeBudget(max_calls=3, max_tokens=10_000_000)
    judged = Judged(llm, store, budget)
    result = judged.rank(many, profile(top_k=500, batch_size=10))
    assert llm.chat_calls == 3 == budget.calls
    judged_ids = [r for r in result.ranked if any(c.kind == "judge" for c in r.components)]
    assert len(judged_ids) == 30  # 3 calls × 10 papers, each judged 10/10: now the top 30
    assert len(result.ranked) == 30 and result.matched == 1000  # max_papers cuts as before
    assert any("judge.max_calls (3) reached" in n for n in judged.judge.notes)


def test_the_token_cap_stops_calls_before_they_start(llm: FakeLlm, store: Store) -> None:
    llm.answer_override = rubric(llm)
    many = [make(f"2606.{i:05d}", f"Decoding method {i}", "We decode. " * 40) for i in range(1000)]
    budget = JudgeBudget(max_calls=1_000, max_tokens=6_000)
    judged = Judged(llm, store, budget)
    judged.rank(many, profile(top_k=500, batch_size=10))
    assert 1 <= llm.chat_calls <= 6
    assert budget.tokens <= 6_000
    assert any("judge.max_tokens" in n for n in judged.judge.notes)


def test_the_judge_is_off_by_default(llm: FakeLlm, store: Store) -> None:
    default = resolve_profiles(parse_config({"keywords": ["decoding"]}))[0]
    assert default.judge.enabled is False and default.interests == ""
    config = parse_config({"keywords": ["decoding"]})
    budget = new_judge_budget(config)
    assert build_judge(config, store, default, budget, fixed_clock(NOW)) == (None, None, "")
    llm.answer_override = rubric(llm)
    result = Judged(llm, store).rank(DAY, default)
    assert llm.chat_calls == 0
    assert not any(c.kind == "judge" for r in result.ranked for c in r.components)


def test_build_judge_reads_the_summaries_key(
    llm: FakeLlm, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = {
        "keywords": ["decoding"],
        "interests": INTERESTS,
        "judge": {"enabled": True, "model": "judge-model"},
        "ai_summary": {"base_url": llm.base_url, "api_key_env": "JUDGE_TEST_KEY"},
    }
    config = parse_config(raw)
    prof = resolve_profiles(config)[0]
    monkeypatch.delenv("JUDGE_TEST_KEY", raising=False)
    judge, client, note = build_judge(
        config, store, prof, new_judge_budget(config), fixed_clock(NOW)
    )
    assert judge is None and client is None and "JUDGE_TEST_KEY" in note
    monkeypatch.setenv("JUDGE_TEST_KEY", "test-key")
    judge, client, note = build_judge(
        config, store, prof, new_judge_budget(config), fixed_clock(NOW)
    )
    assert judge is not None and client is not None and note == ""
    llm.answer_override = rubric(llm)
    try:
        result = rank_day(DAY, prof, RankContext(rerankers=(judge,)))
    finally:
        client.close()
    assert llm.chat_calls == 1
    assert result.ranked[0].paper.arxiv_id == "2606.00002"


def test_parse_verdicts_checks_each_verdict() -> None:
    ids = ["a", "b"]
    found, problem = parse_verdicts(
        '{"verdicts": [{"id": "a", "score": 7.25, "reason": "x\\ny"}]}', ids
    )
    assert found == {"a": (7.2, "x y")} and "1 of 2 paper(s) without one" in problem
    assert parse_verdicts("[]", ids) == ({}, "0 malformed verdict(s), 2 of 2 paper(s) without one")
    assert parse_verdicts('{"verdicts": 3}', ids) == ({}, "no list of verdicts")
    found, _ = parse_verdicts('[{"id": "b", "score": true, "reason": ""}]', ids)
    assert found == {}


def test_a_refused_key_stops_the_judge_for_the_run(llm: FakeLlm, store: Store) -> None:
    from support.llm_server import always, unauthorized

    llm.fault = always(unauthorized)
    many = [make(f"2606.{i:05d}", f"Decoding method {i}", "We decode.") for i in range(100)]
    judged = Judged(llm, store)
    plain = rank_day(many, profile(), RankContext())
    result = judged.rank(many, profile())
    assert llm.chat_calls == 1  # not one per batch
    assert [(r.paper.arxiv_id, r.score) for r in result.ranked] == [
        (r.paper.arxiv_id, r.score) for r in plain.ranked
    ]
    assert any("refused" in note and "30 paper(s)" in note for note in judged.judge.notes)


def test_retries_count_against_the_call_cap(llm: FakeLlm, store: Store) -> None:
    from support.llm_server import always, server_error

    llm.fault = always(server_error)
    client = LlmClient(
        api_key="test-key", base_url=llm.base_url, model="m", timeout=10, temperature=0,
        max_output_tokens=256,
    )  # fmt: skip
    budget = JudgeBudget(max_calls=4, max_tokens=10_000_000)
    policy = RetryPolicy(10, base_delay=0, sleep=lambda _s: None, breaker=CircuitBreaker())
    judge = LlmJudge(client.chat, "m", store, budget, policy, fixed_clock(NOW))
    try:
        rank_day(DAY, profile(), RankContext(rerankers=(judge,)))
    finally:
        client.close()
    assert llm.chat_calls == 4 == budget.calls
