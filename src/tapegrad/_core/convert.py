"""Argument conversion for `bind`: every argument becomes a Tensor of the dtype its op needs.

Tensors of one dtype pass as they are; a variable is read; a Python value takes the dtype of its
tensor partners (TensorFlow's op-type inference), through a cache of converted numbers.
"""

from .errors import InvalidArgumentError
from .tensor import Tensor, to_array

__all__ = ["convert", "describe", "DtypeConversionError"]


def describe(args):
    return ", ".join(
        f"{a.dtype.name}{list(a._value.shape)}" if isinstance(a, Tensor) else repr(a) for a in args
    )


_CONSTANTS = {}  # dtype -> {Python number: constant Tensor}: numbers converted once
_NUMBERS = (float, int, bool)


def _constant(value, dtype):
    """A Tensor for a Python value, in `dtype` (or TensorFlow's default dtype when None)."""
    by_value = _CONSTANTS.get(dtype)
    if by_value is None:
        by_value = _CONSTANTS[dtype] = {}
    try:
        t = by_value.get(value)
    except TypeError:  # unhashable (a list): convert every time
        return Tensor(to_array(value, dtype))
    if t is None:
        # 1, 1.0 and True convert to the same value of one dtype, so the value is the key
        arr = to_array(value, dtype)
        if arr.ndim == 0 and arr.dtype != object:  # a string stays a 0-d array
            arr = arr[()]  # a NumPy scalar: scalar-with-scalar arithmetic is 7x faster
        t = Tensor(arr)
        if arr.ndim == 0 and dtype is not None and len(by_value) < 1024:
            by_value[value] = t
    return t


def convert(prim, args):
    """Turns every argument into a Tensor; Python values take their tensor partners' dtype."""
    if len(args) == 2 and prim.dtype_args is None:  # binary elementwise
        a, b = args
        ta, tb = type(a), type(b)
        if ta is not Tensor and ta not in _NUMBERS and hasattr(a, "_read"):  # a Variable
            a = a._read()
            ta = Tensor
        if tb is not Tensor and tb not in _NUMBERS and hasattr(b, "_read"):
            b = b._read()
            tb = Tensor
        try:
            if ta is Tensor:
                if tb is Tensor:
                    if a._value.dtype == b._value.dtype:
                        return (a, b)
                elif tb in _NUMBERS:
                    return (a, _constant(b, a._value.dtype))
            elif tb is Tensor and ta in _NUMBERS:
                return (_constant(a, b._value.dtype), b)
        except (TypeError, ValueError) as err:
            raise _conversion_error(prim, "", err) from None
        args = (a, b)
    elif len(args) == 1:
        read = getattr(args[0], "_read", None)
        if read is not None:
            return (read(),)
    out = list(args)
    ref = None
    shared = prim.dtype_args
    pending = []
    for i, a in enumerate(args):
        if type(a) is not Tensor:
            read = getattr(a, "_read", None)
            if read is not None:
                a = out[i] = read()
            elif not isinstance(a, Tensor):
                pending.append(i)
                continue
        if shared is None or i in shared:
            dt = a._value.dtype
            if ref is None:
                ref = dt
            elif dt != ref:
                raise InvalidArgumentError(
                    f"{prim.name}: all inputs must have the same dtype, got {ref.name} and "
                    f"{dt.name} ({describe(out)}). Cast one of them with tf.cast(x, "
                    f"tf.{ref.name}).",
                    op=prim.name,
                )
    for i in pending:
        dtype = ref if (shared is None or i in shared) else None
        try:
            out[i] = _constant(args[i], dtype)
        except (TypeError, ValueError) as err:
            raise _conversion_error(prim, f"argument {i}: ", err) from None
    return out


class DtypeConversionError(InvalidArgumentError, TypeError):
    """A Python value that cannot take its partner's dtype (1.5 for an int32 tensor, a string).

    TensorFlow raises TypeError for it from most ops and InvalidArgumentError from `+` and
    tf.add; this is both, so code written against either catches it.
    """


def _conversion_error(prim, where, err):
    # A value that is no tensor at all (None, a ragged list) is a ValueError, as in TensorFlow.
    message = f"{prim.name}: {where}{err}"
    if isinstance(err, TypeError):
        return DtypeConversionError(message, op=prim.name)
    return InvalidArgumentError(message, op=prim.name)
