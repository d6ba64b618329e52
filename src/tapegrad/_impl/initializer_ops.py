"""TensorFlow 2's `tf.*_initializer` classes (its `init_ops_v2`): callables
`(shape, dtype) -> Tensor` that the tf.Module and custom-layer guides use to make a
Variable's starting value (`w_init = tf.random_normal_initializer(); tf.Variable(w_init(shape))`).

Keras has its own (`keras.initializers`, whose default dtype is `floatx`); these are
TensorFlow's: the random ones default to float32 and refuse other dtypes, the constant one
takes the value's own dtype unless told, and a random one given a `seed` gives the same values
at every call (TensorFlow's stateless draw). The draws are tapegrad's, not TensorFlow's bits.
"""

from .._core import dtypes as _dt
from .._core.tensor import constant as _constant
from . import random_generators as _stateless
from . import random_ops as _random
from .creation_ops import ones as _ones
from .creation_ops import zeros as _zeros

__all__ = [
    "constant_initializer", "ones_initializer", "random_normal_initializer",
    "random_uniform_initializer", "zeros_initializer",
]


class Initializer:
    """The base of TensorFlow's initializers: `__call__(shape, dtype)`, `get_config` and
    `from_config`."""

    def __call__(self, shape, dtype=None, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define __call__(shape, dtype)")

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config.pop("dtype", None)  # TensorFlow 1's initializers saved one
        return cls(**config)


class zeros_initializer(Initializer):  # noqa: N801 - TensorFlow's name
    """Zeros of any dtype (float32 by default)."""

    def __call__(self, shape, dtype=_dt.float32, **kwargs):
        return _zeros(shape, dtype=dtype)


class ones_initializer(Initializer):  # noqa: N801 - TensorFlow's name
    """Ones of any dtype (float32 by default)."""

    def __call__(self, shape, dtype=_dt.float32, **kwargs):
        return _ones(shape, dtype=dtype)


class constant_initializer(Initializer):  # noqa: N801 - TensorFlow's name
    """`value` as a tensor of `shape`: a number fills it, a list or array must have as many
    elements as the shape (they are reshaped to it, as `tf.constant(value, shape=shape)`).

    Raises (when called):
        TypeError: if a list's number of elements is not the shape's.
    """

    def __init__(self, value=0, support_partition=False):
        self.value = value
        self.support_partition = support_partition

    def __call__(self, shape, dtype=None, **kwargs):
        try:
            return _constant(self.value, dtype=dtype, shape=shape)
        except (TypeError, ValueError) as err:  # a TypeError, as TensorFlow's eager tf.constant
            raise TypeError(f"constant_initializer: {err}") from None

    def get_config(self):
        return {"value": self.value}


def _floating(dtype):
    dtype = _dt.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"Argument `dtype` is expected to be floating point. Received: {dtype!r}.")
    return dtype


class random_normal_initializer(Initializer):  # noqa: N801 - TensorFlow's name
    """Normal draws (mean 0, standard deviation 0.05 by default), float dtypes only."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.seed = seed
        self.mean = mean
        self.stddev = stddev

    def __call__(self, shape, dtype=_dt.float32, **kwargs):
        dtype = _floating(dtype)
        if self.seed is None:
            return _random.normal(shape, self.mean, self.stddev, dtype=dtype)
        return _stateless.stateless_normal(shape, [self.seed, 0], self.mean, self.stddev, dtype)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class random_uniform_initializer(Initializer):  # noqa: N801 - TensorFlow's name
    """Uniform draws in [minval, maxval) (-0.05 and 0.05 by default), float dtypes only."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.seed = seed
        self.minval = minval
        self.maxval = maxval

    def __call__(self, shape, dtype=_dt.float32, **kwargs):
        dtype = _floating(dtype)
        if self.seed is None:
            return _random.uniform(shape, self.minval, self.maxval, dtype=dtype)
        return _stateless.stateless_uniform(shape, [self.seed, 0], self.minval, self.maxval,
                                         dtype)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}
