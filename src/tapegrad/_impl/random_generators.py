"""`tf.random`'s generators and stateless ops: Generator, get_global_generator, categorical,
stateless_uniform / stateless_normal / stateless_truncated_normal, gamma and poisson.

A `Generator` owns a NumPy generator on the Philox counter-based bit generator (the algorithm
TensorFlow's generators use, though not TensorFlow's way of turning its bits into numbers: the
same seed gives other numbers than TensorFlow's, as for every random op here). A stateless op
makes a fresh Philox stream from its two-number seed each call, so the same seed gives the same
numbers every time.
"""

import numpy as np

from .._core import dtypes as _dt
from .._core.errors import InvalidArgumentError
from .._core.tensor import convert_to_tensor as _tensor
from .arguments import shape_arg as _shape_arg
from .random_ops import _normal, _truncated_normal, _uniform, drawing, generator, sampled

__all__ = [
    "Generator", "get_global_generator", "set_global_generator", "categorical",
    "stateless_uniform", "stateless_normal", "stateless_truncated_normal", "stateless_categorical",
    "gamma", "poisson",
]


def _philox(seed):
    return np.random.Generator(np.random.Philox(seed))


class _Drawing:
    """A NumPy generator that reports each draw (see random_ops.drawing)."""

    __slots__ = ("rng",)

    def __init__(self, rng):
        self.rng = rng

    def __getattr__(self, name):
        drawing()
        return getattr(self.rng, name)


class Generator:
    """A random number generator with its own state, as `tf.random.Generator`.

    Make one with `Generator.from_seed(seed)` (repeatable) or
    `Generator.from_non_deterministic_state()`; draw with `normal`, `uniform`,
    `truncated_normal`; `split(n)` gives `n` independent generators; `make_seeds(n)` gives seeds
    for the stateless ops.
    """

    def __init__(self, copy_from=None, seed=None):
        if copy_from is not None:
            seed = copy_from._seed
        self._seed = seed
        self._rng = _Drawing(_philox(seed))

    @classmethod
    def from_seed(cls, seed, alg=None):
        """A generator whose draws are determined by the integer `seed`."""
        return cls(seed=int(np.asarray(seed).reshape(-1)[0]) if np.ndim(seed) else int(seed))

    @classmethod
    def from_non_deterministic_state(cls, alg=None):
        """A generator seeded from the operating system's entropy."""
        return cls(seed=int(np.random.SeedSequence().entropy % (1 << 63)))

    def _current(self):
        """The NumPy generator this one draws from now (a traced draw asks at each call)."""
        return self._rng

    def reset_from_seed(self, seed):
        """Restarts the generator as `from_seed(seed)` would make it."""
        self._seed = int(seed)
        self._rng = _Drawing(_philox(self._seed))

    def normal(self, shape, mean=0.0, stddev=1.0, dtype=_dt.float32, name=None):
        """Normal samples of `shape`."""
        return _normal("Generator.normal", self._current, shape, mean, stddev, dtype)

    def truncated_normal(self, shape, mean=0.0, stddev=1.0, dtype=_dt.float32, name=None):
        """Normal samples within two standard deviations of the mean."""
        return _truncated_normal("Generator.truncated_normal", self._current, shape, mean,
                                 stddev, dtype)

    def uniform(self, shape, minval=0, maxval=None, dtype=_dt.float32, name=None):
        """Uniform samples in [minval, maxval) (maxval defaults to 1 for floats)."""
        return _uniform("Generator.uniform", self._current, shape, minval, maxval, dtype)

    def uniform_full_int(self, shape, dtype=_dt.uint64, name=None):
        """Integers uniform over the whole range of `dtype`."""
        target = _dt.as_dtype(dtype)
        info = np.iinfo(target._np)
        size = _shape_arg("Generator.uniform_full_int", shape)
        return sampled(lambda: self._rng.integers(info.min, info.max, size, dtype=target._np,
                                                  endpoint=True))

    def make_seeds(self, count=1):
        """A [2, count] int64 tensor of seeds for the stateless ops."""
        info, size = np.iinfo(np.int64), (2, int(count))
        return sampled(lambda: self._rng.integers(info.min, info.max, size, dtype=np.int64))

    def split(self, count=1):
        """`count` new generators with streams independent of this one's and of each other."""
        seeds = self._rng.integers(0, np.iinfo(np.int64).max, int(count))
        return [Generator(seed=int(s)) for s in seeds]


_global = []


def get_global_generator():
    """The process's global Generator (made on first use)."""
    if not _global:
        _global.append(Generator.from_non_deterministic_state())
    return _global[0]


