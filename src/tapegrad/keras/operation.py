"""Operations: functions that, applied to KerasTensors, become nodes of a functional graph.

Keras 3 lets any operation take symbolic tensors: `2 * keras.Input(shape=()) + 1` or
`keras.ops.log(inputs)` adds a node to the graph, which a functional model runs on real data,
and which `summary()` lists (but `model.layers` does not: an operation has no weights).
`keras_op` gives a function that behaviour:

    @keras_op
    def log(x):
        return tf.math.log(tf.cast(x, "float32"))

`log(tensor)` computes at once; `log(keras_tensor)` returns a KerasTensor whose shape and dtype
come from running the function on stand-in values (unknown dimensions at two sizes, to tell
which output dimensions follow them). Python's operators on KerasTensors are such operations,
computing with Keras 3's dtype promotion (`int_tensor * 0.5` is float32), as `keras.ops` does.
"""

import functools
import importlib
import math

import numpy as np

import tapegrad as tf

from . import backend
from .keras_tensor import (
    KerasTensor,
    any_symbolic_tensors,
    concrete_like,
    standardize_dtype,
    symbolic_leaves,
)
from .node import Node
from .promotion import result_type
from .tree import flatten, pack_sequence_as

__all__ = ["Operation", "keras_op", "operation_class"]

_CLASSES = {}
# The functions of the operations Python's operators make, by operation name ("multiply"): a
# saved functional model names its operations by class ("Multiply"), and loading finds them here.
_FUNCTIONS = {}


def _class_for(name):
    """The Operation subclass named after an operation ("multiply" -> Multiply): the class
    name is what `summary()` shows, as Keras's operation classes."""
    cls = _CLASSES.get(name)
    if cls is None:
        title = "".join(part.capitalize() for part in name.split("_")) or "Operation"
        cls = _CLASSES[name] = type(title, (Operation,), {"__module__": __name__})
    return cls


class Operation:
    """One application of a function in a functional graph (Keras's `Operation`).

    Made by `keras_op` functions when they receive a KerasTensor; holds the node of that call.
    It has no weights, is not a layer of the model, and is listed by `summary()`.
    """

    built = True
    trainable = False
    keras_operation_module = "keras.src.ops.numpy"  # where Keras's configs place operations
    weights = trainable_weights = non_trainable_weights = ()

    def __new__(cls, fn, name):
        if cls is Operation:
            cls = _class_for(name)
        return object.__new__(cls)

    def __init__(self, fn, name):
        self.fn = fn
        self.name = backend.unique_name(name)
        self._inbound_nodes = []

    def count_params(self):
        return 0

    def __call__(self, *args, **kwargs):
        if any_symbolic_tensors(args, kwargs):
            return self.symbolic_call(*args, **kwargs)
        return self.fn(*args, **kwargs)

    def symbolic_call(self, *args, **kwargs):
        """Records the call as a node and returns KerasTensors for its outputs."""
        structure = (args, kwargs)
        symbolic = symbolic_leaves(structure)
        outputs = self._run(structure, 1)
        shapes = [tuple(out.shape) for out in flatten(outputs)]
        if any(None in t.shape for t in symbolic):
            shapes = _unknown_dims(shapes, self._rerun(structure), symbolic)
        index = len(self._inbound_nodes)
        results = [
            KerasTensor(shape, out.dtype.name, history=(self, index, i))
            for i, (shape, out) in enumerate(zip(shapes, flatten(outputs)))
        ]
        packed = pack_sequence_as(outputs, results)
        self._inbound_nodes.append(_OperationNode(self, args, (), kwargs, packed))
        return packed

    def _run(self, structure, size):
        """The function's outputs on stand-ins for the KerasTensors: ones (defined for the
        usual ops: log, division, sqrt), unknown dimensions of `size`."""
        args, kwargs = concrete_like(structure, 1, size)
        with np.errstate(all="ignore"):
            outputs = self.fn(*args, **kwargs)
        return pack_sequence_as(outputs, [tf.convert_to_tensor(o) for o in flatten(outputs)])

    def _rerun(self, structure):
        try:
            return [tuple(out.shape) for out in flatten(self._run(structure, 2))]
        except (ValueError, TypeError, IndexError):  # a size that only works as 1 (broadcast)
            return None

    def __repr__(self):
        return f"<Operation name={self.name}>"

    def get_config(self):
        return {"name": self.name}

    @classmethod
    def from_config(cls, config):
        """The operation a saved functional model names by its class ("Multiply")."""
        name = backend.to_snake_case(cls.__name__)
        fn = operation_function(name)
        if fn is None:
            raise TypeError(
                f"Could not deserialize operation '{cls.__name__}': tapegrad has no Keras "
                f"operation '{name}'."
            )
        return cls(fn, config.get("name", name))


