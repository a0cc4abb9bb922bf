"""The pipeline's stages, each a thin adapter from config + store to one library package.

Kept apart from :mod:`arxivbot.pipeline` so the orchestrator reads as the list of
stages, and so the CLI's single-stage commands (``rank``, ``summarize``, ``render``,
``notify``) call exactly the code a full run calls.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from arxivbot.clock import Clock, utc_now
from arxivbot.config import Config, LoadedConfig, Profile
from arxivbot.deadline import Deadline
from arxivbot.digest import ALL_TYPES, FIRST, load_digest, load_history
from arxivbot.fsutil import remove_stale_temp_files
from arxivbot.models import Announcement, Digest, Listing, Paper, StageIssue
from arxivbot.progress import ProgressEvent, ProgressSink, silent
from arxivbot.rank import RankContext, RankResult, rank_day
from arxivbot.sources.http import PoliteClient
from arxivbot.store.api import StoreApi

if TYPE_CHECKING:
    from arxivbot.rank.judge import JudgeBudget, LlmJudge
    from arxivbot.render import FeedMeta
    from arxivbot.summarize.llm import LlmClient


@dataclass(frozen=True)
class DayOutcome:
    """The ranking of one announcement day for every profile."""

    day: date
    results: tuple[tuple[Profile, RankResult], ...]
    notes: tuple[str, ...] = ()

    @property
    def matched(self) -> int:
        return sum(result.matched for _p, result in self.results)

    @property
    def kept(self) -> int:
        return sum(len(result.ranked) for _p, result in self.results)


# --- rank ----------------------------------------------------------------------------------


def rank_stage(
    loaded: LoadedConfig,
    store: StoreApi,
    profiles: Sequence[Profile],
    day: date,
    dry_run: bool,
    listing: Listing | None = None,
    *,
    judge_budget: JudgeBudget | None = None,
    clock: Clock = utc_now,
    deadline: Deadline | None = None,
) -> DayOutcome:
    """Rank one day for every profile and (unless dry-run) store each ranking.

    A profile with ``judge.enabled`` gets the LLM judge as a reranker (not in a dry run: no
    LLM calls); ``judge_budget`` is the run's (one per call of this function when None).
    """
    config = loaded.config
    candidates = _candidates(store, config, day, listing if dry_run else None)
    results: list[tuple[Profile, RankResult]] = []
    notes: list[str] = []
    budget = judge_budget or new_judge_budget(config)
    for profile in profiles:
        mine = [(p, a) for p, a in candidates if set(profile.categories) & set(p.categories)]
        mine = _drop_recently_shown(store, config, profile, day, mine)
        context, semantic_notes = _rank_context(loaded, store, profile)
        judge, client, judge_note = (
            (None, None, "")
            if dry_run
            else build_judge(config, store, profile, budget, clock, deadline)
        )
        if judge is not None:
            context = replace(context, rerankers=(*context.rerankers, judge))
        try:
            result = rank_day(mine, profile, context)
        finally:
            if client is not None:
                client.close()
        notes.extend(f"[{profile.name}] {note}" for note in semantic_notes)
        if judge_note:
            notes.append(f"[{profile.name}] {judge_note}")
        if judge is not None:
            notes.extend(f"[{profile.name}] {note}" for note in judge.notes)
        if not dry_run:
            store.save_ranking(profile.name, day, result.ranked, matched=result.matched)
        notes.extend(f"[{profile.name}] {note}" for note in result.notes)
        if result.dropped_followed:
            dropped = ", ".join(result.dropped_followed)
            notes.append(f"[{profile.name}] followed authors' papers cut by max_papers: {dropped}")
        results.append((profile, result))
    return DayOutcome(day, tuple(results), tuple(dict.fromkeys(notes)))


def _candidates(
    store: StoreApi, config: Config, day: date, listing: Listing | None
) -> list[tuple[Paper, Announcement]]:
    types = ALL_TYPES if config.sources.include_replacements else FIRST
    if listing is not None:
        return [(p, a) for p, a in listing.items if a.announce_type in types]
    return store.announced_papers(day, types)


def _drop_recently_shown(
    store: StoreApi,
    config: Config,
    profile: Profile,
    day: date,
    candidates: list[tuple[Paper, Announcement]],
) -> list[tuple[Paper, Announcement]]:
    """With de-duplication on, a paper shown in the last ``days_back`` days is not shown again."""
    if not config.enable_deduplication or "id" not in config.deduplication_methods:
        return candidates
    horizon = day - timedelta(days=config.days_back)
    shown: set[str] = set()
    for earlier in store.ranking_days(profile.name):
        if horizon <= earlier < day:
            shown.update(item.paper.arxiv_id for item in store.load_ranking(profile.name, earlier))
    return [(p, a) for p, a in candidates if p.arxiv_id not in shown]


def _rank_context(
    loaded: LoadedConfig, store: StoreApi, profile: Profile
) -> tuple[RankContext, tuple[str, ...]]:
    """Store statistics, feedback and (when seeds exist) the semantic scorer for a profile."""
    from arxivbot.rank import Collection, build_semantic_scorer

    feedback = store.feedback(profile.name)
    semantic, notes = build_semantic_scorer(
        profile.semantic,
        get_paper=store.get_paper,
        feedback=feedback,
        get_embeddings=store.get_embeddings,
        put_embeddings=store.put_embeddings,
        base_dir=loaded.base_dir,
    )
    config = loaded.config
    context = RankContext(
        # term statistics from the stored papers, re-tokenised by the matcher (cached)
        collection=Collection(f"{store.path}:{store.paper_count()}", store.iter_papers),
        semantic=semantic,
        feedback=feedback,
        dedupe_methods=tuple(config.deduplication_methods) if config.enable_deduplication else (),
        custom_search_paths=(loaded.base_dir,),
    )
    return context, notes


def new_judge_budget(config: Config) -> JudgeBudget:
    """One run's cap on judge calls and tokens (the top-level ``judge`` section's)."""
    from arxivbot.rank.judge import JudgeBudget

    return JudgeBudget(config.judge.max_calls, config.judge.max_tokens)


def build_judge(
    config: Config,
    store: StoreApi,
    profile: Profile,
    budget: JudgeBudget,
    clock: Clock,
    deadline: Deadline | None = None,
) -> tuple[LlmJudge | None, LlmClient | None, str]:
    """The profile's LLM judge and its client (close it), or why there is none."""
    settings = profile.judge
    if not settings.enabled:
        return None, None, ""
    key = api_key(config)
    if not key:
        env = config.ai_summary.api_key_env
        return None, None, f"LLM judge skipped: no API key (${env} is not set)"
    if not profile.interests:
        return None, None, "LLM judge skipped: the profile has no `interests`"
    from arxivbot.rank.judge import LlmJudge
    from arxivbot.summarize.llm import CircuitBreaker, LlmClient, RetryPolicy

    summary = config.ai_summary
    model = settings.model or summary.model
    run_deadline = deadline or Deadline.never()
    client = LlmClient(
        api_key=key,
        base_url=settings.base_url or summary.base_url,
        model=model,
        timeout=settings.timeout_seconds,
        temperature=0.0,
        max_output_tokens=settings.max_output_tokens,
        deadline=run_deadline,
    )
    policy = RetryPolicy(
        settings.max_retries,
        summary.retry_base_seconds,
        summary.retry_max_seconds,
        deadline=run_deadline,
        breaker=CircuitBreaker(),
    )
    judge = LlmJudge(client.chat, model, store, budget, policy, clock, settings.max_output_tokens)
    return judge, client, ""


