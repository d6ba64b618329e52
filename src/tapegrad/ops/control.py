"""Primitives that control differentiation itself."""

from .._core.primitive import NONE, defprimitive

# Not recorded at all: the output is a constant to every tape and accumulator.
stop_gradient = defprimitive(
    "stop_gradient", lambda x: x, vjp=NONE, differentiable=False,
)
