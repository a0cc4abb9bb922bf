"""The import graph of ``src/arxivbot`` keeps its shape: no upward imports, no cycles.

``LAYERS`` is the one written order of the top-level modules and packages, bottom first.
A unit may import only units of *lower* layers (never its own layer's neighbours, never
upwards); every import counts, deferred ones inside functions and ``TYPE_CHECKING`` ones
too, because they are dependencies all the same. A new top-level module or package must be
placed here (the test fails until it is), next to its row in ``docs/design.md``.

Cycles are checked between modules (``rank.document`` <-> ``rank.query`` was one) over the
imports that run when a module is imported (module level, ``TYPE_CHECKING`` blocks left
out): those are the ones that make import order matter.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "arxivbot"

LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"errors"}),
    # shared primitives: they import nothing of ours but errors
    frozenset(
        {
            "models",
            "clock",
            "ids",
            "calendar",
            "categories",
            "deadline",
            "progress",
            "fsutil",
            "secrets",
        }
    ),
    frozenset({"config"}),
    frozenset({"paths"}),  # CLI flag > environment > config, so it sits on config
    frozenset({"store", "sources", "enrich"}),
    frozenset({"summarize"}),
    frozenset({"rank"}),  # the LLM judge uses summarize's client
    frozenset({"render", "digest"}),
    frozenset({"notify", "export", "rollup"}),  # what app's steps call
    frozenset({"app"}),  # orchestration: the steps of every command
    frozenset({"server", "agent"}),  # front ends over app (the server's runner is injected)
    frozenset({"cli"}),
)


def module_name(path: Path) -> str:
    parts = ("arxivbot", *path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def unit_of(module: str) -> str:
    return module.split(".")[1] if module.count(".") else "__init__"


def resolve(name: str) -> str:
    """The module ``name`` refers to (``arxivbot.x.y.Thing`` -> ``arxivbot.x.y``)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def imported(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        for alias in node.names:
            full = f"{node.module}.{alias.name}"
            yield full if full in MODULES else node.module


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_imports(tree: ast.Module) -> Iterator[str]:
    """Imports executed at import time: module level, including try/if, but not TYPE_CHECKING."""
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If) and is_type_checking(node):
            pending.extend(node.orelse)
        elif isinstance(node, ast.If | ast.Try):
            pending.extend(ast.iter_child_nodes(node))  # type: ignore[arg-type]
        else:
            yield from imported(node)


def ours(names: Iterator[str]) -> set[str]:
    return {resolve(name) for name in names if name.split(".")[0] == "arxivbot"}


def layer_of(unit: str) -> int:
    for index, layer in enumerate(LAYERS):
        if unit in layer:
            return index
    raise AssertionError(f"arxivbot.{unit} is in no layer: add it to LAYERS in {__file__}")


def test_every_unit_has_a_layer() -> None:
    units = {unit_of(name) for name in MODULES} - {"__init__"}
    listed = {unit for layer in LAYERS for unit in layer}
    assert sum(len(layer) for layer in LAYERS) == len(listed), "a unit is in two layers"
    assert not units - listed, f"not placed in LAYERS: {sorted(units - listed)}"
    assert not listed - units, f"LAYERS names what does not exist: {sorted(listed - units)}"


def test_no_upward_or_sideways_import() -> None:
    wrong = []
    for name, path in MODULES.items():
        unit = unit_of(name)
        if unit == "__init__":
            continue
        for target in ours(
            n for node in ast.walk(ast.parse(path.read_text())) for n in imported(node)
        ):
            other = unit_of(target)
            if other not in (unit, "__init__") and layer_of(other) >= layer_of(unit):
                wrong.append(f"{name} imports {target}")
    assert not wrong, "imports against LAYERS:\n" + "\n".join(sorted(wrong))


def test_no_import_cycle() -> None:
    graph = {
        name: ours(runtime_imports(ast.parse(path.read_text()))) - {name}
        for name, path in MODULES.items()
    }
    cycles = [cycle for cycle in strongly_connected(graph) if len(cycle) > 1]
    assert not cycles, f"import cycles: {cycles}"


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (the graph is a few hundred modules)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                found.append(sorted(component))
    return found
