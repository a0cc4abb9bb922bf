"""The summarise step, and the one place that reads the LLM API key."""

from __future__ import annotations

import os
from collections.abc import Sequence

from arxivbot.app.context import RunContext
from arxivbot.app.steps import DayOutcome, RunState, StepResult
from arxivbot.config import Config, LoadedConfig
from arxivbot.models import Paper, RunStatus, Stage, StageIssue
from arxivbot.progress import ProgressEvent


def api_key(config: Config) -> str | None:
    """The LLM key from ``ai_summary.api_key_env``; blank (or only spaces) is no key.

    The one check: summaries, the judge and ``arxivbot doctor`` all ask here.
    """
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


def summarize_step(ctx: RunContext, state: RunState) -> StepResult:
    """Summarise the ranked top papers (or ``state.papers``) in each profile's language,
    paying once per (paper, version, model, prompt); time is kept back for publishing.

    A provider that refuses every call (bad key, unknown model) makes the run
    ``needs-action``; a stop (deadline, LLM unreachable) makes it ``incomplete``.
    """
    from arxivbot.summarize import summarize_papers

    if not ctx.options.summaries:
        return StepResult.skip(Stage.SUMMARIZE)
    config = ctx.loaded.config
    settings = config.ai_summary
    by_language = state.papers
    if by_language is None:
        if not state.outcomes:
            return StepResult.skip(Stage.SUMMARIZE)
        by_language = papers_to_summarize(state.outcomes, settings.max_papers_to_summarize)
    deadline = ctx.deadline.reserve(config.run.publish_reserve_minutes * 60)
    notes: list[str] = []
    issues: list[StageIssue] = []
    cache_dir = ctx.loaded.resolve(config.store.cache_dir)
    status = RunStatus.OK
    for language, papers in by_language.items():
        run = summarize_papers(
            list(papers),
            settings,
            store=ctx.store,
            http=ctx.http,
            sources=config.sources,
            cache_dir=cache_dir,
            clock=ctx.clock,
            api_key=api_key(config),
            prompt_text=prompt_text(ctx.loaded),
            language=language,
            force=ctx.options.force,
            on_progress=lambda p: ctx.progress(
                ProgressEvent(Stage.SUMMARIZE, f"{p.arxiv_id} {p.status}", p.done, p.total)
            ),
            deadline=deadline,
        )
        notes.extend(run.notes)
        notes.append(run.usage.describe())
        issues.extend(run.failures)
        if run.fatal or run.stopped:
            status = RunStatus.NEEDS_ACTION if run.fatal else RunStatus.INCOMPLETE
            break
    return StepResult(Stage.SUMMARIZE, status=status, issues=tuple(issues), notes=tuple(notes))
