"""`custom_gradient` and `recompute_grad`: functions whose backward pass the user writes.

A call becomes one ad-hoc primitive from the arguments to a copy of the result, whose reverse rule
calls the user's gradient function (once per cotangent, shared by all arguments). Because that
function is written in tapegrad ops, enclosing tapes record it, so custom gradients nest.
"""

import functools
import inspect

import numpy as np

from . import nest
from .bind import bind
from .errors import InvalidArgumentError
from .primitive import FROM_VJP, NONE, Primitive
from .tape import GradientTape
from .tensor import Tensor, convert_to_tensor

__all__ = ["custom_gradient", "recompute_grad"]


def _rules(fn_name, grad_fn, n_args, variables):
    memo = {}

    def all_grads(g):
        if memo.get("g") is not g:
            memo["g"] = g
            if variables:
                result = grad_fn(g, variables=variables)
                if not (isinstance(result, (tuple, list)) and len(result) == 2):
                    raise ValueError(
                        f"custom_gradient: the gradient function of {fn_name} takes `variables`, "
                        "so it must return (input_gradients, variable_gradients)."
                    )
                grads = list(nest.flatten(result[0])) + list(result[1])
            else:
                result = grad_fn(g)
                grads = list(result) if isinstance(result, (tuple, list)) else [result]
            expected = n_args + len(variables)
            if len(grads) != expected:
                raise ValueError(
                    f"custom_gradient: the gradient function of {fn_name} returned {len(grads)} "
                    f"gradients, but {fn_name} has {n_args} tensor argument(s)"
                    f"{f' and reads {len(variables)} variable(s)' if variables else ''}; return "
                    f"exactly {expected} (None for an argument without a gradient)."
                )
            memo["grads"] = grads
        return memo["grads"]

    def rule(i):
        def vjp(g, out, *args):
            gi = all_grads(g)[i]
            if gi is None:  # no gradient for this input, as TensorFlow (not zeros)
                return None
            shape = args[i]._value.shape
            what = (f"custom_gradient: the gradient function of {fn_name} returned, for "
                    f"argument {i} ({args[i].dtype.name}{list(shape)}),")
            try:
                gi = convert_to_tensor(gi, dtype=args[i].dtype)
            except (TypeError, ValueError) as err:
                raise type(err)(f"{what} a value not convertible to its dtype: {err}") from None
            # the engine sums a broadcast gradient down to the argument; nothing else fits
            if gi._value.shape != shape and not _sums_to(gi._value.shape, shape):
                raise InvalidArgumentError(
                    f"{what} a gradient of shape {list(gi._value.shape)}; return one of the "
                    "argument's shape.", op=fn_name)
            return gi

        return vjp

    return tuple(rule(i) for i in range(n_args + len(variables)))


def _last(*arrays):
    return arrays[-1]


def _sums_to(shape, target):
    """Whether an array of `shape` sums down to `target` (target broadcasts to shape)."""
    try:
        return np.broadcast_shapes(shape, target) == tuple(shape)
    except ValueError:
        return False


def custom_gradient(f=None):
    """Decorates `f(*x)` returning `(y, grad_fn)` so that tapes use `grad_fn` for its gradient.

    `grad_fn(dy)` returns one gradient per tensor argument (a single tensor for one argument).
    If `f` reads variables, declare `grad_fn(dy, variables=None)`: it then receives them and
    returns `(input_gradients, variable_gradients)`. `f` must return one tensor; its arguments
    are passed positionally.

    Example:
        >>> @tapegrad.custom_gradient
        ... def clip_gradient(x):
        ...     return tapegrad.identity(x), lambda dy: tapegrad.clip_by_value(dy, -1.0, 1.0)
    """
    if f is None:
        return custom_gradient

    name = getattr(f, "__name__", "function")

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        if kwargs:
            raise TypeError(
                f"custom_gradient: {name} was called with keyword arguments "
                f"({', '.join(kwargs)}); a custom_gradient function takes its tensors "
                "positionally, e.g. f(x, y)."
            )
        tensors = [a if isinstance(a, Tensor) else convert_to_tensor(a) for a in args]
        # As TensorFlow, f's own ops are recorded too: grad_fn may use f's intermediates, and
        # an outer tape then differentiates through them (second order). The probe tape only
        # learns which variables f reads.
        with GradientTape() as probe:
            result = f(*tensors)
        if not (isinstance(result, (tuple, list)) and len(result) == 2 and callable(result[1])):
            raise TypeError(
                f"custom_gradient: {name} must return a pair (y, grad_fn), got "
                f"{_describe(result)}; return the result and the function computing its "
                "gradient."
            )
        y, grad_fn = result
        variables = list(probe.watched_variables())
        if variables and "variables" not in _parameters(grad_fn):
            raise TypeError(
                f"custom_gradient: {name} reads variable(s) "
                f"{', '.join(v.name for v in variables)}, so its gradient function must accept "
                "a `variables` keyword argument and return their gradients too."
            )
        y = convert_to_tensor(y)
        # y is the op's last input, passed through (no gradient flows into f's own ops through
        # it): a tf.function tracing this call replays f's ops and hands on their result,
        # where a forward returning y's array would replay the traced call's value.
        prim = Primitive(
            f"custom_gradient({name})", forward=_last,
            vjp=_rules(name, grad_fn, len(tensors), variables) + (NONE,), jvp=FROM_VJP,
            dtype_args=(), batchable=False,
        )
        return bind(prim, *tensors, *variables, y)

    return wrapped


def _describe(result):
    if isinstance(result, (tuple, list)):
        kinds = ", ".join(type(r).__name__ for r in result)
        return f"a {type(result).__name__} of {len(result)} ({kinds})"
    return f"a {type(result).__name__}"


def _parameters(fn):
    try:
        return inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return {}


def recompute_grad(f):
    """Decorates `f` so that its intermediates are recomputed during the backward pass.

    The forward keeps only the inputs and the output; the gradient re-runs `f` under a tape.
    Saves memory for long chains at the cost of a second forward pass.
    """

    @functools.wraps(f)
    def wrapped(*args):
        @custom_gradient
        def inner(*xs):
            result = f(*xs)

            def grad_fn(dy, variables=None):
                with GradientTape() as tape:
                    tape.watch(list(xs))
                    again = f(*xs)
                sources = list(xs) + list(variables or [])
                grads = tape.gradient(again, sources, output_gradients=dy)
                if variables:
                    return grads[: len(xs)], grads[len(xs):]
                return grads

            return result, grad_fn

        return inner(*args)

    return wrapped
