"""`tapegrad.linalg`: linear algebra under TensorFlow's names, plus `tf.tensordot` and `tf.einsum`.

Matrix ops act on the last two axes and broadcast the leading (batch) axes.
"""

import collections
import functools

import numpy as np

from .._core.bind import bind as _bind
from .._core.primitive import composite as _composite
from .._core.tensor import convert_to_tensor as _tensor
from ..ops import elementwise as _e
from ..ops import matrix as _l
from ..ops import reductions as _r
from ..ops import shape as _s
from .arguments import invalid as _invalid
from .arguments import static as _static
from .array_ops import matrix_transpose
from .math_ops import matmul

__all__ = [
    "matvec", "adjoint", "inv", "det", "slogdet", "logdet", "solve", "cholesky", "trace",
    "diag_part", "tensordot", "einsum",
]

LogMatrixDeterminant = collections.namedtuple("LogMatrixDeterminant",
                                              ["sign", "log_abs_determinant"])

adjoint = matrix_transpose  # real dtypes only: the conjugate transpose is the transpose


def _square(op, x, name="input"):
    x = _tensor(x)
    if not (x.dtype.is_floating or x.dtype.is_complex):
        raise _invalid(op, f"{name} must be a float (or complex) tensor, got dtype "
                           f"{x.dtype.name}; cast it first, e.g. tf.cast(x, tf.float32).")
    shape = x._value.shape
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise _invalid(op, f"{name} must be a square matrix or a batch of them (shape [..., M, "
                           f"M]), got shape {x.shape}.")
    return x


def matvec(a, b, transpose_a=False, adjoint_a=False, a_is_sparse=False, b_is_sparse=False,
           name=None):
    """Matrix-vector product over the last axes: a [..., M, N] times b [..., N] gives [..., M]."""
    b = _tensor(b)
    column = _bind(_s.reshape, b, shape=b._value.shape + (1,))
    out = matmul(a, column, transpose_a=transpose_a, adjoint_a=adjoint_a)
    return _bind(_s.reshape, out, shape=out._value.shape[:-1])


def inv(input, adjoint=False, name=None):  # noqa: A002 - TensorFlow's name
    """The inverse of each square matrix (of its transpose if `adjoint`).

    Raises:
        InvalidArgumentError: if a matrix is not square or not invertible.
    """
    x = _square("inv", input)
    if adjoint:
        x = matrix_transpose(x)
    return _bind(_l.matrix_inverse, x)


def det(input, name=None):  # noqa: A002 - TensorFlow's name
    """The determinant of each square matrix; its gradient needs the matrix invertible."""
    return _bind(_l.det, _square("det", input))


def slogdet(input, name=None):  # noqa: A002 - TensorFlow's name
    """(sign, log|det|) of each square matrix, stable where det itself would under- or overflow.

    Returns:
        A named tuple `(sign, log_abs_determinant)`; the sign's gradient is zeros and its JVP
        None, as in TensorFlow.
    """
    x = _square("slogdet", input)
    sign = _bind(_l.slogdet_sign, x)
    return LogMatrixDeterminant(sign, _bind(_l.log_abs_determinant, x))


def logdet(matrix, name=None):
    """log(det(matrix)) of a symmetric positive definite matrix, through its Cholesky factor.

    Reads the lower triangle only and has cholesky's symmetric gradient, so it is not a
    registered composite: tests/test_linalg.py checks it on a a^T + I as a function of a.
    """
    diagonal = diag_part(cholesky(matrix))
    return _bind(_r.reduce_sum, 2.0 * _bind(_e.log, diagonal), axis=-1)


def solve(matrix, rhs, adjoint=False, name=None):
    """Solves matrix @ x = rhs (matrix^T @ x = rhs if `adjoint`) for x.

    Raises:
        InvalidArgumentError: if the ranks or shapes disagree, or a matrix is singular.
    """
    a = _square("solve", matrix, "matrix")
    b = _tensor(rhs, dtype_hint=a.dtype)
    if b.ndim != a.ndim or b._value.shape[-2] != a._value.shape[-1]:
        raise _invalid("solve", f"rhs of shape {b.shape} does not fit matrix of shape {a.shape}: "
                                "both need the same rank and rhs.shape[-2] == matrix.shape[-1].")
    if adjoint:
        a = matrix_transpose(a)
    return _bind(_l.solve, a, b)


def cholesky(input, name=None):  # noqa: A002 - TensorFlow's name
    """The lower-triangular L with L L^T = input, for symmetric positive definite input.

    As TensorFlow: only the lower triangle is read, a matrix that is not positive definite gives
    NaN, and the gradient is symmetric (the same for both triangles).
    """
    # the primitive reads the lower triangle itself, so a traced program does it for every input
    return _bind(_l.cholesky, _square("cholesky", input))


@_composite
def diag_part(input, name="diag_part", k=0, padding_value=0, align="RIGHT_LEFT"):  # noqa: A002
    """The main diagonal of each matrix in the last two axes (k = 0 only)."""
    x = _tensor(input)
    if x.ndim < 2:
        raise _invalid("diag_part", f"input must have rank >= 2, got shape {x.shape}")
    if k != 0:
        raise NotImplementedError("diag_part: only the main diagonal (k=0) is supported")
    at = np.arange(min(x._value.shape[-2:]))
    return _bind(_s.getitem, x, key=(Ellipsis, at, at))


@_composite
def trace(x, name=None):
    """The sum of the main diagonal of each matrix in the last two axes."""
    return _bind(_r.reduce_sum, diag_part(x), axis=-1)


