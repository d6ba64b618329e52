"""TensorFlow-style dtypes: `tapegrad.float32` and friends, mapped onto NumPy dtypes."""

import numpy as np

__all__ = ["DType", "as_dtype"]


class DType:
    """A tensor element type, named as in TensorFlow (`float32`, `int64`, `bool`, ...).

    Compares equal to the matching NumPy dtype or type, so `t.dtype == np.float32` holds.
    """

    __slots__ = ("name", "as_numpy_dtype", "_np")

    def __init__(self, name, np_dtype):
        self.name = name
        self._np = np.dtype(np_dtype)
        self.as_numpy_dtype = self._np.type

    @property
    def is_floating(self):
        return self._np.kind == "f"

    @property
    def is_integer(self):
        return self._np.kind in "iu"

    @property
    def is_complex(self):
        return self._np.kind == "c"

    @property
    def is_bool(self):
        return self._np.kind == "b"

    @property
    def is_unsigned(self):
        return self._np.kind == "u"

    @property
    def base_dtype(self):
        return self

    @property
    def size(self):
        return self._np.itemsize

    @property
    def min(self):
        return np.finfo(self._np).min if self.is_floating else np.iinfo(self._np).min

    @property
    def max(self):
        return np.finfo(self._np).max if self.is_floating else np.iinfo(self._np).max

    def __eq__(self, other):
        if isinstance(other, DType):
            return self._np == other._np
        try:
            return self._np == as_dtype(other)._np
        except (TypeError, ValueError):
            return False

    def __hash__(self):
        return hash(self._np)

    def __repr__(self):
        return f"tapegrad.{self.name}"

    def __str__(self):
        return f"<dtype: '{self.name}'>"


_NAMES = {
    "float16": np.float16, "float32": np.float32, "float64": np.float64,
    "int8": np.int8, "int16": np.int16, "int32": np.int32, "int64": np.int64,
    "uint8": np.uint8, "uint16": np.uint16, "uint32": np.uint32, "uint64": np.uint64,
    "bool": np.bool_, "complex64": np.complex64, "complex128": np.complex128,
    "string": np.object_,  # bytes in an object array, as TensorFlow's `.numpy()` gives them
}
_BY_NAME = {name: DType(name, t) for name, t in _NAMES.items()}
_BY_NUMPY = {d._np: d for d in _BY_NAME.values()}
_ALIASES = {"half": "float16", "float": "float32", "double": "float64"}


def as_dtype(value):
    """Returns the `DType` for a DType, a NumPy dtype or type, or a name such as "float32"."""
    if isinstance(value, DType):
        return value
    if isinstance(value, str):
        name = _ALIASES.get(value, value)
        if name in _BY_NAME:
            return _BY_NAME[name]
    try:
        found = _BY_NUMPY.get(np.dtype(value))
    except TypeError:
        found = None
    if found is None:
        raise TypeError(
            f"Cannot convert {value!r} to a tapegrad dtype; use one of {', '.join(_NAMES)}."
        )
    return found


def from_numpy(np_dtype):
    """The DType of a NumPy dtype (fast path for arrays already held by tensors)."""
    try:
        return _BY_NUMPY[np_dtype]
    except KeyError:
        return as_dtype(np_dtype)


globals().update(_BY_NAME)
half, double = float16, float64  # noqa: F821 - defined by the update above
