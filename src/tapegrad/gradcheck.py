"""`check_grads`: tape (and forward-mode) derivatives against numerical ones, in float64.

The numerical side calls `f` only (see `tapegrad.numeric`); higher orders are checked by
applying the same check to the function that computes the lower-order derivative, so
reverse-over-reverse, forward-over-reverse, reverse-over-forward and forward-over-forward are
all compared with finite differences of an already-verified derivative.
"""

import numpy as np

from ._core import nest
from ._core.forward import ForwardAccumulator
from ._core.tape import GradientTape, UnconnectedGradients
from ._core.tensor import Tensor

__all__ = ["check_grads"]

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
        ys = nest.flatten(f(*ts))
    seeds = [Tensor(u.astype(y._value.dtype)) for u, y in zip(us, ys)]
    return tape.gradient(ys, ts, output_gradients=seeds, unconnected_gradients=_ZERO)


def _jvp(f, ts, vs):
    """Forward-mode derivative of f(ts) along vs (zeros where unconnected)."""
    with ForwardAccumulator(list(ts), [Tensor(v) for v in vs]) as acc:
        ys = nest.flatten(f(*ts))
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
