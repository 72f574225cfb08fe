"""The package's layering, read from the source (ast, nothing is imported): no import cycle, and
no edge from a lower layer to a higher one. docs/ARCHITECTURE.md explains the layers."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "pcelint"

# Lowest first. A module may import modules of its own layer or of a lower one; within a layer the
# cycle check keeps the graph honest. A module is matched by its longest listed prefix.
LAYERS = (
    ("base", ("pcelint", "pcelint.core", "pcelint.about", "pcelint.errors", "pcelint.limits",
              "pcelint.core.findings", "pcelint.core.names", "pcelint.core.mask",
              "pcelint.core.listing")),
    ("model", ("pcelint.core.loader", "pcelint.core.model", "pcelint.core.schema",
               "pcelint.core.comments", "pcelint.core.rule", "pcelint.core.keys",
               "pcelint.core.owners", "pcelint.core.options")),
    ("inputs", ("pcelint.inputs",)),
    ("rules", ("pcelint.rules",)),
    ("registry", ("pcelint.core.registry",)),
    ("engine", ("pcelint.core.engine", "pcelint.core.cache", "pcelint.core.forkpool")),
    ("post", ("pcelint.post", "pcelint.settings", "pcelint.config", "pcelint.config_values",
              "pcelint.typed", "pcelint.progress", "pcelint.discovery",
              "pcelint.reporters")),
    ("pipeline", ("pcelint.core.pipeline",)),
    ("commands", ("pcelint.commands", "pcelint.diff")),
    ("cli", ("pcelint.cli", "pcelint.__main__")),
)


def module_files() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def import_graph(files: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the package modules it imports, at any depth of the file (function-level
    imports count: they only hide a cycle, they do not remove it)."""
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(parts + ([base] if base else []))
                # `from pcelint.x import y`: y is a module when pcelint.x.y is one
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in files else base
                           for a in node.names]
            for target in targets:
                while target and target not in files:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def layer_of(module: str) -> int:
    best, rank = -1, None
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            # a package that only groups modules names itself, not everything under it
            inside = prefix not in ("pcelint", "pcelint.core") and module.startswith(prefix + ".")
            if (module == prefix or inside) and len(prefix) > best:
                best, rank = len(prefix), index
    if rank is None:
        raise AssertionError(f"module '{module}' is in no layer: add it to LAYERS")
    return rank


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path [a, b, ..., a], or None."""
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    for start in sorted(graph):
        if state.get(start):
            continue
        stack = [(start, iter(sorted(graph[start])))]
        path = [start]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif state.get(child) == 1:
                return path[path.index(child):] + [child]
            elif not state.get(child):
                state[child] = 1
                stack.append((child, iter(sorted(graph.get(child, ())))))
                path.append(child)
    return None


def upward_edges(graph: dict[str, set[str]]) -> list[str]:
    return sorted(f"{a} ({LAYERS[layer_of(a)][0]}) -> {b} ({LAYERS[layer_of(b)][0]})"
                  for a, targets in graph.items() for b in targets if layer_of(b) > layer_of(a))


def test_the_package_has_no_import_cycle():
    assert find_cycle(import_graph(module_files())) is None


def test_no_module_imports_a_higher_layer():
    assert upward_edges(import_graph(module_files())) == []


def test_every_module_is_in_a_layer():
    for name in module_files():
        layer_of(name)
    with pytest.raises(AssertionError, match="is in no layer"):
        layer_of("pcelint.somewhere_new")


def test_the_graph_sees_the_real_edges():
    graph = import_graph(module_files())
    assert "pcelint.core.engine" in graph["pcelint.core.pipeline"]
    assert "pcelint.inputs.tls.parse" in graph["pcelint.inputs.tls.provider"]  # a lazy import
    assert "pcelint.core.comments" in graph["pcelint.rules.file"]


@pytest.mark.parametrize("graph, cycle", [
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
    ({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
    ({"a": {"b", "c"}, "b": {"c"}, "c": set()}, None),
])
def test_the_cycle_check_finds_a_synthetic_cycle(graph, cycle):
    assert find_cycle(graph) == cycle


def test_an_upward_edge_is_reported():
    graph = {"pcelint.core.loader": {"pcelint.core.pipeline"}, "pcelint.core.pipeline": set()}
    assert upward_edges(graph) == ["pcelint.core.loader (model) -> pcelint.core.pipeline (pipeline)"]
