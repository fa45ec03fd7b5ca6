"""The import graph has no cycles: between automation's packages, and between any modules of models/.

Read from the source (ast), imports inside functions and under TYPE_CHECKING included: a cycle
hidden in a function is still two modules that cannot be understood one without the other.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "automation"

# Cycles that exist between packages owned elsewhere, each to be broken where it lives; a new
# one fails this test, and so does a listed one that is gone (then remove it here).
KNOWN_PACKAGE_CYCLES: set[frozenset[str]] = set()


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> Iterator[str]:
    """The automation modules `name` imports; `from package import module` names the module."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target.startswith("automation.") and target != name:
                yield target


def _graph(unit: int | None) -> dict[str, set[str]]:
    """Module imports collapsed to their first `unit` dotted parts (None: whole module names)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        here = ".".join(name.split(".")[:unit])
        for target in _imports(name, path, modules):
            there = ".".join(target.split(".")[:unit])
            if there != here:
                graph.setdefault(here, set()).add(there)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one node (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for start in sorted(graph):
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
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(frozenset(component))
    return found


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [frozenset({"a", "b", "c"})]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_inside_models() -> None:
    graph = {k: v for k, v in _graph(None).items() if k.startswith("automation.models")}
    assert _cycles(graph) == []


def test_models_and_platforms_depend_on_nothing_above_them() -> None:
    graph = _graph(2)
    assert "automation.platforms" not in graph  # frozen data, importing nothing of automation
    assert graph["automation.models"] <= {"automation.errors", "automation.platforms"}


def test_no_import_cycles_between_packages() -> None:
    assert set(_cycles(_graph(2))) == KNOWN_PACKAGE_CYCLES
