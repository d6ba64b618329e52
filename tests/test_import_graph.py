"""The package's modules form a strict stack: no import cycle, function-local imports included.

The graph is read from the source with `ast`: every `import` and `from ... import` anywhere in a
module (at the top, inside a function, under an `if`) is an edge to each tapegrad module it
names, and to the packages above that module, whose `__init__` the import runs; `from a import
b` names `a.b` when that is a module. A module's own packages are initialized before it runs,
so they are no edge of it. The sub-packages that `tapegrad.__getattr__` loads on first use
(keras, test, datasets, ...) are loaded by name, not imported: they sit above the package.
"""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "tapegrad"


def _modules():
    """{module name: path} for every module of the package."""
    found = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _absolute(module, is_package, level, name):
    """The absolute name of a (possibly relative) import made in `module`."""
    if not level:
        return name
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def _packages(name):
    """`name` and the packages above it."""
    parts = name.split(".")
    return {".".join(parts[:k]) for k in range(1, len(parts) + 1)}


def import_graph():
    """{module: set of package modules it imports, at any depth of its code}."""
    modules = _modules()
    graph = {}
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        named = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                named.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = _absolute(module, is_package, node.level, node.module)
                named.add(base)
                named.update(f"{base}.{alias.name}" for alias in node.names)
        edges = set().union(*map(_packages, named)) & set(modules) if named else set()
        graph[module] = edges - _packages(module)
    return graph


def _cycle(graph):
    """One import cycle as a list of modules, or None."""
    state = {}

    def visit(node, path):
        state[node] = "open"
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt, path)
                if found:
                    return found
        path.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node, [])
            if found:
                return found
    return None


def test_the_graph_sees_function_local_and_relative_imports():
    graph = import_graph()
    assert "tapegrad._core.tensor" in graph["tapegrad._core.variable"]
    assert "tapegrad._core.state" in graph["tapegrad._impl.random_ops"]
    assert "tapegrad" not in graph["tapegrad._core.variable"]  # its own package


def test_a_cycle_is_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycle(graph) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_among_the_package_modules():
    cycle = _cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)
