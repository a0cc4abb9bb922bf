"""AI summaries: any OpenAI-compatible LLM, paid for once per paper, prompt and model.

``summarize_papers`` is the stage; the rest is exported for the CLI, the pipeline and tests.
"""

from __future__ import annotations

from arxivbot.summarize.llm import estimate_tokens, is_dashscope
from arxivbot.summarize.offline import OFFLINE_MODEL, offline_summary
from arxivbot.summarize.prompts import (
    PACKAGED_LANGUAGES,
    default_prompt,
    prompt_hash,
)
from arxivbot.summarize.service import (
    SummaryProgress,
    SummaryRun,
    Usage,
    resolve_mode,
    summarize_papers,
)

__all__ = [
    "OFFLINE_MODEL",
    "PACKAGED_LANGUAGES",
    "SummaryProgress",
    "SummaryRun",
    "Usage",
    "default_prompt",
    "estimate_tokens",
    "is_dashscope",
    "offline_summary",
    "prompt_hash",
    "resolve_mode",
    "summarize_papers",
]
