"""`KerasTensor`, the symbolic tensor of the functional API.

A KerasTensor has a shape (None for unknown dimensions, the batch first), a dtype and the call
that produced it; it holds no value. Layers and Keras operations (`keras.ops`, Python's
operators, see `keras/operation.py`) called on KerasTensors record a `Node` (`keras/node.py`)
of a graph, which a functional model replays on real data. Anything else that would need a value (a `tf.*` op,
`np.asarray`, `bool`) raises Keras 3's error, which says to use a layer or `keras.ops`.
"""

import numpy as np

import tapegrad as tf

from . import backend
from .backend import standardize_dtype
from .tree import flatten, pack_sequence_as

__all__ = [
    "KerasTensor",
    "any_symbolic_tensors",
    "concrete_like",
    "is_keras_tensor",
    "standardize_dtype",
    "symbolic_leaves",
]

_NO_VALUE = (
    "A KerasTensor is symbolic: it's a placeholder for a shape an a dtype. It doesn't have any "
    "actual numerical value. You cannot convert it to {}."
)

_NOT_A_TF_INPUT = (
    "A KerasTensor cannot be used as input to a TensorFlow function. A KerasTensor is a "
    "symbolic placeholder for a shape and dtype, used when constructing Keras Functional models "
    "or Keras Functions. You can only use it as input to a Keras layer or a Keras operation "
    "(from the namespaces `keras.layers` and `keras.ops`). You are likely doing something "
    "like:\n\n```\nx = Input(...)\n...\ntf_fn(x)  # Invalid.\n```\n\nWhat you should do "
    "instead is wrap `tf_fn` in a layer:\n\n```\nclass MyLayer(Layer):\n    def call(self, x):"
    "\n        return tf_fn(x)\n\nx = MyLayer()(x)\n```\n"
)


class KerasTensor:
    """A symbolic tensor: a shape, a dtype and the layer or operation call that produces it.

    Python's operators (`2 * x + 1`, `x[:, 0]`, `x @ w`, `x > 0`) and `keras.ops` functions on
    KerasTensors build the graph, as in Keras 3 (see `keras/operation.py`).

    Args:
        shape: the shape, None for unknown dimensions.
        dtype: the dtype (default `floatx()`); `dtype` reads back as its name, "float32".
        name: a name for display (default "keras_tensor", "keras_tensor_1", ...).
    """

    def __init__(self, shape, dtype="float32", sparse=False, ragged=False, name=None, history=None):
        self._shape = tuple(None if d is None else int(d) for d in shape)
        self._dtype = standardize_dtype(dtype)
        self.name = name or backend.unique_name("keras_tensor")
        self._history = history  # (layer or operation, node index, output index)

    @property
    def shape(self):
        """The shape, a tuple (None for unknown dimensions)."""
        return self._shape

    @property
    def dtype(self):
        """The dtype's name, e.g. "float32" (it compares equal to `tf.float32`)."""
        return self._dtype

    @property
    def ndim(self):
        return len(self._shape)

    @property
    def sparse(self):
        return False

    @property
    def ragged(self):
        return False

    def __repr__(self):
        return (
            f"<KerasTensor shape={self._shape}, dtype={self._dtype}, sparse=False, "
            f"ragged=False, name={self.name}>"
        )

    def _concrete(self, fill, size=1):
        """A real tensor of this shape (unknown dimensions `size`) filled with `fill`."""
        shape = [size if d is None else d for d in self._shape]
        if self._dtype == "string":
            return tf.constant(np.full(shape, b"" if fill == 0 else fill, dtype=object))
        return tf.fill(shape, tf.cast(fill, self._dtype))

    def _zeros(self):
        return self._concrete(0)

    # -- what a symbolic tensor cannot do (Keras 3's errors) --------------------------------
    def __tf_tensor__(self, dtype=None, name=None):
        raise ValueError(_NOT_A_TF_INPUT)

    def __array__(self, dtype=None, copy=None):
        raise ValueError(_NO_VALUE.format("a NumPy array"))

    def __int__(self):
        raise ValueError(_NO_VALUE.format("an int"))

    def __float__(self):
        raise ValueError(_NO_VALUE.format("a float"))

    def __bool__(self):
        raise TypeError("A symbolic KerasTensor cannot be used as a boolean.")

    def __iter__(self):
        raise NotImplementedError("Iterating over a symbolic KerasTensor is not supported.")

    def numpy(self):
        raise ValueError(_NO_VALUE.format("a NumPy array"))


def is_keras_tensor(x):
    """Whether `x` is a KerasTensor (a symbolic placeholder of the functional API)."""
    return isinstance(x, KerasTensor)


def any_symbolic_tensors(args=(), kwargs=None):
    """Whether any KerasTensor is among `args` and the values of `kwargs`, at any depth."""
    for leaf in flatten([list(args), dict(kwargs or {})]):
        if isinstance(leaf, KerasTensor):
            return True
    return False


def symbolic_leaves(structure):
    """The KerasTensors among the leaves of `structure`."""
    return [leaf for leaf in flatten(structure) if isinstance(leaf, KerasTensor)]


def concrete_like(structure, fill, size=1):
    """`structure` with each KerasTensor replaced by a real tensor filled with `fill`."""
    return pack_sequence_as(
        structure,
        [
            leaf._concrete(fill, size) if isinstance(leaf, KerasTensor) else leaf
            for leaf in flatten(structure)
        ],
    )