def operation_class(class_name):
    """The Operation class of a Keras operation class name ("Multiply"), or None if tapegrad
    has no such operation."""
    name = backend.to_snake_case(class_name)
    return _class_for(name) if operation_function(name) is not None else None


def operation_function(name):
    """The function of the Keras operation `name` ("multiply", "log"): an operator's, else
    keras.ops's; None if there is none."""
    fn = _FUNCTIONS.get(name)
    if fn is None:
        # keras.ops builds on this module: it is loaded by name, as `keras.ops` is.
        ops = importlib.import_module("tapegrad.keras.ops")
        fn = getattr(ops, name, None)
    return getattr(fn, "__wrapped__", fn) if callable(fn) else None


def _unknown_dims(shapes, others, symbolic):
    """Output dimensions that changed with the unknown input dimensions are unknown. Without a
    second run, a leading 1 of an output is the unknown batch (the inputs' first dimension)."""
    if others is not None and [len(s) for s in others] == [len(s) for s in shapes]:
        return [tuple(None if a != b else a for a, b in zip(s, o)) for s, o in zip(shapes, others)]
    batch_unknown = symbolic[0].ndim > 0 and symbolic[0].shape[0] is None
    return [(None,) + s[1:] if batch_unknown and s and s[0] == 1 else s for s in shapes]


class _OperationNode(Node):
    """A node of an operation: replayed by calling its function on the real values."""

    def run(self, values):
        args, _, kwargs = pack_sequence_as(
            (self.inputs, self.args, self.kwargs),
            [values[id(leaf)] if isinstance(leaf, KerasTensor) else leaf for leaf in self.leaves],
        )
        return self.layer.fn(*args, **kwargs)


def keras_op(fn=None, *, name=None):
    """Makes `fn` a Keras operation: on KerasTensors it adds a node to the functional graph
    (named `name`, by default the function's name) instead of computing.

    Usable as `@keras_op` or `@keras_op(name="multiply")`.
    """

    def wrap(f):
        op_name = name or f.__name__.strip("_")

        @functools.wraps(f)
        def op(*args, **kwargs):
            if any_symbolic_tensors(args, kwargs):
                return Operation(f, op_name).symbolic_call(*args, **kwargs)
            return f(*args, **kwargs)

        return op

    return wrap if fn is None else wrap(fn)


# -- Python's operators on KerasTensors, computing as keras.ops does ---------------------------


def _dtype(x, weak):
    """The promotion input of `x`: a tensor's dtype, Python's type for a number (weak when
    `weak`, as Keras's arithmetic; converted as int32 / float32 otherwise, as its comparisons)."""
    if isinstance(x, bool):
        return "bool"
    if isinstance(x, (int, float)):
        if weak:
            return type(x)
        return "int32" if isinstance(x, int) else "float32"
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        return tf.convert_to_tensor(x).dtype.name
    return standardize_dtype(dtype)


def _as(x, dtype):
    if tf.is_tensor(x):
        return tf.cast(x, dtype)
    return tf.convert_to_tensor(
        np.asarray(x).astype(dtype) if not np.isscalar(x) else x, dtype=dtype
    )


def _promoting(fn, weak=True, extra=()):
    """`fn(x1, x2)` on both operands cast to their Keras result type."""

    def op(x1, x2):
        dtype = result_type(_dtype(x1, weak), _dtype(x2, weak), *extra)
        return fn(_as(x1, dtype), _as(x2, dtype))

    return op


