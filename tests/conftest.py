from __future__ import annotations

from pathlib import Path

import pytest

from support.fixtures import fixtures_dir, shared_fixtures_dir


@pytest.fixture(scope="session")
def fixtures() -> Path:
    """The compact recorded arXiv data committed under ``tests/data/recorded``."""
    return fixtures_dir()


@pytest.fixture(scope="session")
def shared_fixtures() -> Path:
    """The large recorded set in ``../shared/fixtures`` (skips when it is absent)."""
    return shared_fixtures_dir()
