"""The domain: frozen dataclasses shared by every pipeline stage.

All datetimes are timezone-aware UTC. Announcement *dates* are plain ``date`` objects
holding arXiv's announcement day in US/Eastern (the day the feed's ``pubDate`` names).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType

ARXIV_SITE = "https://arxiv.org"


class AnnounceType(StrEnum):
    NEW = "new"
    CROSS = "cross"
    REPLACE = "replace"
    REPLACE_CROSS = "replace-cross"

    @property
    def is_first_announcement(self) -> bool:
        """``new`` and ``cross`` both announce a paper for the first time in a category."""
        return self in (AnnounceType.NEW, AnnounceType.CROSS)


@dataclass(frozen=True)
class Paper:
    """One arXiv paper at one version. ``arxiv_id`` carries no version suffix."""

    arxiv_id: str
    version: int
    title: str
    authors: tuple[str, ...]
    abstract: str
    primary_category: str
    categories: tuple[str, ...]
    comment: str = ""
    journal_ref: str = ""
    doi: str = ""
    license: str = ""
    submitted: datetime | None = None  # first version's submission time (API/OAI only)
    updated: datetime | None = None  # this version's submission time (API/OAI only)

    @property
    def versioned_id(self) -> str:
        return f"{self.arxiv_id}v{self.version}"

    @property
    def abs_url(self) -> str:
        return f"{ARXIV_SITE}/abs/{self.arxiv_id}"

    @property
    def pdf_url(self) -> str:
        return f"{ARXIV_SITE}/pdf/{self.versioned_id}"

    @property
    def html_url(self) -> str:
        return f"{ARXIV_SITE}/html/{self.versioned_id}"


@dataclass(frozen=True)
class Announcement:
    """One paper listed in one announcement, as seen in one feed category."""

    arxiv_id: str
    version: int
    announced_on: date
    announce_type: AnnounceType
    feed_category: str


@dataclass(frozen=True)
class Listing:
    """What one feed request returned: the announcement day and its items.

    ``announced_on`` is None for an empty feed (weekend, holiday): no announcement.
    """

    source_url: str
    announced_on: date | None
    built_at: datetime | None
    items: tuple[tuple[Paper, Announcement], ...]
    not_modified: bool = False  # a conditional GET answered 304
    notes: tuple[str, ...] = ()  # items skipped or defaulted while parsing, one line each
    # (ETag, Last-Modified) of the response, saved by the store stage in the same
    # transaction as the items: a run killed in between refetches instead of seeing 304.
    validators: tuple[str, str] = ("", "")

    @property
    def is_empty(self) -> bool:
        return not self.items


@dataclass(frozen=True)
class ScoreComponent:
    """One reason a paper scored: a term in a field, an author, a similar paper, a rule."""

    kind: str  # "term" | "author" | "semantic" | "custom" | "penalty" | "judge"
    label: str  # the term, author name, similar paper title, rule name
    field: str  # "title" | "abstract" | "authors" | "comment" | "journal_ref" | "categories" | ""
    contribution: float
    detail: str = ""


@dataclass(frozen=True)
class RankedPaper:
    """A kept paper with its score and the breakdown that explains it."""

    paper: Paper
    announcement: Announcement
    score: float
    components: tuple[ScoreComponent, ...] = ()
    rank: int = 0
    forced: bool = False  # kept regardless of min_score (e.g. a followed author)

    @property
    def explanation(self) -> str:
        """One line: the strongest reasons first, e.g. ``"RL" in title (+1.5); similar to: X``."""
        parts = sorted(self.components, key=lambda c: -abs(c.contribution))
        return "; ".join(_describe(c) for c in parts)


def _describe(component: ScoreComponent) -> str:
    points = f"{component.contribution:+.2f}".replace(".00", "")
    where = f" in {component.field}" if component.field else ""
    if component.kind == "semantic":
        return f"similar to: {component.label} ({points})"
    if component.kind == "author":
        return f"author {component.label} ({points})"
    if component.kind == "custom":
        return f"rule {component.label} ({points})"
    if component.kind == "judge":
        return f"LLM judge {component.label}: {component.detail} ({points})"
    return f'"{component.label}"{where} ({points})'


class SummarySource(StrEnum):
    FILE = "file"  # provider read the uploaded PDF (DashScope file-extract)
    HTML = "html"  # arXiv HTML full text
    PDF = "pdf"  # text extracted from the PDF
    ABSTRACT = "abstract"  # only the abstract was available
    OFFLINE = "offline"  # extractive fallback, not written by an LLM


@dataclass(frozen=True)
class SummaryKey:
    """What a summary is paid for once: the same key never costs a second call."""

    arxiv_id: str
    version: int
    model: str
    prompt_hash: str
    language: str


@dataclass(frozen=True)
class JudgeVerdict:
    """An LLM judge's verdict on one paper version for one reader's interests and model."""

    arxiv_id: str
    version: int
    interests_hash: str
    model: str
    score: float  # 0-10
    reason: str  # one line
    created_at: datetime


@dataclass(frozen=True)
class Summary:
    key: SummaryKey
    text: str  # Markdown, untrusted
    source: SummarySource
    created_at: datetime
    input_tokens: int = 0
    output_tokens: int = 0

    @property
    def model(self) -> str:
        return self.key.model

    @property
    def is_llm(self) -> bool:
        return self.source is not SummarySource.OFFLINE


@dataclass(frozen=True)
class DayStats:
    """Counts of one announcement day, shown in the digest and the run report."""

    fetched: int = 0
    new: int = 0
    cross: int = 0
    replaced: int = 0
    matched: int = 0
    kept: int = 0


@dataclass(frozen=True)
class Digest:
    """One profile's ranked papers for one announcement day, with their summaries."""

    profile: str
    announced_on: date
    generated_at: datetime
    papers: tuple[RankedPaper, ...]
    stats: DayStats = DayStats()
    summaries: Mapping[str, Summary] = field(default_factory=lambda: MappingProxyType({}))

    def summary_for(self, arxiv_id: str) -> Summary | None:
        return self.summaries.get(arxiv_id)


