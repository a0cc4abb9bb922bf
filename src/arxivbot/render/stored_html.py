"""Each summary's HTML rendered once in its life and kept in the store.

Feeds and site show every summary of the last ``output.feed_days`` days, and each run
writes them all again. Rendering a summary (markdown-it, MathML, nh3) was most of a run's
CPU once a few weeks were stored (issue 20: 64 % after ten days), so run time grew with
history. Around a render, :func:`stored_html` seeds a :class:`RenderMemo` with the HTML the
store holds for those summaries, made by this renderer from the same Markdown, and stores
afterwards what had to be rendered new: a run then renders only the day's new summaries.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from arxivbot.models import Digest, Summary, SummaryKey
from arxivbot.render import markdown, math
from arxivbot.render.markdown import (
    FEED_HEADING_LEVEL,
    RENDERER_VERSION,
    SITE_HEADING_LEVEL,
    RenderMemo,
    using_memo,
)
from arxivbot.store.api import RenderedSummary, StoreApi

# The heading levels the outputs render a summary at (site cards, feed items).
LEVELS = (SITE_HEADING_LEVEL, FEED_HEADING_LEVEL)
# Their output can change with any of these, so their versions are part of the renderer's.
_RENDER_LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "nh3", "latex2mathml")


@cache
def renderer_version() -> str:
    """Our renderer's version plus the libraries' that shape its output.

    A hash of the rendering modules' source is part of it, so an edit of a rendering rule
    renders every summary again even when nobody remembered to bump RENDERER_VERSION.
    """
    source = hashlib.sha256()
    for module in (markdown, math):
        source.update(Path(module.__file__ or "").read_bytes())
    parts = [f"arxivbot-html {RENDERER_VERSION} {source.hexdigest()[:16]}"]
    for name in _RENDER_LIBRARIES:
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:  # pragma: no cover - all are dependencies
            parts.append(f"{name} ?")
    return "; ".join(parts)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def digest_summaries(digests: Iterable[Digest]) -> list[Summary]:
    """Every summary shown by ``digests`` (once each)."""
    found: dict[SummaryKey, Summary] = {}
    for digest in digests:
        for summary in digest.summaries.values():
            found.setdefault(summary.key, summary)
    return list(found.values())


@contextmanager
def stored_html(store: StoreApi, summaries: Iterable[Summary]) -> Iterator[RenderMemo]:
    """Within the block, summaries render from the store; new renderings are saved after it.

    Nothing is saved when the block raises: the next run renders those again.
    """
    shown = {summary.key: summary for summary in summaries if summary.text.strip()}
    renderer = renderer_version()
    hashes = {key: text_hash(summary.text) for key, summary in shown.items()}
    known: dict[tuple[str, int], str] = {}
    for row in store.get_rendered(list(shown)):
        level = _variant_level(row.variant)
        if level is not None and row.renderer == renderer and row.text_hash == hashes[row.key]:
            known[(shown[row.key].text, level)] = row.html
    memo = RenderMemo(known)
    with using_memo(memo):
        yield memo
    fresh = [
        RenderedSummary(key, _variant(level), renderer, hashes[key], html)
        for key, summary in shown.items()
        for level in LEVELS
        if (html := memo.fresh.get((summary.text, level))) is not None
    ]
    store.put_rendered(fresh)


def _variant(level: int) -> str:
    return f"h{level}"


def _variant_level(variant: str) -> int | None:
    """The heading level of a stored variant, or None for one this version does not make."""
    if variant.startswith("h") and variant[1:].isdigit() and int(variant[1:]) in LEVELS:
        return int(variant[1:])
    return None