def set_global_generator(generator):
    """Replaces the global Generator."""
    if not isinstance(generator, Generator):
        raise TypeError(f"set_global_generator: expected a tf.random.Generator, got "
                        f"{type(generator).__name__}")
    _global[:] = [generator]


def _stateless(op, seed):
    """A function giving a fresh Philox stream of `seed` (two integers) at each draw: the same
    seed, the same numbers, also at every call of a traced function."""
    value = np.asarray(seed.numpy() if hasattr(seed, "numpy") else seed)
    if value.shape != (2,) or value.dtype.kind not in "iu":
        raise InvalidArgumentError(
            f"{op}: seed must be two integers (shape [2]), got shape {list(value.shape)} and "
            f"dtype {value.dtype}", op=op)
    key = [int(v) & ((1 << 64) - 1) for v in value]
    return lambda: _philox(key)


def stateless_uniform(shape, seed, minval=0, maxval=None, dtype=_dt.float32, name=None,
                      alg="auto_select"):
    """Uniform samples determined by `seed` (two integers): the same seed, the same numbers."""
    op = "random.stateless_uniform"
    return _uniform(op, _stateless(op, seed), shape, minval, maxval, dtype)


def stateless_normal(shape, seed, mean=0.0, stddev=1.0, dtype=_dt.float32, name=None,
                     alg="auto_select"):
    """Normal samples determined by `seed` (two integers)."""
    op = "random.stateless_normal"
    return _normal(op, _stateless(op, seed), shape, mean, stddev, dtype)


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype=_dt.float32, name=None,
                               alg="auto_select"):
    """Truncated normal samples determined by `seed` (two integers)."""
    op = "random.stateless_truncated_normal"
    return _truncated_normal(op, _stateless(op, seed), shape, mean, stddev, dtype)


def _categorical(op, rng, logits, num_samples, dtype):
    logits = _tensor(logits)
    if logits._value.ndim != 2:
        raise InvalidArgumentError(f"{op}: logits should be a matrix [batch, classes], got shape "
                                   f"{list(logits._value.shape)}", op=op)
    n = int(num_samples)
    if n < 0:
        raise InvalidArgumentError(f"{op}: num_samples should be non-negative, got {n}", op=op)
    out_dtype = _dt.int64 if dtype is None else _dt.as_dtype(dtype)
    if out_dtype not in (_dt.int32, _dt.int64):
        raise TypeError(f"{op}: dtype must be int32 or int64, got {out_dtype.name}")

    def draw(logits):
        z = logits.astype(np.float64)
        # Gumbel-max: the argmax of logits plus Gumbel noise is a draw from softmax(logits)
        gumbel = -np.log(-np.log(rng().random((z.shape[0], n, z.shape[1]))))
        return np.argmax(z[:, None, :] + gumbel, axis=-1).astype(out_dtype._np)

    return sampled(draw, logits)


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """`num_samples` class indices per row of `logits` (unnormalized log-probabilities),
    int64 by default, shape [batch, num_samples].

    Raises:
        InvalidArgumentError: if `logits` is not 2-D or `num_samples` is negative.
    """
    return _categorical("random.categorical", lambda: generator(seed), logits, num_samples,
                        dtype)


def stateless_categorical(logits, num_samples, seed, dtype=_dt.int64, name=None):
    """As `categorical`, determined by `seed` (two integers)."""
    op = "random.stateless_categorical"
    return _categorical(op, _stateless(op, seed), logits, num_samples, dtype)


def gamma(shape, alpha, beta=None, dtype=_dt.float32, seed=None, name=None):
    """Gamma samples of shape `shape + broadcast(alpha, beta).shape` (beta is the rate)."""
    alpha = _tensor(alpha)
    beta = alpha if beta is None else _tensor(beta)  # (its values unused without beta)
    a_shape = np.broadcast_shapes(alpha._value.shape, beta._value.shape)
    size = tuple(_shape_arg("random.gamma", shape)) + a_shape
    out = _dt.as_dtype(dtype)._np
    ones = beta is alpha

    def draw(a, b):
        a = np.asarray(a, np.float64)
        rate = np.ones_like(a) if ones else np.asarray(b, np.float64)
        a, rate = np.broadcast_arrays(a, rate)
        return generator(seed).gamma(a, 1.0 / rate, size).astype(out)

    return sampled(draw, alpha, beta)


def poisson(shape, lam, dtype=_dt.float32, seed=None, name=None):
    """Poisson samples of shape `shape + lam.shape`."""
    lam = _tensor(lam)
    size = tuple(_shape_arg("random.poisson", shape)) + lam._value.shape
    out = _dt.as_dtype(dtype)._np
    return sampled(lambda lam: generator(seed).poisson(np.asarray(lam, np.float64), size)
                   .astype(out), lam)
