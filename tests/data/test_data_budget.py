"""The repository carries its core test data; it must stay small enough to clone in seconds."""

from __future__ import annotations

from pathlib import Path

BUDGET_BYTES = 5_000_000  # 5 MB: what a bare clone of the tests may weigh


def test_tests_data_stays_within_its_budget() -> None:
    folder = Path(__file__).resolve().parent
    size = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())
    assert size <= BUDGET_BYTES, f"tests/data weighs {size:,} bytes (budget {BUDGET_BYTES:,})"
