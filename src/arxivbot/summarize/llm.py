"""The LLM client: any OpenAI-compatible chat API through the official ``openai`` SDK.

The SDK's own retries are switched off (``max_retries=0``): :func:`call_with_retries` does
them, so we choose the backoff, honour ``Retry-After``, count every request we send, and
turn errors that will fail every paper (bad key, unknown model, exhausted quota) into one
:class:`LlmFatalError` instead of N identical per-paper failures.

Token estimate (used for the input budget before we know the provider's count): one token
per non-ASCII character (CJK text is about one token per character) plus one per 3.5 ASCII
characters (English prose runs 3.5-4 characters per token; erring low keeps us under limits).

A provider is untrusted input: the SDK builds its models without validation, so every
field of an answer is checked here (content must be text, usage counts whole numbers in a
sane range, else our estimate is used), a body that is not JSON is a retryable failure,
and the response is cut at :data:`MAX_RESPONSE_BYTES` while it is read. Every request
ends by ``timeout_seconds`` (connect + headers + body) or the run's deadline, whichever is
sooner, and a :class:`CircuitBreaker` stops all calls after a few connection failures in a
row (a server that is down would otherwise cost every paper its full retry schedule).
"""

from __future__ import annotations

import email.utils
import json
import logging
import math
import random
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar
from urllib.parse import urlsplit

import httpx
import openai

from arxivbot.deadline import Deadline
from arxivbot.errors import ArxivBotError, LlmFatalError, SummaryError
from arxivbot.sources.transport import limited_transport, request_limits
from arxivbot.summarize.prompts import ChatMessages

log = logging.getLogger(__name__)

