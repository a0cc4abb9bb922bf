"""The summarise stage end to end: real SQLite store, real openai SDK, fake LLM and arXiv."""

from __future__ import annotations

import pytest
from summ_support import FakeArxiv, Runner

from arxivbot.models import Paper, SummarySource
from arxivbot.store import Store
from arxivbot.summarize import OFFLINE_MODEL, SummaryProgress
from support.httpserver import Reply
from support.llm_server import (
    FakeLlm,
    always,
    completion_reply,
    every_nth,
    first_calls,
    garbage_reply,
    rate_limited,
    recorded_summaries,
    server_error,
    slow_reply,
    unauthorized,
)


def test_first_run_then_rerun_makes_no_calls(
    run: Runner, llm: FakeLlm, day_papers: list[Paper], store: Store
) -> None:
    first = run(day_papers)
    assert first.usage.calls == len(day_papers) == llm.chat_calls
    assert first.usage.cached_hits == 0 and first.usage.failures == 0
    assert list(first.summaries) == [p.arxiv_id for p in day_papers]
    recorded = recorded_summaries()
    for paper in day_papers:
        summary = first.summaries[paper.arxiv_id]
        assert summary.source is SummarySource.HTML
        assert summary.model == "qwen-long" and summary.key.language == "zh"
        assert (
            summary.text
            == str(recorded[" ".join(paper.title.lower().split())]["ai_summary"]).strip()
        )
        assert store.get_summary(summary.key) == summary
    assert first.usage.input_tokens > 0 and first.usage.output_tokens > 0

    second = run(day_papers)
    assert llm.chat_calls == len(day_papers)  # not one more
    assert second.usage.calls == 0 and second.usage.cached_hits == len(day_papers)
    assert dict(second.summaries) == dict(first.summaries)


def test_text_mode_sends_trimmed_paper_text_and_prompt(
    run: Runner, llm: FakeLlm, day_papers: list[Paper]
) -> None:
    run(day_papers[:1])
    messages = llm.chat_bodies[0]["messages"]
    assert isinstance(messages, list)
    user = messages[1]["content"]
    assert user.startswith(f"论文标题：{day_papers[0].title}\n\n<paper>")
    assert "1 Introduction" in user and "4 Conclusion" in user
    assert "请总结这篇论文的核心结论和实验结果" in user  # the packaged zh prompt, last


def test_at_most_max_workers_calls_in_flight(
    run: Runner, llm: FakeLlm, day_papers: list[Paper]
) -> None:
    llm.latency = 0.2
    result = run(day_papers, max_workers=2)
    assert len(result.summaries) == len(day_papers)
    assert llm.max_in_flight <= 2


def test_rate_limit_then_success(run: Runner, llm: FakeLlm, day_papers: list[Paper]) -> None:
    llm.fault = first_calls(2, rate_limited)
    result = run(day_papers[:1])
    assert len(result.summaries) == 1 and not result.failures
    assert result.usage.calls == 3


def test_a_third_of_calls_rate_limited_still_summarises_everything(
    run: Runner, llm: FakeLlm, day_papers: list[Paper]
) -> None:
    llm.fault = every_nth(3, rate_limited)
    result = run(day_papers)
    assert len(result.summaries) == len(day_papers) and not result.failures
    assert result.usage.calls == llm.chat_calls > len(day_papers)


def test_server_errors_past_retry_limit_fail_the_paper_and_next_run_retries(
    run: Runner, llm: FakeLlm, day_papers: list[Paper]
) -> None:
    llm.fault = always(server_error)
    failed = run(day_papers[:2], max_retries=2)
    assert not failed.summaries and failed.usage.failures == 2
    assert failed.usage.calls == 6  # 1 + 2 retries, per paper
    assert {issue.subject for issue in failed.failures} == {p.arxiv_id for p in day_papers[:2]}
    assert all("HTTP 500" in issue.message for issue in failed.failures)

    llm.fault = None
    retried = run(day_papers[:2], max_retries=2)
    assert len(retried.summaries) == 2 and retried.usage.calls == 2