class Stage(StrEnum):
    """The steps a command is made of (``arxivbot.app``); a ``StageIssue`` names one."""

    FETCH = "fetch"
    STORE = "store"
    CATCH_UP = "catch-up"
    BACKFILL = "backfill"
    RANK = "rank"
    SUMMARIZE = "summarize"
    RENDER = "render"
    NOTIFY = "notify"
    PRUNE = "prune"
    RUN = "run"  # the run as a whole (an unexpected error)


class RunStatus(StrEnum):
    """How a run (or any command made of steps) ended; the exit code goes with it."""

    OK = "ok"
    PARTIAL = "partial"  # some papers or deliveries failed; the next run retries them
    NO_ANNOUNCEMENT = "no-announcement"
    DRY_RUN = "dry-run"
    NEEDS_ACTION = "needs-action"  # finished, but the user must act (e.g. the key is refused)
    INCOMPLETE = "incomplete"  # cut short (run deadline, LLM unreachable); carried on next run
    FAILED = "failed"  # nothing published; previous outputs kept
    RUNNING = "running"  # only in the runs table: a run in progress
    KILLED = "killed"  # only in the runs table: the process died mid-run

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self]


# The one map from a status to the process exit code (docs/design.md, "Exit codes").
EXIT_CODES = MappingProxyType(
    {
        RunStatus.OK: 0,
        RunStatus.PARTIAL: 0,
        RunStatus.NO_ANNOUNCEMENT: 0,
        RunStatus.DRY_RUN: 0,
        RunStatus.FAILED: 1,
        RunStatus.NEEDS_ACTION: 4,
        RunStatus.INCOMPLETE: 5,
        RunStatus.RUNNING: 1,
        RunStatus.KILLED: 1,
    }
)


@dataclass(frozen=True)
class StageIssue:
    """A per-item failure collected during a run (not fatal): shown in the report."""

    stage: str  # a Stage value
    subject: str  # arxiv id, URL, target name ...
    message: str


@dataclass(frozen=True)
class RunReport:
    """What one run did; stored in the ``runs`` table and printed by the CLI."""

    run_id: int
    started_at: datetime
    finished_at: datetime
    status: RunStatus
    announced_on: date | None
    stats: DayStats
    written: tuple[str, ...] = ()
    issues: tuple[StageIssue, ...] = ()
    notes: tuple[str, ...] = ()
    days_caught_up: tuple[date, ...] = ()
