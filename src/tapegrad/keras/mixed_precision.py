"""`keras.mixed_precision`: dtype policies, and the loss scaling that float16 training needs.

A layer's policy sets the dtype of its variables and the dtype it computes in. "float32" (the
default) uses float32 for both; "mixed_float16" keeps float32 variables and computes in
float16: the layer casts its floating inputs to float16 and reads its variables as float16
inside `call`, as Keras 3 does. `set_global_policy` sets the policy of layers created
afterwards, and `Model.compile` then wraps the optimizer in a `LossScaleOptimizer`.
"""

import tapegrad as tf

from . import backend

__all__ = [  # noqa: F822 - LossScaleOptimizer loads on first use (module __getattr__)
    "DTypePolicy",
    "LossScaleOptimizer",
    "Policy",
    "dtype_policy",
    "global_policy",
    "set_dtype_policy",
    "set_global_policy",
]


class DTypePolicy:
    """A layer's dtypes: `variable_dtype` for its weights, `compute_dtype` for its inputs and
    computations.

    Args:
        name: a float dtype name ("float32", "float16", "bfloat16", "float64"), or
            "mixed_float16" / "mixed_bfloat16" (float32 variables, 16-bit compute); default
            `keras.backend.floatx()`.

    Raises:
        ValueError: for any other name.
    """

    def __init__(self, name=None):
        if name is None:
            name = backend.floatx()
        if not isinstance(name, str):
            raise TypeError(
                f"'name' must be a string, such as 'mixed_float16'. Received: name={name} "
                f"(of type {type(name)})"
            )
        if name.startswith("mixed_"):
            compute, variable = name[len("mixed_") :], "float32"
            valid = compute in ("float16", "bfloat16")
        else:
            compute = variable = name
            try:
                valid = tf.as_dtype(name).name == name
            except TypeError:
                valid = False
        if not valid:
            raise ValueError(
                f"Cannot convert '{name}' to a mixed precision DTypePolicy. Valid policies "
                "include 'mixed_float16', 'mixed_bfloat16', and the name of any float dtype "
                "such as 'float32'."
            )
        self._name = name
        self._compute_dtype = compute
        self._variable_dtype = variable

    @property
    def name(self):
        return self._name

    @property
    def compute_dtype(self):
        """The dtype of the layer's computations and outputs."""
        return self._compute_dtype

    @property
    def variable_dtype(self):
        """The dtype of the layer's weights."""
        return self._variable_dtype

    def get_config(self):
        return {"name": self._name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __eq__(self, other):
        return isinstance(other, DTypePolicy) and other.name == self._name

    def __hash__(self):
        return hash(self._name)

    def __repr__(self):
        return f'<DTypePolicy "{self._name}">'


Policy = DTypePolicy  # tf.keras 2's name
_GLOBAL = [None]


def set_global_policy(policy):
    """Sets the policy of the layers created from now on ("mixed_float16", "float32", a
    DTypePolicy, or None to go back to floatx)."""
    _GLOBAL[0] = None if policy is None else get(policy)


set_dtype_policy = set_global_policy  # Keras 3's name (keras.config)


def global_policy():
    """The policy new layers take: the one set by `set_global_policy`, else floatx's."""
    return _GLOBAL[0] or DTypePolicy(backend.floatx())


dtype_policy = global_policy  # Keras 3's name (keras.config)


def get(identifier):
    """A DTypePolicy from None (the global policy), a name, a dtype, a config dict or a
    policy."""
    if identifier is None:
        return global_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        from .saving import deserialize_keras_object

        return deserialize_keras_object(identifier)
    if isinstance(identifier, str):
        return DTypePolicy(identifier)
    name = getattr(identifier, "name", None)
    if isinstance(name, str):  # a DType
        return DTypePolicy(name)
    try:
        return DTypePolicy(tf.as_dtype(identifier).name)
    except TypeError:
        raise ValueError(
            f"Cannot interpret `dtype` argument. Expected a string or an instance of "
            f"DTypePolicy. Received: dtype={identifier!r}"
        ) from None


def __getattr__(name):
    # LossScaleOptimizer is an optimizer: it loads with them.
    if name == "LossScaleOptimizer":
        from .optimizers import LossScaleOptimizer

        return LossScaleOptimizer
    raise AttributeError(f"module 'keras.mixed_precision' has no attribute {name!r}")
