"""Gradient checks: `check_grads` (tape and forward-mode derivatives against numerical ones,
in float64, to any order) and `tf.test.compute_gradient` (TensorFlow's layout and dtypes).

The numerical side calls `f` only (see `tapegrad.numeric`); higher orders are checked by
applying the same check to the function that computes the lower-order derivative, so
reverse-over-reverse, forward-over-reverse, reverse-over-forward and forward-over-forward are
all compared with finite differences of an already-verified derivative.
"""

import numpy as np

from . import numeric
from ._core import nest
from ._core.forward import ForwardAccumulator
from ._core.tape import GradientTape, UnconnectedGradients
from ._core.tensor import Tensor, convert_to_tensor

__all__ = ["check_grads", "compute_gradient"]

_ZERO = UnconnectedGradients.ZERO


def check_grads(f, args, order=2, modes=("rev", "fwd"), eps=1e-6, rtol=1e-5, atol=1e-5,
                seed=0):
    """Checks the derivatives of `f` at `args` up to `order`, in float64.

    Args:
        f: a function of tensors returning a tensor or a list of tensors.
        args: the arguments (numbers or arrays); they are converted to float64 tensors.
        order: the highest derivative order to check.
        modes: "rev" (GradientTape) and/or "fwd" (ForwardAccumulator).
        eps: the central-difference step.
        rtol, atol: the tolerance |tape - numerical| <= atol + rtol * |numerical|.
        seed: seeds the random cotangents and tangents.

    Raises:
        AssertionError: naming the mode, order, argument and element, the two values and the
            relative error.
    """
    rng = np.random.default_rng(seed)
    args = args if isinstance(args, (list, tuple)) else [args]
    xs = [np.array(a, dtype=np.float64) for a in args]
    _check(f, xs, order, tuple(modes), eps, rtol, atol, rng, "")


def _outputs(f, xs):
    ys = f(*_tensors(xs))
    flat = nest.flatten(ys)
    return [np.asarray(y, dtype=np.float64) for y in flat]


def _flat(ys):
    return np.concatenate([np.ravel(y) for y in ys]) if ys else np.zeros(0)


def _report(what, label, index, shape, got, want, rtol, atol):
    err = abs(got - want)
    if not err <= atol + rtol * abs(want):
        where = np.unravel_index(index, shape) if shape else ()
        rel = err / max(abs(want), 1e-300)
        raise AssertionError(
            f"check_grads: {what}{label}, element {tuple(int(i) for i in where)}: tape gives "
            f"{got:.10g}, numerical {want:.10g}, relative error {rel:.3g} "
            f"(rtol {rtol}, atol {atol})"
        )


def _vjp(f, ts, us):
    """Tape gradient of <us, f(ts)> with respect to each of the tensors ts (zeros where
    unconnected). It works on the caller's tensors, so an outer tape sees it (order 2)."""
    ts = list(ts)
    with GradientTape() as tape:
        for t in ts:
            tape.watch(t)
        ys = [convert_to_tensor(y) for y in nest.flatten(f(*ts))]  # IndexedSlices: dense
    seeds = [Tensor(u.astype(y._value.dtype)) for u, y in zip(us, ys)]
    return tape.gradient(ys, ts, output_gradients=seeds, unconnected_gradients=_ZERO)


def _jvp(f, ts, vs):
    """Forward-mode derivative of f(ts) along vs (zeros where unconnected)."""
    with ForwardAccumulator(list(ts), [Tensor(v) for v in vs]) as acc:
        ys = [convert_to_tensor(y) for y in nest.flatten(f(*ts))]
    return acc.jvp(ys, unconnected_gradients=_ZERO)


def _tensors(xs):
    return [Tensor(x.copy()) for x in xs]


def _check(f, xs, order, modes, eps, rtol, atol, rng, label):
    ys = _outputs(f, xs)
    us = [rng.standard_normal(y.shape) for y in ys]
    vs = [rng.standard_normal(x.shape) for x in xs]
    order_now = label.count("/") + 2 if label else 1
    depth = f" (order {order_now}{', of the ' + label + '-mode derivative' if label else ''})"
    grads = None
    if "rev" in modes:
        grads = [np.asarray(g, dtype=np.float64) for g in _vjp(f, _tensors(xs), us)]
        for i, x in enumerate(xs):
            flat = x.reshape(-1)
            for j in range(flat.size):
                def along(h, i=i, j=j):
                    moved = [a.copy() for a in xs]
                    moved[i].reshape(-1)[j] += h
                    return sum(float(np.sum(u * y)) for u, y in zip(us, _outputs(f, moved)))

                want = (along(eps) - along(-eps)) / (2 * eps)
                _report(f"reverse-mode gradient of argument {i}", depth, j, x.shape,
                        float(grads[i].reshape(-1)[j]), want, rtol, atol)
    jv = None
    if "fwd" in modes:
        jv = _flat([np.asarray(t, dtype=np.float64) for t in _jvp(f, _tensors(xs), vs)])
        up = _flat(_outputs(f, [x + eps * v for x, v in zip(xs, vs)]))
        down = _flat(_outputs(f, [x - eps * v for x, v in zip(xs, vs)]))
        want = (up - down) / (2 * eps)
        for j in range(want.size):
            _report("forward-mode JVP, output", depth, j, want.shape, float(jv[j]),
                    float(want[j]), rtol, atol)
    if grads is not None and jv is not None:
        rev = sum(float(np.sum(g * v)) for g, v in zip(grads, vs))
        fwd = float(np.sum(_flat(us) * jv))
        # Relative 1e-12 of the terms' magnitude, with an absolute floor for exact zeros that
        # one mode computes as rounding noise (e.g. a cancelling second derivative).
        scale = sum(float(np.sum(np.abs(g * v))) for g, v in zip(grads, vs))
        if abs(rev - fwd) > 1e-12 * scale + 1e-15:
            raise AssertionError(
                f"check_grads: forward and reverse mode disagree{depth}: <u, J v> is {fwd!r} "
                f"forward and {rev!r} reverse"
            )
    if order > 1:
        if "rev" in modes:
            _check(lambda *ts: _vjp(f, ts, us), xs, order - 1, modes, eps, rtol, atol,
                   rng, label + ("/" if label else "") + "reverse")
        if "fwd" in modes:
            _check(lambda *ts: _jvp(f, ts, vs), xs, order - 1, modes, eps, rtol, atol,
                   rng, label + ("/" if label else "") + "forward")


