"""The summarise stage: cache lookup, budget, concurrency, retries, validation, store writes.

Money rules (see DESIGN.md): a summary is paid for once per (arXiv id, version, model,
prompt hash, language). Every paper is looked up in the store before any call; each new
summary is written by the main thread as soon as its call returns, before that worker slot
starts the next call, so an interrupted run loses only the calls in flight and a re-run
makes zero calls for what was already stored. The store is touched only from the calling
thread (SQLite connections are per thread); worker threads only fetch text and call the LLM.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import MappingProxyType
from uuid import uuid4

from arxivbot.clock import Clock
from arxivbot.config.model import AiSummaryConfig, SourcesConfig
from arxivbot.deadline import Deadline
from arxivbot.errors import LlmFatalError
from arxivbot.models import Paper, StageIssue, Summary, SummaryKey
from arxivbot.secrets import scrub_key
from arxivbot.sources.fulltext import FullTextFetcher, HttpGetter
from arxivbot.sources.prefetch import FullTextQueue
from arxivbot.store.api import StoreApi
from arxivbot.summarize.llm import (
    CircuitBreaker,
    DeadlineReached,
    LlmClient,
    LlmUnreachableError,
    RetryPolicy,
    is_dashscope,
)
from arxivbot.summarize.offline import offline_summary
from arxivbot.summarize.prompts import Mode, default_prompt, prompt_hash
from arxivbot.summarize.worker import Outcome, PaperSummarizer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Usage:
    calls: int = 0  # chat requests sent, retries included
    cached_hits: int = 0
    failures: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    estimated_cost: float = 0.0
    skipped_reason: str = ""  # why no calls were made (no key, disabled), else ""
    uploads: int = 0  # files uploaded (file mode)
    offline: int = 0  # offline fallback summaries produced

    def describe(self) -> str:
        text = (
            f"{self.calls} LLM calls, {self.cached_hits} cached, {self.failures} failed, "
            f"{self.input_tokens:,} tokens in / {self.output_tokens:,} out, "
            f"estimated cost {self.estimated_cost:.4f}"
        )
        return f"{text} (skipped: {self.skipped_reason})" if self.skipped_reason else text


@dataclass(frozen=True)
class SummaryProgress:
    done: int
    total: int
    arxiv_id: str
    status: str  # "cached" | "summarized" | "failed" | "offline"
    message: str = ""


@dataclass(frozen=True)
class SummaryRun:
    summaries: Mapping[str, Summary]
    usage: Usage
    failures: tuple[StageIssue, ...] = ()
    notes: tuple[str, ...] = ()
    fatal: str = ""  # set when the provider refused every call (bad key, unknown model)
    stopped: str = ""  # set when the stage stopped early (run deadline, LLM unreachable)


ProgressFn = Callable[[SummaryProgress], None]


def resolve_mode(settings: AiSummaryConfig, has_http: bool) -> Mode:
    mode = settings.mode
    if mode == "auto":
        mode = "file" if is_dashscope(settings.base_url) else "text"
    if mode in ("file", "text") and not has_http:
        return "abstract"  # no arXiv client to fetch the paper with
    return mode


def summarize_papers(
    papers: Sequence[Paper],
    settings: AiSummaryConfig,
    *,
    store: StoreApi,
    http: HttpGetter | None,
    sources: SourcesConfig,
    cache_dir: Path,
    clock: Clock,
    api_key: str | None,
    prompt_text: str | None = None,
    language: str | None = None,
    force: bool = False,
    on_progress: ProgressFn | None = None,
    sleep: Callable[[float], None] = time.sleep,
    deadline: Deadline | None = None,
) -> SummaryRun:
    """Summarise ``papers`` (already ranked and cut), reusing stored summaries.

    No call starts after ``deadline`` and none outlasts it; the papers left are counted as
    not attempted (``SummaryRun.stopped`` says why) and are summarised by the next run.
    """
    deadline = deadline or Deadline.never()
    lang = (language or settings.language).strip() or "zh"
    prompt = (prompt_text or "").strip() or default_prompt(lang)
    mode = resolve_mode(settings, http is not None)
    run = _Run(papers, settings, store, clock, lang, on_progress)
    run.phash = prompt_hash(prompt, mode, lang)
    run.secret = api_key or ""
    run.force = force
    run.deadline = deadline
    if not settings.enabled:
        return run.skip("ai_summary.enabled is false")
    if not force:
        run.lookup_cached()
    if not api_key:
        return run.skip(f"no API key: the environment variable {settings.api_key_env} is not set")
    if not run.todo:
        return run.result()
    client = LlmClient(
        api_key=api_key,
        base_url=settings.base_url,
        model=settings.model,
        timeout=settings.timeout_seconds,
        temperature=settings.temperature,
        max_output_tokens=settings.max_output_tokens,
        deadline=deadline,
    )
    policy = RetryPolicy(
        settings.max_retries,
        settings.retry_base_seconds,
        settings.retry_max_seconds,
        sleep,
        deadline=deadline,
        breaker=CircuitBreaker(),
    )
    queue = _fulltext_queue(run, settings, mode, http, sources, cache_dir)
    summarizer = PaperSummarizer(
        client, queue, policy, settings, prompt, mode, run.key, clock, language=lang
    )
    try:
        if queue is None:
            run.call_all(summarizer)
        else:
            with queue:
                run.call_all(summarizer)
    finally:
        client.close()
    return run.result()


def _fulltext_queue(
    run: _Run,
    settings: AiSummaryConfig,
    mode: Mode,
    http: HttpGetter | None,
    sources: SourcesConfig,
    cache_dir: Path,
) -> FullTextQueue | None:
    """Downloads that run ahead of the LLM workers (text and file modes)."""
    if http is None or mode == "abstract":
        return None
    fetcher = FullTextFetcher(
        http,
        sources,
        cache_dir,
        settings.pdf_extract_timeout_seconds,
        order=settings.fulltext_order,
    )
    papers = list(run.todo)[: settings.budget_papers]  # no download past the paper budget
    ahead = 2 * settings.max_workers
    if mode == "file":
        return FullTextQueue(fetcher, papers, what="pdf", ahead=ahead)
    return FullTextQueue(fetcher, papers, what="text", ahead=ahead)


# sk-..., key-..., and long opaque tokens right after "key"; providers quote keys in errors.


@dataclass
class _Run:
    papers: Sequence[Paper]
    settings: AiSummaryConfig
    store: StoreApi
    clock: Clock
    language: str
    on_progress: ProgressFn | None
    phash: str = ""
    summaries: dict[str, Summary] = field(default_factory=dict)
    failures: list[StageIssue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    skipped_reason: str = ""
    fatal: str = ""
    stopped: str = ""
    deadline: Deadline = field(default_factory=Deadline.never)
    done: int = 0
    force: bool = False  # summarise again even if stored (one explicit run: no claims)
    secret: str = ""  # the API key: scrubbed from every message (providers echo it on 401)
    owner: str = field(
        default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{uuid4().hex[:8]}"
    )

    def __post_init__(self) -> None:
        unique = {paper.arxiv_id: paper for paper in self.papers}
        self.todo: deque[Paper] = deque(unique.values())
        self.total = len(self.todo)

    def key(self, paper: Paper) -> SummaryKey:
        return SummaryKey(
            paper.arxiv_id, paper.version, self.settings.model, self.phash, self.language
        )

    def lookup_cached(self) -> None:
        remaining: deque[Paper] = deque()
        for paper in self.todo:
            cached = self.store.get_summary(self.key(paper))
            if cached is None:
                remaining.append(paper)
                continue
            self.summaries[paper.arxiv_id] = cached
            self._count("cached_hits")
            self._progress(paper, "cached")
        self.todo = remaining

    def skip(self, reason: str) -> SummaryRun:
        """No calls this run; with the offline fallback, abstracts stand in (labelled)."""
        self.skipped_reason = reason
        self.notes.append(f"AI summaries skipped: {reason}")
        self._offline_for_rest()
        return self.result()

    def call_all(self, summarizer: PaperSummarizer) -> None:
        pool = ThreadPoolExecutor(self.settings.max_workers, thread_name_prefix="summarize")
        in_flight: dict[Future[Outcome], Paper] = {}
        finished = False
        try:
            while True:
                self._start_calls(pool, summarizer, in_flight)
                if not in_flight:
                    break
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    self._record(in_flight.pop(future), future.result())
            finished = True
        finally:
            # On an interruption, do not wait for calls in flight: their answers are lost
            # (and paid for), everything already recorded is in the store.
            pool.shutdown(wait=finished, cancel_futures=True)
            if not self.force:
                self.store.release_claims(self.owner)
        if self.todo:
            left = len(self.todo)
            self.notes.append(f"{left} paper(s) left without an AI summary this run")
            self._offline_for_rest()

    def _start_calls(
        self,
        pool: ThreadPoolExecutor,
        summarizer: PaperSummarizer,
        in_flight: dict[Future[Outcome], Paper],
    ) -> None:
        while self.todo and len(in_flight) < self.settings.max_workers and not self.fatal:
            if self.deadline.expired() and not self.stopped:
                self.stopped = "the run's deadline was reached"
                self.notes.append(f"AI summaries stopped: {self.stopped}")
            if self.stopped:
                return
            stop = self._budget_reached()
            if stop:
                if stop not in self.notes:
                    self.notes.append(stop)
                return
            paper = self.todo.popleft()
            if not self.force and not self._claim(paper):
                self._count("claimed_elsewhere")
                continue
            self._count("started")
            in_flight[pool.submit(summarizer.summarize, paper)] = paper

    def _claim(self, paper: Paper) -> bool:
        """Whether this worker pays for ``paper``: workers sharing a store (PostgreSQL, many
        machines) each claim a summary before the call, so none is paid twice. The claim
        outlasts the longest call with all its retries, then lapses if we died."""
        lease = self.settings.timeout_seconds * (self.settings.max_retries + 1) + 60
        until = self.clock() + timedelta(seconds=lease)
        return self.store.claim_summary(self.key(paper), self.owner, until)

    def _budget_reached(self) -> str:
        budget_papers, budget_tokens = self.settings.budget_papers, self.settings.budget_tokens
        if budget_papers is not None and self.counts.get("started", 0) >= budget_papers:
            return (
                f"summary budget of {budget_papers} papers reached; the rest wait for the next run"
            )
        used = self.counts.get("input_tokens", 0) + self.counts.get("output_tokens", 0)
        if budget_tokens is not None and used >= budget_tokens:
            return f"summary budget of {budget_tokens:,} tokens reached ({used:,} used)"
        return ""

    def _record(self, paper: Paper, outcome: Outcome) -> None:
        for name, value in outcome.counts().items():
            self._count(name, value)
        if outcome.summary is not None:
            self.store.put_summary(outcome.summary)  # before this slot starts another call
            self.summaries[paper.arxiv_id] = outcome.summary
            self._progress(paper, "summarized")
            return
        error = outcome.error
        assert error is not None
        if isinstance(error, LlmUnreachableError):
            if not self.stopped:
                self.stopped = self._scrub(str(error))
                self.failures.append(StageIssue("summarize", self.settings.base_url, self.stopped))
                self.notes.append(f"AI summaries stopped: {self.stopped}")
            self.todo.appendleft(paper)  # the server's fault, not this paper's
            return
        if isinstance(error, DeadlineReached) or self.deadline.expired():
            if not self.stopped:
                self.stopped = "the run's deadline was reached"
                self.notes.append(f"AI summaries stopped: {self.stopped}")
            self.todo.appendleft(paper)  # cut by the clock: it counts as not attempted
            return
        if isinstance(error, LlmFatalError):
            if not self.fatal:
                self.fatal = self._scrub(str(error))
                self.failures.append(StageIssue("summarize", self.settings.model, self.fatal))
                self.notes.append(f"AI summaries stopped: {self.fatal}")
            self.todo.appendleft(paper)  # not this paper's fault: it counts as not attempted
            return
        self._count("failures")
        message = self._scrub(str(error))
        self.failures.append(StageIssue("summarize", paper.arxiv_id, message))
        self._progress(paper, "failed", message)

    def _scrub(self, text: str) -> str:
        """Remove the API key, and anything shaped like one, from a message we will show."""
        return scrub_key(text, self.secret)

    def _offline_for_rest(self) -> None:
        """Stand in for the LLM with extractive summaries, stored under their own model name.

        Stored so the render stage shows them; a later run with a key still makes the LLM
        call (its key differs) and the newer LLM summary replaces the extract everywhere.
        """
        if not self.settings.offline_fallback:
            return
        while self.todo:
            paper = self.todo.popleft()
            fresh = offline_summary(paper, self.language, self.clock())
            stored = self.store.get_summary(fresh.key)
            if stored is None:  # an unchanged extract keeps its time: re-runs stay identical
                self.store.put_summary(fresh)
            self.summaries[paper.arxiv_id] = stored or fresh
            self._count("offline")
            self._progress(paper, "offline")

    def _count(self, name: str, value: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + value

    def _progress(self, paper: Paper, status: str, message: str = "") -> None:
        self.done += 1
        if self.on_progress is not None:
            self.on_progress(
                SummaryProgress(self.done, self.total, paper.arxiv_id, status, message)
            )

    def result(self) -> SummaryRun:
        counts = self.counts
        tokens_in, tokens_out = counts.get("input_tokens", 0), counts.get("output_tokens", 0)
        cost = (
            tokens_in * self.settings.price_input_per_million
            + tokens_out * self.settings.price_output_per_million
        ) / 1_000_000
        usage = Usage(
            calls=counts.get("calls", 0),
            cached_hits=counts.get("cached_hits", 0),
            failures=counts.get("failures", 0),
            input_tokens=tokens_in,
            output_tokens=tokens_out,
            estimated_cost=round(cost, 6),
            skipped_reason=self.skipped_reason,
            uploads=counts.get("uploads", 0),
            offline=counts.get("offline", 0),
        )
        ordered = {
            p.arxiv_id: self.summaries[p.arxiv_id]
            for p in self.papers
            if p.arxiv_id in self.summaries
        }
        return SummaryRun(
            MappingProxyType(ordered),
            usage,
            tuple(self.failures),
            tuple(self.notes),
            self.fatal,
            self.stopped,
        )
