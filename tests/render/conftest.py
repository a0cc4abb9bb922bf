from __future__ import annotations

from pathlib import Path

import pytest
from render_samples import GENERATED, day1_digest, day2_digest, sample_config, sample_profile

from arxivbot.config import Config, Profile
from arxivbot.models import Digest
from arxivbot.render import FeedMeta


@pytest.fixture(scope="session")
def history(fixtures: Path) -> list[Digest]:
    return [day1_digest(fixtures), day2_digest(fixtures)]


@pytest.fixture(scope="session")
def config() -> Config:
    return sample_config()


@pytest.fixture(scope="session")
def profile(config: Config) -> Profile:
    return sample_profile(config)


@pytest.fixture(scope="session")
def meta() -> FeedMeta:
    base = "https://example.github.io/digest/"
    return FeedMeta("Test digest", base, base, "Papers for tests", GENERATED)
