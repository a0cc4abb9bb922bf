"""The rank step: every day to rank, every profile, each ranking stored (not in a dry run)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from arxivbot.app.context import RunContext
from arxivbot.app.steps import DayOutcome, RunState, StepResult
from arxivbot.clock import Clock
from arxivbot.config import Config, Profile
from arxivbot.deadline import Deadline
from arxivbot.digest import ALL_TYPES, FIRST
from arxivbot.models import Announcement, Listing, Paper, RunStatus, Stage
from arxivbot.rank import Collection, RankContext, RankResult, rank_day
from arxivbot.store.api import StoreApi

if TYPE_CHECKING:
    from arxivbot.rank.judge import JudgeBudget, LlmJudge
    from arxivbot.summarize.llm import LlmClient


def rank_step(ctx: RunContext, state: RunState) -> StepResult:
    """Rank ``state.days``; a dry run ends here (nothing is summarised or written)."""
    if not state.days:
        return StepResult.skip(Stage.RANK)
    outcomes = tuple(
        rank_one_day(ctx, day, state.listing if day == state.day else None) for day in state.days
    )
    notes = tuple(note for outcome in outcomes for note in outcome.notes)
    counts = {"matched": outcomes[-1].matched, "kept": outcomes[-1].kept}
    status = RunStatus.DRY_RUN if ctx.options.dry_run else RunStatus.OK
    new_state = replace(state, outcomes=outcomes)
    return StepResult(Stage.RANK, status=status, counts=counts, notes=notes, state=new_state)


def rank_one_day(ctx: RunContext, day: date, listing: Listing | None = None) -> DayOutcome:
    """Rank one day for every profile and (unless dry-run) store each ranking.

    A profile with ``judge.enabled`` gets the LLM judge as a reranker (not in a dry run: no
    LLM calls), under the command's one judge budget. In a dry run the candidates come from
    ``listing`` (nothing was stored).
    """
    dry_run = ctx.options.dry_run
    config = ctx.loaded.config
    store = ctx.store
    candidates = _candidates(store, config, day, listing if dry_run else None)
    results: list[tuple[Profile, RankResult]] = []
    notes: list[str] = []
    for profile in ctx.profiles:
        mine = [(p, a) for p, a in candidates if set(profile.categories) & set(p.categories)]
        mine = _drop_recently_shown(store, config, profile, day, mine)
        context, semantic_notes = _rank_context(ctx, profile, day)
        judge, client, judge_note = (
            (None, None, "")
            if dry_run
            else build_judge(config, store, profile, ctx.judge_budget, ctx.clock, ctx.deadline)
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
    """With de-duplication on, a paper shown in the profile's last ``days_back`` days is
    not shown again (``Profile.days_back`` is the top-level ``days_back``)."""
    if not config.enable_deduplication or "id" not in config.deduplication_methods:
        return candidates
    horizon = day - timedelta(days=profile.days_back)
    shown: set[str] = set()
    for earlier in store.ranking_days(profile.name):
        if horizon <= earlier < day:
            shown.update(item.paper.arxiv_id for item in store.load_ranking(profile.name, earlier))
    return [(p, a) for p, a in candidates if p.arxiv_id not in shown]


def _rank_context(
    ctx: RunContext, profile: Profile, day: date
) -> tuple[RankContext, tuple[str, ...]]:
    """Store statistics, feedback and (when seeds exist) the semantic scorer for a profile."""
    from arxivbot.rank import build_semantic_scorer

    store, loaded = ctx.store, ctx.loaded
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
        collection=day_collection(store, day),
        semantic=semantic,
        feedback=feedback,
        dedupe_methods=tuple(config.deduplication_methods) if config.enable_deduplication else (),
        custom_search_paths=(loaded.base_dir,),
    )
    return context, notes


def day_collection(store: StoreApi, day: date) -> Collection:
    """Term statistics from the papers announced on or before ``day``, newest day first.

    Not from every stored paper: a day ranks the same however many later days were stored
    since, so re-processing a past day picks the same papers and pays for no new summary.
    """
    days = sorted((d for d in store.announcement_days() if d <= day), reverse=True)

    def papers() -> Iterator[Paper]:
        seen: set[str] = set()
        for earlier in days:
            for paper, _announcement in store.announced_papers(earlier, ALL_TYPES):
                if paper.arxiv_id not in seen:
                    seen.add(paper.arxiv_id)
                    yield paper

    # The cache trusts the key: it changes with the days counted and the store's contents.
    return Collection(f"{store.path}:{day}:{len(days)}:{store.paper_count()}", papers)


def new_judge_budget(config: Config) -> JudgeBudget:
    """One command's cap on judge calls and tokens (the top-level ``judge`` section's)."""
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
    from arxivbot.app.summaries import api_key

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
