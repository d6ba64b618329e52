"""`tapegrad.sparse`: `tf.sparse`'s names (their code: `_impl/sparse_ops.py`)."""

from ._impl.sparse_ops import (
    SparseTensor,
    add,
    concat,
    cross_hashed,
    from_dense,
    mask,
    reduce_max,
    reduce_sum,
    reorder,
    reshape,
    retain,
    slice,
    sparse_dense_matmul,
    to_dense,
    transpose,
)

__all__ = [
    "SparseTensor", "add", "concat", "cross_hashed", "from_dense", "mask", "reduce_max", "reduce_sum", "reorder",
    "reshape", "retain", "slice", "sparse_dense_matmul", "to_dense", "transpose",
]
