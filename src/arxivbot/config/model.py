"""The typed configuration model.

The original bot's ``config.json`` keys keep their meaning at the top level; every
new setting has a default, so an original config validates unchanged. Secrets are
never stored here: the config names environment variables (``api_key_env``,
``admin_token_env``, ``${VAR}`` in notification URLs) and the values are read at run time.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from arxivbot.categories import canonical_category

DedupeMethod = Literal["id", "title", "link"]
DEDUPE_METHODS: tuple[DedupeMethod, ...] = ("id", "title", "link")


class Section(BaseModel):
    """Base of every config section: extra keys are kept so we can warn about them."""

    model_config = ConfigDict(extra="allow", frozen=True, validate_default=True)


def _check_categories(values: list[str]) -> list[str]:
    return [canonical_category(value) for value in values]


class AiSummaryConfig(Section):
    """LLM summaries. The first seven keys are the original bot's."""

    enabled: bool = False
    api_key_env: str = "OPENAI_API_KEY"
    base_url: str = "https://api.openai.com/v1"
    model: str = "gpt-4o-mini"
    prompt_file: str | None = None
    max_papers_to_summarize: int = Field(default=15, ge=0)
    max_workers: int = Field(default=3, ge=1, le=32)
    language: str = "zh"
    mode: Literal["auto", "file", "text", "abstract"] = "auto"
    temperature: float = Field(default=0.3, ge=0, le=2)
    timeout_seconds: float = Field(default=300, gt=0)
    max_input_tokens: int = Field(default=32_000, ge=1_000)
    max_output_tokens: int = Field(default=4_096, ge=64)
    max_retries: int = Field(default=5, ge=0, le=20)
    budget_papers: int | None = Field(default=None, ge=0)
    budget_tokens: int | None = Field(default=None, ge=0)
    price_input_per_million: float = Field(default=0.0, ge=0)
    price_output_per_million: float = Field(default=0.0, ge=0)
    offline_fallback: bool = False
    retry_base_seconds: float = Field(default=2.0, ge=0)  # backoff: base * 2**attempt, jittered
    retry_max_seconds: float = Field(default=60.0, ge=0)
    min_summary_chars: int = Field(default=200, ge=0)  # shorter answers are retried, then rejected
    pdf_extract_timeout_seconds: float = Field(default=60.0, gt=0)
    fulltext_order: Literal["html_first", "pdf_first", "pdf_only"] = "html_first"
    keep_back_matter: bool = False  # references, appendices, acknowledgements: dropped


class SourcesConfig(Section):
    """Where arXiv lives. Each base URL can also be set by an environment variable."""

    rss_base: str = "https://rss.arxiv.org"  # ARXIVBOT_RSS_BASE
    arxiv_base: str = "https://arxiv.org"  # ARXIVBOT_ARXIV_BASE (abs/pdf/html)
    api_base: str = "https://export.arxiv.org"  # ARXIVBOT_API_BASE (/api/query)
    oai_base: str = "https://oaipmh.arxiv.org"  # ARXIVBOT_OAI_BASE (/oai)
    feed_format: Literal["rss", "atom"] = "rss"
    include_replacements: bool = False
    contact: str = "arxivbot-user@users.noreply.github.com"
    min_interval_seconds: float = Field(default=3.0, ge=0)
    timeout_seconds: float = Field(default=60.0, gt=0)
    max_response_mb: float = Field(default=50.0, gt=0)
    max_retries: int = Field(default=4, ge=0, le=10)
    small_batch_ratio: float = Field(default=0.25, ge=0, le=1)
    # Weekday feed dates without an announcement, added to arxivbot.calendar.ARXIV_HOLIDAYS.
    extra_holidays: list[date] = Field(default_factory=list)


class StoreConfig(Section):
    path: str = "data/arxivbot.sqlite3"  # ARXIVBOT_DB
    # postgresql://user:pass@host/db (ARXIVBOT_DB_URL): a shared PostgreSQL store instead
    # of the file; the password may be left to libpq ($PGPASSWORD, ~/.pgpass).
    url: str = ""
    retention_days: int = Field(default=90, ge=0)  # 0 keeps everything
    cache_dir: str = "data/cache"


class OutputConfig(Section):
    dir: str = "output"
    readme_template: str | None = None  # the original's README.template.md placeholders work
    site: bool = True
    site_url: str = ""  # absolute URL where the site is published (for feed links)
    site_title: str = "arXiv digest"
    feed_days: int = Field(default=30, ge=1)
    feed_max_items: int = Field(default=200, ge=1)
    empty_day_notice: bool = False


