"""The "+judge" method of :mod:`rank_eval`: keywords, then the LLM judge via a local stand-in.

The real :class:`arxivbot.rank.judge.LlmJudge` runs unchanged (prompt, batching, per-paper
validation, verdict cache in a real SQLite store, blend into the score) against the
OpenAI-compatible stand-in ``support.llm_server.FakeLlm``. The stand-in's verdicts come
from a simple rubric written apart from the labels: how many content words of the
profile's plain-language ``interests`` occur in a paper's title (3 points each) and
abstract (0.5 each), from a base of 2, capped at 10. Nothing here reads tests/data/labels
or is derived from them: the figures measure the plumbing with a crude judge, not an LLM's
quality. A profile without ``interests`` has no "+judge" figure (None).
"""

from __future__ import annotations

import atexit
import json
import re
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from arxivbot.clock import utc_now
from arxivbot.rank import rank_day
from arxivbot.rank.judge import JudgeBudget, LlmJudge
from arxivbot.store import Store, open_store
from arxivbot.summarize.llm import CircuitBreaker, LlmClient, RetryPolicy

if TYPE_CHECKING:
    from rank_eval import EvalCase

    from support.llm_server import FakeLlm

MODEL = "rubric-stand-in"
PAPER_RE = re.compile(r"^id: (\S+)\nTitle: (.*)\nAbstract: (.*)$", re.MULTILINE)
INTERESTS_RE = re.compile(r"^Reader's interests: (.*)$", re.MULTILINE)
WORD_RE = re.compile(r"[a-z0-9]+")
STOP = frozenset(
    (
        *("and", "the", "for", "with", "from", "into", "over", "under", "large", "models"),
        *("model", "outside", "their", "other", "based", "systems", "system", "variants"),
    )
)


def _stems(text: str) -> set[str]:
    """Lower-case words of 3+ letters cut to 6 characters (quantisation ~ quantization)."""
    words = WORD_RE.findall(text.lower())
    return {w[:6] for w in words if len(w) >= 3 and w not in STOP}


def rubric_score(interests: str, title: str, abstract: str) -> int:
    wanted = _stems(interests)
    in_title = len(wanted & _stems(title))
    in_abstract = len(wanted & _stems(abstract))
    return min(10, round(2 + 3 * in_title + 0.5 * in_abstract))


def _answer(llm: FakeLlm) -> str:
    body = llm.chat_bodies[-1]  # the judge calls one at a time
    messages = body["messages"]
    assert isinstance(messages, list)
    user = str(messages[-1]["content"])
    found = INTERESTS_RE.search(user)
    interests = found.group(1) if found else ""
    verdicts = [
        {"id": i, "score": rubric_score(interests, t, a), "reason": "interest words in title"}
        for i, t, a in PAPER_RE.findall(user)
    ]
    return json.dumps({"verdicts": verdicts})


@cache
def _world() -> tuple[FakeLlm, Store]:
    """One stand-in server and one verdict store for the whole evaluation."""
    tests = str(Path(__file__).resolve().parents[1])
    if tests not in sys.path:
        sys.path.insert(0, tests)  # bench/eval_rank.py imports this without tests/ on the path
    from support.llm_server import FakeLlm

    llm = FakeLlm().__enter__()
    llm.answer_override = lambda _default: _answer(llm)
    folder = tempfile.TemporaryDirectory(prefix="judge-eval-")
    store = open_store(Path(folder.name) / "verdicts.sqlite3")

    def _close() -> None:
        store.close()
        llm.__exit__(None, None, None)
        folder.cleanup()

    atexit.register(_close)
    return llm, store


def judged(case: EvalCase) -> list[str] | None:
    """Keywords, then the judge (defaults: top 30, 10 per call) over the kept papers."""
    if not case.spec.interests:
        return None
    llm, store = _world()
    profile = case.profile(interests=case.spec.interests, judge={"enabled": True})
    client = LlmClient(
        api_key="stand-in",
        base_url=llm.base_url,
        model=MODEL,
        timeout=30,
        temperature=0,
        max_output_tokens=profile.judge.max_output_tokens,
    )
    judge = LlmJudge(
        client.chat,
        MODEL,
        store,
        JudgeBudget(max_calls=1_000, max_tokens=100_000_000),
        RetryPolicy(0, sleep=lambda _s: None, breaker=CircuitBreaker()),
        utc_now,
        profile.judge.max_output_tokens,
    )
    try:
        result = rank_day(case.items, profile, case.context(rerankers=(judge,)))
    finally:
        client.close()
    return [r.paper.arxiv_id for r in result.ranked]
