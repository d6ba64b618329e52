"""`tapegrad.linalg`: `tf.linalg`'s names (their code: `_impl/linalg_ops.py` and others)."""

from ._impl.array_ops import matrix_transpose
from ._impl.clip_ops import global_norm, norm
from ._impl.creation_ops import eye
from ._impl.linalg_ops import (
    adjoint,
    cholesky,
    det,
    diag_part,
    einsum,
    inv,
    logdet,
    matvec,
    slogdet,
    solve,
    tensordot,
    trace,
)
from ._impl.math_ops import matmul

__all__ = [
    "adjoint", "cholesky", "det", "diag_part", "einsum", "eye", "global_norm", "inv", "logdet", "matmul",
    "matrix_transpose", "matvec", "norm", "slogdet", "solve", "tensordot", "trace",
]