def test_timeout_is_retried(run: Runner, llm: FakeLlm, day_papers: list[Paper]) -> None:
    llm.fault = first_calls(1, lambda: slow_reply(1.5))
    result = run(day_papers[:1], timeout_seconds=0.3)
    assert len(result.summaries) == 1 and result.usage.calls == 2


def test_bad_key_stops_at_once_with_one_message(
    run: Runner, llm: FakeLlm, day_papers: list[Paper]
) -> None:
    llm.fault = always(unauthorized)
    result = run(day_papers, max_workers=1)
    assert llm.chat_calls == 1  # no further calls after the 401
    assert not result.summaries and result.usage.failures == 0
    assert len(result.failures) == 1 and "API key" in result.failures[0].message
    assert result.fatal and "401" in result.fatal
    assert any("stopped" in note for note in result.notes)


def test_empty_answer_is_asked_again_then_rejected(
    run: Runner, llm: FakeLlm, day_papers: list[Paper]
) -> None:
    llm.fault = first_calls(1, lambda: completion_reply(""))
    recovered = run(day_papers[:1])
    assert len(recovered.summaries) == 1 and recovered.usage.calls == 2

    llm.fault = always(lambda: completion_reply(""))
    rejected = run(day_papers[1:2])
    assert not rejected.summaries and rejected.usage.calls == 2
    assert "empty answer" in rejected.failures[0].message


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (lambda: completion_reply("# T\n\n" + "- point\n" * 60, "length"), "cut off"),
        (lambda: completion_reply("ok"), "too short"),
        (lambda: completion_reply("plain words " * 40), "Markdown"),
        (garbage_reply, "without a completion"),
    ],
)
def test_bad_answers_are_rejected(
    run: Runner, llm: FakeLlm, day_papers: list[Paper], reply: object, reason: str
) -> None:
    llm.fault = always(reply)  # type: ignore[arg-type]
    result = run(day_papers[:1], max_retries=1)
    assert not result.summaries
    assert reason in result.failures[0].message


def test_answer_is_cleaned_of_control_characters(
    run: Runner, llm: FakeLlm, day_papers: list[Paper]
) -> None:
    llm.answer_override = lambda text: "```markdown\n" + text.replace("\n", "\x00\n", 3) + "\n```"
    result = run(day_papers[:1])
    text = result.summaries[day_papers[0].arxiv_id].text
    assert "\x00" not in text and not text.startswith("```")


def test_non_pdf_download_is_an_error_not_a_summary(
    run: Runner, llm: FakeLlm, arxiv: FakeArxiv, day_papers: list[Paper]
) -> None:
    arxiv.html_for.clear()
    arxiv.server.route(
        "/pdf/", lambda _r: Reply(200, b"<html>captcha</html>", {"Content-Type": "text/html"})
    )
    result = run(day_papers[:1])
    assert not result.summaries and llm.chat_calls == 0
    assert "instead of a PDF" in result.failures[0].message


def test_interrupted_run_resumes_with_only_the_remaining_calls(
    run: Runner, llm: FakeLlm, day_papers: list[Paper]
) -> None:
    seen: list[SummaryProgress] = []

    def crash_after_two(progress: SummaryProgress) -> None:
        seen.append(progress)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(day_papers, max_workers=1, on_progress=crash_after_two)
    calls_before = llm.chat_calls
    resumed = run(day_papers, max_workers=1)
    assert resumed.usage.cached_hits == 2
    assert resumed.usage.calls == len(day_papers) - 2
    assert calls_before + resumed.usage.calls == llm.chat_calls
    assert len(resumed.summaries) == len(day_papers)


def test_force_summarises_again(run: Runner, llm: FakeLlm, day_papers: list[Paper]) -> None:
    run(day_papers[:2])
    again = run(day_papers[:2], force=True)
    assert again.usage.calls == 2 and again.usage.cached_hits == 0


