"""Differentiation control at `tapegrad.*`: stop_gradient, custom_gradient, recompute_grad,
init_scope."""

import contextlib

from .._core.bind import bind as _bind
from .._core.state import state as _state
from .._core.trace import Tracer
from ..ops import control as _c

__all__ = [
    "stop_gradient", "init_scope", "executing_eagerly",
]


def stop_gradient(input, name=None):  # noqa: A002 - TensorFlow's name
    """Returns `input` unchanged, as a constant: no gradient (and no tangent) flows through."""
    return _bind(_c.stop_gradient, input)


@contextlib.contextmanager
def init_scope():
    """Lifts the code in its `with` block out of the `tf.function` being traced and out of
    the gradient tapes and forward accumulators, as TensorFlow's `init_scope`: it runs eagerly
    and unrecorded, once, when the function is traced (creating its variables, say), and the
    values it makes enter the traced program as constants.

    Example:
        >>> @tapegrad.function
        ... def f(x):
        ...     with tapegrad.init_scope():
        ...         scale = tapegrad.constant(2.0)  # made once, while tracing
        ...     return x * scale
    """
    saved = _state.interpreters
    _state.interpreters = ()
    try:
        yield
    finally:
        _state.interpreters = saved


def executing_eagerly():
    """Whether ops run eagerly now: True, except while a `tf.function` is being traced (the
    code in an `init_scope` inside it runs eagerly again), as TensorFlow's."""
    return not any(isinstance(interpreter, Tracer) for interpreter in _state.interpreters)
