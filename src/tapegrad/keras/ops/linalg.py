"""`keras.ops.linalg` and the products of `keras.ops` (matmul, dot, tensordot, einsum, ...).

Cholesky, det, inv, solve and the norms are compositions of tapegrad's differentiable ops. QR,
SVD and the eigendecompositions are computed by NumPy: their values are exact, and asking a tape
for their gradient raises an error that says so, rather than returning None silently.
"""

import numpy as np

import tapegrad as tf

from ..promotion import result_type
from ._common import as_tensor, dtype_of, float_input, op

__all__ = [
    "cholesky",
    "det",
    "eig",
    "eigh",
    "inv",
    "lstsq",
    "norm",
    "qr",
    "solve",
    "solve_triangular",
    "svd",
]


def _common(*xs):
    dtype = result_type(*(dtype_of(x) for x in xs))
    if dtype == "bool":
        dtype = "int32"
    return [as_tensor(x, dtype) for x in xs]


@op
def matmul(x1, x2):
    """The matrix product, with NumPy's rules for 1-D operands and batch broadcasting."""
    a, b = _common(x1, x2)
    if a.ndim == 1 and b.ndim == 1:
        return tf.reduce_sum(tf.multiply(a, b))
    if a.ndim == 1:
        return tf.squeeze(tf.matmul(tf.expand_dims(a, 0), b), -2)
    if b.ndim == 1:
        return tf.squeeze(tf.matmul(a, tf.expand_dims(b, -1)), -1)
    return tf.matmul(a, b)


@op
def dot(x1, x2):
    """numpy.dot: a product for scalars, matmul for matrices, and for N-D operands the sum over
    the last axis of x1 and the second-to-last of x2."""
    a, b = _common(x1, x2)
    if a.ndim == 0 or b.ndim == 0:
        return tf.multiply(a, b)
    if b.ndim <= 2:
        return matmul(a, b)
    return tf.tensordot(a, b, [[a.ndim - 1], [b.ndim - 2]])


@op
def tensordot(x1, x2, axes=2):
    """The sum of products over `axes` (a count, or two lists of axes)."""
    a, b = _common(x1, x2)
    return tf.tensordot(a, b, axes)


@op
def einsum(subscripts, *operands, **kwargs):
    """Einstein summation, as numpy.einsum."""
    return tf.einsum(subscripts, *_common(*operands))


@op
def inner(x1, x2):
    """The sum of products over the last axes."""
    a, b = _common(x1, x2)
    if a.ndim == 0 or b.ndim == 0:
        return tf.multiply(a, b)
    return tf.tensordot(a, b, [[a.ndim - 1], [b.ndim - 1]])


@op
def outer(x1, x2):
    """The outer product of the flattened inputs."""
    a, b = _common(x1, x2)
    return tf.multiply(tf.reshape(a, [-1, 1]), tf.reshape(b, [1, -1]))


@op
def vdot(x1, x2):
    """The dot product of the flattened inputs."""
    a, b = _common(x1, x2)
    return tf.reduce_sum(tf.multiply(tf.reshape(a, [-1]), tf.reshape(b, [-1])))


@op
def kron(x1, x2):
    """The Kronecker product."""
    a, b = _common(x1, x2)
    while a.ndim < b.ndim:
        a = tf.expand_dims(a, 0)
    while b.ndim < a.ndim:
        b = tf.expand_dims(b, 0)
    n = a.ndim
    a = tf.reshape(a, [d for s in a.shape for d in (s, 1)])
    b = tf.reshape(b, [d for s in b.shape for d in (1, s)])
    out = tf.multiply(a, b)
    return tf.reshape(out, [a.shape[2 * i] * b.shape[2 * i + 1] for i in range(n)])


@op
def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """The cross product of 3-vectors along the last axes."""
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = _common(x1, x2)
    a = tf.transpose(a, _to_last(a.ndim, axisa))
    b = tf.transpose(b, _to_last(b.ndim, axisb))
    if a.shape[-1] != 3 or b.shape[-1] != 3:
        raise ValueError(f"cross: vectors must have 3 components, got {a.shape} and {b.shape}")

    def comp(t, i):
        return tf.gather(t, i, axis=-1)

    out = tf.stack(
        [
            tf.subtract(tf.multiply(comp(a, 1), comp(b, 2)), tf.multiply(comp(a, 2), comp(b, 1))),
            tf.subtract(tf.multiply(comp(a, 2), comp(b, 0)), tf.multiply(comp(a, 0), comp(b, 2))),
            tf.subtract(tf.multiply(comp(a, 0), comp(b, 1)), tf.multiply(comp(a, 1), comp(b, 0))),
        ],
        axis=-1,
    )
    return tf.transpose(out, _from_last(out.ndim, axisc))


def _to_last(ndim, axis):
    axis %= ndim
    return [a for a in range(ndim) if a != axis] + [axis]


def _from_last(ndim, axis):
    axis %= ndim
    order = list(range(ndim - 1))
    order.insert(axis, ndim - 1)
    return order


# -- decompositions and solves ---------------------------------------------------------------


@op
def cholesky(x, upper=False):
    """The lower (or upper) Cholesky factor of symmetric positive definite matrices."""
    factor = tf.linalg.cholesky(float_input(x))
    return tf.linalg.matrix_transpose(factor) if upper else factor


@op
def det(x):
    """The determinant of square matrices."""
    return tf.linalg.det(float_input(x))


@op
def inv(x):
    """The inverse of square matrices."""
    return tf.linalg.inv(float_input(x))


