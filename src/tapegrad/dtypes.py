"""`tapegrad.dtypes`: `tf.dtypes`'s names: the dtypes, `DType`, `as_dtype`, `cast` and
`saturate_cast` (their code: `_core/dtypes.py`, `_impl/array_ops.py`, `_impl/dtype_ops.py`)."""

from ._core.dtypes import (
    DType, as_dtype, bool, complex64, complex128, double, float16, float32, float64, half,
    int8, int16, int32, int64, string, uint8, uint16, uint32, uint64,
)
from ._impl.array_ops import cast
from ._impl.dtype_ops import saturate_cast

__all__ = [
    "DType", "as_dtype", "bool", "cast", "complex64", "complex128", "double", "float16",
    "float32", "float64", "half", "int8", "int16", "int32", "int64", "saturate_cast", "string",
    "uint8", "uint16", "uint32", "uint64",
]
