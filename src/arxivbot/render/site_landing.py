"""The landing page: with several profiles each site lives in ``<output>/<profile>/`` and
``<output>/index.html`` lists them (name, categories, latest day, feeds). ``arxivbot serve``
answers ``/`` with the same page when it has no ``index.html`` to serve, so a browser never
sees JSON there.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from arxivbot.config import Profile
from arxivbot.fsutil import atomic_write_text
from arxivbot.render.templating import environment


@dataclass(frozen=True)
class ProfileCard:
    name: str
    href: str  # the folder of the profile's site, relative to the landing page
    categories: tuple[str, ...]
    latest_day: str  # "" when its site has not been written yet
    papers: int


def profile_cards(output_dir: Path, profiles: Sequence[Profile]) -> list[ProfileCard]:
    """One card per profile; the latest day comes from the search index its site wrote."""
    cards: list[ProfileCard] = []
    for profile in profiles:
        folder = output_dir / profile.output_subdir if profile.output_subdir else output_dir
        latest, papers = "", 0
        try:
            index = json.loads((folder / "search-index.json").read_text(encoding="utf-8"))
            if index.get("days"):
                latest, papers = index["days"][0]["day"], int(index["days"][0]["count"])
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            pass
        href = f"{profile.output_subdir}/" if profile.output_subdir else ""
        cards.append(ProfileCard(profile.name, href, profile.categories, latest, papers))
    return cards


def render_landing(
    output_dir: Path, profiles: Sequence[Profile], site_title: str, generated_at: datetime
) -> str:
    return (
        environment()
        .get_template("site/landing.html")
        .render(
            root="",
            landing=True,
            site_title=site_title,
            generated_at=generated_at.strftime("%Y-%m-%d %H:%M UTC"),
            all_profiles=False,
            feed_categories=(),
            cards=profile_cards(output_dir, profiles),
        )
    )


def write_landing(
    output_dir: Path, profiles: Sequence[Profile], site_title: str, generated_at: datetime
) -> list[Path]:
    """``<output>/index.html`` when several profiles share the output folder; else nothing
    (a single profile's own index.html is the landing page)."""
    if not any(p.output_subdir for p in profiles):
        return []
    html = render_landing(output_dir, profiles, site_title, generated_at)
    return [atomic_write_text(output_dir / "index.html", html)]
