"""Primitives that control differentiation itself, and random draws."""

import numpy as np

from .._core.primitive import NONE, defprimitive
from .._core.state import state

# Not recorded at all: the output is a constant to every tape and accumulator.
stop_gradient = defprimitive(
    "stop_gradient", lambda x: x, vjp=NONE, differentiable=False,
)


def _draw(*arrays, sample):
    """`sample(*arrays)` as an array; the interpreters are away meanwhile: the draw is one op,
    and whatever the sampler calls (a generator that reports its draws to a tracer) is its
    inside."""
    saved = state.interpreters
    state.interpreters = ()
    try:
        return np.asarray(sample(*arrays))
    finally:
        state.interpreters = saved


# The array that `sample(*inputs)` (Python drawing random numbers) makes, anew at every call:
# a traced program runs it at each call instead of keeping what tracing drew. No gradient.
draw = defprimitive("random_draw", _draw, vjp=NONE, differentiable=False, dtype_args=(),
                    stateful=True)
