"""The :class:`Output` seam: every file written for a profile, one class each, in ``OUTPUTS``.

The render step builds one :class:`RenderJob` per profile and calls each output in
``OUTPUTS`` order; the paths they return are the run's written files. A new output is one
class here (or in its own module) and one entry in ``OUTPUTS`` (see CONTRIBUTING.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from arxivbot.config import Config, Profile
from arxivbot.config.profiles import profile_url
from arxivbot.models import Digest
from arxivbot.render.feeds import FeedMeta, write_feeds
from arxivbot.render.readme import (
    render_papers_json,
    render_readme,
    write_papers_json,
    write_readme,
)
from arxivbot.render.site import write_site


@dataclass(frozen=True)
class RenderJob:
    """What one profile's outputs are written from."""

    out_dir: Path
    history: Sequence[Digest]  # newest first; empty when only a notice is shown
    profile: Profile
    config: Config
    meta: FeedMeta
    generated_at: datetime  # content time, not wall time: an unchanged day is byte-identical
    notice: str | None = None  # "no announcement today ..." (output.empty_day_notice)
    readme_template: str | None = None

    @property
    def digest(self) -> Digest | None:
        """The newest day's digest, None when there is only a notice."""
        return self.history[0] if self.history else None


class Output(Protocol):
    @property
    def name(self) -> str: ...

    def write(self, job: RenderJob) -> list[Path]:
        """Write this output for one profile; return the paths written (maybe none)."""
        ...


@dataclass(frozen=True)
class ReadmeOutput:
    """``README.md``: always written, with the notice alone when there is no digest."""

    name: str = "readme"

    def write(self, job: RenderJob) -> list[Path]:
        text = render_readme(
            job.digest,
            job.profile,
            job.config,
            template=job.readme_template,
            notice=job.notice,
            generated_at=job.generated_at,
        )
        return [write_readme(job.out_dir, text)]


@dataclass(frozen=True)
class PapersJsonOutput:
    name: str = "papers.json"

    def write(self, job: RenderJob) -> list[Path]:
        if job.digest is None:
            return []
        return [write_papers_json(job.out_dir, render_papers_json(job.digest))]


@dataclass(frozen=True)
class FeedsOutput:
    """RSS, Atom and JSON Feed for the whole digest and per category."""

    name: str = "feeds"

    def write(self, job: RenderJob) -> list[Path]:
        if job.digest is None:
            return []
        return write_feeds(job.out_dir, job.history, job.profile, job.config, job.meta)


@dataclass(frozen=True)
class SiteOutput:
    """The static site (``output.site``)."""

    name: str = "site"

    def write(self, job: RenderJob) -> list[Path]:
        if job.digest is None or not job.config.output.site:
            return []
        stats = {d.announced_on: d.stats for d in job.history}
        return write_site(
            job.out_dir,
            job.history,
            job.profile,
            job.config,
            job.meta,
            all_days_stats=stats,
            notice=job.notice,
        )


OUTPUTS: tuple[Output, ...] = (ReadmeOutput(), PapersJsonOutput(), FeedsOutput(), SiteOutput())


def feed_meta(config: Config, profile: Profile, now: datetime) -> FeedMeta:
    """Channel facts of one profile's feeds (absolute URLs only when ``site_url`` is set)."""
    base = profile_url(config.output.site_url, profile)
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
