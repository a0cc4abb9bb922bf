from __future__ import annotations

from pathlib import Path

import pytest

from support.fixtures import fixtures_dir


@pytest.fixture(scope="session")
def fixtures() -> Path:
    """The shared recorded arXiv data (fails, never skips, when missing)."""
    return fixtures_dir()
