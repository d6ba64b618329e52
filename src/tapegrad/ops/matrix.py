"""Linear-algebra primitives: matmul, inv, det, log|det|, solve, cholesky and einsum.

Rules act on the last two axes and let NumPy broadcast the leading ones, so a cotangent with
extra leading batch axes needs no special handling.
"""

import numpy as np

from .._core.primitive import MULTILINEAR, NONE, ZERO, defprimitive
from .._core.tensor import Tensor
from ._util import batch_shape
from .reductions import reduce_sum
from .shape import per_argument, reshape, transpose


def _swap(t):
    n = t._value.ndim
    return transpose(t, perm=tuple(range(n - 2)) + (n - 1, n - 2))


def _constant(array, like):
    return Tensor(np.asarray(array, dtype=like._value.dtype))


def _matmul(a, b, transpose_a=False, transpose_b=False):
    """np.matmul of the (optionally transposed) last two axes.

    A stack of matrices against one matrix (or the reverse) is one GEMM: NumPy multiplies it
    one slice at a time, and a batch of cotangents (tape.jacobian) produces exactly that.
    The transposes are the arrays' own `swapaxes` (np.swapaxes is a Python wrapper of it).
    """
    if transpose_a:
        a = a.swapaxes(-1, -2)
    if transpose_b:
        b = b.swapaxes(-1, -2)
    if a.ndim > 2 and b.ndim == 2:
        return (a.reshape(-1, a.shape[-1]) @ b).reshape(a.shape[:-1] + (b.shape[-1],))
    if a.ndim == 2 and b.ndim > 2:
        # a @ b[i] for every i, as (b^T a^T)^T with the stack folded into rows of b^T
        bt = b.swapaxes(-1, -2)
        out = (bt.reshape(-1, bt.shape[-1]) @ a.T).reshape(bt.shape[:-1] + (a.shape[0],))
        return out.swapaxes(-1, -2)
    return np.matmul(a, b)


# TensorFlow's MatMulGrad: the transposes are flags of the products, not ops of their own.
def _matmul_vjp_a(g, out, a, b, transpose_a=False, transpose_b=False):
    if not transpose_a:
        return matmul(g, b, transpose_b=not transpose_b)
    return matmul(b, g, transpose_a=transpose_b, transpose_b=True)


def _matmul_vjp_b(g, out, a, b, transpose_a=False, transpose_b=False):
    if not transpose_b:
        return matmul(a, g, transpose_a=not transpose_a)
    return matmul(g, a, transpose_a=True, transpose_b=transpose_a)


def _matmul_specialized(specs, transpose_a=False, transpose_b=False):
    """Two matrices: the one np.matmul that `_matmul` makes of them (a 2-D swapaxes is .T)."""
    if len(specs[0][0]) != 2 or len(specs[1][0]) != 2:
        return None
    return _MATRIX_PRODUCTS[transpose_a, transpose_b]


_MATRIX_PRODUCTS = {
    (False, False): np.matmul,
    (True, False): lambda a, b: np.matmul(a.T, b),
    (False, True): lambda a, b: np.matmul(a, b.T),
    (True, True): lambda a, b: np.matmul(a.T, b.T),
}

matmul = defprimitive(
    "matmul", _matmul, vjp=(_matmul_vjp_a, _matmul_vjp_b), jvp=MULTILINEAR, saves=(0, 1),
    specialize=_matmul_specialized,
)

# d(A^-1) = -A^-1 dA A^-1
matrix_inverse = defprimitive(
    "inv", np.linalg.inv,
    vjp=lambda g, out, x: -matmul(matmul(_swap(out), g), _swap(out)),
    jvp=lambda t, out, x: -matmul(matmul(out, t), out),
)


def _trace_of_product(a, b):
    """trace(a @ b) over the last two axes, as a sum of elementwise products."""
    return reduce_sum(a * _swap(b), axis=(-2, -1))


def _scalar_to_matrix(g):
    return reshape(g, shape=g._value.shape + (1, 1))


# d det(A) = det(A) trace(A^-1 dA); TensorFlow's rule, which needs A invertible.
det = defprimitive(
    "det", np.linalg.det,
    vjp=lambda g, out, x: _scalar_to_matrix(g * out) * _swap(matrix_inverse(x)),
    jvp=lambda t, out, x: out * _trace_of_product(matrix_inverse(x), t),
)

# The sign output of slogdet. A primitive for TensorFlow's convention: its gradient is zeros
# (LogMatrixDeterminant's gradient ignores the sign's cotangent), its JVP None.
slogdet_sign = defprimitive(
    "slogdet_sign", lambda x: np.linalg.slogdet(x)[0], vjp=ZERO, jvp=NONE,
)

# The log|det| output of slogdet (TensorFlow's field name).
log_abs_determinant = defprimitive(
    "log_abs_determinant", lambda x: np.linalg.slogdet(x)[1],
    vjp=lambda g, out, x: _scalar_to_matrix(g) * _swap(matrix_inverse(x)),
    jvp=lambda t, out, x: _trace_of_product(matrix_inverse(x), t),
)