def _floor_mod(x1, x2):
    dtype = result_type(_dtype(x1, False), _dtype(x2, False))
    dtype = "int32" if dtype == "bool" else dtype
    return tf.math.floormod(_as(x1, dtype), _as(x2, dtype))


def _matmul(x1, x2):
    result = result_type(_dtype(x1, False), _dtype(x2, False))
    compute = result_type(result, float)
    out = tf.matmul(_as(x1, compute), _as(x2, compute))
    return tf.cast(out, result)


def _logical(fn):
    return lambda *xs: fn(*[_as(x, "bool") for x in xs])


def _absolute(x):
    dtype = standardize_dtype(x.dtype)
    return x if "uint" in dtype or dtype == "bool" else tf.abs(x)


def _round(x, decimals=0):
    if decimals == 0:
        return tf.round(x)
    dtype = x.dtype
    if dtype.is_integer:
        if decimals > 0:
            return x
        x = tf.cast(x, backend.floatx())
    factor = tf.cast(math.pow(10, decimals), x.dtype)
    return tf.cast(tf.round(x * factor) / factor, dtype)


_BINARY = {
    "add": ("add", _promoting(tf.add)),
    "sub": ("subtract", _promoting(tf.subtract)),
    "mul": ("multiply", _promoting(tf.multiply)),
    "truediv": ("true_divide", _promoting(tf.divide, extra=(float,))),
    "floordiv": ("floor_divide", _promoting(tf.math.floordiv)),
    "mod": ("mod", _floor_mod),
    "pow": ("power", _promoting(tf.pow)),
    "matmul": ("matmul", _matmul),
    "and": ("logical_and", _logical(tf.math.logical_and)),
    "or": ("logical_or", _logical(tf.math.logical_or)),
    "xor": ("logical_xor", _logical(tf.math.logical_xor)),
}
_COMPARISONS = {
    "lt": ("less", tf.less),
    "le": ("less_equal", tf.less_equal),
    "gt": ("greater", tf.greater),
    "ge": ("greater_equal", tf.greater_equal),
    "ne": ("not_equal", tf.not_equal),
}


def _get_item(x, key):
    # A key read back from JSON is a list: Keras's GetItem takes it as a tuple.
    return x[tuple(key) if isinstance(key, list) else key]


def _install():
    def binary(name, fn):
        _FUNCTIONS[name] = fn
        return (
            lambda self, other: Operation(fn, name).symbolic_call(self, other),
            lambda self, other: Operation(fn, name).symbolic_call(other, self),
        )

    for dunder, (name, fn) in _BINARY.items():
        op, rop = binary(name, fn)
        setattr(KerasTensor, f"__{dunder}__", op)
        setattr(KerasTensor, f"__r{dunder}__", rop)
    for dunder, (name, fn) in _COMPARISONS.items():
        setattr(KerasTensor, f"__{dunder}__", binary(name, _promoting(fn, weak=False))[0])
    _FUNCTIONS.update(get_item=_get_item, round=_round, reshape=tf.reshape, squeeze=tf.squeeze)
    unary = {
        "neg": ("negative", tf.negative),
        "abs": ("absolute", _absolute),
        "invert": ("logical_not", _logical(tf.math.logical_not)),
    }
    for dunder, (name, fn) in unary.items():
        _FUNCTIONS[name] = fn
        setattr(
            KerasTensor,
            f"__{dunder}__",
            lambda self, _fn=fn, _name=name: Operation(_fn, _name).symbolic_call(self),
        )
    KerasTensor.__getitem__ = lambda self, key: Operation(_get_item, "get_item").symbolic_call(
        self, key
    )
    KerasTensor.__round__ = lambda self, ndigits=None: Operation(_round, "round").symbolic_call(
        self, ndigits or 0
    )
    KerasTensor.reshape = lambda self, newshape: Operation(tf.reshape, "reshape").symbolic_call(
        self, newshape
    )
    KerasTensor.squeeze = lambda self, axis=None: Operation(tf.squeeze, "squeeze").symbolic_call(
        self, axis
    )
    # Keras defines `!=` but not `==`: KerasTensors compare (and hash) by identity.
    KerasTensor.__hash__ = object.__hash__


_install()
