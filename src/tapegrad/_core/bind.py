"""`bind`, the one function through which every op runs.

It converts the arguments (`convert.py`), runs the primitive's NumPy forward, and hands
(primitive, inputs, params, output) to whichever interpreters this thread has active
(`state.py`): tapes, forward accumulators, the tracer. It knows none of them.
"""

import numpy as np

from .convert import convert, describe
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


def bind(prim, *args, **params):
    """Runs primitive `prim` on `args` and hands the call to this thread's active interpreters.

    Raises:
        InvalidArgumentError: if an argument does not convert (see `convert`) or the forward
            fails on the arguments (the message names the op, the inputs and the params).
    """
    # The fast path (docs/performance.md, "bind"): one or two tensors of one dtype, most calls,
    # need no conversion; and the forward gets their arrays as positional arguments, without
    # the list and star-call that cost a third of a scalar op.
    n = len(args)
    if n == 1:
        targs = args if type(args[0]) is Tensor else convert(prim, args)
    elif n == 2 and type(args[0]) is Tensor and type(args[1]) is Tensor and (
            args[0]._value.dtype == args[1]._value.dtype and prim.dtype_args is None):
        targs = args
    else:
        targs = convert(prim, args)
    try:
        if n == 1:
            value = prim.forward(targs[0]._value, **params)
        elif n == 2:
            value = prim.forward(targs[0]._value, targs[1]._value, **params)
        else:
            value = prim.forward(*[a._value for a in targs], **params)
    except _ERRORS as err:
        raise _failed(prim, targs, params, err) from None
    if type(value) is not np.ndarray and not isinstance(value, np.generic):
        # a string op on 0-d object arrays returns bytes: keep it a tf.string
        value = np.asarray(value, dtype=object if isinstance(value, bytes) else None)
    out = Tensor(value)
    for interpreter in state.interpreters:
        interpreter.process_primitive(prim, targs, params, out)
    return out