# --- summarise -----------------------------------------------------------------------------


def api_key(config: Config) -> str | None:
    value = os.environ.get(config.ai_summary.api_key_env, "").strip()
    return value or None


def prompt_text(loaded: LoadedConfig) -> str | None:
    """The user's prompt (its existence was checked when the config was loaded)."""
    prompt_file = loaded.config.ai_summary.prompt_file
    return loaded.resolve(prompt_file).read_text(encoding="utf-8") if prompt_file else None


def papers_to_summarize(outcomes: Sequence[DayOutcome], top_n: int) -> dict[str, list[Paper]]:
    """Each profile's top ``top_n`` papers, grouped by the profile's summary language."""
    by_language: dict[str, dict[str, Paper]] = {}
    for outcome in outcomes:
        for profile, result in outcome.results:
            bucket = by_language.setdefault(profile.language, {})
            for item in result.ranked[:top_n]:
                bucket.setdefault(item.paper.arxiv_id, item.paper)
    return {language: list(papers.values()) for language, papers in by_language.items()}


class SummaryStage(NamedTuple):
    notes: list[str]
    issues: list[StageIssue]
    fatal: str  # the provider refuses every call (bad key, unknown model): the user must act
    stopped: str  # cut short (run deadline, LLM unreachable): the next run carries on


def summarize_stage(
    loaded: LoadedConfig,
    store: StoreApi,
    http: PoliteClient | None,
    by_language: Mapping[str, Sequence[Paper]],
    force: bool,
    clock: Clock,
    progress: ProgressSink = silent,
    deadline: Deadline | None = None,
) -> SummaryStage:
    """Summarise papers in each language, paying once per (paper, version, model, prompt)."""
    from arxivbot.summarize import summarize_papers

    config = loaded.config
    settings = config.ai_summary
    notes: list[str] = []
    issues: list[StageIssue] = []
    cache_dir = loaded.resolve(config.store.cache_dir)
    for language, papers in by_language.items():
        run = summarize_papers(
            list(papers),
            settings,
            store=store,
            http=http,
            sources=config.sources,
            cache_dir=cache_dir,
            clock=clock,
            api_key=api_key(config),
            prompt_text=prompt_text(loaded),
            language=language,
            force=force,
            on_progress=lambda p: progress(
                ProgressEvent("summarize", f"{p.arxiv_id} {p.status}", p.done, p.total)
            ),
            deadline=deadline,
        )
        notes.extend(run.notes)
        notes.append(run.usage.describe())
        issues.extend(run.failures)
        if run.fatal or run.stopped:
            return SummaryStage(notes, issues, run.fatal, run.stopped)
    return SummaryStage(notes, issues, "", "")


