"""`keras.initializers`: starting values for weights, Keras 3's formulas.

Random initializers draw from the Keras random stream (`keras.utils.set_random_seed` seeds it)
unless given an integer `seed`, in which case every call gives the same values.
"""

import math

import numpy as np

import tapegrad as tf

from . import backend

__all__ = [
    "Constant",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "Identity",
    "Initializer",
    "LecunNormal",
    "LecunUniform",
    "Ones",
    "Orthogonal",
    "RandomNormal",
    "RandomUniform",
    "TruncatedNormal",
    "VarianceScaling",
    "Zeros",
    "deserialize",
    "get",
    "serialize",
]


def _np_dtype(dtype):
    return tf.as_dtype(dtype or backend.floatx()).as_numpy_dtype


def compute_fans(shape, input_axes=None, output_axes=None):
    """(fan_in, fan_out) of a weight shape: a kernel's input and output sizes times the
    receptive field for convolution kernels, or the products of the sizes along `input_axes`
    and `output_axes` when both are given (Keras's EinsumDense kernels)."""
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        return (
            int(np.prod([shape[a] for a in input_axes])),
            int(np.prod([shape[a] for a in output_axes])),
        )
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = int(np.prod(shape[:-2]))
    return shape[-2] * receptive, shape[-1] * receptive


class Initializer:
    """Base class: a callable `(shape, dtype=None) -> Tensor`."""

    def __call__(self, shape, dtype=None):
        return tf.constant(self.sample(tuple(shape)).astype(_np_dtype(dtype)))

    def sample(self, shape):
        raise NotImplementedError

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class _Random(Initializer):
    def __init__(self, seed=None):
        self.seed = seed

    def _rng(self):
        return backend.rng() if self.seed is None else np.random.default_rng(self.seed)

    def get_config(self):
        return {"seed": self.seed}


class Zeros(Initializer):
    """All zeros."""

    def sample(self, shape):
        return np.zeros(shape)


class Ones(Initializer):
    """All ones."""

    def sample(self, shape):
        return np.ones(shape)


class Constant(Initializer):
    """Every element equal to `value`."""

    def __init__(self, value=0.0):
        try:
            np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                f"Constant initializer: `value` must be a number or an array of numbers, got "
                f"{value!r}"
            ) from None
        self.value = value

    def sample(self, shape):
        return np.broadcast_to(np.asarray(self.value, dtype=np.float64), shape).copy()

    def get_config(self):
        return {"value": self.value}


class RandomNormal(_Random):
    """Normal draws with the given mean and standard deviation."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def sample(self, shape):
        return self._rng().normal(self.mean, self.stddev, size=shape)

    def get_config(self):
        return {"seed": self.seed, "mean": self.mean, "stddev": self.stddev}


class RandomUniform(_Random):
    """Uniform draws in [minval, maxval)."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def sample(self, shape):
        return self._rng().uniform(self.minval, self.maxval, size=shape)

    def get_config(self):
        return {"seed": self.seed, "minval": self.minval, "maxval": self.maxval}


def _truncated_normal(rng, shape, stddev, mean=0.0):
    # Redraws every value farther than two standard deviations, as tf.random.truncated_normal.
    x = rng.standard_normal(size=shape)
    bad = np.abs(x) > 2.0
    while bad.any():
        x[bad] = rng.standard_normal(size=int(bad.sum()))
        bad = np.abs(x) > 2.0
    return x * stddev + mean


class TruncatedNormal(RandomNormal):
    """Normal draws, redrawn beyond two standard deviations."""

    def sample(self, shape):
        return _truncated_normal(self._rng(), shape, self.stddev, self.mean)


