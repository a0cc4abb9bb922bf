"""The publishing end of a command: the render, notify and prune steps."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from arxivbot.app.context import RunContext
from arxivbot.app.steps import Delivery, RunState, StepResult
from arxivbot.calendar import eastern_date
from arxivbot.digest import load_digest, load_history
from arxivbot.fsutil import remove_stale_temp_files, staged_writes
from arxivbot.models import Digest, RunStatus, Stage


def render_step(ctx: RunContext, state: RunState) -> StepResult:
    """Write every output in ``render.OUTPUTS`` for every profile.

    With nothing ranked yet and no notice, nothing is written: an empty day never replaces
    a previous digest with an empty one. A day without an announcement writes only when
    ``output.empty_day_notice`` asks for the notice.
    """
    if state.notice is not None and not ctx.loaded.config.output.empty_day_notice:
        return StepResult.skip(Stage.RENDER)
    written = render_all(ctx, state.notice)
    return StepResult(Stage.RENDER, counts={"written": len(written)}, outputs=tuple(written))


@staged_writes()  # the whole output set is swapped in at once, or none of it (disk full)
def render_all(ctx: RunContext, notice: str | None = None) -> list[str]:
    from arxivbot.render import OUTPUTS, RenderJob, feed_meta
    from arxivbot.render.site_landing import write_landing
    from arxivbot.render.stored_html import digest_summaries, stored_html

    loaded = ctx.loaded
    config = loaded.config
    name = config.output.readme_template
    template = loaded.resolve(name).read_text(encoding="utf-8") if name else None
    output_dir = ctx.options.output_dir
    written: list[str] = []
    remove_stale_temp_files(output_dir)
    newest: datetime | None = None  # the landing page's content time (byte-identical re-runs)
    for profile in ctx.profiles:
        out = output_dir / profile.output_subdir if profile.output_subdir else output_dir
        history = load_history(ctx.store, profile, ctx.clock, days=config.output.feed_days)
        if not history and notice is None:
            continue
        # Content time, not wall time: an unchanged day renders byte-identical files.
        now = max((d.generated_at for d in history), default=ctx.clock())
        newest = max(newest or now, now)
        job = RenderJob(
            out_dir=out,
            history=history,
            profile=profile,
            config=config,
            meta=feed_meta(config, profile, now),
            generated_at=now,
            notice=notice,
            readme_template=template,
        )
        # Summaries' HTML comes from the store: only ones never rendered before cost CPU.
        with stored_html(ctx.store, digest_summaries(history)):
            paths: list[Path] = [path for output in OUTPUTS for path in output.write(job)]
        written.extend(str(p) for p in paths)
    if newest is not None and config.output.site:  # several profiles: list them at the top
        landing = write_landing(output_dir, ctx.profiles, config.output.site_title, newest)
        written.extend(str(p) for p in landing)
    return written


def notify_step(ctx: RunContext, state: RunState) -> StepResult:
    """Send the day's digests (or the "no announcement" notice) to the configured targets.

    Without rankings in the state (the ``notify`` command) each profile's latest ranked
    day is sent, or ``options.day``'s.
    """
    if not ctx.options.notify:
        return StepResult.skip(Stage.NOTIFY)
    from arxivbot.notify.service import notify_digests, notify_no_announcement

    config = ctx.loaded.config
    if state.notice is not None:
        if not config.notify.enabled or config.notify.on_empty != "notice":
            return StepResult.skip(Stage.NOTIFY)
        if not config.notify.targets:
            return StepResult.skip(Stage.NOTIFY)
        today = eastern_date(ctx.clock())
        report = notify_no_announcement(
            ctx.profiles,
            today,
            config,
            store=ctx.store,
            clock=ctx.clock,
            next_expected=state.next_expected,
        )
    elif state.outcomes:
        if not config.notify.enabled or not config.notify.targets:
            return StepResult.skip(Stage.NOTIFY)
        digests = [
            load_digest(ctx.store, profile, outcome.day, ctx.clock)
            for outcome in state.outcomes
            for profile, _result in outcome.results
        ]
        report = notify_digests(
            digests, config, store=ctx.store, clock=ctx.clock, site_url=config.output.site_url,
            deadline=ctx.deadline,
        )  # fmt: skip
    else:
        report = notify_digests(
            _latest_digests(ctx),
            config,
            store=ctx.store,
            clock=ctx.clock,
            site_url=config.output.site_url,
            resend=ctx.options.resend,
        )
    deliveries = tuple(
        Delivery(d.target, d.profile, d.ok, d.skipped, d.message) for d in report.deliveries
    )
    # In a run a failed delivery is one more per-item failure (retried next run); asked
    # for on its own, a delivery that did not go out fails the command.
    asked = state.notice is None and not state.outcomes
    status = deliveries_status(deliveries) if asked else RunStatus.OK
    return StepResult(
        Stage.NOTIFY,
        status=status,
        counts={"sent": sum(1 for d in deliveries if d.ok and not d.skipped)},
        issues=tuple(report.issues),
        state=replace(state, deliveries=deliveries),
    )


def deliveries_status(deliveries: Sequence[Delivery]) -> RunStatus:
    """The ``notify`` command fails when a delivery neither went out nor was skipped."""
    return RunStatus.OK if all(d.ok or d.skipped for d in deliveries) else RunStatus.FAILED


def _latest_digests(ctx: RunContext) -> list[Digest]:
    digests = []
    for profile in ctx.profiles:
        days = ctx.store.ranking_days(profile.name)
        if days:
            digests.append(load_digest(ctx.store, profile, ctx.options.day or max(days), ctx.clock))
    return digests


def prune_step(ctx: RunContext, state: RunState) -> StepResult:
    """Retention, before ranking: a re-run then ranks over the store the first run ranked
    over (term statistics included) and pays for nothing again.

    It counts from the newest stored announcement (never the wall clock) and keeps at least
    what the outputs show and what catch-up and de-duplication look back at.
    """
    if state.day is None or ctx.options.dry_run or ctx.deadline.expired():
        return StepResult.skip(Stage.PRUNE)
    from arxivbot.store.retention import kept_days, reference_day

    config = ctx.loaded.config
    lookback = max(config.days_back, 1) * 3  # catch-up's look-back (app/ingest.py)
    keep = kept_days(
        config.store.retention_days, shown_days=config.output.feed_days, lookback_days=lookback
    )
    # A feed dated in the future never makes the past look old enough to delete.
    today = reference_day(ctx.store.announcement_days(), eastern_date(ctx.clock()))
    pruned = ctx.store.prune(keep, today) if keep and today is not None else 0
    notes = (f"retention: pruned {pruned} old rows",) if pruned else ()
    return StepResult(Stage.PRUNE, counts={"pruned": pruned}, notes=notes)


def deadline_step(ctx: RunContext, state: RunState) -> StepResult:
    """The run's deadline: a run past it ends ``incomplete``."""
    if state.day is None or not ctx.deadline.expired():
        return StepResult.skip(Stage.RUN)
    note = (
        f"the run's deadline of {ctx.loaded.config.run.deadline_minutes:g} min was reached; "
        "what was done is published, the next run carries on"
    )
    return StepResult(Stage.RUN, status=RunStatus.INCOMPLETE, notes=(note,))
