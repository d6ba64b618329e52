"""Elementwise primitives with a zero guard: divide_no_nan, multiply_no_nan, xdivy, xlogy and
xlog1py, whose result is 0 where one operand is 0 (whatever the other).

Primitives, not `where(...)` composites, for TensorFlow's convention at the guard: a composite's
gradient multiplies the discarded branch's infinite derivative by the zero cotangent `where`
gives it (0 * inf = NaN), where TensorFlow's rules below give 0; and written with `where`, the
reverse and forward modes disagreed there. The rules are TensorFlow's (math_grad.py), in terms of
these primitives, so that their own derivatives follow TensorFlow's too.
"""

import numpy as np

from .._core.primitive import ELEMENTWISE, defprimitive
from .elementwise import cast, floating_only, not_equal


def _guarded(guard, fn):
    """A float kernel: `fn(x, y)`, and 0 where `guard(x, y)` (the operand tested is 0)."""

    def forward(x, y):
        out = fn(x, y)
        return np.where(guard(x, y), np.zeros((), out.dtype), out)

    forward.__name__ = getattr(fn, "__name__", "forward")
    return floating_only(forward)


def _y_is_zero(x, y):
    return y == 0


def _x_is_zero(x, y):
    return x == 0


def _nonzero(x):
    """1 where x is not 0, else 0, in x's dtype (TensorFlow's `not_zero_x`; no gradient)."""
    return cast(not_equal(x, 0.0), dtype=x._value.dtype)


# The JVPs are the VJPs with the tangent for the cotangent (ELEMENTWISE): each rule is linear in
# g, so forward and reverse mode agree at the guard too.

# TensorFlow's _DivNoNanGrad: div_no_nan(g, y) and g * div_no_nan(div_no_nan(-x, y), y), both 0
# where y is 0.
divide_no_nan = defprimitive(
    "divide_no_nan", _guarded(_y_is_zero, np.divide),
    vjp=(lambda g, out, x, y: divide_no_nan(g, y),
         lambda g, out, x, y: g * divide_no_nan(divide_no_nan(-x, y), y)),
    jvp=ELEMENTWISE,
)

# TensorFlow's _MulNoNanGrad: mul_no_nan(g, y) and mul_no_nan(x, g) (the latter not guarded by
# y: at y = 0 the derivative with respect to y is x, as for x * y).
multiply_no_nan = defprimitive(
    "multiply_no_nan", _guarded(_y_is_zero, np.multiply),
    vjp=(lambda g, out, x, y: multiply_no_nan(g, y), lambda g, out, x, y: multiply_no_nan(x, g)),
    jvp=ELEMENTWISE,
)

# TensorFlow's _XDivyGrad: g * xdivy(not_zero_x, y) and g * xdivy(-x, y ** 2).
xdivy = defprimitive(
    "xdivy", _guarded(_x_is_zero, np.divide),
    vjp=(lambda g, out, x, y: g * xdivy(_nonzero(x), y),
         lambda g, out, x, y: g * xdivy(-x, y * y)),
    jvp=ELEMENTWISE,
)

# TensorFlow's _XLogyGrad: g * xlogy(not_zero_x, y) and g * xdivy(x, y).
xlogy = defprimitive(
    "xlogy", _guarded(_x_is_zero, lambda x, y: x * np.log(y)),
    vjp=(lambda g, out, x, y: g * xlogy(_nonzero(x), y), lambda g, out, x, y: g * xdivy(x, y)),
    jvp=ELEMENTWISE,
)

# TensorFlow's _XLog1pyGrad: g * xlog1py(not_zero_x, y) and g * xdivy(x, y + 1).
xlog1py = defprimitive(
    "xlog1py", _guarded(_x_is_zero, lambda x, y: x * np.log1p(y)),
    vjp=(lambda g, out, x, y: g * xlog1py(_nonzero(x), y),
         lambda g, out, x, y: g * xdivy(x, y + 1.0)),
    jvp=ELEMENTWISE,
)
