"""The package's import graph: cycles, layer violations and module sizes.

    python -m bench.import_graph          # prints the graph's summary; exit 1 on a violation

Every `import` and `from ... import` counts, including the deferred ones inside functions
(they still make a circle for a reader, and for anyone who moves them to the top). The layers,
lowest first: core; report; interview and batch (which may use report); cli. An arrow may
point only to a lower layer or within its own module's subpackage, never up or sideways.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "esj_review"
LAYER = {"_version": -1, "core": 0, "report": 1, "interview": 2, "batch": 2, "cli": 3}
MAX_LINES = 420


def module_name(path: Path) -> str:
    """`esj_review/core/rubric.py` -> `esj_review.core.rubric`."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name."""
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path, known: set[str]) -> Iterator[str]:
    """Package modules that `path` imports (a `from pkg import mod` names the module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known:
                    yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if not node.module.startswith("esj_review"):
                continue
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                yield sub if sub in known else node.module


def graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports."""
    found = modules()
    known = set(found)
    return {name: set(imports_of(path, known)) - {name} for name, path in found.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def layer_of(module: str) -> int | None:
    """The layer of a module, or None for the package root and `__main__`."""
    parts = module.split(".")
    return LAYER.get(parts[1]) if len(parts) > 1 else None


def layer_violations(edges: dict[str, set[str]]) -> list[str]:
    """Imports that point up a layer or sideways between interview and batch."""
    bad = []
    for source, targets in sorted(edges.items()):
        mine = layer_of(source)
        if mine is None:
            continue
        for target in sorted(targets):
            theirs = layer_of(target)
            if theirs is None:
                bad.append(f"{source} -> {target} (the package root is not a library layer)")
            elif theirs > mine or (theirs == mine and source.split(".")[1] != target.split(".")[1]):
                bad.append(f"{source} -> {target}")
    return bad


def long_modules() -> list[str]:
    """Modules over MAX_LINES lines."""
    out = []
    for name, path in modules().items():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            out.append(f"{name}: {lines} lines")
    return out


def main() -> int:
    """Print the summary; 1 when there is a cycle, a layer violation or a long module."""
    edges = graph()
    loops, bad, long = cycles(edges), layer_violations(edges), long_modules()
    print(f"{len(edges)} modules, {sum(len(t) for t in edges.values())} imports")
    print(f"cycles: {len(loops)}")
    for loop in loops:
        print("  " + " <-> ".join(loop))
    print(f"layer violations: {len(bad)}")
    for line in bad:
        print("  " + line)
    print(f"modules over {MAX_LINES} lines: {len(long)}")
    for line in long:
        print("  " + line)
    return 1 if loops or bad or long else 0


if __name__ == "__main__":
    sys.exit(main())
