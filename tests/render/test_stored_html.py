"""Summaries' HTML is rendered once, stored, and served from the store by later renders."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import pytest
from render_samples import GENERATED

from arxivbot.clock import fixed_clock
from arxivbot.config import Config, Profile
from arxivbot.models import Digest
from arxivbot.render import FeedMeta, write_feeds, write_site
from arxivbot.render.markdown import FEED_HEADING_LEVEL, markdown_to_safe_html
from arxivbot.render.stored_html import (
    digest_summaries,
    renderer_version,
    stored_html,
    text_hash,
)
from arxivbot.render.templating import item_html
from arxivbot.store import Store, open_store
from arxivbot.store.api import RenderedSummary


def _render(
    out: Path, history: list[Digest], profile: Profile, config: Config, meta: FeedMeta
) -> dict[str, bytes]:
    paths = [*write_feeds(out, history, profile, config, meta)]
    paths += write_site(out, history, profile, config, meta)
    return {str(p.relative_to(out)): p.read_bytes() for p in paths}


@pytest.fixture(autouse=True)
def _new_process() -> None:
    """Feed items are memoised per process and other tests rendered these same digests; a
    run is a new process, so start from nothing as a run does."""
    item_html.cache_clear()


def _store(tmp_path: Path) -> Store:
    return open_store(tmp_path / "db.sqlite3", clock=fixed_clock(GENERATED))


def test_second_render_renders_nothing_and_writes_the_same_bytes(
    tmp_path: Path, history: list[Digest], profile: Profile, config: Config, meta: FeedMeta
) -> None:
    summaries = digest_summaries(history)
    with _store(tmp_path) as store:
        with stored_html(store, summaries) as first:
            once = _render(tmp_path / "first", history, profile, config, meta)
        # every summary at the site's heading level, the feeds' at theirs: all stored
        assert {level for _text, level in first.fresh} == {3, 4}
        assert len(store.get_rendered([s.key for s in summaries])) == len(first.fresh)
        with stored_html(store, summaries) as second:
            twice = _render(tmp_path / "second", history, profile, config, meta)
        assert second.fresh == {}
    plain = _render(tmp_path / "plain", history, profile, config, meta)  # no store at all
    assert once == twice == plain


def test_stored_html_is_what_the_outputs_show(
    tmp_path: Path, history: list[Digest], profile: Profile, config: Config, meta: FeedMeta
) -> None:
    summary = digest_summaries(history)[0]
    good = RenderedSummary(
        summary.key, "h4", renderer_version(), text_hash(summary.text), "<p>FROM-THE-STORE</p>"
    )
    with _store(tmp_path) as store:
        store.put_rendered([good])
        with stored_html(store, [summary]):
            files = _render(tmp_path / "out", history, profile, config, meta)
    assert b"FROM-THE-STORE" in files["rss.xml"]


def test_stale_rows_are_rendered_again(
    tmp_path: Path, history: list[Digest], profile: Profile, config: Config, meta: FeedMeta
) -> None:
    """A row of another renderer version, or of an older text under the same key, is not served."""
    summary = digest_summaries(history)[0]
    rewritten = replace(summary, text=summary.text + "\n\nREWRITTEN ENDING")
    digest = next(d for d in history if summary.key.arxiv_id in d.summaries)
    changed = replace(
        digest, summaries=MappingProxyType({**digest.summaries, summary.key.arxiv_id: rewritten})
    )
    rows = [
        RenderedSummary(summary.key, "h4", "an older renderer", text_hash(summary.text), "OLD-R"),
        RenderedSummary(summary.key, "h3", renderer_version(), text_hash(summary.text), "OLD-T"),
    ]
    with _store(tmp_path) as store:
        store.put_rendered(rows)
        with stored_html(store, [rewritten]) as memo:
            files = _render(tmp_path / "out", [changed], profile, config, meta)
        assert b"OLD-R" not in files["rss.xml"] and b"REWRITTEN ENDING" in files["rss.xml"]
        assert not any(b"OLD-T" in body for body in files.values())
        assert {(rewritten.text, 3), (rewritten.text, 4)} <= set(memo.fresh)
        stored = {row.variant: row for row in store.get_rendered([summary.key])}
    assert stored["h4"].html == markdown_to_safe_html(rewritten.text, FEED_HEADING_LEVEL)
    assert stored["h4"].renderer == renderer_version()


def test_nothing_is_stored_when_the_render_fails(tmp_path: Path, history: list[Digest]) -> None:
    summary = digest_summaries(history)[0]
    with _store(tmp_path) as store:
        try:
            with stored_html(store, [summary]):
                markdown_to_safe_html(summary.text)
                raise RuntimeError("disk full")
        except RuntimeError:
            pass
        assert store.get_rendered([summary.key]) == []
    assert markdown_to_safe_html(summary.text)  # outside the block: rendered as before
