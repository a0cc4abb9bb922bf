"""LLM faults: the stand-in OpenAI-compatible server misbehaves during the summary stage.

Each case re-runs the baseline day (2026-06-02, published without summaries) with an API
key and the stand-in LLM. Whatever the LLM does, the digest must still be published, the
run must say which summaries failed and why, no stored summary is ever paid for twice, and
nothing the model writes can execute in the README, the feeds or the site.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from rel_helpers import (
    API_KEY,
    SUMMARIES,
    Describe,
    assert_full_digest,
    check_outputs_parse,
    check_store,
    edit_config,
    executable_markup,
    feed_html_fragments,
    last_report,
    readme_entries,
    report_text,
    requested_titles,
    run_args,
    run_cli,
    stored_summary_ids,
    stored_titles,
)

from support.httpserver import Reply
from support.llm_server import (
    FakeLlm,
    always,
    completion_reply,
    every_nth,
    garbage_reply,
    rate_limited,
    server_error,
    unauthorized,
)

INJECTION = (
    "## 1. 主要贡献\n\n- **Claim**: fast.</details>\n\n<script>alert('llm')</script>\n\n"
    "[x](javascript:alert(1)) and <img src=x onerror=alert(2)> and "
    '<a href="javascript:alert(3)">y</a>\n\n# Injected top heading\n\n### 99. [Fake](https://evil.example)\n\n'
    "| a | b |\n|---|---|\n| <b>1</b> | 2 |\n\n<details><summary>open</summary>\n\n"
    "```\nunclosed fence\n"
)


@pytest.fixture
def ai_world(world: Path, llm: FakeLlm, monkeypatch: pytest.MonkeyPatch) -> Path:
    llm.reset()
    monkeypatch.setenv("DASHSCOPE_API_KEY", API_KEY)
    edit_config(
        world,
        ai_summary={
            "enabled": True,
            "base_url": llm.base_url,
            "mode": "abstract",
            "retry_base_seconds": 0.01,
            "retry_max_seconds": 0.05,
            "max_retries": 2,
            "timeout_seconds": 5,
        },
    )
    return world


def run(world: Path, llm: FakeLlm) -> tuple[int, str, Counter[str]]:
    """One CLI run; returns exit code, output and the titles requested during it."""
    with llm.server._lock:
        llm.server.log.clear()
    result = run_cli(*run_args(world))
    return result.code, result.text, requested_titles(llm)


def digest_intact(world: Path) -> None:
    readme = (world / "out/README.md").read_text()
    assert_full_digest(readme_entries(readme))
    check_outputs_parse(world / "out")
    check_store(world / "db.sqlite3")


def test_healthy_llm_summarises_once_and_rerun_costs_nothing(
    ai_world: Path, llm: FakeLlm, case: Describe
) -> None:
    case("llm", "healthy LLM, then the same day again",
         "exit 0, 15 calls then 0 calls, identical digest")  # fmt: skip
    code, output, titles = run(ai_world, llm)
    assert code == 0, output
    assert sum(titles.values()) == SUMMARIES and max(titles.values()) == 1
    readme = (ai_world / "out/README.md").read_bytes()
    code, output, titles = run(ai_world, llm)
    assert code == 0 and sum(titles.values()) == 0, output
    assert (ai_world / "out/README.md").read_bytes().count(b"AI Summary") == readme.count(
        b"AI Summary"
    )
    digest_intact(ai_world)


STORMS = [
    ("429 on every second call (Retry-After: 0)", every_nth(2, lambda: rate_limited(0)), 0),
    ("HTTP 500 on every third call", every_nth(3, server_error), 0),
    ("HTTP 200 with an HTML gateway page on every third call", every_nth(3, garbage_reply), 0),
]


@pytest.mark.parametrize("fault,script,_unused", STORMS, ids=["429-storm", "500s", "garbage"])
def test_intermittent_faults_are_retried_to_completion(
    ai_world: Path, llm: FakeLlm, fault: str, script: object, _unused: int, case: Describe
) -> None:
    case("llm", fault, "exit 0, every summary written after retries, each paper stored once")
    edit_config(ai_world, ai_summary={"max_retries": 5})  # the product's default
    llm.fault = script  # type: ignore[assignment]
    code, output, _titles = run(ai_world, llm)
    assert code == 0, output
    assert len(stored_summary_ids(ai_world / "db.sqlite3")) == SUMMARIES
    assert (ai_world / "out/README.md").read_text().count("🤖 AI Summary") == SUMMARIES
    digest_intact(ai_world)


PERSISTENT = [
    ("429 storm: every call, past max_retries", lambda: always(lambda: rate_limited(0)), "429"),
    ("HTTP 500 on every call, past max_retries", lambda: always(server_error), "500"),
    ("timeout: answers after 1.5 s, timeout 0.3 s",
     lambda: always(lambda: Reply(200, b"{}", delay=1.5)), "timed out"),
    ("empty answer on every call", lambda: always(lambda: completion_reply("")), "empty answer"),
    ("garbage answer (HTML page, HTTP 200) on every call", lambda: always(garbage_reply), ""),
    ("answer cut off (finish_reason=length)",
     lambda: always(lambda: completion_reply("## Partial\n\n- **a** " * 20, "length")), "cut off"),
]  # fmt: skip


@pytest.mark.parametrize(
    "fault,script,message",
    PERSISTENT,
    ids=["429-always", "500-always", "timeout", "empty", "garbage-always", "cut-off"],
)
def test_persistent_fault_fails_papers_then_next_run_retries_only_those(
    ai_world: Path, llm: FakeLlm, fault: str, script: object, message: str, case: Describe
) -> None:
    case(
        "llm",
        fault,
        "exit 0 (partial), digest published without summaries, each failure reported; "
        "the next healthy run pays once per paper",
        "nothing: summaries missing for one run, retried next run",
    )
    edit_config(ai_world, ai_summary={"timeout_seconds": 0.3, "max_retries": 1})
    llm.fault = script()  # type: ignore[operator]
    code, output, _titles = run(ai_world, llm)
    assert code == 0, output
    report = last_report(ai_world / "db.sqlite3")
    assert report.status == "partial"
    failures = [i for i in report.issues if i.stage == "summarize"]
    assert len(failures) == SUMMARIES
    assert message in report_text(report)
    assert stored_summary_ids(ai_world / "db.sqlite3") == set()
    digest_intact(ai_world)
    llm.fault = None
    code, output, titles = run(ai_world, llm)
    assert code == 0, output
    assert sum(titles.values()) == SUMMARIES and max(titles.values()) == 1


def test_some_failures_are_retried_next_run_and_stored_ones_never_again(
    ai_world: Path, llm: FakeLlm, case: Describe
) -> None:
    case(
        "llm",
        "HTTP 500 on calls 1-4 with max_retries 0, then three runs",
        "failed papers retried next run; a stored summary is never requested again",
    )
    edit_config(ai_world, ai_summary={"max_retries": 0})
    llm.fault = lambda number: server_error() if number <= 4 else None
    code, output, _first = run(ai_world, llm)
    assert code == 0, output
    stored = stored_titles(ai_world / "db.sqlite3")
    assert len(stored) == SUMMARIES - 4
    llm.fault = None
    code, output, second = run(ai_world, llm)
    assert code == 0, output
    assert not set(second) & stored  # nothing paid twice
    assert sum(second.values()) == 4
    code, output, third = run(ai_world, llm)
    assert sum(third.values()) == 0
    assert len(stored_summary_ids(ai_world / "db.sqlite3")) == SUMMARIES


def test_refused_key_stops_at_once_and_exits_4(
    ai_world: Path, llm: FakeLlm, case: Describe
) -> None:
    case(
        "llm",
        "HTTP 401 (key refused) on every call",
        "exit 4, one clear message naming the key variable, ≤ max_workers calls, digest kept",
        "nothing: digest published without summaries",
    )
    llm.fault = always(unauthorized)
    code, output, titles = run(ai_world, llm)
    assert code == 4, output
    assert "refused the API key" in output and "ai_summary.api_key_env" in output
    assert sum(titles.values()) <= 3
    assert output.count("refused the API key") <= 2  # once in the notes, once as the issue
    assert last_report(ai_world / "db.sqlite3").status == "needs-action"
    digest_intact(ai_world)


def test_one_megabyte_answer_is_capped(ai_world: Path, llm: FakeLlm, case: Describe) -> None:
    case("llm", "1 MB answer for every paper",
         "exit 0, stored summary capped at 64 KB, outputs parse")  # fmt: skip
    llm.answer_override = lambda text: text + ("\n- **filler** " + "x" * 80) * 12_000
    code, output, _titles = run(ai_world, llm)
    assert code == 0, output
    import sqlite3

    db = sqlite3.connect(ai_world / "db.sqlite3")
    sizes = [row[0] for row in db.execute("SELECT length(CAST(text AS BLOB)) FROM summaries")]
    assert len(sizes) == SUMMARIES and max(sizes) <= 64 * 1024 + 16
    digest_intact(ai_world)


def test_injected_markup_in_answers_never_executes(
    ai_world: Path, llm: FakeLlm, case: Describe
) -> None:
    case(
        "llm",
        "answers with <script>, </details>, javascript: links, <img onerror>, fake headings",
        "README layout intact and no executable markup in README (as GitHub renders it), "
        "feeds or site pages",
    )
    llm.answer_override = lambda text: INJECTION + "\n\n" + text
    code, output, _titles = run(ai_world, llm)
    assert code == 0, output
    out = ai_world / "out"
    readme = (out / "README.md").read_text()
    assert_full_digest(readme_entries(readme))
    assert readme.count("🤖 AI Summary") == SUMMARIES
    rendered = MarkdownIt("commonmark", {"html": True}).render(readme)
    # the answer's own tags arrive escaped (as \</details>): only the digest's own open and close
    assert rendered.count("<details>") == rendered.count("</details>") == SUMMARIES
    assert executable_markup(rendered) == []
    for page in out.rglob("*.html"):
        assert executable_markup(page.read_text()) == [], page
    for feed in ("rss.xml", "atom.xml"):
        for fragment in feed_html_fragments(out / feed):
            assert executable_markup(fragment) == [], feed
    feed_json = json.loads((out / "feed.json").read_text())
    for item in feed_json["items"]:
        assert executable_markup(item.get("content_html", "")) == []
    check_outputs_parse(out)