class AuthorsConfig(Section):
    follow: list[str] = Field(default_factory=list)
    block: list[str] = Field(default_factory=list)
    force_include: bool = True  # a followed author's paper is kept whatever its score


class SemanticConfig(Section):
    enabled: Literal["auto", "on", "off"] = "auto"
    model: str | None = None  # any sentence-transformers model name; default: packaged MiniLM
    seeds: list[str] = Field(default_factory=list)  # arXiv ids of papers you like
    bibtex: str | None = None
    csl_json: str | None = None
    # similarity = best_share * best cosine + (1 - best_share) * recency-weighted mean;
    # the component is weights.semantic * ramp(similarity, min_similarity, full_similarity)
    best_share: float = Field(default=0.7, ge=0, le=1)
    half_life_days: float = Field(default=365.0, gt=0)
    min_similarity: float = Field(default=0.3, ge=-1, le=1)
    full_similarity: float = Field(default=0.7, ge=-1, le=1)
    # calibrated part: weights.semantic * ramp(margin over the day, min_margin, full_margin),
    # margin = robust z-score of the similarity among the day's candidates
    min_margin: float = Field(default=2.0, ge=0)
    full_margin: float = Field(default=5.0, gt=0)


class WeightsConfig(Section):
    """Score weights: the BM25F-style term model of docs/ranking.md, authors, semantic."""

    keyword: float = Field(default=1.0, ge=0)  # a fully specific term once in the title
    title: float = Field(default=4.0, gt=0)  # one title occurrence = this many abstract ones
    abstract: float = Field(default=1.0, ge=0)
    comment: float = Field(default=0.0, ge=0)  # > 0: unprefixed terms also count in comments
    k1: float = Field(default=1.2, gt=0)  # term-frequency saturation
    b: float = Field(default=0.75, ge=0, le=1)  # abstract length normalisation
    specificity: bool = True  # scale terms by how rare they are (idf) in the collection
    specificity_min: float = Field(default=0.1, ge=0, le=1)  # floor of the idf factor
    specificity_full: float = Field(default=0.05, gt=0, lt=1)  # share of papers at factor 1
    more_terms: float = Field(default=0.8, ge=0, lt=1)  # the i-th further term counts this^i
    partial: float = Field(default=0.3, ge=0, le=1)  # a word of a multi-word term, alone
    author: float = 3.0
    semantic: float = 4.0
    negative: float = 2.0


class JudgeConfig(Section):
    """An optional LLM relevance judge over the top kept papers (off by default).

    Its verdict (0-10) adds ``weight × (score − 5) / 5`` points: 10 adds ``weight``, 5 is
    neutral, 0 takes ``weight`` away. The API key, endpoint and model default to
    ``ai_summary``'s.
    """

    enabled: bool = False
    base_url: str | None = None  # default: ai_summary.base_url
    model: str | None = None  # default: ai_summary.model; part of the verdict cache key
    top_k: int = Field(default=30, ge=1, le=500)  # best kept papers sent to the judge
    batch_size: int = Field(default=10, ge=1, le=50)  # papers per call
    weight: float = Field(default=3.0, ge=0)
    # per run, over all profiles and days: the top-level section's values count
    max_calls: int = Field(default=20, ge=0)  # HTTP requests, retries included
    max_tokens: int = Field(default=100_000, ge=0)  # input + output
    max_output_tokens: int = Field(default=1_024, ge=64)
    abstract_chars: int = Field(default=1_200, ge=100)  # each abstract is cut to this
    timeout_seconds: float = Field(default=60.0, gt=0)
    max_retries: int = Field(default=2, ge=0, le=10)


class CustomRulesConfig(Section):
    filter: str | None = None  # "package.module:function" -> custom_paper_filter(paper, config)
    score: str | None = None  # "package.module:function" -> custom_paper_score(paper, config)
    paths: list[str] = Field(default_factory=list)  # extra import dirs, relative to the config


class NotifyTarget(Section):
    name: str
    url: str  # an Apprise URL or mailto(s)://; ${VAR} is read from the environment
    profiles: list[str] = Field(default_factory=list)  # empty: every profile


class NotifyConfig(Section):
    enabled: bool = True
    on_empty: Literal["skip", "notice"] = "skip"
    top_n: int = Field(default=10, ge=1, le=100)
    max_retries: int = Field(default=3, ge=0, le=10)
    targets: list[NotifyTarget] = Field(default_factory=list)