# --- render --------------------------------------------------------------------------------


def render_stage(
    loaded: LoadedConfig,
    store: StoreApi,
    profiles: Sequence[Profile],
    output_dir: Path,
    clock: Clock,
    notice: str | None = None,
) -> list[str]:
    """Write README, papers.json, feeds and site for every profile; return written paths.

    With nothing ranked yet and no notice, nothing is written: an empty day never replaces
    a previous digest with an empty one.
    """
    from arxivbot import render

    config = loaded.config
    template = _readme_template(loaded)
    written: list[str] = []
    remove_stale_temp_files(output_dir)
    for profile in profiles:
        out = output_dir / profile.output_subdir if profile.output_subdir else output_dir
        history = load_history(store, profile, clock, days=config.output.feed_days)
        if not history and notice is None:
            continue
        digest = history[0] if history else None
        # Content time, not wall time: an unchanged day renders byte-identical files.
        now = max((d.generated_at for d in history), default=clock())
        text = render.render_readme(
            digest, profile, config, template=template, notice=notice, generated_at=now
        )
        paths: list[Path] = [render.write_readme(out, text)]
        if digest is not None:
            meta = feed_meta(config, profile, now)
            paths.append(render.write_papers_json(out, render.render_papers_json(digest)))
            paths.extend(render.write_feeds(out, history, profile, config, meta))
            if config.output.site:
                stats = {d.announced_on: d.stats for d in history}
                paths.extend(
                    render.write_site(
                        out, history, profile, config, meta, all_days_stats=stats, notice=notice
                    )
                )
        written.extend(str(p) for p in paths)
    return written


def feed_meta(config: Config, profile: Profile, now: datetime) -> FeedMeta:
    """Channel facts of one profile's feeds (absolute URLs only when ``site_url`` is set)."""
    from arxivbot.render import FeedMeta

    base = config.output.site_url.rstrip("/")
    if base and profile.output_subdir:
        base = f"{base}/{profile.output_subdir}"
    title = config.output.site_title
    if profile.output_subdir:
        title = f"{title} — {profile.name}"
    return FeedMeta(
        title=title,
        site_url=f"{base}/" if base else "",
        feed_url=f"{base}/" if base else "",
        description=f"Ranked arXiv papers in {', '.join(profile.categories)}",
        generated_at=now,
    )


def _readme_template(loaded: LoadedConfig) -> str | None:
    name = loaded.config.output.readme_template
    return loaded.resolve(name).read_text(encoding="utf-8") if name else None


# --- notify --------------------------------------------------------------------------------


def notify_stage(
    loaded: LoadedConfig,
    store: StoreApi,
    outcomes: Sequence[DayOutcome],
    clock: Clock,
    deadline: Deadline | None = None,
) -> list[StageIssue]:
    from arxivbot.publish.notify import notify_digests

    config = loaded.config
    if not config.notify.enabled or not config.notify.targets:
        return []
    digests: list[Digest] = []
    for outcome in outcomes:
        for profile, _result in outcome.results:
            digests.append(load_digest(store, profile, outcome.day, clock))
    report = notify_digests(
        digests, config, store=store, clock=clock, site_url=config.output.site_url,
        deadline=deadline,
    )  # fmt: skip
    return list(report.issues)


def notify_empty_stage(
    loaded: LoadedConfig,
    store: StoreApi,
    profiles: Sequence[Profile],
    clock: Clock,
    upcoming: datetime,
) -> list[StageIssue]:
    from arxivbot.publish.notify import notify_no_announcement

    config = loaded.config
    if not config.notify.enabled or config.notify.on_empty != "notice" or not config.notify.targets:
        return []
    from arxivbot.calendar import eastern_date

    report = notify_no_announcement(
        profiles, eastern_date(clock()), config, store=store, clock=clock, next_expected=upcoming
    )
    return list(report.issues)


__all__ = [
    "DayOutcome",
    "SummaryStage",
    "build_judge",
    "feed_meta",
    "new_judge_budget",
    "notify_empty_stage",
    "notify_stage",
    "papers_to_summarize",
    "rank_stage",
    "render_stage",
    "summarize_stage",
]
