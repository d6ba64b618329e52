"""`bind`, the one function through which every op runs.

It converts the arguments (`convert.py`), runs the primitive's NumPy forward, and hands
(primitive, inputs, params, output) to whichever interpreters this thread has active
(`state.py`): tapes, forward accumulators, the tracer. It knows none of them.
"""

import numpy as np

from .convert import CONSTANTS, convert, describe
from .errors import InvalidArgumentError
from .state import state
from .tensor import Tensor

__all__ = ["bind"]


def _failed(prim, targs, params, err):
    shown = f" with {params}" if params else ""
    return InvalidArgumentError(
        f"{prim.name}: cannot compute on inputs {describe(targs)}{shown}: {err}", op=prim.name
    )


_ERRORS = (ValueError, IndexError, TypeError, np.linalg.LinAlgError)
_NOTHING = {}
_ARRAYS = (np.ndarray, np.generic)  # what forwards return, but for a few string ops


def bind(prim, *args, **params):
    """Runs primitive `prim` on `args` and hands the call to this thread's active interpreters.

    An argument whose type has a `bind_override(prim, args, params)` (RaggedTensor) computes
    the call itself, and its result is the call's.

    Raises:
        InvalidArgumentError: if an argument does not convert (see `convert`) or the forward
            fails on the arguments (the message names the op, the inputs and the params).
    """
    # -- the fast path (docs/performance.md, "bind's fast path") ------------------------------
    # Nearly every call is one tensor, or a tensor with a second argument that is a tensor of
    # its dtype, a Python number converted before (found in the constant cache) or a variable
    # (`x + bias`): these skip `convert`, and the forward gets their arrays positionally (a
    # list and a star-call would cost a third of a scalar op). Everything else, and a number
    # seen for the first time, goes to `convert`.
    n = len(args)
    targs = None
    if n == 1:
        if type(args[0]) is Tensor:
            targs = args
    elif n == 2 and prim.dtype_args is None:
        a, b = args
        if type(a) is Tensor:
            kind = type(b)
            if kind is not Tensor and kind is not float and kind is not int and hasattr(
                    kind, "_read"):
                b = args[1]._read()  # a variable, read once
                args = (a, b)
                kind = Tensor
            if kind is Tensor:
                if a._value.dtype == b._value.dtype:
                    targs = args
            elif kind is float or kind is int:
                b = CONSTANTS.get(a._value.dtype, _NOTHING).get(b)
                targs = None if b is None else (a, b)
        elif type(b) is Tensor and (type(a) is float or type(a) is int):
            a = CONSTANTS.get(b._value.dtype, _NOTHING).get(a)
            targs = None if a is None else (a, b)
    if targs is None:
        try:
            targs = convert(prim, args)
        except (TypeError, ValueError):
            for a in args:
                # An argument of a kind that computes ops itself (a RaggedTensor, on its
                # values), which `convert` cannot take: the op is its. Looked for only here,
                # where conversion failed.
                override = getattr(type(a), "bind_override", None)
                if override is not None:
                    return override(prim, args, params)
            raise
    # -- the forward, then the interpreters ---------------------------------------------------
    try:
        # (no `**params` without params: a plain call of the forward costs a third less)
        if n == 2:
            if params:
                value = prim.forward(targs[0]._value, targs[1]._value, **params)
            else:
                value = prim.forward(targs[0]._value, targs[1]._value)
        elif n == 1:
            if params:
                value = prim.forward(targs[0]._value, **params)
            else:
                value = prim.forward(targs[0]._value)
        else:
            value = prim.forward(*[a._value for a in targs], **params)
    except InvalidArgumentError:
        raise  # a forward's own error names its op already
    except _ERRORS as err:
        raise _failed(prim, targs, params, err) from None
    if not isinstance(value, _ARRAYS):
        # a string op on 0-d object arrays returns bytes: keep it a tf.string
        value = np.asarray(value, dtype=object if isinstance(value, bytes) else None)
    out = Tensor(value)
    for interpreter in state.interpreters:
        interpreter.process_primitive(prim, targs, params, out)
    return out
