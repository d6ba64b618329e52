"""Differentiation and execution control at `tapegrad.*`: stop_gradient, init_scope,
executing_eagerly and its graph-era companions, the identities identity_n and guarantee_const,
timestamp and is_symbolic_tensor."""

import contextlib
import time

import numpy as np

from .._core.bind import bind as _bind
from .._core.custom import custom_gradient
from .._core.state import state as _state
from .._core.tensor import Tensor
from .._core.tensor import convert_to_tensor as _tensor
from .._core.trace import Tracer
from ..ops import control as _c
from ..ops import elementwise as _e
from .random_ops import sampled as _sampled

__all__ = [
    "control_dependencies",
    "executing_eagerly",
    "get_static_value",
    "group",
    "guarantee_const",
    "identity_n",
    "init_scope",
    "inside_function",
    "is_symbolic_tensor",
    "no_op",
    "stop_gradient",
    "timestamp",
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


def inside_function():
    """Whether a `tf.function` is being traced now (TensorFlow's "building a graph")."""
    return not executing_eagerly()


def no_op(name=None):
    """Does nothing: None, as TensorFlow's eager no_op (ops run in program order here)."""
    return


def group(*inputs, name=None):
    """None, as TensorFlow's eager `tf.group`: the ops given ran already, in program order."""
    return


def control_dependencies(control_inputs):
    """A context manager that does nothing, as TensorFlow's in eager code: tapegrad runs ops,
    and a traced `tf.function` replays them, in program order. Callables among
    `control_inputs` are called, as TensorFlow does."""
    for item in control_inputs or ():
        if callable(item):
            item()
    return contextlib.nullcontext()


def get_static_value(tensor, partial=False):
    """`tensor`'s value as a NumPy array (a NumPy scalar for rank 0) when it is known without
    running a traced program: always for an eager tensor, never for a traced function's
    input or what is computed from it (None); a variable gives None, and a value that is not
    a tensor comes back as it is, as TensorFlow's."""
    if isinstance(tensor, Tensor):
        for interpreter in _state.interpreters:
            if interpreter.symbolic(tensor) is not None:
                return None
        return tensor.numpy()
    if hasattr(tensor, "_read"):  # a Variable: its value may change, TensorFlow gives None
        return None
    return tensor


def identity_n(input, name=None):  # noqa: A002 - TensorFlow's name
    """The identity of each tensor of a list (of a tensor, each of its rows, as TensorFlow
    iterates it); gradients pass through each.

    Example:
        >>> a, b = tapegrad.identity_n([tapegrad.constant(1.0), tapegrad.constant([2, 3])])
    """
    return [_bind(_e.identity, x) for x in input]


@custom_gradient
def _guaranteed(x):
    def grad(upstream):
        raise LookupError("gradient registry has no entry for: GuaranteeConst (tf.guarantee_const "
                          "has no gradient in TensorFlow either: differentiate without it, or "
                          "cut the gradient with tf.stop_gradient)")

    return _bind(_e.identity, x), grad


def guarantee_const(input, name=None):  # noqa: A002 - TensorFlow's name
    """`input` unchanged, promised constant (TensorFlow deprecates it: "Not for public use").

    Raises:
        LookupError: when a gradient is taken through it, as TensorFlow (GuaranteeConst has no
            registered gradient).
    """
    return _guaranteed(_tensor(input))


def timestamp(name=None):
    """The time in seconds since the Unix epoch, a float64 scalar; under `tf.function`, the
    time of each call (not of the trace), as TensorFlow's op."""
    return _sampled(lambda: np.asarray(time.time(), np.float64))


def is_symbolic_tensor(tensor):
    """Whether `tensor` is a tensor of a function being traced (a graph tensor in TensorFlow):
    False for eager tensors, variables, NumPy arrays, Python values and Keras's symbolic
    inputs (KerasTensor), as TensorFlow 2.21 with Keras 3 answers."""
    return type(tensor) is Tensor and not executing_eagerly()