T = TypeVar("T")
ASCII_CHARS_PER_TOKEN = 3.5
MAX_RETRY_AFTER_SECONDS = 300.0
MAX_RESPONSE_BYTES = 8 * 1024 * 1024  # a 4,096-token answer is ~50 KB; nothing needs 8 MB
MAX_COUNTED_TOKENS = 2_000_000  # larger than any context window: a count above is a lie
BREAKER_THRESHOLD = 3  # connection failures in a row (over all papers) that stop the stage
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

    def __init__(
        self, message: str, *, retry_after: float | None = None, connection: bool = False
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.connection = connection  # no HTTP answer at all: counts for the circuit breaker


class LlmUnreachableError(LlmFatalError):
    """The circuit breaker is open: the LLM server failed to connect too often in a row."""


class DeadlineReached(SummaryError):
    """The run's deadline came before (or during) this paper's call: not the paper's fault."""


@dataclass
class CircuitBreaker:
    """Shared by the worker threads; any HTTP answer (even an error) closes it again."""

    threshold: int = BREAKER_THRESHOLD
    failures: int = 0
    last_error: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def check(self) -> None:
        with self._lock:
            if self.failures >= self.threshold:
                raise LlmUnreachableError(
                    f"the LLM server could not be reached {self.threshold} times in a row "
                    f"({self.last_error}); no more calls this run",
                    hint="check ai_summary.base_url and the provider's status; "
                    "the papers left are summarised by the next run",
                )

    def record(self, error: RetryableLlmError | None) -> None:
        with self._lock:
            if error is not None and error.connection:
                self.failures += 1
                self.last_error = error.message
            elif self.failures < self.threshold:
                self.failures = 0


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int
    base_delay: float = 2.0
    max_delay: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random | None = None
    deadline: Deadline = field(default_factory=Deadline.never)
    breaker: CircuitBreaker = field(default_factory=CircuitBreaker)

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
    """Run ``fn`` with retries on transient errors; fatal and per-paper errors pass through.

    No attempt starts while the circuit breaker is open, and no retry waits past the run's
    deadline (a ``Retry-After`` is capped, then counted against what is left).
    """
    attempt = 0
    while True:
        policy.breaker.check()
        if policy.deadline.expired():
            raise DeadlineReached("the run's deadline was reached before this paper's call")
        if on_attempt is not None:
            on_attempt()
        try:
            result = translate_errors(fn)
        except RetryableLlmError as exc:
            policy.breaker.record(exc)
            wait = policy.delay(attempt, exc.retry_after)
            if attempt < policy.max_retries and not policy.deadline.sleep_allowed(wait):
                raise DeadlineReached(
                    f"{exc.message} (no retry: the run's deadline is too close)",
                    hint="it will be retried on the next run",
                ) from exc
            if attempt >= policy.max_retries:
                raise SummaryError(
                    f"{exc.message} (gave up after {attempt + 1} attempts)",
                    hint="it will be retried on the next run",
                ) from exc
            log.info("LLM call failed (%s); retrying in %.1fs", exc.message, wait)
            policy.sleep(wait)
            attempt += 1
            continue
        except SummaryError:
            policy.breaker.record(None)  # the server answered (with a refusal)
            raise
        policy.breaker.record(None)
        return result


def translate_errors(fn: Callable[[], T]) -> T:
    """Map the SDK's exceptions onto ours: fatal, retryable or a plain per-paper failure."""
    try:
        return fn()
    except openai.APITimeoutError as exc:
        raise RetryableLlmError("the LLM request timed out") from exc
    except openai.APIConnectionError as exc:
        raise RetryableLlmError(
            f"could not reach the LLM server: {_root_cause(exc)}", connection=True
        ) from exc
    except openai.APIStatusError as exc:
        raise _status_error(exc) from exc
    except openai.APIResponseValidationError as exc:
        raise RetryableLlmError(f"the LLM server sent an unexpected response: {exc}") from exc
    except json.JSONDecodeError as exc:  # the SDK parses a JSON content type without a guard
        raise RetryableLlmError(f"the LLM server sent a body that is not JSON ({exc})") from exc


def _root_cause(exc: BaseException) -> str:
    """The innermost cause's message ("Connection refused", "Name or service not known")."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return str(exc) or type(exc).__name__


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
        deadline: Deadline | None = None,
    ) -> None:
        self.model = model
        self.temperature = temperature
        self.max_output_tokens = max_output_tokens
        self.timeout = timeout
        self.deadline = deadline or Deadline.never()
        # Our transport bounds each request's total time and size (the SDK's cannot).
        self._http = httpx.Client(transport=limited_transport(), timeout=timeout)
        self._client = openai.OpenAI(
            api_key=api_key, base_url=base_url, timeout=timeout, max_retries=0,
            # openai 1.x takes an httpx client; 3.x is typed for httpx2 and accepts httpx too.
            http_client=self._http,  # type: ignore[arg-type,unused-ignore]
        )  # fmt: skip

    def close(self) -> None:
        self._client.close()
        self._http.close()

    def _limits(self) -> AbstractContextManager[None]:
        return request_limits(self.deadline.within(self.timeout), MAX_RESPONSE_BYTES)

    def chat(self, messages: ChatMessages) -> Answer:
        """One chat completion; raises the SDK's exceptions (see :func:`translate_errors`)."""
        with self._limits():
            completion = self._client.chat.completions.create(
                model=self.model,
                messages=[
                    {"role": "system", "content": messages.system},
                    {"role": "user", "content": messages.user},
                ],
                temperature=self.temperature,
                max_tokens=self.max_output_tokens,
            )
        return answer_of(completion, messages)

    def upload_pdf(self, filename: str, pdf: bytes) -> str:
        """Upload a PDF for DashScope's file-extract; returns the file id."""
        with self._limits():
            created = self._client.files.create(
                file=(filename, pdf, "application/pdf"),
                purpose="file-extract",  # type: ignore[arg-type]  # DashScope's purpose
            )
        file_id = getattr(created, "id", None)
        if not isinstance(file_id, str) or not file_id:
            raise RetryableLlmError("the LLM server accepted the upload but sent no file id")
        return file_id

    def delete_file(self, file_id: str) -> None:
        """Best effort: the provider's file quota is finite, but a summary never fails on it."""
        try:
            with self._limits():
                self._client.files.delete(file_id)
        except (openai.OpenAIError, ValueError, ArxivBotError) as exc:
            log.info("could not delete uploaded file %s: %s", file_id, exc)


def _field(value: object, name: str) -> object:
    """``value.name`` or ``value[name]``: the SDK leaves parts it could not type as dicts."""
    if isinstance(value, dict):
        return value.get(name)
    return getattr(value, name, None)


def answer_of(completion: object, messages: ChatMessages) -> Answer:
    """Check a completion field by field; anything malformed is this paper's failure."""
    choices = _field(completion, "choices")
    if not isinstance(choices, list) or not choices:
        raise RetryableLlmError("the LLM server answered without a completion")
    message = _field(choices[0], "message")
    if message is None:
        raise SummaryError("the LLM answer has no message (message: null)")
    content = _field(message, "content")
    if content is not None and not isinstance(content, str):
        kind = type(content).__name__
        raise SummaryError(f"the LLM answer's content is a {kind}, not text")
    text = content or ""
    finish = str(_field(choices[0], "finish_reason") or "")
    usage = _field(completion, "usage")
    tokens_in = _count(_field(usage, "prompt_tokens")) if usage is not None else None
    tokens_out = _count(_field(usage, "completion_tokens")) if usage is not None else None
    if tokens_in is not None and tokens_out is not None:
        return Answer(text, finish, tokens_in, tokens_out, True)
    if usage is not None:
        log.info("the LLM server sent unusable token counts (%r); using estimates", usage)
    estimate = estimate_tokens(messages.system) + estimate_tokens(messages.user)
    return Answer(text, finish, estimate, estimate_tokens(text), False)


def _count(value: object) -> int | None:
    """A token count we can trust: a whole number from 0 to MAX_COUNTED_TOKENS, else None."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value <= MAX_COUNTED_TOKENS else None