class VarianceScaling(_Random):
    """Draws with variance `scale / n`, n the fan in, fan out or their average (`mode`).

    `distribution` is "truncated_normal" (the standard deviation corrected for the truncation,
    / 0.87962566103423978), "untruncated_normal" or "uniform" (limit sqrt(3 * scale / n)).
    """

    def __init__(
        self,
        scale=1.0,
        mode="fan_in",
        distribution="truncated_normal",
        seed=None,
        input_axes=None,
        output_axes=None,
    ):
        super().__init__(seed)
        self.input_axes, self.output_axes = input_axes, output_axes
        if scale <= 0:
            raise ValueError(f"VarianceScaling: scale must be positive, got {scale}")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"VarianceScaling: unknown mode {mode!r}")
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform"):
            raise ValueError(f"VarianceScaling: unknown distribution {distribution!r}")
        self.scale, self.mode, self.distribution = scale, mode, distribution

    def sample(self, shape):
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, n)
        rng = self._rng()
        if self.distribution == "truncated_normal":
            return _truncated_normal(rng, shape, math.sqrt(scale) / 0.87962566103423978)
        if self.distribution == "untruncated_normal":
            return rng.normal(0.0, math.sqrt(scale), size=shape)
        limit = math.sqrt(3.0 * scale)
        return rng.uniform(-limit, limit, size=shape)

    def get_config(self):
        return {
            "seed": self.seed,
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


class _Preset(VarianceScaling):
    """A VarianceScaling with fixed `scale`, `mode` and `distribution`: only `seed` is free."""

    _preset = ()

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        super().__init__(*self._preset, seed=seed, input_axes=input_axes, output_axes=output_axes)

    def get_config(self):
        return {"seed": self.seed, "input_axes": self.input_axes, "output_axes": self.output_axes}


class GlorotUniform(_Preset):
    """Uniform in [-limit, limit], limit = sqrt(6 / (fan_in + fan_out)). Dense's default."""

    _preset = (1.0, "fan_avg", "uniform")


class GlorotNormal(_Preset):
    """Truncated normal with stddev sqrt(2 / (fan_in + fan_out))."""

    _preset = (1.0, "fan_avg", "truncated_normal")


class HeNormal(_Preset):
    """Truncated normal with stddev sqrt(2 / fan_in)."""

    _preset = (2.0, "fan_in", "truncated_normal")


class HeUniform(_Preset):
    """Uniform in [-limit, limit], limit = sqrt(6 / fan_in)."""

    _preset = (2.0, "fan_in", "uniform")


class LecunNormal(_Preset):
    """Truncated normal with stddev sqrt(1 / fan_in)."""

    _preset = (1.0, "fan_in", "truncated_normal")


class LecunUniform(_Preset):
    """Uniform in [-limit, limit], limit = sqrt(3 / fan_in)."""

    _preset = (1.0, "fan_in", "uniform")


class Identity(Initializer):
    """`gain` times the identity matrix (2-D shapes only)."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def sample(self, shape):
        if len(shape) != 2:
            raise ValueError(f"Identity initializer needs a 2-D shape, got {shape}")
        return self.gain * np.eye(*shape)

    def get_config(self):
        return {"gain": self.gain}


class Orthogonal(_Random):
    """A (semi-)orthogonal matrix times `gain`, as Keras 3: the Q factor of the QR decomposition
    of a normal draw, its columns' signs fixed by R's diagonal; a shape of rank > 2 is treated
    as a matrix of `prod(shape[:-1])` rows.

    Args:
        gain: the factor applied to the matrix.
        seed: an integer for repeatable draws.
    """

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def sample(self, shape):
        if len(shape) < 2:
            raise ValueError(
                "The tensor to initialize must be at least two-dimensional. Received: "
                f"shape={shape} of rank {len(shape)}."
            )
        rows, cols = int(np.prod(shape[:-1])), shape[-1]
        a = self._rng().normal(size=(max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q *= np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return self.gain * q.reshape(shape)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


_CLASSES = {
    c.__name__: c
    for c in (
        Zeros,
        Ones,
        Constant,
        RandomNormal,
        RandomUniform,
        TruncatedNormal,
        VarianceScaling,
        GlorotUniform,
        GlorotNormal,
        HeNormal,
        HeUniform,
        LecunNormal,
        LecunUniform,
        Identity,
        Orthogonal,
    )
}
_BY_NAME = {backend.to_snake_case(name): cls for name, cls in _CLASSES.items()}
_BY_NAME.update(
    zeros=Zeros, ones=Ones, zero=Zeros, one=Ones, uniform=RandomUniform, normal=RandomNormal
)
globals().update(
    zeros=Zeros,
    ones=Ones,
    constant=Constant,
    random_normal=RandomNormal,
    random_uniform=RandomUniform,
    truncated_normal=TruncatedNormal,
    glorot_uniform=GlorotUniform,
    glorot_normal=GlorotNormal,
    he_normal=HeNormal,
    he_uniform=HeUniform,
    lecun_normal=LecunNormal,
    lecun_uniform=LecunUniform,
    orthogonal=Orthogonal,
)


def get(identifier):
    """An initializer from a name ("glorot_uniform", "zeros", ...), a class, an instance, a
    config dict or any callable `(shape, dtype)`.

    Raises:
        ValueError: for an unknown name.
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        cls = _BY_NAME.get(identifier) or _CLASSES.get(identifier)
        if cls is None:
            raise ValueError(
                f"Unknown initializer {identifier!r}; known: {', '.join(sorted(_BY_NAME))}"
            )
        return cls()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret initializer identifier: {identifier!r}")


def serialize(initializer):
    """Keras's serialized form of an initializer: a dict with module, class name and config."""
    from .saving import serialize_keras_object

    return serialize_keras_object(initializer)


def deserialize(config, custom_objects=None):
    """An initializer from `serialize`'s output (or a name)."""
    from .saving import deserialize_keras_object

    return deserialize_keras_object(
        config, custom_objects, module_objects={**_CLASSES, **_BY_NAME}
    )