def _tensordot_axes(axes, a, b):
    axes = _static(axes)
    if isinstance(axes, (int, np.integer)):
        n = int(axes)
        if not 0 <= n <= min(a.ndim, b.ndim):
            raise _invalid("tensordot", f"axes={n} needs 0 <= axes <= min(rank(a), rank(b)) for "
                                        f"shapes {a.shape} and {b.shape}.")
        return list(range(a.ndim - n, a.ndim)), list(range(n))
    a_axes, b_axes = axes
    a_axes = [a_axes] if isinstance(a_axes, (int, np.integer)) else list(a_axes)
    b_axes = [b_axes] if isinstance(b_axes, (int, np.integer)) else list(b_axes)
    if len(a_axes) != len(b_axes):
        raise _invalid("tensordot", f"axes {a_axes} and {b_axes} must have the same length.")
    try:
        return [int(i) % a.ndim for i in a_axes], [int(i) % b.ndim for i in b_axes]
    except ZeroDivisionError:
        raise _invalid("tensordot", "cannot contract axes of a scalar") from None


@_composite
def tensordot(a, b, axes, name=None):
    """Sums products of `a` and `b` over the given axes: an int n (a's last n with b's first n)
    or a pair of axis lists. The free axes of a, then of b, make the result's shape.

    Raises:
        InvalidArgumentError: if contracted dimensions differ.
    """
    a = _tensor(a)
    b = _tensor(b, dtype_hint=a.dtype)
    a_axes, b_axes = _tensordot_axes(axes, a, b)
    sa, sb = a._value.shape, b._value.shape
    if [sa[i] for i in a_axes] != [sb[i] for i in b_axes]:
        raise _invalid("tensordot", f"contracted dimensions differ: axes {a_axes} of a "
                                    f"{a.shape} and axes {b_axes} of b {b.shape}.")
    free_a = [i for i in range(a.ndim) if i not in a_axes]
    free_b = [i for i in range(b.ndim) if i not in b_axes]
    inner = int(np.prod([sa[i] for i in a_axes], dtype=np.int64))
    a2 = _as_matrix(a, free_a + a_axes, (-1, inner))
    b2 = _as_matrix(b, b_axes + free_b, (inner, -1))
    out = _bind(_l.matmul, a2, b2)
    return _bind(_s.reshape, out, shape=tuple(sa[i] for i in free_a) + tuple(sb[i] for i in free_b))


def _as_matrix(x, perm, shape):
    if perm != list(range(x.ndim)):
        x = _bind(_s.transpose, x, perm=tuple(perm))
    rows = shape[0] if shape[0] != -1 else x._value.size // max(shape[1], 1)
    cols = shape[1] if shape[1] != -1 else x._value.size // max(shape[0], 1)
    return _bind(_s.reshape, x, shape=(rows, cols))


def einsum(equation, *inputs, **kwargs):
    """Einstein summation, as `tf.einsum`: e.g. "ij,jk->ik", "bij,bjk->bik", "...ij->...ji".

    Letters repeated in one operand take its diagonal; letters missing from the output are
    summed; "..." stands for broadcast batch axes. Without "->" the output is the letters that
    appear once, in alphabetical order.

    Raises:
        ValueError: for a malformed equation.
        InvalidArgumentError: if a letter's dimensions disagree between operands.
    """
    tensors = [_tensor(x) for x in inputs]
    if len(tensors) > 1:
        tensors = [tensors[0]] + [_tensor(x, dtype_hint=tensors[0].dtype) for x in inputs[1:]]
    spec = _einsum_spec(equation, tuple(t._value.shape for t in tensors))
    return _bind(_l.einsum, *tensors, equation=spec)


@functools.lru_cache(maxsize=512)
def _einsum_spec(equation, shapes):
    """The equation with "..." spelled out as letters and the output made explicit."""
    eq = equation.replace(" ", "")
    inputs, arrow, output = eq.partition("->")
    subs = inputs.split(",")
    if len(subs) != len(shapes):
        raise ValueError(f"einsum: equation {equation!r} has {len(subs)} operands but "
                         f"{len(shapes)} tensors were given")
    named = [s.replace("...", "") for s in subs + [output]]
    if not all(s.isalpha() or not s for s in named):
        raise ValueError(f"einsum: invalid equation {equation!r}: use letters, ',', '->', '...'")
    ranks = []
    for k, (s, shape) in enumerate(zip(subs, shapes)):
        extra = len(shape) - len(named[k])
        if ("..." in s and extra < 0) or ("..." not in s and extra != 0):
            raise _invalid("einsum", f"operand {k} has subscripts {s!r} but shape {list(shape)}")
        ranks.append(extra)
    ell = _l.fresh_letters(eq, max(ranks, default=0))
    subs = [s.replace("...", ell[len(ell) - r:]) for s, r in zip(subs, ranks)]
    if not arrow:
        counts = collections.Counter("".join(named[:-1]))
        output = "..." + "".join(sorted(c for c, n in counts.items() if n == 1))
    output = output.replace("...", ell)
    for c in output:
        if not any(c in s for s in subs):
            raise ValueError(f"einsum: output subscripts contain the label {c} not present in "
                             f"the input subscripts of {equation!r}")
    if len(set(output)) != len(output):
        raise ValueError(f"einsum: output subscripts of {equation!r} repeat a label")
    sizes = {}
    for k, (s, shape) in enumerate(zip(subs, shapes)):
        for c, d in zip(s, shape):
            seen = sizes.setdefault(c, d)
            if seen != d and not (c in ell and 1 in (seen, d)):
                raise _invalid("einsum", f"label {c} has dimension {d} in operand {k} (shape "
                                         f"{list(shape)}) but {seen} elsewhere in {equation!r}")
            if c in ell and seen == 1:
                sizes[c] = d
    return ",".join(subs) + "->" + output
