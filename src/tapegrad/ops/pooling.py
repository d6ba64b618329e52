"""Pooling primitives, channels last: `max_pool` with its gradient pair, `avg_pool` with its
adjoint.

Primitives for speed (one strided slice per kernel offset, `_windows.py`) and for TensorFlow's
convention at ties: a window's gradient goes to its first maximum in row-major order, as
TensorFlow's MaxPoolGrad kernel routes it. `max_pool_grad` scatters a cotangent to those
positions and `max_pool_grad_grad` gathers from them; each is linear in its first argument and
is the other's reverse rule, and both are locally constant in `x` (zeros, as TensorFlow's
gradients of MaxPoolGrad in its original input), so every order is closed.
"""

from .._core.primitive import LINEAR, ZERO, defprimitive
from . import _windows

max_pool_grad = defprimitive(
    "max_pool_grad", _windows.max_pool_scatter,
    vjp=(lambda g, out, dy, x, **window: max_pool_grad_grad(g, x, **window), ZERO),
    jvp=(lambda t, out, dy, x, **window: max_pool_grad(t, x, **window), ZERO),
    batchable=False, saves=(1,),
)

max_pool_grad_grad = defprimitive(
    "max_pool_grad_grad", _windows.max_pool_gather,
    vjp=(lambda g, out, h, x, **window: max_pool_grad(g, x, **window), ZERO),
    jvp=(lambda t, out, h, x, **window: max_pool_grad_grad(t, x, **window), ZERO),
    batchable=False, saves=(1,),
)

max_pool = defprimitive(
    "max_pool", _windows.max_pool,
    vjp=lambda g, out, x, **window: max_pool_grad(g, x, **window),
    jvp=lambda t, out, x, **window: max_pool_grad_grad(t, x, **window),
    batchable=False, saves=(0,),
)

avg_pool_grad = defprimitive(
    "avg_pool_grad", _windows.avg_pool_grad,
    vjp=lambda g, out, dy, input_shape, **window: avg_pool(g, **window),
    jvp=LINEAR, batchable=False, saves=(),
)

avg_pool = defprimitive(
    "avg_pool", _windows.avg_pool,
    vjp=lambda g, out, x, **window: avg_pool_grad(g, input_shape=x._value.shape, **window),
    jvp=LINEAR, batchable=False, saves=(),
)