def _solve_vjp_matrix(g, out, a, b):
    return -matmul(solve(_swap(a), g), _swap(out))


# out = A^-1 B: dB -> A^-1 dB, dA -> -A^-1 dA out
solve = defprimitive(
    "solve", np.linalg.solve,
    vjp=(_solve_vjp_matrix, lambda g, out, a, b: solve(_swap(a), g)),
    jvp=(lambda t, out, a, b: -solve(a, matmul(t, out)), lambda t, out, a, b: solve(a, t)),
)


def _cholesky(x):
    # The lower triangle mirrored, by selection (np.tril): an inf or NaN above the diagonal is
    # never read, as in TensorFlow's kernel (arithmetic such as 0.5 (x + x^T) would spread it).
    sym = np.tril(x) + np.swapaxes(np.tril(x, -1), -1, -2)
    try:
        return np.linalg.cholesky(sym)
    except np.linalg.LinAlgError:
        # As TensorFlow: a matrix that is not positive definite gives NaN, not an error.
        out = np.zeros_like(sym)
        for k in np.ndindex(sym.shape[:-2]):
            try:
                out[k] = np.linalg.cholesky(sym[k])
            except np.linalg.LinAlgError:
                out[k] = np.tril(np.full(sym.shape[-2:], np.nan))
        return out


def _phi(n, like):
    """Lower-triangle mask with the diagonal halved."""
    return _constant(np.tril(np.ones((n, n))) - 0.5 * np.eye(n), like)


def _cholesky_vjp(g, out, x):
    # TensorFlow's symmetric gradient: sym(L^-T Phi(L^T g) L^-1) (Murray 2016).
    l_inv = matrix_inverse(out)
    middle = matmul(_swap(out), g) * _phi(out._value.shape[-1], g)
    grad = matmul(matmul(_swap(l_inv), middle), l_inv)
    return 0.5 * (grad + _swap(grad))


def _cholesky_jvp(t, out, x):
    # dL = L Phi(L^-1 sym(dA) L^-T)
    l_inv = matrix_inverse(out)
    sym = 0.5 * (t + _swap(t))
    inner = matmul(matmul(l_inv, sym), _swap(l_inv))
    return matmul(out, inner * _phi(out._value.shape[-1], t))


# As TensorFlow's Cholesky: the forward reads the lower triangle only, the rules are the
# symmetric gradient (and the JVP of sym(t)), which is the derivative for symmetric
# perturbations: tests/_specs.py checks it through a / 2 + a^T / 2.
cholesky = defprimitive(
    "cholesky", _cholesky, vjp=_cholesky_vjp, jvp=_cholesky_jvp,
)


# -- einsum --------------------------------------------------------------------------------------

def fresh_letters(used, n):
    free = [c for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in used]
    if len(free) < n:
        raise ValueError("einsum: too many axes for the 52 subscript letters")
    return "".join(free[:n])


def _einsum_vjp(i, g, out, *xs, equation):
    inputs, result = equation.split("->")
    subs = inputs.split(",")
    target = subs[i]
    others = [x for j, x in enumerate(xs) if j != i]
    other_subs = [s for j, s in enumerate(subs) if j != i]
    batch = fresh_letters(equation, len(batch_shape(g, out)))
    known = set(result).union(*other_subs)
    keep = "".join(dict.fromkeys(c for c in target if c in known))
    spec = ",".join([batch + result] + other_subs) + "->" + batch + keep
    h = einsum(g, *others, equation=spec)
    if keep == target:
        return h
    # A letter repeated in this operand (a diagonal) or summed out of it alone: spread h over
    # the operand's axes with a constant 0/1 tensor.
    return einsum(h, _spreader(target, keep, xs[i], h), equation=_spread_spec(batch, target, keep))


def _spread_spec(batch, target, keep):
    axes = fresh_letters(batch + keep, len(target))
    return f"{batch}{keep},{axes}{keep}->{batch}{axes}"


def _spreader(target, keep, x, h):
    x_shape = x._value.shape
    k_shape = h._value.shape[h._value.ndim - len(keep):]
    grids = np.indices(x_shape + k_shape, sparse=True)
    ones = np.ones(x_shape + k_shape, dtype=bool)
    for j, c in enumerate(target):
        first = target.index(c)
        if first != j:  # a repeated letter: only the diagonal
            ones &= grids[j] == grids[first]
        elif c in keep and x_shape[j] == k_shape[keep.index(c)]:
            ones &= grids[j] == grids[len(x_shape) + keep.index(c)]
    return _constant(ones, x)


def _einsum(*xs, equation):
    # For speed: np.einsum alone never calls BLAS (a 200-step attention's scores: 74 ms); with
    # a contraction path it goes through tensordot (1.7 ms). The path search costs about 10 us,
    # so small operands skip it.
    optimize = "greedy" if len(xs) > 1 and sum(x.size for x in xs) > 4096 else False
    return np.einsum(equation, *xs, optimize=optimize)


einsum = defprimitive(
    "einsum", _einsum,
    vjp=per_argument(_einsum_vjp), jvp=MULTILINEAR,
)
