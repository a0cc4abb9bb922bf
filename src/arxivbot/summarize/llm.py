"""The LLM client: any OpenAI-compatible chat API through the official ``openai`` SDK.

The SDK's own retries are switched off (``max_retries=0``): :func:`call_with_retries` does
them, so we choose the backoff, honour ``Retry-After``, count every request we send, and
turn errors that will fail every paper (bad key, unknown model, exhausted quota) into one
:class:`LlmFatalError` instead of N identical per-paper failures.

Token estimate (used for the input budget before we know the provider's count): one token
per non-ASCII character (CJK text is about one token per character) plus one per 3.5 ASCII
characters (English prose runs 3.5-4 characters per token; erring low keeps us under limits).
"""

from __future__ import annotations

import email.utils
import logging
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar
from urllib.parse import urlsplit

import openai

from arxivbot.errors import LlmFatalError, SummaryError
from arxivbot.summarize.prompts import ChatMessages

log = logging.getLogger(__name__)

T = TypeVar("T")
ASCII_CHARS_PER_TOKEN = 3.5
MAX_RETRY_AFTER_SECONDS = 300.0
_RNG = random.Random()


def estimate_tokens(text: str) -> int:
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    return non_ascii + math.ceil((len(text) - non_ascii) / ASCII_CHARS_PER_TOKEN)


def tokens_to_ascii_chars(tokens: int) -> int:
    return int(max(tokens, 0) * ASCII_CHARS_PER_TOKEN)


def is_dashscope(base_url: str) -> bool:
    """DashScope (Alibaba Cloud Model Studio) reads uploaded PDFs via ``fileid://``."""
    host = (urlsplit(base_url).hostname or "").lower()
    return host.startswith("dashscope") and host.endswith(".aliyuncs.com")


@dataclass(frozen=True)
class Answer:
    text: str
    finish_reason: str
    input_tokens: int
    output_tokens: int
    counted: bool  # tokens come from the provider's usage report, not our estimate


class RetryableLlmError(SummaryError):
    """A transient failure (429, 5xx, timeout, dropped connection); may carry Retry-After."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int
    base_delay: float = 2.0
    max_delay: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random | None = None

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Exponential backoff with jitter; a server's Retry-After is a floor, never cut."""
        rng = self.rng or _RNG
        backoff = min(self.max_delay, self.base_delay * 2.0**attempt) * rng.uniform(0.5, 1.0)
        if retry_after is not None:
            return max(backoff, min(retry_after, MAX_RETRY_AFTER_SECONDS))
        return backoff


def call_with_retries(
    fn: Callable[[], T], policy: RetryPolicy, *, on_attempt: Callable[[], None] | None = None
) -> T:
    """Run ``fn`` with retries on transient errors; fatal and per-paper errors pass through."""
    attempt = 0
    while True:
        if on_attempt is not None:
            on_attempt()
        try:
            return translate_errors(fn)
        except RetryableLlmError as exc:
            if attempt >= policy.max_retries:
                raise SummaryError(
                    f"{exc.message} (gave up after {attempt + 1} attempts)",
                    hint="it will be retried on the next run",
                ) from exc
            wait = policy.delay(attempt, exc.retry_after)
            log.info("LLM call failed (%s); retrying in %.1fs", exc.message, wait)
            policy.sleep(wait)
            attempt += 1


def translate_errors(fn: Callable[[], T]) -> T:
    """Map the SDK's exceptions onto ours: fatal, retryable or a plain per-paper failure."""
    try:
        return fn()
    except openai.APITimeoutError as exc:
        raise RetryableLlmError("the LLM request timed out") from exc
    except openai.APIConnectionError as exc:
        raise RetryableLlmError(f"could not reach the LLM server: {exc}") from exc
    except openai.APIStatusError as exc:
        raise _status_error(exc) from exc
    except openai.APIResponseValidationError as exc:
        raise RetryableLlmError(f"the LLM server sent an unexpected response: {exc}") from exc


def _status_error(exc: openai.APIStatusError) -> SummaryError:
    status = exc.status_code
    detail = _detail(exc)
    if status in (401, 403):
        return LlmFatalError(
            f"the LLM provider refused the API key (HTTP {status}: {detail})",
            hint="check the key in the environment variable named by ai_summary.api_key_env",
        )
    if status == 404:
        return LlmFatalError(
            f"the LLM provider does not know this model or endpoint (HTTP 404: {detail})",
            hint="check ai_summary.model and ai_summary.base_url",
        )
    if status == 429 and "insufficient_quota" in detail:
        return LlmFatalError(
            f"the LLM account has no quota left (HTTP 429: {detail})",
            hint="add credit or raise the limit with the provider",
        )
    if status in (408, 409, 429) or status >= 500:
        return RetryableLlmError(
            f"HTTP {status} from the LLM server: {detail}", retry_after=_retry_after(exc)
        )
    return SummaryError(f"the LLM server rejected the request (HTTP {status}: {detail})")


def _detail(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        code = body.get("code") or ""
        message = body.get("message") or exc.message
        return f"{code} {message}".strip()[:300]
    return str(exc.message)[:300]


def _retry_after(exc: openai.APIStatusError) -> float | None:
    headers = exc.response.headers
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(float(millis) / 1000.0, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


class LlmClient:
    """One SDK client per run, shared by the worker threads (the SDK client is thread-safe)."""

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str,
        model: str,
        timeout: float,
        temperature: float,
        max_output_tokens: int,
    ) -> None:
        self.model = model
        self.temperature = temperature
        self.max_output_tokens = max_output_tokens
        self._client = openai.OpenAI(
            api_key=api_key, base_url=base_url, timeout=timeout, max_retries=0
        )

    def close(self) -> None:
        self._client.close()

    def chat(self, messages: ChatMessages) -> Answer:
        """One chat completion; raises the SDK's exceptions (see :func:`translate_errors`)."""
        completion = self._client.chat.completions.create(
            model=self.model,
            messages=[
                {"role": "system", "content": messages.system},
                {"role": "user", "content": messages.user},
            ],
            temperature=self.temperature,
            max_tokens=self.max_output_tokens,
        )
        if not isinstance(completion, openai.types.chat.ChatCompletion) or not completion.choices:
            raise RetryableLlmError("the LLM server answered without a completion")
        choice = completion.choices[0]
        text = choice.message.content or ""
        usage = completion.usage
        if usage is not None:
            return Answer(
                text, str(choice.finish_reason), usage.prompt_tokens, usage.completion_tokens, True
            )
        estimate = estimate_tokens(messages.system) + estimate_tokens(messages.user)
        return Answer(text, str(choice.finish_reason), estimate, estimate_tokens(text), False)

    def upload_pdf(self, filename: str, pdf: bytes) -> str:
        """Upload a PDF for DashScope's file-extract; returns the file id."""
        created = self._client.files.create(
            file=(filename, pdf, "application/pdf"),
            purpose="file-extract",  # type: ignore[arg-type]  # DashScope's purpose
        )
        return str(created.id)

    def delete_file(self, file_id: str) -> None:
        """Best effort: the provider's file quota is finite, but a summary never fails on it."""
        try:
            self._client.files.delete(file_id)
        except openai.OpenAIError as exc:
            log.info("could not delete uploaded file %s: %s", file_id, exc)
