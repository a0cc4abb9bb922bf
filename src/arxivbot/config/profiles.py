"""Profiles: the resolved, per-reader view of a :class:`Config`.

The original single-profile config is the profile named ``default``. Named profiles in
``profiles`` inherit every unset field from the top level. All profiles share one fetch
(the union of their categories) and one store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import quote

from arxivbot.config.model import (
    AuthorsConfig,
    Config,
    CustomRulesConfig,
    JudgeConfig,
    ProfileConfig,
    SemanticConfig,
    WeightsConfig,
)

DEFAULT_PROFILE = "default"
T = TypeVar("T")


def _pick(value: T | None, fallback: T) -> T:
    return fallback if value is None else value


@dataclass(frozen=True)
class Profile:
    name: str
    categories: tuple[str, ...]
    keywords: tuple[str, ...]
    exclude_keywords: tuple[str, ...]
    query: str | None
    exclude_query: str | None
    authors: AuthorsConfig
    semantic: SemanticConfig
    weights: WeightsConfig
    custom_rules: CustomRulesConfig
    max_papers: int
    min_score: float
    display_limit: int
    days_back: int
    language: str
    output_subdir: str  # "" for the default profile: outputs go straight into output.dir
    interests: str = ""  # plain language, for the LLM judge
    judge: JudgeConfig = field(default_factory=JudgeConfig)


def profile_url(site_url: str, profile: Profile | None) -> str:
    """Where a profile's pages are published: ``<site_url>/<output_subdir, quoted>`` without a
    trailing slash; ``site_url`` itself for the default profile, ``""`` without a site URL.
    The feeds' links and the notifications' "read online" link both come from here."""
    base = site_url.rstrip("/")
    if base and profile is not None and profile.output_subdir:
        return f"{base}/{quote(profile.output_subdir)}"
    return base


def resolve_profiles(config: Config) -> tuple[Profile, ...]:
    """Every profile, fully resolved; ``default`` alone when ``profiles`` is empty."""
    if not config.profiles:
        return (_resolve(config, DEFAULT_PROFILE, ProfileConfig()),)
    return tuple(_resolve(config, name, prof) for name, prof in config.profiles.items())


def fetch_categories(config: Config) -> tuple[str, ...]:
    """The union of every profile's categories, in first-seen order: one fetch for all."""
    seen: dict[str, None] = {}
    for profile in resolve_profiles(config):
        for category in profile.categories:
            seen.setdefault(category, None)
    return tuple(seen)


def _resolve(config: Config, name: str, prof: ProfileConfig) -> Profile:
    subdir = "" if name == DEFAULT_PROFILE and len(config.profiles) <= 1 else name
    return Profile(
        name=name,
        categories=tuple(_pick(prof.categories, config.categories)),
        keywords=tuple(_pick(prof.keywords, config.keywords)),
        exclude_keywords=tuple(_pick(prof.exclude_keywords, config.exclude_keywords)),
        query=_pick(prof.query, config.query),
        exclude_query=_pick(prof.exclude_query, config.exclude_query),
        authors=_pick(prof.authors, config.authors),
        semantic=_pick(prof.semantic, config.semantic),
        weights=_pick(prof.weights, config.weights),
        custom_rules=_pick(prof.custom_rules, config.custom_rules),
        max_papers=_pick(prof.max_papers, config.max_papers),
        min_score=_pick(prof.min_score, config.min_score),
        display_limit=_pick(prof.display_limit, config.display_limit),
        days_back=config.days_back,
        language=_pick(prof.language, config.ai_summary.language),
        output_subdir=_pick(prof.output_subdir, subdir),
        interests=_pick(prof.interests, config.interests).strip(),
        judge=_pick(prof.judge, config.judge),
    )
