"""`tf.py_function` and `tf.numpy_function`: Python code as one op of a TensorFlow program.

tapegrad runs eagerly, so the Python function simply runs: on tensors for `py_function`, whose
own tapegrad ops a `GradientTape` records (the gradient flows through it, as TensorFlow's
py_function's does), and on NumPy arrays for `numpy_function`, which has no gradient. Inside a
`tf.function` the Python function must run on every call, which a traced program cannot
replay, so the function runs eagerly for that signature (see `tapegrad/function.py`).
"""

import numpy as np

from .._core import dtypes as _dt
from .._core.errors import InvalidArgumentError
from .._core.state import impure as _impure
from .._core.tensor import Tensor, convert_to_tensor, to_array
from .function import TensorSpec

__all__ = ["numpy_function", "py_function"]


def _dtypes(caller, Tout):  # noqa: N803 - TensorFlow's name
    """(list of DTypes, whether the result is a list) for `Tout`."""
    if Tout is None:
        raise TypeError(
            f"{caller}: Missing required argument: 'Tout', the dtype (or list of dtypes) of the "
            "function's results. If using it as a decorator, set `Tout` by name: "
            f"`@tf.{caller}(Tout=tout)`."
        )
    many = isinstance(Tout, (list, tuple))
    items = list(Tout) if many else [Tout]
    return [t.dtype if isinstance(t, TensorSpec) else _dt.as_dtype(t) for t in items], many


def _inputs(inp):
    """TensorFlow iterates `inp`: a list of arguments, or a tensor's rows."""
    if inp is None:
        return []
    return list(inp)


def _run(caller, func, args, Tout, convert):  # noqa: N803 - TensorFlow's name
    """Calls `func(*args)` and converts each result with `convert(value, dtype)` to its dtype
    in `Tout`: one tensor, or a list when `Tout` is a list or tuple."""
    dtypes, many = _dtypes(caller, Tout)
    _impure(f"tf.{caller} runs Python on each call")
    name = getattr(func, "__name__", "the function")
    values = func(*args)
    if values is None:
        values = []
    elif not isinstance(values, (list, tuple)):
        values = [values]
    if len(values) != len(dtypes):  # TensorFlow drops extra values silently
        raise InvalidArgumentError(
            f"{caller}: {name} returns {len(values)} values, but expects to see {len(dtypes)} "
            f"values (Tout={[d.name for d in dtypes]}).",
            op=caller,
        )
    out = []
    for i, (value, dtype) in enumerate(zip(values, dtypes)):
        try:
            out.append(convert(value, dtype))
        except (TypeError, ValueError) as err:
            raise InvalidArgumentError(
                f"{caller}: value {i} returned by {name} does not convert to a {dtype.name} "
                f"tensor (Tout): {err}",
                op=caller,
            ) from None
    return out if many else out[0]


def py_function(func=None, inp=None, Tout=None, name=None):  # noqa: N803 - TensorFlow's name
    """Calls `func(*inp)` on tensors and returns its results as tensors of `Tout`'s dtypes, as
    `tf.py_function`. The function's tapegrad ops are recorded: gradients flow through it.

    Usable as `tf.py_function(func, inp, Tout)` or as a decorator,
    `@tf.py_function(Tout=tf.float32)`.

    Args:
        func: a Python function of tensors.
        inp: its arguments (a list; Python values and arrays become tensors).
        Tout: the dtype of its result, or a list or tuple of dtypes (or TensorSpecs) for a
            list of results.
        name: ignored; accepted for TensorFlow compatibility.

    Returns:
        A tensor, or a list of tensors when `Tout` is a list or tuple.

    Raises:
        TypeError: without `Tout`.
        InvalidArgumentError: if the function returns another number of values than `Tout`
            has, or a value that is not of its dtype (a tensor of another dtype, 3.5 for int32).
    """
    if func is None:
        return lambda f: lambda *args: py_function(f, args, Tout, name)
    args = [
        a if isinstance(a, Tensor) or hasattr(a, "_read") else convert_to_tensor(a)
        for a in _inputs(inp)
    ]
    return _run(
        "py_function", func, args, Tout, lambda value, dtype: convert_to_tensor(value, dtype)
    )


def numpy_function(func, inp, Tout, stateful=True, name=None):  # noqa: N803 - TensorFlow's name
    """Calls `func(*inp)` on NumPy arrays and returns its results as tensors, as
    `tf.numpy_function`; no gradient flows through it.

    Args:
        func: a Python function of NumPy arrays (a copy of each input's value).
        inp: its arguments.
        Tout: the dtype of its result, or a list or tuple of dtypes for a list of results. A
            NumPy array keeps its own dtype, as in TensorFlow's eager mode; a Python value
            takes Tout's.
        stateful: accepted for TensorFlow compatibility.
        name: ignored.

    Returns:
        A tensor, or a list of tensors when `Tout` is a list or tuple.

    Raises:
        InvalidArgumentError: if the function returns another number of values than `Tout`
            has, or a value that does not convert to a tensor.
    """
    arrays = [np.array(convert_to_tensor(a)) for a in _inputs(inp)]

    def convert(value, dtype):
        if isinstance(value, (np.ndarray, np.generic)):
            return Tensor(to_array(value))
        return Tensor(to_array(value, dtype._np))

    return _run("numpy_function", func, arrays, Tout, convert)
