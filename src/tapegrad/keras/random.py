"""`keras.random`: random tensors with Keras 3's seeding rules.

`seed` may be an int (the same numbers on every call with that seed), a `SeedGenerator` (whose
state advances on every call, so a layer holding one draws new numbers each step, repeatably),
or None (the global stream, made repeatable by `keras.utils.set_random_seed`). The numbers are
NumPy's, not TensorFlow's: a seed gives different values than in Keras, with the same
distribution and the same reproducibility.
"""

import numpy as np

import tapegrad as tf

from . import backend
from .ops._common import as_tensor

__all__ = [
    "SeedGenerator",
    "beta",
    "binomial",
    "categorical",
    "dropout",
    "gamma",
    "normal",
    "randint",
    "shuffle",
    "truncated_normal",
    "uniform",
]


class SeedGenerator:
    """A seed state that advances on every draw: pass it as `seed=` to the random functions.

    Args:
        seed: an int (default: one drawn from the global stream).
        name: its name (default "seed_generator", made unique).

    Example:
        >>> gen = keras.random.SeedGenerator(1337)
        >>> a = keras.random.normal((2,), seed=gen)
        >>> b = keras.random.normal((2,), seed=gen)     # different from a, repeatably
    """

    def __init__(self, seed=None, name=None, **kwargs):
        kwargs.pop("backend", None)
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
        self.name = name or backend.unique_name("seed_generator")
        self._initial_seed = seed
        if seed is None:
            seed = int(backend.rng().integers(1, 10**9))
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise ValueError(  # noqa: TRY004 - Keras raises ValueError
                f"Argument `seed` must be an integer. Received: seed={seed}"
            )
        self.state = tf.Variable(
            np.array([seed, 0], np.int64), trainable=False, name="seed_generator_state"
        )

    def next(self, ordered=True):
        """The current seed state (a 2-element int64 array); then advances it."""
        value = np.array(self.state.numpy())
        if ordered:
            self.state.assign(value + np.array([0, 1], np.int64))
        else:
            self.state.assign((value + 1) * 5387 % 933199)
        return value

    def get_config(self):
        return {"seed": self._initial_seed, "name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<SeedGenerator name={self.name}>"


def _rng(seed):
    """The NumPy generator for one draw with `seed`."""
    if isinstance(seed, SeedGenerator):
        return np.random.default_rng([int(v) % 2**63 for v in seed.next()])
    if seed is None:
        return backend.rng()
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(  # noqa: TRY004 - Keras raises ValueError
            "Argument `seed` must be either an integer or an instance of `SeedGenerator`. "
            f"Received: seed={seed} (of type {type(seed)})"
        )
    return np.random.default_rng([int(seed) % 2**63, 0])


def _shape(shape):
    return tuple(int(d) for d in (shape if isinstance(shape, (list, tuple)) else [shape]))


def _float(dtype):
    dtype = backend.floatx() if dtype is None else tf.as_dtype(dtype).name
    if "float" not in dtype:
        raise ValueError(f"The random sample's dtype must be a float type, got {dtype}")
    return dtype


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples of a normal distribution N(mean, stddev ** 2)."""
    values = _rng(seed).normal(mean, stddev, size=_shape(shape))
    return tf.constant(values.astype(_float(dtype)))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Samples uniformly distributed in [minval, maxval)."""
    dtype = backend.floatx() if dtype is None else tf.as_dtype(dtype).name
    if "int" in dtype:
        raise ValueError(
            f"`keras.random.uniform` requires a floating point `dtype`. Received: dtype={dtype}"
            "; use keras.random.randint for integers."
        )
    return tf.constant(_rng(seed).uniform(minval, maxval, size=_shape(shape)).astype(dtype))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal samples, redrawn while more than two standard deviations from the mean."""
    rng = _rng(seed)
    values = rng.normal(size=_shape(shape))
    outside = np.abs(values) > 2
    while outside.any():
        values[outside] = rng.normal(size=int(outside.sum()))
        outside = np.abs(values) > 2
    return tf.constant((mean + stddev * values).astype(_float(dtype)))


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Random integers in [minval, maxval)."""
    values = _rng(seed).integers(minval, maxval, size=_shape(shape))
    return tf.constant(values.astype(tf.as_dtype(dtype).name))


def categorical(logits, num_samples, dtype="int32", seed=None):
    """`num_samples` class indices per row of `logits` (unnormalized log-probabilities)."""
    logits = np.asarray(as_tensor(logits).numpy(), np.float64)
    probs = np.exp(logits - logits.max(-1, keepdims=True))
    probs /= probs.sum(-1, keepdims=True)
    rng = _rng(seed)
    rows = [
        rng.choice(probs.shape[-1], size=num_samples, p=p)
        for p in probs.reshape(-1, probs.shape[-1])
    ]
    return tf.constant(np.asarray(rows).reshape(*logits.shape[:-1], num_samples).astype(dtype))


def gamma(shape, alpha, dtype=None, seed=None):
    """Samples of a gamma distribution of shape `alpha` (scale 1)."""
    return tf.constant(_rng(seed).gamma(alpha, size=_shape(shape)).astype(_float(dtype)))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Samples of binomial distributions (as floats, as Keras)."""
    values = _rng(seed).binomial(counts, probabilities, size=_shape(shape))
    return tf.constant(values.astype(_float(dtype)))


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Samples of a beta distribution."""
    return tf.constant(_rng(seed).beta(alpha, beta, size=_shape(shape)).astype(_float(dtype)))


def shuffle(x, axis=0, seed=None):
    """`x` with its slices along `axis` in a random order (the gradient follows them)."""
    x = as_tensor(x)
    return tf.gather(x, _rng(seed).permutation(x.shape[axis]), axis=axis)


def dropout(inputs, rate, noise_shape=None, seed=None):
    """`inputs` with each entry zeroed with probability `rate` and the rest scaled by
    1 / (1 - rate); `noise_shape` broadcasts one draw over some axes."""
    x = as_tensor(inputs)
    if not 0 <= rate < 1:
        raise ValueError(f"Invalid value received for argument `rate`: {rate}; expected [0, 1)")
    shape = (
        tuple(x.shape)
        if noise_shape is None
        else tuple(x.shape[i] if d is None else d for i, d in enumerate(noise_shape))
    )
    keep = _rng(seed).uniform(size=shape) >= rate
    scale = np.where(keep, 1.0 / (1.0 - rate), 0.0).astype(x.dtype.as_numpy_dtype)
    return tf.multiply(x, scale)
