"""The code of `tf.debugging`'s numerics checks (`tapegrad.debugging` exports them).

`enable_check_numerics()` checks every op's output, as TensorFlow's does;
`tapegrad.debug.check_numerics()` also traces a NaN in the backward pass to the forward op
whose rule made it.
"""

import numpy as np

from .._core.custom import custom_gradient
from .._core.errors import InvalidArgumentError
from .._core.tensor import convert_to_tensor
from ..debug import _numerics
from .array_ops import identity

__all__ = ["check_numerics", "disable_check_numerics", "enable_check_numerics"]


def enable_check_numerics(stack_height_limit=30, path_length_limit=50):
    """Raises `InvalidArgumentError` at the first op of this thread whose output holds a NaN
    or an infinity, naming the op, its inputs and the line that called it.

    As TensorFlow's, it checks the ops' outputs (those of the backward pass too, as plain
    ops); `tapegrad.debug.check_numerics()` says which forward op's rule made a cotangent.
    Unlike TensorFlow's, it applies to the calling thread. The two limits, which shape
    TensorFlow's stack traces, are accepted and unused.
    """
    del stack_height_limit, path_length_limit
    _numerics.enable_check_numerics(backward=False)


def disable_check_numerics():
    """Turns off what `enable_check_numerics()` turned on."""
    _numerics.disable_check_numerics()


def _check(t, message):
    value = t._value
    if value.dtype.kind in "fc" and not np.isfinite(value).all():
        raise InvalidArgumentError(
            f"{message} : Tensor had {'NaN' if np.isnan(value).any() else 'Inf'} values "
            f"({_numerics.summarize(value)})", op="CheckNumerics")


def check_numerics(tensor, message, name=None):
    """Returns `tensor`, or raises `InvalidArgumentError` (with `message`) if it holds a NaN
    or an infinity. As TensorFlow's op, its gradient is the incoming gradient, checked too."""
    del name

    @custom_gradient
    def checked(x):
        def grad(g):
            _check(g, "Not a number (NaN) or infinity (Inf) values detected in gradient. "
                      + message)
            return g

        _check(x, message)
        return identity(x), grad

    return checked(convert_to_tensor(tensor))
