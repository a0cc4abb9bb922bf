"""One paper's summary, run in a worker thread: get the text, call the model, check the answer.

Returns an :class:`Outcome` instead of raising, so the main thread can count every call and
token (paid for even when the paper fails) and decide what a failure means for the run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import openai

from arxivbot.clock import Clock
from arxivbot.config.model import AiSummaryConfig
from arxivbot.errors import ArxivBotError, SummaryError
from arxivbot.ids import ArxivId
from arxivbot.models import Paper, Summary, SummaryKey, SummarySource
from arxivbot.sources.fulltext import FullText, drop_back_matter, trim_to_budget
from arxivbot.sources.sections import reflow
from arxivbot.summarize.llm import (
    LlmClient,
    RetryPolicy,
    call_with_retries,
    estimate_tokens,
    tokens_to_ascii_chars,
)
from arxivbot.summarize.output import answer_problem, clean_answer
from arxivbot.summarize.prompts import (
    ChatMessages,
    Mode,
    abstract_messages,
    file_messages,
    template_overhead_chars,
    text_messages,
)

log = logging.getLogger(__name__)

VALIDATION_ATTEMPTS = 2  # a bad answer is asked for once more, then rejected
TOKEN_MARGIN = 256  # room for chat-format overhead the estimate does not see


@dataclass
class Outcome:
    summary: Summary | None = None
    error: ArxivBotError | None = None
    calls: int = 0
    uploads: int = 0
    input_tokens: int = 0
    output_tokens: int = 0

    def counts(self) -> dict[str, int]:
        return {
            "calls": self.calls,
            "uploads": self.uploads,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
        }


class FullTextSource(Protocol):
    """Where a worker gets a paper's text or PDF (a ``FullTextFetcher`` or the queue that
    fetches ahead, ``arxivbot.sources.prefetch.FullTextQueue``)."""

    def text(self, paper: Paper) -> FullText: ...
    def pdf(self, paper: Paper) -> bytes: ...


@dataclass
class PaperSummarizer:
    client: LlmClient
    fetcher: FullTextSource | None
    policy: RetryPolicy
    settings: AiSummaryConfig
    prompt: str
    mode: Mode
    key_for: Callable[[Paper], SummaryKey]
    clock: Clock
    language: str = "zh"  # the summary's language: it frames the messages

    def summarize(self, paper: Paper) -> Outcome:
        outcome = Outcome()
        try:
            text, source = self._summarize(paper, outcome)
        except Exception as exc:  # one paper's failure, whatever it is
            # A provider's answer, a PDF or a full text can break in ways no list of types
            # foresees; the rule is that it costs this paper, never the run.
            outcome.error = _as_summary_error(exc)
            log.info("summary of %s failed: %s", paper.arxiv_id, outcome.error)
            if not isinstance(exc, ArxivBotError):  # a bug: its traceback helps a report
                log.debug("summary failure of %s", paper.arxiv_id, exc_info=True)
            return outcome
        outcome.summary = Summary(
            self.key_for(paper),
            text,
            source,
            self.clock(),
            outcome.input_tokens,
            outcome.output_tokens,
        )
        return outcome

    def _summarize(self, paper: Paper, outcome: Outcome) -> tuple[str, SummarySource]:
        if self.mode == "file":
            return self._file_mode(paper, outcome), SummarySource.FILE
        if self.mode == "text":
            assert self.fetcher is not None
            full = self.fetcher.text(paper)
            body = paper_body(
                paper,
                full.text,
                self.settings,
                self.prompt,
                self.language,
                wrapped=full.source is SummarySource.PDF,
            )
            messages = text_messages(paper.title, body, self.prompt, self.language)
            return self._ask(messages, outcome), full.source
        messages = abstract_messages(paper.title, paper.abstract, self.prompt, self.language)
        return self._ask(messages, outcome), SummarySource.ABSTRACT

    def _file_mode(self, paper: Paper, outcome: Outcome) -> str:
        assert self.fetcher is not None
        pdf = self.fetcher.pdf(paper)
        filename = f"{ArxivId(paper.arxiv_id, paper.version).file_stem}.pdf"

        def upload() -> str:
            outcome.uploads += 1
            return self.client.upload_pdf(filename, pdf)

        file_id = call_with_retries(upload, self.policy)
        try:
            messages = file_messages(file_id, paper.title, self.prompt, self.language)
            return self._ask(messages, outcome)
        finally:
            self.client.delete_file(file_id)

    def _ask(self, messages: ChatMessages, outcome: Outcome) -> str:
        problem = ""
        for _ in range(VALIDATION_ATTEMPTS):

            def count_call() -> None:
                outcome.calls += 1

            answer = call_with_retries(
                lambda: self.client.chat(messages), self.policy, on_attempt=count_call
            )
            outcome.input_tokens += answer.input_tokens
            outcome.output_tokens += answer.output_tokens
            text = clean_answer(answer.text)
            problem = answer_problem(text, answer.finish_reason, self.settings.min_summary_chars)
            if not problem:
                return text
            log.info("rejected an answer: %s", problem)
        raise SummaryError(f"{problem} (asked {VALIDATION_ATTEMPTS} times)")


def paper_body(
    paper: Paper,
    text: str,
    settings: AiSummaryConfig,
    prompt: str,
    language: str,
    *,
    wrapped: bool = True,
) -> str:
    """What the LLM reads: back matter dropped (unless kept), then fit to the input budget;
    ``wrapped`` text (a PDF's, broken into lines as typeset) is reflowed into paragraphs."""
    if not settings.keep_back_matter:
        text = drop_back_matter(text)
    budget = settings.max_input_tokens - TOKEN_MARGIN
    budget -= estimate_tokens(prompt) + estimate_tokens(paper.title)
    overhead = template_overhead_chars(paper.title, "", language) + 64
    body = trim_to_budget(text, max(tokens_to_ascii_chars(budget) - overhead, 1000))
    return reflow(body) if wrapped else body


def _as_summary_error(exc: Exception) -> ArxivBotError:
    if isinstance(exc, ArxivBotError):
        return exc
    if isinstance(exc, openai.OpenAIError | OSError):
        return SummaryError(str(exc))
    return SummaryError(f"unexpected {type(exc).__name__} while summarising: {exc}")
