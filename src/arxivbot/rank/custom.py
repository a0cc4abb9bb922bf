"""Custom Python rules: the original CUSTOM_RULES guide's two hooks, named by dotted path.

``custom_rules.filter = "mypkg.rules:custom_paper_filter"`` names
``custom_paper_filter(paper, config) -> bool`` (False drops the paper), and
``custom_rules.score = "mypkg.rules:custom_paper_score"`` names
``custom_paper_score(paper, config) -> float`` (added to the score).

As in the original guide, ``paper`` and ``config`` are plain dicts, a stable view built
for user code (this is the one place where dicts cross a boundary, on purpose):

* ``paper``: ``id, version, title, authors (list), abstract, summary (= abstract),
  categories (list), primary_category, comment, journal_ref, doi, link, pdf_link,
  published (ISO date of the announcement), announce_type``;
* ``config``: the profile: ``name, categories, keywords, exclude_keywords, query,
  exclude_query, max_papers, min_score`` plus the ``authors``, ``weights``,
  ``semantic`` and ``custom_rules`` sections as dicts.

A bad path raises :class:`ConfigError` naming the key. An exception inside user code is
collected (the paper is kept unfiltered / scores 0 from the rule) and reported as a note.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from arxivbot.config import Profile
from arxivbot.errors import ConfigError
from arxivbot.models import Announcement, Paper

Hook = Callable[[dict[str, Any], dict[str, Any]], Any]


def load_hook(dotted: str, key: str, search_paths: Sequence[Path] = ()) -> Hook:
    """Import ``package.module:function``; ConfigError naming ``key`` when it fails."""
    module_name, colon, attribute = dotted.partition(":")
    if not colon or not module_name or not attribute:
        raise ConfigError(
            f"{key}: {dotted!r} is not a 'package.module:function' path",
            key=key,
            hint="e.g. 'my_rules:custom_paper_filter'",
        )
    added = [str(p) for p in search_paths if str(p) not in sys.path]
    sys.path[:0] = added
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        raise ConfigError(
            f"{key}: cannot import module {module_name!r}: {exc}",
            key=key,
            hint="put the module on PYTHONPATH or list its folder in custom_rules.paths",
        ) from None
    finally:
        for path in added:
            sys.path.remove(path)
    hook = getattr(module, attribute, None)
    if not callable(hook):
        raise ConfigError(f"{key}: module {module_name!r} has no function {attribute!r}", key=key)
    return hook  # type: ignore[no-any-return]


def paper_view(paper: Paper, announcement: Announcement | None = None) -> dict[str, Any]:
    """The original bot's paper dict."""
    return {
        "id": paper.arxiv_id,
        "version": paper.version,
        "title": paper.title,
        "authors": list(paper.authors),
        "abstract": paper.abstract,
        "summary": paper.abstract,
        "categories": list(paper.categories),
        "primary_category": paper.primary_category,
        "comment": paper.comment,
        "journal_ref": paper.journal_ref,
        "doi": paper.doi,
        "link": paper.abs_url,
        "pdf_link": paper.pdf_url,
        "published": announcement.announced_on.isoformat() if announcement else "",
        "announce_type": str(announcement.announce_type) if announcement else "",
    }


def profile_view(profile: Profile) -> dict[str, Any]:
    return {
        "name": profile.name,
        "categories": list(profile.categories),
        "keywords": list(profile.keywords),
        "exclude_keywords": list(profile.exclude_keywords),
        "query": profile.query,
        "exclude_query": profile.exclude_query,
        "max_papers": profile.max_papers,
        "min_score": profile.min_score,
        "authors": profile.authors.model_dump(),
        "weights": profile.weights.model_dump(),
        "semantic": profile.semantic.model_dump(),
        "custom_rules": profile.custom_rules.model_dump(),
    }


@dataclass
class CustomRules:
    """The loaded hooks of one profile; failures are counted, the first one kept as text."""

    label_filter: str = ""
    label_score: str = ""
    filter_hook: Hook | None = None
    score_hook: Hook | None = None
    config_view: dict[str, Any] = field(default_factory=dict)
    failures: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, profile: Profile, search_paths: Sequence[Path] = ()) -> CustomRules:
        rules = profile.custom_rules
        paths = [*search_paths, *(Path(p) for p in rules.paths)]
        return cls(
            label_filter=rules.filter or "",
            label_score=rules.score or "",
            filter_hook=load_hook(rules.filter, "custom_rules.filter", paths)
            if rules.filter
            else None,
            score_hook=load_hook(rules.score, "custom_rules.score", paths) if rules.score else None,
            config_view=profile_view(profile),
        )

    @property
    def active(self) -> bool:
        """Whether any hook is loaded (and so needs the paper dict)."""
        return self.filter_hook is not None or self.score_hook is not None

    def keep(self, view: dict[str, Any]) -> bool:
        if self.filter_hook is None:
            return True
        try:
            return bool(self.filter_hook(view, self.config_view))
        except Exception as exc:  # user code: report, never crash the run
            self._fail(self.label_filter, view, exc)
            return True

    def score(self, view: dict[str, Any]) -> float:
        if self.score_hook is None:
            return 0.0
        try:
            value = float(self.score_hook(view, self.config_view))
        except Exception as exc:  # user code: report, never crash the run
            self._fail(self.label_score, view, exc)
            return 0.0
        if value != value or value in (float("inf"), float("-inf")):
            self._fail(self.label_score, view, ValueError(f"returned {value}"))
            return 0.0
        return value

    def _fail(self, label: str, view: dict[str, Any], exc: Exception) -> None:
        self.failures.setdefault(label, []).append(f"{view['id']}: {type(exc).__name__}: {exc}")

    def notes(self) -> list[str]:
        return [
            f"custom rule {label} failed for {len(errors)} paper(s), e.g. {errors[0]}"
            for label, errors in self.failures.items()
        ]
