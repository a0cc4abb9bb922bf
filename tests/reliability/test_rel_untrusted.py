"""A provider is untrusted input: malformed answers, lying token counts, endless bodies,
slow-loris servers, a server that is down, and a run deadline that must hold through all.

Each case re-runs the baseline day with summaries on. Whatever the provider does, the run
ends by its deadline, the digest is published, and a bad answer costs only that paper.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from rel_helpers import (
    API_KEY,
    SUMMARIES,
    Describe,
    check_outputs_parse,
    check_store,
    edit_config,
    last_report,
    report_text,
    run_args,
    run_cli,
    stored_summary_ids,
)
from rel_peers import DripServer, closed_port, dripping, endless

from support.httpserver import Reply
from support.llm_server import FakeLlm, generic_summary, rate_limited

SUMMARY = generic_summary("A paper")


def completion(message: object, usage: object = None, *, has_message: bool = True) -> Reply:
    """A chat completion whose ``message`` (and ``usage``) a test chooses freely."""
    choice: dict[str, object] = {"index": 0, "finish_reason": "stop"}
    if has_message:
        choice["message"] = message
    body: dict[str, object] = {
        "id": "chatcmpl-lie", "object": "chat.completion", "created": 1_765_000_000,
        "model": "fake", "choices": [choice],
    }  # fmt: skip
    if usage is not None:
        body["usage"] = usage
    return Reply(200, json.dumps(body).encode(), {"Content-Type": "application/json"})


def text_message(text: str = SUMMARY) -> dict[str, object]:
    return {"role": "assistant", "content": text}


def invalid_json() -> Reply:
    return Reply(200, b'{"choices": [{"message": ', {"Content-Type": "application/json"})


@pytest.fixture
def ai_world(world: Path, llm: FakeLlm, monkeypatch: pytest.MonkeyPatch) -> Path:
    llm.reset()
    monkeypatch.setenv("DASHSCOPE_API_KEY", API_KEY)
    edit_config(world, ai_summary=_ai(llm.base_url))
    return world


def _ai(base_url: str, **more: object) -> dict[str, object]:
    return {"enabled": True, "base_url": base_url, "mode": "abstract", "max_retries": 2,
            "retry_base_seconds": 0.01, "retry_max_seconds": 0.05, "timeout_seconds": 5,
            **more}  # fmt: skip


def published(world: Path) -> None:
    check_outputs_parse(world / "out")
    check_store(world / "db.sqlite3")


def token_totals(db: Path) -> tuple[int, int]:
    connection = sqlite3.connect(db)
    try:
        row = connection.execute(
            "SELECT coalesce(sum(input_tokens), 0), coalesce(min(input_tokens), 0) FROM summaries"
        ).fetchone()
    finally:
        connection.close()
    return int(row[0]), int(row[1])


# -- malformed answers -----------------------------------------------------------------------
def test_invalid_json_once_in_fifteen_calls_is_retried(
    ai_world: Path, llm: FakeLlm, case: Describe
) -> None:
    case("llm", "invalid JSON body (Content-Type: application/json) on call 7 of 15",
         "exit 0, that call retried, all 15 summaries stored")  # fmt: skip
    llm.fault = lambda number: invalid_json() if number == 7 else None
    result = run_cli(*run_args(ai_world))
    assert result.code == 0, result.text
    assert len(stored_summary_ids(ai_world / "db.sqlite3")) == SUMMARIES
    published(ai_world)


MALFORMED: list[tuple[str, Callable[[], Reply], str]] = [
    ("invalid JSON body on every call", invalid_json, "not JSON"),
    ("message.content is a list", lambda: completion({"role": "assistant", "content": [
        {"type": "text", "text": SUMMARY}]}), "content is a list"),
    ("message.content is a number", lambda: completion({"content": 42}), "content is a int"),
    ("message.content is an object", lambda: completion({"content": {"a": 1}}),
     "content is a dict"),
    ("message: null", lambda: completion(None), "message: null"),
    ("no message at all", lambda: completion(None, has_message=False), "message: null"),
    ("choices: \"none\"", lambda: Reply(200, b'{"choices": "none"}',
                                        {"Content-Type": "application/json"}), "without"),
]  # fmt: skip


@pytest.mark.parametrize("fault,reply,message", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_answer_is_that_papers_failure(
    ai_world: Path, llm: FakeLlm, fault: str, reply: Callable[[], Reply], message: str,
    case: Describe,
) -> None:  # fmt: skip
    case("llm", f"{fault} (HTTP 200), every call",
         "exit 0 (partial): each paper's failure collected and named, digest published",
         "nothing: summaries missing for one run, retried next run")  # fmt: skip
    edit_config(ai_world, ai_summary={"max_retries": 1})
    llm.fault = lambda _number: reply()
    result = run_cli(*run_args(ai_world))
    assert result.code == 0, result.text
    report = last_report(ai_world / "db.sqlite3")
    assert report.status == "partial"
    failures = [issue for issue in report.issues if issue.stage == "summarize"]
    assert len(failures) == SUMMARIES
    assert message in report_text(report)
    assert "bug" not in result.text
    published(ai_world)


USAGE_LIES = [
    ("usage counts as strings", {"prompt_tokens": "12", "completion_tokens": "x"}),
    ("negative usage counts", {"prompt_tokens": -(10**9), "completion_tokens": -5}),
    ("absurd usage counts (10^30)", {"prompt_tokens": 10**30, "completion_tokens": 10**30}),
    ("usage is a list", [1, 2, 3]),
]


@pytest.mark.parametrize("fault,usage", USAGE_LIES, ids=[u[0] for u in USAGE_LIES])
def test_lying_token_counts_cannot_defeat_the_budget_or_the_cost_report(
    ai_world: Path, llm: FakeLlm, fault: str, usage: object, case: Describe
) -> None:
    case("llm", f"{fault}, budget_tokens 3,000",
         "exit 0; estimates used instead: the token budget still stops the run early, "
         "the cost report is never negative")  # fmt: skip
    edit_config(ai_world, ai_summary={"budget_tokens": 3000, "max_workers": 1,
                                      "price_input_per_million": 1.0})  # fmt: skip
    llm.fault = lambda _number: completion(text_message(), usage)
    result = run_cli(*run_args(ai_world))
    assert result.code == 0, result.text
    stored = stored_summary_ids(ai_world / "db.sqlite3")
    assert 0 < len(stored) < SUMMARIES  # the budget held
    total, smallest = token_totals(ai_world / "db.sqlite3")
    assert smallest > 0 and total < 10**7
    text = report_text(last_report(ai_world / "db.sqlite3"))
    assert "budget of 3,000 tokens reached" in text
    assert "estimated cost -" not in text
    published(ai_world)


# -- bodies and peers that never end ------------------------------------------------------------
def test_endless_200_body_is_cut_while_reading(ai_world: Path, case: Describe) -> None:
    case("llm", "endless chunked HTTP 200 body (64 KB chunks, never ends)",
         "each call cut at the 8 MB cap while reading; exit 0 (partial), digest out")  # fmt: skip
    with DripServer(endless("application/json")) as peer:
        edit_config(ai_world, ai_summary=_ai(f"{peer.url}/v1", max_retries=0, max_workers=1))
        result = run_cli(*run_args(ai_world))
    assert result.code == 0, result.text
    assert "larger than the 8 MB cap" in report_text(last_report(ai_world / "db.sqlite3"))
    published(ai_world)


def test_slow_loris_llm_cannot_hang_the_run(ai_world: Path, case: Describe) -> None:
    case("llm", "slow-loris LLM: headers dripped 1 byte / 0.3 s, timeout_seconds 1",
         "every request ends by its total time limit; exit 0 (partial), digest out")  # fmt: skip
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: " + b"a" * 200
    with DripServer(dripping(head, 0.3)) as peer:
        edit_config(ai_world, ai_summary=_ai(f"{peer.url}/v1", max_retries=0, timeout_seconds=1))
        result = run_cli(*run_args(ai_world))
    assert result.code == 0, result.text
    assert "timed out" in report_text(last_report(ai_world / "db.sqlite3"))
    published(ai_world)


# -- a server that is down ----------------------------------------------------------------------
def test_llm_down_trips_the_circuit_breaker(ai_world: Path, case: Describe) -> None:
    case("llm", "LLM server down (connection refused), max_retries 5",
         "circuit breaker after 3 connection failures in a row: no more calls, the reason "
         "named, exit 5 (incomplete), digest published",
         "nothing: summaries made by the next run")  # fmt: skip
    edit_config(ai_world, ai_summary=_ai(f"http://127.0.0.1:{closed_port()}/v1", max_retries=5))
    result = run_cli(*run_args(ai_world))
    assert result.code == 5, result.text
    report = last_report(ai_world / "db.sqlite3")
    assert report.status == "incomplete"
    assert "could not be reached 3 times in a row" in report_text(report)
    assert stored_summary_ids(ai_world / "db.sqlite3") == set()
    published(ai_world)


def test_llm_name_that_does_not_resolve_trips_the_breaker(ai_world: Path, case: Describe) -> None:
    case("llm", "LLM base_url host does not resolve (DNS)",
         "circuit breaker, exit 5, digest published")  # fmt: skip
    edit_config(ai_world, ai_summary=_ai("http://llm.invalid/v1", max_retries=5))
    result = run_cli(*run_args(ai_world))
    assert result.code == 5, result.text
    assert "in a row" in report_text(last_report(ai_world / "db.sqlite3"))
    published(ai_world)


# -- the run's deadline -------------------------------------------------------------------------
def test_deadline_stops_new_calls_publishes_and_the_next_run_carries_on(
    ai_world: Path, llm: FakeLlm, case: Describe
) -> None:
    case("time", "slow LLM (0.5 s a call, 1 worker), run.deadline_minutes 0.04 (2.4 s)",
         "no call starts after the deadline; what is done is stored and published, "
         "exit 5 (incomplete); the next run summarises only the rest",
         "nothing: the rest is summarised by the next run")  # fmt: skip
    edit_config(ai_world, ai_summary={"max_workers": 1},
                run={"deadline_minutes": 0.04, "publish_reserve_minutes": 0})  # fmt: skip
    llm.latency = 0.5
    result = run_cli(*run_args(ai_world))
    assert result.code == 5, result.text
    report = last_report(ai_world / "db.sqlite3")
    assert report.status == "incomplete" and "deadline" in report_text(report)
    first = stored_summary_ids(ai_world / "db.sqlite3")
    assert 0 < len(first) < SUMMARIES
    assert llm.chat_calls < SUMMARIES
    published(ai_world)
    llm.latency = 0.0
    calls = llm.chat_calls
    edit_config(ai_world, run={"deadline_minutes": 40})
    result = run_cli(*run_args(ai_world))
    assert result.code == 0, result.text
    assert llm.chat_calls - calls == SUMMARIES - len(first)  # nothing paid twice


def test_retry_after_an_hour_is_not_slept(ai_world: Path, llm: FakeLlm, case: Describe) -> None:
    case("time", "429 with Retry-After: 3600 on every call, run.deadline_minutes 0.05",
         "Retry-After capped (300 s) and counted against the deadline: no sleep past it, "
         "exit 5 (incomplete), digest published")  # fmt: skip
    edit_config(ai_world, run={"deadline_minutes": 0.05, "publish_reserve_minutes": 0})
    llm.fault = lambda _number: rate_limited(3600)
    result = run_cli(*run_args(ai_world))
    assert result.code == 5, result.text
    assert "deadline" in report_text(last_report(ai_world / "db.sqlite3"))
    published(ai_world)
