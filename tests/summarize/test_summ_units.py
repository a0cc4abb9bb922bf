"""Prompts, output checks, retry policy and the offline fallback (no servers needed)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from arxivbot.config.model import AiSummaryConfig
from arxivbot.models import Paper, SummarySource
from arxivbot.summarize import (
    default_prompt,
    estimate_tokens,
    is_dashscope,
    prompt_hash,
    resolve_mode,
)
from arxivbot.summarize.llm import RetryPolicy
from arxivbot.summarize.offline import offline_summary, split_sentences, textrank
from arxivbot.summarize.output import MAX_SUMMARY_BYTES, answer_problem, clean_answer
from arxivbot.summarize.prompts import file_messages
from support.fixtures import fixtures_dir

ABSTRACT = (
    "Large language models are expensive to serve. We propose SpecServe, a speculative "
    "decoding system for multi-tenant clusters, e.g. for chat workloads. SpecServe adapts "
    "the draft length per request. On Llama-3 70B it improves throughput by 2.1x over vLLM. "
    "Ablations show that adaptive draft length matters most. Code is available."
)


def test_packaged_zh_prompt_is_the_originals() -> None:
    original = (fixtures_dir() / "ai_summary_prompt.txt").read_text("utf-8").strip()
    assert default_prompt("zh") == original


def test_other_languages_get_english_prompt_with_language_line() -> None:
    assert "Answer in English" in default_prompt("en")
    assert "'de'" in default_prompt("de")


def test_prompt_hash_changes_with_prompt_and_mode() -> None:
    prompt = default_prompt("zh")
    assert prompt_hash(prompt, "text") == prompt_hash(prompt + "\n", "text")
    assert prompt_hash(prompt, "text") != prompt_hash(prompt + " more", "text")
    assert len({prompt_hash(prompt, m) for m in ("file", "text", "abstract")}) == 3


def test_file_messages_match_the_original_bot() -> None:
    messages = file_messages("file-fe-1", "A  Title\n", "PROMPT")
    assert messages.system == "fileid://file-fe-1"
    assert messages.user == "论文标题：A Title\n\nPROMPT"


def test_mode_auto_picks_file_mode_for_dashscope_only() -> None:
    dash = "https://dashscope.aliyuncs.com/compatible-mode/v1"
    assert is_dashscope(dash) and is_dashscope("https://dashscope-intl.aliyuncs.com/v1")
    assert not is_dashscope("https://api.deepseek.com/v1")
    assert resolve_mode(AiSummaryConfig(base_url=dash), True) == "file"
    assert resolve_mode(AiSummaryConfig(), True) == "text"
    assert resolve_mode(AiSummaryConfig(), False) == "abstract"


def test_token_estimate_counts_cjk_per_character() -> None:
    assert estimate_tokens("abcdefg") == 2
    assert estimate_tokens("中文字") == 3


def test_clean_answer_strips_controls_unwraps_fence_and_caps_size() -> None:
    assert clean_answer("```markdown\n# A\x00\x07\r\n- b\n```") == "# A\n- b"
    huge = clean_answer("# x\n" + "汉" * MAX_SUMMARY_BYTES)
    assert len(huge.encode()) <= MAX_SUMMARY_BYTES + 10 and huge.endswith("[…]")


def test_answer_problems() -> None:
    good = "## 1. 贡献\n\n- **方法**：" + "内容" * 100
    assert answer_problem(good, "stop") == ""
    assert "empty" in answer_problem("", "stop")
    assert "cut off" in answer_problem(good, "length")
    assert "HTML" in answer_problem("<!DOCTYPE html>" + "x" * 300, "stop")
    assert "Markdown" in answer_problem("words " * 100, "stop")


def test_backoff_grows_and_honours_retry_after() -> None:
    policy = RetryPolicy(5, base_delay=2, max_delay=60, rng=random.Random(1))
    delays = [policy.delay(n, None) for n in range(6)]
    assert all(1 <= d <= 2 for d in delays[:1]) and delays[5] <= 60
    assert delays[3] > delays[0]
    assert policy.delay(0, 30) == 30


def test_sentence_splitter_respects_abbreviations() -> None:
    sentences = split_sentences(ABSTRACT)
    assert sentences[1].endswith("e.g. for chat workloads.")
    assert len(sentences) == 6


def test_offline_summary_picks_abstract_sentences_and_says_so() -> None:
    paper = Paper("2512.00001", 1, "SpecServe", ("A",), ABSTRACT, "cs.DC", ("cs.DC",))
    summary = offline_summary(paper, "zh", datetime(2025, 12, 5, tzinfo=UTC))
    assert summary.source is SummarySource.OFFLINE and summary.model == "offline-textrank"
    bullets = [line[2:] for line in summary.text.splitlines() if line.startswith("- ")]
    assert len(bullets) == 3 and all(b in ABSTRACT for b in bullets)
    assert "LLM" in summary.text.splitlines()[0]
    assert len(textrank(split_sentences(ABSTRACT))) == 6
