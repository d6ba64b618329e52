"""`tapegrad.keras` uses only tapegrad's public API, as Keras 3 uses only its backend's.

Read from the source with `ast`, every module under keras/ must not
- import a private tapegrad module or name (`tapegrad._core`, `..data._batching`, `_x`), by
  an import statement or by name (`importlib.import_module("tapegrad._core...")`);
- read or write a private attribute of the engine's objects (a tensor's `_value`, a variable's
  `_tid` or `_read`, a tape's `_records`, ...) on anything but `self` or `cls`, nor on `self`
  in a class that derives from an engine class (KerasVariable from Variable);
- reach into a tapegrad module through a private name (`tf._core`).
The one exception is `_keras_mask`, the slot a tensor keeps for Keras's mask (as TensorFlow's
tensors carry Keras's `_keras_mask`): Keras owns it, and only `keras/layers/masking_utils.py`
(Keras 3's `get_keras_mask` / `set_keras_mask`) touches it.
Where Keras needs something the public API lacks, the engine gets a public, documented API.
"""

import ast
import importlib
import inspect
from pathlib import Path

import tapegrad as tf

SRC = Path(__file__).resolve().parents[1] / "src"
KERAS = SRC / "tapegrad" / "keras"

# Named in issue 9; the others are read from the engine's classes below.
_KNOWN_ENGINE_PRIVATE = {"_value", "_tid", "_tapes", "_read"}
# Attributes the engine's objects hold for Keras, and the one module that touches each.
_KERAS_OWNED = {"_keras_mask": "tapegrad.keras.layers.masking_utils"}


def _private(name):
    return name.startswith("_") and not name.endswith("__")


def engine_classes():
    """The classes of tapegrad's public API outside keras (Tensor, Variable, GradientTape,
    Module, ForwardAccumulator, TensorShape, DType, ...)."""
    found = {}
    for namespace in (tf, tf.autodiff):
        for value in vars(namespace).values():
            if isinstance(value, type) and value.__module__.startswith("tapegrad"):
                found[value.__qualname__] = value
    return [cls for cls in found.values() if not cls.__module__.startswith("tapegrad.keras")]


def private_names(classes):
    """The private attribute names the classes (and their bases) define: in their bodies,
    their __slots__, and on a sample instance where one is cheap to make."""
    names = set()
    for cls in classes:
        for klass in cls.__mro__:
            if klass is object:
                continue
            names.update(n for n in vars(klass) if _private(n))
            names.update(n for n in getattr(klass, "__slots__", ()) if _private(n))
    for sample in (tf.constant(1.0), tf.Variable(1.0), tf.GradientTape()):
        if isinstance(sample, tuple(classes)):
            names.update(n for n in getattr(sample, "__dict__", {}) if _private(n))
    return names


def _module_name(path):
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


def _absolute(module, is_package, level, name):
    if not level:
        return name or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def _outside_keras(module):
    return module.startswith("tapegrad") and not module.startswith("tapegrad.keras")


