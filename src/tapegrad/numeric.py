"""Numerical differentiation: the independent oracle that never touches a tape.

Functions here only call `f`. They accept and return NumPy arrays or floats (tensors are
converted with `np.asarray`), and compute in float64.
"""

import numpy as np

__all__ = ["derivative", "gradient", "jacobian", "jacobian_matrix", "richardson", "complex_step"]


def _as_float(y):
    return np.asarray(y, dtype=np.float64)


def derivative(f, x, eps=1e-3):
    """Central difference (f(x + eps) - f(x - eps)) / (2 eps) of a scalar function at `x`.

    Example:
        >>> round(derivative(lambda x: 3 * x**2 + 2 * x - 1, 1.0, eps=1e-4), 6)
        8.0
    """
    return float((_as_float(f(x + eps)) - _as_float(f(x - eps))) / (2 * eps))


def gradient(f, *xs, eps=1e-3):
    """Each partial derivative of a scalar `f(*xs)` of scalar arguments, by central differences.

    Returns a list with one float per argument (the tutorial's `approximate_gradient`).
    """
    grads = []
    for i in range(len(xs)):
        def along(v, i=i):
            args = list(xs)
            args[i] = v
            return f(*args)

        grads.append(derivative(along, xs[i], eps))
    return grads


def jacobian(f, x, eps=1e-6):
    """Jacobian of f at array x by central differences: shape f(x).shape + x.shape."""
    x = np.array(x, dtype=np.float64)
    y0 = _as_float(f(x))
    jac = jacobian_matrix(lambda v: _as_float(f(v)), x, eps)
    return jac.reshape(y0.shape + x.shape)


def jacobian_matrix(f, x, eps):
    """The Jacobian of `f` at array `x` by central differences, as a matrix over real
    coordinates, in the precision of `x` and of `f`'s result (as `tf.test.compute_gradient`).

    A complex entry counts as two real coordinates (real part, then imaginary part). Element
    [j, i] is d y_j / d x_i, each coordinate of `x` moved by `eps` in `x`'s own dtype and the
    difference divided by `2 * eps` in the real dtype of `f`'s result. `x` is moved in place
    and restored; `f` receives it and returns an array (or anything np.asarray takes).
    """
    x_real = np.finfo(x.dtype).dtype  # float32 for float32 and complex64
    x_flat = x.reshape(-1).view(x_real)  # a view: moving it moves x
    jac = None
    for col in range(x_flat.size):
        original = x_flat[col]
        x_flat[col] += eps
        up = np.asarray(f(x))
        x_flat[col] = original - eps
        down = np.asarray(f(x))
        x_flat[col] = original
        y_real = np.finfo(up.dtype).dtype
        if jac is None:
            jac = np.zeros((up.size * (2 if up.dtype.kind == "c" else 1), x_flat.size), x_real)
        scale = np.asarray(2 * eps, dtype=y_real)[()]
        jac[:, col] = ((up - down) / scale).reshape(-1).view(y_real)
    if jac is None:  # no coordinate to move
        up = np.asarray(f(x))
        jac = np.zeros((up.size * (2 if up.dtype.kind == "c" else 1), 0), x_real)
    return jac


def richardson(f, x, eps=1e-2, levels=4):
    """Derivative of a scalar function by Richardson extrapolation of central differences.

    Halves the step `levels` times and cancels the error terms h^2, h^4, ...; far more accurate
    than one central difference for smooth f (error about eps ** (2 * levels)).
    """
    table = []
    h = eps
    for _ in range(levels):
        table.append((_as_float(f(x + h)) - _as_float(f(x - h))) / (2 * h))
        h /= 2
    for k in range(1, levels):
        factor = 4.0**k
        table = [(factor * table[i + 1] - table[i]) / (factor - 1) for i in range(len(table) - 1)]
    return table[0] if np.ndim(table[0]) else float(table[0])


def complex_step(f, x, h=1e-20):
    """Derivative of a real-analytic scalar function as Im(f(x + ih)) / h: no cancellation.

    `f` must accept complex input (NumPy functions do). Exact to machine precision.
    """
    value = f(np.asarray(x, dtype=np.complex128) + 1j * h)
    return np.imag(np.asarray(value)) / h if np.ndim(value) else float(np.imag(value) / h)
