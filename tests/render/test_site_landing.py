"""Several profiles: each site in its own folder, a landing page listing them (in Chromium)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from render_samples import GENERATED

from arxivbot.config import Config, Profile
from arxivbot.models import Digest
from arxivbot.render import FeedMeta, write_feeds, write_site
from arxivbot.render.site_landing import write_landing
from support.live import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="module")
def output(
    tmp_path_factory: pytest.TempPathFactory,
    history: list[Digest],
    profile: Profile,
    config: Config,
    meta: FeedMeta,
) -> Path:
    root = tmp_path_factory.mktemp("profiles")
    llm = replace(profile, name="llm", output_subdir="llm")
    bio = replace(profile, name="bio", output_subdir="bio", categories=("q-bio.QM",))
    for each in (llm, bio):
        write_feeds(root / each.output_subdir, history, each, config, meta)
        write_site(root / each.output_subdir, history, each, config, meta)
    idle = replace(profile, name="idle", output_subdir="idle")  # nothing rendered yet
    assert write_landing(root, [llm, bio, idle], "Our digests", GENERATED) == [root / "index.html"]
    return root


def test_single_profile_writes_no_landing(tmp_path: Path, profile: Profile) -> None:
    assert write_landing(tmp_path, [replace(profile, output_subdir="")], "x", GENERATED) == []


def test_landing_lists_profiles_in_chromium(output: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab: Any = browser.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.goto((output / "index.html").as_uri())
        cards = tab.locator("li.profile")
        assert cards.count() == 3
        assert "no digest yet" in cards.nth(2).inner_text()
        assert "q-bio.QM" in cards.nth(1).inner_text() and "2025-12-05" in cards.nth(1).inner_text()
        assert cards.nth(1).locator("a", has_text="Atom").get_attribute("href") == "bio/atom.xml"
        cards.nth(0).locator("a.profile-name").click()
        tab.wait_for_url("**/llm/index.html")
        assert tab.locator("article.paper").count() == 2
        tab.locator("nav a", has_text="All profiles").click()  # and back up
        tab.wait_for_url("**/profiles*/index.html")
        assert tab.locator("li.profile").count() == 3
        assert errors == []
        browser.close()
