"""Argument conversion for `bind`: every argument becomes a Tensor of the dtype its op needs.

Tensors of one dtype pass as they are; a variable is read; a Python value takes the dtype of its
tensor partners (TensorFlow's op-type inference), through a cache of converted numbers.
"""

from .errors import InvalidArgumentError
from .tensor import Tensor, to_array

__all__ = ["CONSTANTS", "DtypeConversionError", "cached_constant", "convert", "describe"]


def describe(args):
    return ", ".join(
        f"{a.dtype.name}{list(a._value.shape)}" if isinstance(a, Tensor) else repr(a) for a in args
    )


CONSTANTS = {}  # dtype -> {Python number: constant Tensor}: numbers converted once


def cached_constant(value, dtype):
    """A Tensor for a Python value, in `dtype` (or TensorFlow's default dtype when None)."""
    by_value = CONSTANTS.get(dtype)
    if by_value is None:
        by_value = CONSTANTS[dtype] = {}
    try:
        t = by_value.get(value)
    except TypeError:  # unhashable (a list): convert every time
        return Tensor(to_array(value, dtype))
    if t is None:
        # 1, 1.0 and True convert to the same value of one dtype, so the value is the key; but
        # -0.0 == 0 too, so zeros are kept under keys no number equals: the fast paths that
        # look numbers up here directly (bind, Variable.assign*) miss them and come here
        key = value
        if value == 0:
            key = ("zero", repr(value))
            t = by_value.get(key)
            if t is not None:
                return t
        arr = to_array(value, dtype)
        if arr.ndim == 0 and arr.dtype != object:  # a string stays a 0-d array
            arr = arr[()]  # a NumPy scalar: scalar-with-scalar arithmetic is 7x faster
        t = Tensor(arr)
        if arr.ndim == 0 and dtype is not None and len(by_value) < 1024:
            by_value[key] = t
    return t


def convert(prim, args):
    """Turns every argument into a Tensor, the way TensorFlow infers an op's input types.

    A variable is read. The tensors among `prim.dtype_args` (all arguments when None) must
    share one dtype, which the Python values among them take; a Python value elsewhere takes
    TensorFlow's default dtype (float32, int32).

    Raises:
        InvalidArgumentError: for tensors of different dtypes that must share one, or a value
            that is no tensor at all (None, a ragged list).
        DtypeConversionError: for a value that cannot take its dtype (1.5 for int32).
    """
    shared = prim.dtype_args
    out = list(args)
    ref = None  # the dtype of the shared tensors, which the Python values among them take
    values = False  # whether an argument is not a tensor yet
    i = -1
    for a in args:
        i += 1
        kind = type(a)
        if kind is not Tensor:
            if kind is float or kind is int or kind is bool:
                values = True
                continue
            if hasattr(a, "_read"):  # a Variable
                a = out[i] = a._read()
            elif not isinstance(a, Tensor):
                values = True
                continue
        if shared is None or i in shared:
            if ref is None:
                ref = a._value.dtype
            elif a._value.dtype != ref:
                raise InvalidArgumentError(
                    f"{prim.name}: all inputs must have the same dtype, got {ref.name} and "
                    f"{a._value.dtype.name} ({describe(out)}). Cast one of them with "
                    f"tf.cast(x, tf.{ref.name}).",
                    op=prim.name,
                )
    if values:
        for i, a in enumerate(args):
            if out[i] is a and not isinstance(a, Tensor):
                try:
                    out[i] = cached_constant(a, ref if shared is None or i in shared else None)
                except (TypeError, ValueError) as err:
                    raise _conversion_error(prim, i, err) from None
    return out


class DtypeConversionError(InvalidArgumentError, TypeError):
    """A Python value that cannot take its partner's dtype (1.5 for an int32 tensor, a string).

    TensorFlow raises TypeError for it from most ops and InvalidArgumentError from `+` and
    tf.add; this is both, so code written against either catches it.
    """


def _conversion_error(prim, i, err):
    # A value that is no tensor at all (None, a ragged list) is a ValueError, as in TensorFlow.
    message = f"{prim.name}: argument {i}: {err}"
    if isinstance(err, TypeError):
        return DtypeConversionError(message, op=prim.name)
    return InvalidArgumentError(message, op=prim.name)