@op
def solve(a, b):
    """x with a @ x = b."""
    a, b = _common(float_input(a), b)
    return tf.linalg.solve(a, b)


@op
def solve_triangular(a, b, lower=False):
    """x with a @ x = b for triangular a (its other triangle is ignored)."""
    a, b = _common(float_input(a), b)
    mask = np.tri(a.shape[-2], a.shape[-1], dtype=bool)
    a = tf.where(mask if lower else mask.T, a, tf.zeros_like(a))
    return tf.linalg.solve(a, b)


@op
def slogdet(x):
    """(sign, log|det|) of square matrices."""
    result = tf.linalg.slogdet(float_input(x))
    return result[0], result[1]


def _no_gradient(name, values, x):
    """NumPy results as tensors that depend on `x` through a gradient that raises: asking a
    tape for their gradient says what is missing instead of returning None."""

    def guarded(value):
        @tf.custom_gradient
        def constant(t):
            def grad(upstream):
                raise NotImplementedError(
                    f"keras.ops.{name}: tapegrad computes {name} with NumPy and has no gradient "
                    "for it; use it outside a GradientTape, or wrap its input in "
                    "ops.stop_gradient."
                )

            return tf.constant(value), grad

        return constant(x)

    out = tuple(guarded(v) for v in values)
    return out if len(out) > 1 else out[0]


@op
def qr(x, mode="reduced"):
    """(q, r) of the QR decomposition ("reduced" or "complete")."""
    if mode not in ("reduced", "complete"):
        raise ValueError(
            f"`mode` argument value not supported. Expected one of {{'reduced', "
            f"'complete'}}. Received: mode={mode}"
        )
    x = float_input(x)
    return _no_gradient("qr", tuple(np.linalg.qr(x.numpy(), mode=mode)), x)


@op
def svd(x, full_matrices=True, compute_uv=True):
    """(u, s, vh) of the singular value decomposition, or s alone."""
    x = float_input(x)
    values = np.linalg.svd(x.numpy(), full_matrices=full_matrices, compute_uv=compute_uv)
    return _no_gradient("svd", tuple(values) if compute_uv else (values,), x)


@op
def eig(x):
    """(eigenvalues, eigenvectors) of square matrices."""
    x = float_input(x)
    return _no_gradient("eig", tuple(np.linalg.eig(x.numpy())), x)


@op
def eigh(x):
    """(eigenvalues, eigenvectors) of symmetric matrices, eigenvalues ascending."""
    x = float_input(x)
    return _no_gradient("eigh", tuple(np.linalg.eigh(x.numpy())), x)


@op
def lstsq(a, b, rcond=None):
    """The least-squares solution x of a @ x = b (via the normal equations' solve)."""
    a, b = _common(float_input(a), b)
    at = tf.linalg.matrix_transpose(a)
    vector = b.ndim == 1
    rhs = tf.matmul(at, tf.expand_dims(b, -1) if vector else b)
    x = tf.linalg.solve(tf.matmul(at, a), rhs)
    return tf.squeeze(x, -1) if vector else x


@op
def norm(x, ord=None, axis=None, keepdims=False):
    """The vector norm (`ord` a number, inf, -inf or 0) over one axis, or the matrix norm
    ("fro", 1, -1, inf, -inf) over two; the 2-norm of all elements when both are None."""
    x = float_input(x)
    if axis is None:
        if ord is not None and x.ndim == 2:
            axis = (0, 1)
        else:
            out = tf.sqrt(tf.reduce_sum(tf.square(tf.reshape(x, [-1]))))
            return tf.reshape(out, [1] * x.ndim) if keepdims else out
    axes = [axis] if isinstance(axis, (int, np.integer)) else list(axis)
    a = tf.abs(x)
    if len(axes) == 1:
        ax = axes[0]
        if ord is None or ord == 2:
            return tf.sqrt(tf.reduce_sum(tf.square(x), axis=ax, keepdims=keepdims))
        if ord == np.inf:
            return tf.reduce_max(a, axis=ax, keepdims=keepdims)
        if ord == -np.inf:
            return tf.reduce_min(a, axis=ax, keepdims=keepdims)
        if ord == 0:
            return tf.reduce_sum(tf.cast(tf.not_equal(x, 0), x.dtype), axis=ax, keepdims=keepdims)
        if isinstance(ord, str):
            raise ValueError(f"Invalid `ord` argument for vector norm. Received: ord={ord}")
        p = float(ord)
        return tf.pow(tf.reduce_sum(tf.pow(a, p), axis=ax, keepdims=keepdims), 1.0 / p)
    row, col = (ax % x.ndim for ax in axes)
    if ord in (None, "fro"):
        return tf.sqrt(tf.reduce_sum(tf.square(x), axis=[row, col], keepdims=keepdims))
    if ord in (1, -1, np.inf, -np.inf):
        summed_axis, extreme_axis = (row, col) if ord in (1, -1) else (col, row)
        sums = tf.reduce_sum(a, axis=summed_axis, keepdims=True)
        reduce = tf.reduce_max if ord in (1, np.inf) else tf.reduce_min
        out = reduce(sums, axis=extreme_axis, keepdims=True)
        return out if keepdims else tf.squeeze(out, [row, col])
    raise ValueError(
        f"Invalid `ord` argument for matrix norm: {ord}; tapegrad supports 'fro', 1, -1, inf "
        "and -inf (the 2- and nuclear norms need an SVD gradient it does not have)."
    )