class ServerConfig(Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    schedule: str = "30 0 * * 1-5"  # cron, in `timezone`; arXiv's feed updates at midnight ET
    timezone: str = "America/New_York"
    scheduler: bool = True
    admin_token_env: str = "ARXIVBOT_ADMIN_TOKEN"
    cache_max_age: int = Field(default=300, ge=0, le=86_400)  # Cache-Control max-age, seconds
    # Swagger UI loads its scripts from a CDN onto the origin holding the admin token.
    api_docs: bool = False

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, value: str) -> str:
        from croniter import croniter

        if not croniter.is_valid(value):
            raise ValueError(f"{value!r} is not a cron expression such as '30 0 * * 1-5'")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a time zone such as 'America/New_York'") from None
        return value


class CatchUpConfig(Section):
    enabled: bool = True
    max_days: int = Field(default=5, ge=0, le=60)


class RunConfig(Section):
    """Time limits of one run: GitHub Actions kills the digest job at 60 minutes."""

    deadline_minutes: float = Field(default=40.0, gt=0, le=24 * 60)
    catch_up_minutes: float = Field(default=10.0, ge=0)  # budget of back-filling missed days
    publish_reserve_minutes: float = Field(default=5.0, ge=0)  # kept for render and notify


class ProfileConfig(Section):
    """One named reader. Unset fields fall back to the top-level settings."""

    categories: list[str] | None = None
    keywords: list[str] | None = None
    exclude_keywords: list[str] | None = None
    query: str | None = None
    exclude_query: str | None = None
    authors: AuthorsConfig | None = None
    semantic: SemanticConfig | None = None
    weights: WeightsConfig | None = None
    custom_rules: CustomRulesConfig | None = None
    interests: str | None = None
    judge: JudgeConfig | None = None
    max_papers: int | None = Field(default=None, ge=1)
    min_score: float | None = None
    display_limit: int | None = Field(default=None, ge=1)
    language: str | None = None
    output_subdir: str | None = None

    @field_validator("categories")
    @classmethod
    def _categories(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _check_categories(value)


class Config(Section):
    """The whole configuration; the original bot's keys first."""

    categories: list[str] = Field(default_factory=lambda: ["cs.AI", "cs.CL", "cs.LG"], min_length=1)
    keywords: list[str] = Field(default_factory=list)
    exclude_keywords: list[str] = Field(default_factory=list)
    max_papers: int = Field(default=30, ge=1)
    days_back: int = Field(default=7, ge=0)
    min_score: float = 0.0
    enable_deduplication: bool = True
    deduplication_methods: list[DedupeMethod] = Field(default_factory=lambda: list(DEDUPE_METHODS))
    fetch_ratings: bool = False  # accepted for compatibility; arXiv offers no ratings
    display_limit: int = Field(default=500, ge=1)
    ai_summary: AiSummaryConfig = Field(default_factory=AiSummaryConfig)

    query: str | None = None
    exclude_query: str | None = None
    authors: AuthorsConfig = Field(default_factory=AuthorsConfig)
    semantic: SemanticConfig = Field(default_factory=SemanticConfig)
    weights: WeightsConfig = Field(default_factory=WeightsConfig)
    custom_rules: CustomRulesConfig = Field(default_factory=CustomRulesConfig)
    interests: str = ""  # plain language, read by the LLM judge
    judge: JudgeConfig = Field(default_factory=JudgeConfig)
    profiles: dict[str, ProfileConfig] = Field(default_factory=dict)
    sources: SourcesConfig = Field(default_factory=SourcesConfig)
    store: StoreConfig = Field(default_factory=StoreConfig)
    output: OutputConfig = Field(default_factory=OutputConfig)
    notify: NotifyConfig = Field(default_factory=NotifyConfig)
    server: ServerConfig = Field(default_factory=ServerConfig)
    catch_up: CatchUpConfig = Field(default_factory=CatchUpConfig)
    run: RunConfig = Field(default_factory=RunConfig)

    @field_validator("categories")
    @classmethod
    def _categories(cls, value: list[str]) -> list[str]:
        return _check_categories(value)

    @field_validator("query", "exclude_query")
    @classmethod
    def _blank_query(cls, value: str | None) -> str | None:
        return value if value and value.strip() else None

    @field_validator("profiles")
    @classmethod
    def _profile_names(cls, value: dict[str, ProfileConfig]) -> dict[str, ProfileConfig]:
        for name in value:
            if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,40}$", name):
                raise ValueError(f"profile name {name!r} must be letters, digits, '-' or '_'")
        return value
