"""The static site: files, relative links that resolve, search index, safety headers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest
from hostile import MARKERS, hostile_digest
from render_samples import EARLY_ABSTRACT_WORD

from arxivbot.config import Config, Profile
from arxivbot.models import Digest
from arxivbot.render import FeedMeta, write_feeds, write_site
from arxivbot.render.site import script_safe_json


@pytest.fixture(scope="module")
def site(
    tmp_path_factory: pytest.TempPathFactory,
    history: list[Digest],
    profile: Profile,
    config: Config,
    meta: FeedMeta,
) -> Path:
    tmp_path = tmp_path_factory.mktemp("site")
    write_feeds(tmp_path, history, profile, config, meta)
    write_site(tmp_path, history, profile, config, meta)
    return tmp_path


def _pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def test_expected_files(site: Path) -> None:
    for name in ("index.html", "days/index.html", "days/2025-12-04.html", "days/2025-12-05.html",
                 "papers/2512.03394.html", "papers/hep-th_9901001.html", "search.html",
                 "search-index.json", "search-index.js", "stats.html", "static/style.css",
                 "static/search.js"):  # fmt: skip
        assert (site / name).is_file(), name


def test_every_relative_link_resolves(site: Path) -> None:
    checked = 0
    for page in _pages(site):
        tree = lxml.html.fromstring(page.read_bytes())
        for attr in ("href", "src"):
            for link in tree.xpath(f"//*[@{attr}]/@{attr}"):
                parts = urlsplit(link)
                if link == "data:,":  # the empty favicon (avoids a 404 per page)
                    continue
                if parts.scheme or link.startswith("#"):
                    assert parts.scheme in ("https", "http"), link
                    continue
                assert not link.startswith("/"), f"absolute path {link} in {page}"
                target = (page.parent / unquote(parts.path)).resolve()
                assert target.is_file(), f"{page.relative_to(site)} links to missing {link}"
                checked += 1
    assert checked > 50


def test_head_has_csp_and_feed_autodiscovery(site: Path) -> None:
    for page in _pages(site):
        tree = lxml.html.fromstring(page.read_bytes())
        types = set(tree.xpath("//head/link[@rel='alternate']/@type"))
        assert types == {"application/rss+xml", "application/atom+xml", "application/feed+json"}
        csp = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
        assert csp and "script-src 'self'" in csp[0]
        assert not tree.xpath("//script[not(@src)]"), f"inline script in {page}"
        assert not tree.xpath("//*[@style]"), f"inline style in {page}"


def test_digest_page_content(site: Path) -> None:
    tree = lxml.html.fromstring((site / "index.html").read_bytes())
    titles = [t.text_content() for t in tree.xpath("//h2[@class='paper-title']")]
    assert len(titles) == 2 and "RLHFSpec" in titles[0]
    assert tree.xpath("//article//details/summary")
    # Titles go through the summaries' math owner: MathML, not ad-hoc <span class=math>.
    assert tree.xpath("//h2[@class='paper-title']//math")
    old = lxml.html.fromstring((site / "days/2025-12-04.html").read_bytes())
    assert len(old.xpath("//article")) == 4
    assert "Q&A <item path, value>" in old.text_content()  # exactly as arXiv wrote it


def _index_papers(root: Path) -> list[dict[str, Any]]:
    data = json.loads((root / "search-index.json").read_text(encoding="utf-8"))
    return [dict(zip(data["fields"], row, strict=True)) for row in data["papers"]]


def test_search_index_covers_every_day(site: Path) -> None:
    papers = _index_papers(site)
    ids = {p["id"] for p in papers}
    assert ids == {"2512.03394", "2512.03383", "2512.09999", "hep-th/9901001", "2512.04752"}
    fish = next(p for p in papers if p["id"] == "2512.09999")
    assert fish["days"] == ["2025-12-05", "2025-12-04"]
    script = (site / "search-index.js").read_text(encoding="utf-8")
    assert script.startswith("window.ARXIVBOT_SEARCH_INDEX = {")
    assert "<" not in script  # cannot close a <script> element
    assert "2512.03394" in script


def test_search_index_has_earlier_abstract_words(site: Path) -> None:
    papers = _index_papers(site)
    vs_graph = next(p for p in papers if p["id"] == "2512.03394")
    assert vs_graph["days"] == ["2025-12-04"]  # an earlier day only
    assert EARLY_ABSTRACT_WORD in vs_graph["abstract"]
    assert all(EARLY_ABSTRACT_WORD not in p["abstract"] for p in papers if p is not vs_graph)


def test_search_index_keeps_days_rendered_by_earlier_runs(
    tmp_path: Path, history: list[Digest], profile: Profile, config: Config, meta: FeedMeta
) -> None:
    """A run renders only the recent history; the index still covers older day pages."""
    older, newer = sorted(history, key=lambda d: d.announced_on)
    write_site(tmp_path, [older, newer], profile, config, meta)
    write_site(tmp_path, [newer], profile, config, meta)  # the next run: older is past the horizon
    papers = {p["id"]: p for p in _index_papers(tmp_path)}
    assert papers["2512.03394"]["days"] == [older.announced_on.isoformat()]  # older day only
    assert papers["2512.09999"]["days"] == [
        newer.announced_on.isoformat(),
        older.announced_on.isoformat(),
    ]
    archive = (tmp_path / "days" / "index.html").read_text(encoding="utf-8")
    assert older.announced_on.isoformat() in archive
    (tmp_path / "days" / f"{older.announced_on.isoformat()}.html").unlink()  # page gone: day gone
    write_site(tmp_path, [newer], profile, config, meta)
    assert "2512.03394" not in {p["id"] for p in _index_papers(tmp_path)}


def test_script_safe_json() -> None:
    text = script_safe_json({"t": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"t": "</script><!-- & \u2028"}


def test_hostile_content_is_escaped(
    tmp_path: Path, profile: Profile, config: Config, meta: FeedMeta
) -> None:
    write_site(tmp_path, [hostile_digest()], profile, config, meta)
    for page in _pages(tmp_path):
        tree = lxml.html.fromstring(page.read_bytes())
        assert not tree.xpath("//img | //iframe | //script[not(@src)]"), page
        for element in tree.iter():
            for name, value in element.attrib.items():
                assert not any(m in f"{name}={value}".lower() for m in MARKERS), (page, name)
        scripts = {src.removeprefix("../") for src in tree.xpath("//script/@src")}
        own = {"static/query.js", "static/search.js", "static/server.js", "static/feedback.js",
               "static/reader.js"}  # fmt: skip
        assert scripts <= own, page
    index = lxml.html.fromstring((tmp_path / "index.html").read_bytes())
    assert len(index.xpath("//article")) == 2
    title = index.xpath("//h2[@class='paper-title']")[0].text_content()
    assert "<script>alert('t')</script>" in title


def test_stats_page_has_charts(site: Path) -> None:
    tree = lxml.html.fromstring((site / "stats.html").read_bytes())
    charts = tree.xpath("//svg")
    assert len(charts) == 4
    assert len(tree.xpath("//svg//rect")) > 8