# -- tf.test.compute_gradient ----------------------------------------------------------------------

_DIFFERENTIABLE = ("float16", "bfloat16", "float32", "float64", "complex64", "complex128")


def compute_gradient(f, x, delta=None):
    """Computes the theoretical and numerical Jacobians of `f` at the arguments `x`.

    As `tf.test.compute_gradient`: with y = f(*x), each is a tuple with one 2-D NumPy array per
    element of `x`, of shape (y_size, x_size): row j is the gradient of y_j (flattened) with
    respect to that argument, so element [j, i] is d y_j / d x_i. A complex value counts as
    two reals (real part, then imaginary part). The theoretical Jacobian comes from one
    `tape.gradient` per row, the numerical one from central differences with step `delta`
    (default 1/1024, exact in binary), which only call `f`.

    Args:
        f: a function of tensors returning one float or complex tensor.
        x: a list or tuple of the arguments (anything convertible to a tensor).
        delta: the finite-difference step.

    Returns:
        (theoretical, numerical): two tuples of 2-D arrays, in the real dtype of each argument.

    Raises:
        ValueError: if `x` is not a list or tuple, or `f`'s result is empty but its gradient
            is not zero.
        AssertionError: as TensorFlow, if an argument or the result is not float or complex.

    Example:
        >>> theoretical, numerical = tapegrad.test.compute_gradient(
        ...     lambda x: x * x, [tapegrad.constant([1.0, 2.0], tapegrad.float64)])
        >>> theoretical[0]
        array([[2., 0.],
               [0., 4.]])
    """
    if not isinstance(x, (list, tuple)):
        raise ValueError(  # noqa: TRY004 - TensorFlow raises ValueError
            f"compute_gradient: `x` must be a list or tuple of values convertible to a Tensor "
            f"(the arguments of f), not a {type(x).__name__}; wrap a single argument as [x]."
        )
    delta = 1.0 / 1024 if delta is None else delta
    values = [np.array(convert_to_tensor(v)._value) for v in x]
    y = convert_to_tensor(f(*[Tensor(v.copy()) for v in values]))
    theoretical, numerical = [], []
    for i, v in enumerate(values):
        _check_dtype(v.dtype, f"argument {i} (shape {list(v.shape)})")
        _check_dtype(y._value.dtype, f"the result of f (shape {list(y.shape)})")
        theoretical.append(_theoretical(f, values, i, y._value))
        numerical.append(_numerical(f, values, i, delta))
    return tuple(theoretical), tuple(numerical)


def _check_dtype(dtype, what):
    if dtype.name not in _DIFFERENTIABLE:
        raise AssertionError(
            f"compute_gradient: cannot compute the gradient of unsupported dtype {dtype.name} "
            f"of {what}; use a float or complex dtype (e.g. tf.cast(x, tf.float64))."
        )


def _real(dtype):
    return np.finfo(dtype).dtype  # float32 for float32 and complex64


def _theoretical(f, values, i, y):
    xs = [Tensor(v.copy()) for v in values]
    with GradientTape(persistent=True) as tape:
        tape.watch(xs[i])
        out = convert_to_tensor(f(*xs))
    x_real = _real(values[i].dtype)
    jac = np.zeros((y.size * (2 if y.dtype.kind == "c" else 1),
                    values[i].size * (2 if values[i].dtype.kind == "c" else 1)), x_real)
    dy = np.zeros(y.shape, y.dtype)
    dy_flat = dy.reshape(-1).view(_real(y.dtype))  # a view: setting it sets dy
    for row in range(jac.shape[0]):
        dy_flat[row] = 1
        grad = tape.gradient(out, xs[i], output_gradients=Tensor(dy.copy()))
        if grad is not None:
            jac[row] = np.asarray(grad).reshape(-1).view(x_real)
        dy_flat[row] = 0
    if y.size == 0:  # as TensorFlow: an empty result must have zero gradients
        grad = tape.gradient(out, xs[i], output_gradients=Tensor(dy),
                             unconnected_gradients="zero")
        if np.any(np.asarray(grad)):
            raise ValueError(
                f"compute_gradient: f's result is empty (shape {list(y.shape)}) but its "
                f"gradient with respect to argument {i} is not zero."
            )
    return jac


def _numerical(f, values, i, delta):
    def moved(xi):  # f of the arguments, argument i replaced by its moved value
        return f(*[Tensor((xi if k == i else v).copy()) for k, v in enumerate(values)])

    return numeric.jacobian_matrix(moved, values[i].copy(), delta)