def test_prompt_or_language_change_summarises_again(
    run: Runner, llm: FakeLlm, day_papers: list[Paper]
) -> None:
    run(day_papers[:1])
    assert run(day_papers[:1], prompt_text="Summarise in three **bullets**.").usage.calls == 1
    english = run(day_papers[:1], language="en")
    assert english.usage.calls == 1
    assert english.summaries[day_papers[0].arxiv_id].key.language == "en"
    assert run(day_papers[:1], language="en").usage.calls == 0


def test_budget_in_papers_stops_new_calls(
    run: Runner, llm: FakeLlm, day_papers: list[Paper]
) -> None:
    result = run(day_papers, budget_papers=2, max_workers=1)
    assert result.usage.calls == 2 and len(result.summaries) == 2
    assert any("budget of 2 papers" in note for note in result.notes)


def test_budget_in_tokens_stops_new_calls(
    run: Runner, llm: FakeLlm, day_papers: list[Paper]
) -> None:
    result = run(day_papers, budget_tokens=1, max_workers=1)
    assert result.usage.calls == 1
    assert any("tokens reached" in note for note in result.notes)


def test_usage_reports_estimated_cost(run: Runner, day_papers: list[Paper]) -> None:
    result = run(day_papers[:2], price_input_per_million=1.0, price_output_per_million=2.0)
    usage = result.usage
    expected = (usage.input_tokens * 1.0 + usage.output_tokens * 2.0) / 1_000_000
    assert usage.estimated_cost == pytest.approx(expected, rel=1e-3)
    assert "LLM calls" in usage.describe()


def test_no_key_skips_calls_and_says_why(
    run: Runner, llm: FakeLlm, day_papers: list[Paper]
) -> None:
    result = run(day_papers, api_key=None)
    assert llm.chat_calls == 0 and not result.summaries
    assert "OPENAI_API_KEY" in result.usage.skipped_reason


def test_disabled_makes_no_calls(run: Runner, llm: FakeLlm, day_papers: list[Paper]) -> None:
    result = run(day_papers, enabled=False)
    assert llm.chat_calls == 0 and "enabled is false" in result.usage.skipped_reason


def test_no_key_with_offline_fallback_labels_extractive_summaries(
    run: Runner, llm: FakeLlm, day_papers: list[Paper]
) -> None:
    result = run(day_papers, api_key=None, offline_fallback=True)
    assert llm.chat_calls == 0 and len(result.summaries) == len(day_papers)
    summary = result.summaries[day_papers[0].arxiv_id]
    assert summary.source is SummarySource.OFFLINE and summary.model == OFFLINE_MODEL
    assert not summary.is_llm and "LLM" in summary.text
    assert result.usage.offline == len(day_papers)


def test_progress_reports_every_paper(run: Runner, day_papers: list[Paper]) -> None:
    seen: list[SummaryProgress] = []
    run(day_papers[:3], on_progress=seen.append)
    assert [p.done for p in seen] == [1, 2, 3] and {p.total for p in seen} == {3}
    assert {p.status for p in seen} == {"summarized"}


def test_file_mode_against_dashscope_path(
    run: Runner, llm: FakeLlm, arxiv: FakeArxiv, day_papers: list[Paper]
) -> None:
    result = run(day_papers[:2], base_url=llm.dashscope_url, mode="file")
    assert len(result.summaries) == 2 and result.usage.uploads == 2
    assert all(s.source is SummarySource.FILE for s in result.summaries.values())
    assert all(upload == arxiv.pdf_bytes for upload in llm.uploads)
    assert len(llm.deleted) == 2
    messages = llm.chat_bodies[0]["messages"]
    assert isinstance(messages, list)
    assert messages[0]["content"].startswith("fileid://file-fe-")
    assert messages[1]["content"].startswith("论文标题：")
    assert all(r.path.startswith("/compatible-mode/v1/") for r in llm.server.requests())