class _Scanner(ast.NodeVisitor):
    """Collects the violations of one module's source."""

    def __init__(self, module, is_package, engine_private, engine_bases):
        self.module, self.is_package = module, is_package
        self.engine_private = engine_private
        # {class name in this module: private names of the engine classes it derives from}
        self.engine_bases = engine_bases
        self.tapegrad_names = set()  # local names bound to tapegrad modules outside keras
        self.own_private = set()  # inside a class deriving from an engine class
        self.found = []

    def _report(self, node, what):
        self.found.append(f"{self.module}:{node.lineno}: {what}")

    def visit_Import(self, node):
        for alias in node.names:
            if _outside_keras(alias.name):
                if any(_private(part) for part in alias.name.split(".")):
                    self._report(node, f"imports the private module {alias.name}")
                self.tapegrad_names.add((alias.asname or alias.name).split(".")[0])

    def visit_ImportFrom(self, node):
        base = _absolute(self.module, self.is_package, node.level, node.module)
        if not _outside_keras(base):
            return
        if any(_private(part) for part in base.split(".")):
            self._report(node, f"imports from the private module {base}")
        for alias in node.names:
            if _private(alias.name):
                self._report(node, f"imports the private name {alias.name} from {base}")
            elif alias.name != "*" and _is_module(f"{base}.{alias.name}"):
                self.tapegrad_names.add(alias.asname or alias.name)

    def visit_ClassDef(self, node):
        outer = self.own_private
        self.own_private = self.engine_bases.get(node.name, set())
        self.generic_visit(node)
        self.own_private = outer

    def visit_Constant(self, node):
        if isinstance(node.value, str) and node.value.startswith("tapegrad."):
            parts = node.value.split(".")
            if _outside_keras(node.value) and any(_private(p) for p in parts):
                self._report(node, f"names the private module {node.value!r}")

    def visit_Attribute(self, node):
        attr, base = node.attr, node.value
        if attr in _KERAS_OWNED:
            if self.module != _KERAS_OWNED[attr]:
                self._report(node, f"touches {ast.unparse(node)} outside {_KERAS_OWNED[attr]}")
        elif _private(attr):
            own = isinstance(base, ast.Name) and base.id in ("self", "cls")
            if isinstance(base, ast.Name) and base.id in self.tapegrad_names:
                self._report(node, f"reads the private {base.id}.{attr} of a tapegrad module")
            elif not own and attr in self.engine_private:
                self._report(node, f"touches the engine's private {ast.unparse(node)}")
            elif own and attr in self.own_private:
                self._report(node, f"touches its engine base class's private {attr}")
        self.generic_visit(node)


def _is_module(name):
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def scan(source, module, is_package=False, engine_private=None, engine_bases=None):
    """The violations of the rules above in `source`, the text of module `module`."""
    scanner = _Scanner(
        module,
        is_package,
        private_names(engine_classes()) | _KNOWN_ENGINE_PRIVATE
        if engine_private is None
        else engine_private,
        engine_bases or {},
    )
    scanner.visit(ast.parse(source))
    return scanner.found


def _engine_bases(module):
    """{class name: private names of its engine base classes} for the classes of `module`
    that derive from an engine class."""
    engines = tuple(engine_classes())
    out = {}
    for name, cls in vars(importlib.import_module(module)).items():
        if inspect.isclass(cls) and cls.__module__ == module and issubclass(cls, engines):
            # The engine's classes only: a keras base class's privates (Layer's, RNN's) are
            # keras's own.
            bases = [k for k in cls.__mro__ if k in engines]
            out[name] = private_names(bases)
    return out


def test_keras_uses_only_the_public_api():
    engine_private = private_names(engine_classes()) | _KNOWN_ENGINE_PRIVATE
    found = []
    for path in sorted(KERAS.rglob("*.py")):
        module, is_package = _module_name(path)
        bases = _engine_bases(module) if "class " in path.read_text() else {}
        found += scan(path.read_text(), module, is_package, engine_private, bases)
    assert not found, "keras reaches into tapegrad's internals:\n" + "\n".join(found)


def test_the_scan_finds_each_kind_of_reach():
    source = """
import tapegrad as tf
import tapegrad._core.tape
from ..._core.variable import Variable
from ...data import _batching
from ... import _operators
import importlib

class Mine(Variable):
    def f(self):
        return self._value

def g(v, layer):
    v._value = 1
    v._read()
    layer._layers.append(v)   # a keras object's own attribute: not the engine's
    importlib.import_module("tapegrad._core.state")
    return tf._core
"""
    found = scan(
        source,
        "tapegrad.keras.layers.probe",
        engine_private={"_value", "_read"},
        engine_bases={"Mine": {"_value"}},
    )
    assert [f.split(": ", 1)[1] for f in found] == [
        "imports the private module tapegrad._core.tape",
        "imports from the private module tapegrad._core.variable",
        "imports the private name _batching from tapegrad.data",
        "imports the private name _operators from tapegrad",
        "touches its engine base class's private _value",
        "touches the engine's private v._value",
        "touches the engine's private v._read",
        "names the private module 'tapegrad._core.state'",
        "reads the private tf._core of a tapegrad module",
    ]


def test_the_engine_private_names_are_found():
    names = private_names(engine_classes())
    assert {"_value", "_tid", "_read"} <= names
    assert {tf.Tensor, tf.Variable, tf.GradientTape} <= set(engine_classes())
