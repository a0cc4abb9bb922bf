"""docs/design.md's module table lists exactly the top-level modules and packages of arxivbot.

The table is the map a newcomer reads first; it drifted once (issue 17). A module added,
removed or renamed under ``src/arxivbot`` fails here until the table says so too.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DESIGN = REPO / "docs" / "design.md"
PACKAGE = REPO / "src" / "arxivbot"
HEADER = "| package / module | role |"


def source_tree() -> set[str]:
    """Top-level modules (``x.py`` but ``__init__``) and packages (folders with ``__init__.py``)."""
    names = {path.stem for path in PACKAGE.glob("*.py") if path.stem != "__init__"}
    names |= {path.parent.name for path in PACKAGE.glob("*/__init__.py")}
    return names


def table_rows(text: str) -> list[tuple[str, str]]:
    """(first cell, second cell) of each body row of the table that starts with HEADER."""
    lines = text.splitlines()
    start = lines.index(HEADER)
    rows = []
    for line in lines[start + 2 :]:  # past the header and the |---|---| rule
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        rows.append((cells[0], cells[1] if len(cells) > 1 else ""))
    return rows


def listed(first_cell: str) -> list[str]:
    """Names in a first cell: ``arxivbot.x`` or, after the first, a bare ``y`` (= arxivbot.y)."""
    names = []
    for name in re.findall(r"`([^`]+)`", first_cell):
        name = name.removeprefix("arxivbot.")
        assert re.fullmatch(r"[a-z_][a-z0-9_]*", name), f"not a top-level name: {name!r}"
        names.append(name)
    return names


def test_module_table_lists_exactly_the_tree() -> None:
    rows = table_rows(DESIGN.read_text(encoding="utf-8"))
    names = [name for first, _ in rows for name in listed(first)]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    assert not duplicates, f"docs/design.md lists these modules twice: {duplicates}"
    tree = source_tree()
    missing = sorted(tree - set(names))
    stale = sorted(set(names) - tree)
    assert not missing, f"docs/design.md's module table does not list: {missing}"
    assert not stale, f"docs/design.md's module table lists modules that do not exist: {stale}"


def test_every_row_says_what_it_is() -> None:
    for first, role in table_rows(DESIGN.read_text(encoding="utf-8")):
        assert listed(first), f"a row names no module: {first!r}"
        assert role, f"{first} has no role in docs/design.md"


def test_parser_reads_a_shared_row() -> None:
    text = f"{HEADER}\n|---|---|\n| `arxivbot.ops`, `history` | entry points |\n\nafter\n"
    assert [listed(first) for first, _ in table_rows(text)] == [["ops", "history"]]
