"""`tapegrad.random`: random tensors, all drawn from one module-level NumPy generator.

`set_seed` reseeds it (Keras' `set_random_seed` calls it); other modules (dropout, Keras
initializers) draw from `generator()`, so one seed makes a whole program repeatable.
"""

import numpy as np

from .._core import dtypes as _dt
from .._core.bind import bind as _bind
from .._core.errors import InvalidArgumentError
from .._core.state import impure as _impure
from .._core.tensor import Tensor
from .._core.tensor import convert_to_tensor as _tensor
from .._core.tensor import is_tensor as _is_tensor
from ..ops import control as _c
from ..ops import shape as _s
from .arguments import shape_arg as _shape_arg
from .arguments import static as _static

__all__ = ["set_seed", "generator", "normal", "uniform", "truncated_normal", "shuffle"]

_global_seed = None
_rng = None  # made on first use: importing numpy.random costs 10 ms of `import tapegrad`
_op_streams = {}


def set_seed(seed):
    """Sets the global seed: every later draw, with or without an op seed, is repeatable."""
    global _global_seed, _rng
    _global_seed = None if seed is None else int(seed)
    _rng = np.random.default_rng(_global_seed)
    _op_streams.clear()


def generator(seed=None):
    """The `np.random.Generator` that random ops draw from.

    Without `seed`, the global generator. With an op-level `seed`, as TensorFlow: a stream of
    its own for (global seed, op seed), so repeated calls differ but restart after `set_seed`.
    """
    drawing()
    global _rng
    if seed is None:
        if _rng is None:
            _rng = np.random.default_rng()
        return _rng
    key = int(seed)
    stream = _op_streams.get(key)
    if stream is None:
        base = 87654321 if _global_seed is None else _global_seed  # TF's default global seed
        stream = _op_streams[key] = np.random.default_rng([base, key])
    return stream


def drawing():
    """Tells the active interpreters that random numbers are drawn: a traced program cannot
    replay a draw."""
    _impure("random numbers were drawn")


def sampled(sample, *inputs):
    """A tensor of `sample(*input arrays)`, drawn anew at every call of a traced function (one
    op of its program), not kept from the trace. The sampler draws its numbers from NumPy
    generators; it is not differentiated."""
    return _bind(_c.draw, *inputs, sample=sample)


def _float_spec(op, shape, dtype, error=TypeError):
    """(shape, the NumPy dtype to draw in, the result's NumPy dtype) of a float draw."""
    np_dtype = _dt.as_dtype(dtype)._np
    if np_dtype.kind != "f":
        raise error(f"{op}: expected a float dtype, got {_dt.as_dtype(dtype).name}")
    native = np_dtype if np_dtype in (np.float32, np.float64) else np.float32
    return _shape_arg(op, shape), native, np_dtype


def _affine(noise, scale, shift, np_dtype):
    """noise() * scale + shift, drawn by one op; through tapegrad ops when scale or shift is a
    tensor, so that they receive gradients as in TensorFlow."""
    if _is_tensor(scale) or _is_tensor(shift):
        return sampled(noise) * scale + shift
    t = np_dtype.type
    scale, shift = t(scale), t(shift)
    return sampled(lambda: noise() * scale + shift)


# The samplers below take `rng`, a function giving the NumPy generator when the op draws (at
# each call of a traced function: the global one of that moment, after any set_seed).

def normal(shape, mean=0.0, stddev=1.0, dtype=_dt.float32, seed=None, name=None):
    """Samples from a normal distribution with the given mean and standard deviation."""
    return _normal("random.normal", lambda: generator(seed), shape, mean, stddev, dtype)


def _normal(op, rng, shape, mean, stddev, dtype):
    size, native, np_dtype = _float_spec(op, shape, dtype)
    return _affine(lambda: rng().standard_normal(size, dtype=native).astype(np_dtype, copy=False),
                   stddev, mean, np_dtype)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=_dt.float32, seed=None, name=None):
    """Normal samples, redrawn until within two standard deviations of the mean."""
    return _truncated_normal("random.truncated_normal", lambda: generator(seed), shape, mean,
                             stddev, dtype)


def _truncated_normal(op, rng, shape, mean, stddev, dtype):
    size, native, np_dtype = _float_spec(op, shape, dtype)

    def draw():
        gen = rng()
        x = gen.standard_normal(size, dtype=native)
        bad = np.abs(x) > 2.0
        while bad.any():
            x[bad] = gen.standard_normal(int(bad.sum()), dtype=native)
            bad = np.abs(x) > 2.0
        return x.astype(np_dtype, copy=False)

    return _affine(draw, stddev, mean, np_dtype)


def uniform(shape, minval=0, maxval=None, dtype=_dt.float32, seed=None, name=None):
    """Samples uniformly from [minval, maxval) (maxval defaults to 1 for float dtypes).

    Raises:
        ValueError: for an integer dtype without `maxval`.
    """
    return _uniform("random.uniform", lambda: generator(seed), shape, minval, maxval, dtype)


def _uniform(op, rng, shape, minval, maxval, dtype):
    target = _dt.as_dtype(dtype)
    if target.is_integer:
        if maxval is None:
            raise ValueError(f"{op}: must specify maxval for integer dtype {target.name}")
        low, high = _static(minval), _static(maxval)
        if float(low) != int(low) or float(high) != int(high):
            raise TypeError(f"{op}: minval and maxval must be whole numbers for dtype "
                            f"{target.name}, got minval={low}, maxval={high}")
        low, high = int(low), int(high)
        if low >= high:
            raise InvalidArgumentError(
                f"{op}: needs minval < maxval for integer dtype {target.name}, got "
                f"minval={low}, maxval={high}", op=op)
        size = _shape_arg(op, shape)
        return sampled(lambda: rng().integers(low, high, size, dtype=target._np))
    # TensorFlow's classes: TypeError for normal, ValueError here
    size, native, np_dtype = _float_spec(op, shape, target, ValueError)

    def noise():
        return rng().random(size, dtype=native).astype(np_dtype, copy=False)

    high = 1.0 if maxval is None else maxval
    if isinstance(high, (int, float)) and isinstance(minval, (int, float)):
        return _affine(noise, high - minval, minval, np_dtype)
    return _affine(noise, Tensor(np.asarray(0, np_dtype)) + high - minval, minval, np_dtype)


def shuffle(value, seed=None, name=None):
    """A random permutation of `value` along its first axis (not differentiable)."""
    x = _tensor(value)
    if not x._value.ndim:
        return _bind(_c.stop_gradient, x)
    n = x._value.shape[0]
    order = sampled(lambda: generator(seed).permutation(n))
    return _bind(_c.stop_gradient, _bind(_s.gather_rows, x, order))
