"""Fused recurrences: a whole LSTM, GRU or simple-RNN sequence as one primitive.

A primitive for speed: composed, one time step of an LSTM is about fifteen ops (and thirty
rules backwards), each costing more in dispatch than its arithmetic on a batch of 32; fused,
the whole sequence is one call whose forward and backward loops run in NumPy with one matrix
product per step for all gates. The layers compute the input projections of every step first
(one matrix product), so a scan takes `z[t] = x[t] @ kernel + bias` and only the recurrence.

`recurrent_scan(mask, z, state0, recurrent_kernel[, recurrent_bias], cell=...)`:

- `mask`: bool (T, B), False where a step is skipped (the state carries over), or a bool
  scalar for "no mask".
- `z`: (T, B, G*U), the projected inputs (G = 4 for "lstm", 3 for "gru", 1 for "simple").
- `state0`: (B, S), the initial state ([h, c] side by side for "lstm", S = 2U; h otherwise).
- `recurrent_kernel`: (U, G*U); `recurrent_bias` (G*U,), "gru" only (Keras 3's
  `reset_after=True` applies the reset gate to `h @ U_h + b_h`).

It returns, for each step, the state after it and the gates the backward pass reads (time
major): "lstm" (T, B, 6U) = [h, c, i, f, g, o] in Keras's gate order, "gru" (T, B, 5U) = [h, z,
r, hh, h @ U_h + b_h] (update, reset, candidate), "simple" (T, B, U) = h. The activations are
Keras's defaults: tanh, and sigmoid for the gates.

Derivatives: the reverse rules read one call of `recurrent_scan_grad`, the whole vector-Jacobian
product (gradients of every input, flattened and concatenated) computed by a backward loop in
NumPy. Its own derivatives (second and higher order) come from recomputing that product through
`reference`, the same recurrence written in tapegrad ops, under nested tapes: slow, exact, and
only paid for by higher-order derivatives. Forward mode transposes the reverse rules.
"""

import threading
import weakref

import numpy as np

from .._core.primitive import FROM_VJP, NONE, defprimitive
from .._core.tape import GradientTape, UnconnectedGradients
from .elementwise import sigmoid, tanh, where
from .matrix import matmul
from .reductions import reduce_sum
from .shape import concat, getitem, reshape, stack

__all__ = ["GATES", "recurrent_scan", "recurrent_scan_grad", "reference"]

GATES = {"lstm": 4, "gru": 3, "simple": 1}
_MAX_ARGS = 6  # mask, z, state0, recurrent kernel, recurrent bias (+ G and out for the grad)


# -- forward loops (NumPy) ------------------------------------------------------------------------


def _masked(mask):
    return mask.ndim > 0


def _lstm_forward(mask, z, state0, rk):
    steps, batch, _ = z.shape
    u = rk.shape[0]
    out = np.empty((steps, batch, 6 * u), z.dtype)
    # tanh(a * scale): tanh for the candidate g, and sigmoid(a) = tanh(a / 2) / 2 + 1 / 2 (as
    # tapegrad's sigmoid computes it) for the gates i, f and o.
    scale = np.full(4 * u, 0.5, z.dtype)
    scale[2 * u : 3 * u] = 1.0
    a = np.empty((batch, 4 * u), z.dtype)
    h, c = state0[:, :u], state0[:, u:]
    for t in range(steps):
        np.matmul(h, rk, out=a)
        a += z[t]
        a *= scale
        step = out[t]
        gates = step[:, 2 * u :]
        np.tanh(a, out=gates)
        for s in (gates[:, : 2 * u], gates[:, 3 * u :]):
            s *= 0.5
            s += 0.5
        i, f, g, o = gates[:, :u], gates[:, u : 2 * u], gates[:, 2 * u : 3 * u], gates[:, 3 * u :]
        cn, hn = step[:, u : 2 * u], step[:, :u]
        np.multiply(f, c, out=cn)
        cn += i * g
        np.tanh(cn, out=hn)
        hn *= o
        if _masked(mask):
            skip = ~mask[t]
            hn[skip] = h[skip]
            cn[skip] = c[skip]
        h, c = hn, cn
    return out


def _gru_forward(mask, z, state0, rk, rb):
    steps, batch, _ = z.shape
    u = rk.shape[0]
    out = np.empty((steps, batch, 5 * u), z.dtype)
    inner = np.empty((batch, 3 * u), z.dtype)
    h = state0
    for t in range(steps):
        np.matmul(h, rk, out=inner)
        inner += rb
        step = out[t]
        zr = step[:, u : 3 * u]
        np.add(z[t, :, : 2 * u], inner[:, : 2 * u], out=zr)
        zr *= 0.5
        np.tanh(zr, out=zr)
        zr *= 0.5
        zr += 0.5
        zg, r = step[:, u : 2 * u], step[:, 2 * u : 3 * u]
        ih, hh = step[:, 4 * u :], step[:, 3 * u : 4 * u]
        ih[...] = inner[:, 2 * u :]
        np.multiply(r, ih, out=hh)
        hh += z[t, :, 2 * u :]
        np.tanh(hh, out=hh)
        hn = step[:, :u]
        # Keras's z * h + (1 - z) * hh, in that order.
        np.multiply(zg, h, out=hn)
        hn += (1.0 - zg) * hh
        if _masked(mask):
            skip = ~mask[t]
            hn[skip] = h[skip]
        h = hn
    return out


def _simple_forward(mask, z, state0, rk):
    steps = z.shape[0]
    out = np.empty(z.shape, z.dtype)
    h = state0
    for t in range(steps):
        hn = out[t]
        np.matmul(h, rk, out=hn)
        hn += z[t]
        np.tanh(hn, out=hn)
        if _masked(mask):
            skip = ~mask[t]
            hn[skip] = h[skip]
        h = hn
    return out


# -- backward loops (NumPy): the flattened gradients of (z, state0, rk[, rb]) ---------------------


def _previous(out, first, u):
    """The states before each step, h (or the first `u` columns) at step t being step t - 1's."""
    prev = np.empty(out.shape[:2] + (u,), out.dtype)
    prev[0] = first
    prev[1:] = out[:-1, :, :u]
    return prev


def _recurrent_kernel_grad(out, h0, dz, drk):
    """drk = sum over steps of h_{t-1}^T dz_t, as two products over strided views of `out`
    (the states before steps 1.. are out's first columns at steps 0..), without copying."""
    steps, batch = out.shape[:2]
    u = h0.shape[1]
    flat_dz = dz.reshape(steps * batch, -1)
    np.matmul(h0.T, flat_dz[:batch], out=drk)
    if steps > 1:
        h_prev = out.reshape(steps * batch, out.shape[2])[: (steps - 1) * batch, :u]
        drk += h_prev.T @ flat_dz[batch:]


def _keep(mask, t, dtype):
    """Step t's mask as a (B, 1) column of `dtype`, or None without a mask."""
    return None if not _masked(mask) else mask[t][:, None].astype(dtype)


def _flat_buffer(parts, dtype):
    """One flat array and views into it shaped as `parts` (shapes)."""
    sizes = [int(np.prod(p)) for p in parts]
    flat = np.empty(sum(sizes), dtype)
    views, start = [], 0
    for shape, n in zip(parts, sizes):
        views.append(flat[start : start + n].reshape(shape))
        start += n
    return flat, views


def _lstm_backward(mask, gout, out, z, state0, rk):
    # Step by step on (B, U)-sized slices: large precomputed temporaries cost more in fresh
    # memory than they save in calls.
    steps, batch, _ = out.shape
    u = rk.shape[0]
    flat, (dz, dstate, drk) = _flat_buffer([z.shape, state0.shape, rk.shape], z.dtype)
    rk_t = rk.T
    dh = np.zeros((batch, u), out.dtype)
    dc = np.zeros((batch, u), out.dtype)
    deriv = np.empty((batch, 4 * u), out.dtype)
    for t in range(steps - 1, -1, -1):
        step, g = out[t], gout[t]
        gates = step[:, 2 * u :]
        i, f, gg, o = gates[:, :u], gates[:, u : 2 * u], gates[:, 2 * u : 3 * u], gates[:, 3 * u :]
        c_prev = out[t - 1, :, u : 2 * u] if t else state0[:, u:]
        dh += g[:, :u]
        dc += g[:, u : 2 * u]
        keep = _keep(mask, t, out.dtype)
        dh_new = dh if keep is None else dh * keep
        tc = np.tanh(step[:, u : 2 * u])
        dc_new = dc if keep is None else dc * keep
        dc_new = dc_new + dh_new * o * (1.0 - tc * tc)
        d = dz[t]
        np.multiply(dc_new, gg, out=d[:, :u])
        np.multiply(dc_new, c_prev, out=d[:, u : 2 * u])
        np.multiply(dc_new, i, out=d[:, 2 * u : 3 * u])
        np.multiply(dh_new, tc, out=d[:, 3 * u :])
        d += g[:, 2 * u :]
        np.subtract(1.0, gates, out=deriv)
        deriv *= gates  # sigmoid' for i, f, o
        np.multiply(gg, gg, out=deriv[:, 2 * u : 3 * u])
        np.subtract(1.0, deriv[:, 2 * u : 3 * u], out=deriv[:, 2 * u : 3 * u])  # tanh' for g
        d *= deriv
        if keep is None:
            dh = d @ rk_t
            dc = dc_new * f
        else:
            dh = dh * (1.0 - keep) + d @ rk_t
            dc = dc * (1.0 - keep) + dc_new * f
    dstate[:, :u] = dh
    dstate[:, u:] = dc
    _recurrent_kernel_grad(out, state0[:, :u], dz, drk)
    return flat


def _gru_backward(mask, gout, out, z, state0, rk, rb):
    steps, batch, _ = out.shape
    u = rk.shape[0]
    flat, (dz, dstate, drk, drb) = _flat_buffer(
        [z.shape, state0.shape, rk.shape, rb.shape], z.dtype
    )
    zg, r = out[:, :, u : 2 * u], out[:, :, 2 * u : 3 * u]
    hh, ih = out[:, :, 3 * u : 4 * u], out[:, :, 4 * u :]
    h_prev = _previous(out, state0, u)
    d_z = zg * (1.0 - zg)
    d_r = r * (1.0 - r)
    d_hh = 1.0 - hh * hh
    prev_minus_hh = h_prev - hh
    one_minus_z = 1.0 - zg
    dinner = np.empty((steps, batch, 3 * u), out.dtype)
    g_h, g_z, g_r = gout[:, :, :u], gout[:, :, u : 2 * u], gout[:, :, 2 * u : 3 * u]
    g_hh, g_ih = gout[:, :, 3 * u : 4 * u], gout[:, :, 4 * u :]
    rk_t = rk.T
    dh = np.zeros((batch, u), out.dtype)
    for t in range(steps - 1, -1, -1):
        dh += g_h[t]
        keep = _keep(mask, t, out.dtype)
        dh_new = dh if keep is None else dh * keep
        d, di = dz[t], dinner[t]
        np.multiply(g_z[t] + dh_new * prev_minus_hh[t], d_z[t], out=d[:, :u])
        da_h = d[:, 2 * u :]
        np.multiply(g_hh[t] + dh_new * one_minus_z[t], d_hh[t], out=da_h)
        np.multiply(g_r[t] + da_h * ih[t], d_r[t], out=d[:, u : 2 * u])
        di[:, : 2 * u] = d[:, : 2 * u]
        np.multiply(da_h, r[t], out=di[:, 2 * u :])
        di[:, 2 * u :] += g_ih[t]
        back = di @ rk_t
        back += dh_new * zg[t]
        dh = back if keep is None else dh * (1.0 - keep) + back
    dstate[...] = dh
    flat_inner = dinner.reshape(steps * batch, 3 * u)
    np.matmul(h_prev.reshape(steps * batch, u).T, flat_inner, out=drk)
    np.sum(flat_inner, axis=0, out=drb)
    return flat


def _simple_backward(mask, gout, out, z, state0, rk):
    steps, batch, u = out.shape
    flat, (dz, dstate, drk) = _flat_buffer([z.shape, state0.shape, rk.shape], z.dtype)
    deriv = 1.0 - out * out
    rk_t = rk.T
    dh = np.zeros((batch, u), out.dtype)
    for t in range(steps - 1, -1, -1):
        dh += gout[t]
        keep = _keep(mask, t, out.dtype)
        d = dz[t]
        np.multiply(dh if keep is None else dh * keep, deriv[t], out=d)
        back = d @ rk_t
        dh = back if keep is None else dh * (1.0 - keep) + back
    dstate[...] = dh
    _recurrent_kernel_grad(out, state0, dz, drk)
    return flat


_FORWARD = {"lstm": _lstm_forward, "gru": _gru_forward, "simple": _simple_forward}
_BACKWARD = {"lstm": _lstm_backward, "gru": _gru_backward, "simple": _simple_backward}


def _check(cell, mask, z, state0, rk, rb):
    if cell not in GATES:
        raise ValueError(f"unknown cell {cell!r}; expected one of {sorted(GATES)}")
    u = rk.shape[0]
    width = GATES[cell] * u
    state_width = 2 * u if cell == "lstm" else u
    if z.ndim != 3 or z.shape[2] != width or rk.shape != (u, width):
        raise ValueError(
            f"{cell} scan: projected inputs of shape {z.shape} and recurrent kernel of shape "
            f"{rk.shape} do not fit: expected (T, B, {width}) and ({u}, {width})"
        )
    if state0.shape != (z.shape[1], state_width):
        raise ValueError(
            f"{cell} scan: initial state of shape {state0.shape}, expected "
            f"({z.shape[1]}, {state_width})"
        )
    if (cell == "gru") != (len(rb) == 1) or (rb and rb[0].shape != (width,)):
        raise ValueError(f"{cell} scan: a recurrent bias of shape ({width},) is for 'gru' only")
    if _masked(mask) and mask.shape != z.shape[:2]:
        raise ValueError(f"{cell} scan: mask of shape {mask.shape}, expected {z.shape[:2]}")


def _scan(mask, z, state0, rk, *rb, cell):
    _check(cell, mask, z, state0, rk, rb)
    with np.errstate(all="ignore"):
        return _FORWARD[cell](mask.astype(bool, copy=False), z, state0, rk, *rb)


def _scan_grad(mask, gout, out, z, state0, rk, *rb, cell):
    with np.errstate(all="ignore"):
        return _BACKWARD[cell](mask.astype(bool, copy=False), gout, out, z, state0, rk, *rb)


# -- the same recurrences in tapegrad ops (for higher-order derivatives, and tests) ---------------


def reference(mask, z, state0, rk, *rb, cell):
    """`recurrent_scan` written in tapegrad ops, one step at a time."""
    steps, u = z.shape[0], rk.shape[0]
    masked = mask.ndim > 0
    h, c = (state0[:, :u], state0[:, u:]) if cell == "lstm" else (state0, None)
    outs = []
    for t in range(steps):
        zt = getitem(z, key=(t,))
        if cell == "gru":
            inner = matmul(h, rk) + rb[0]
            zg = sigmoid(zt[:, :u] + inner[:, :u])
            r = sigmoid(zt[:, u : 2 * u] + inner[:, u : 2 * u])
            ih = inner[:, 2 * u :]
            hh = tanh(zt[:, 2 * u :] + r * ih)
            hn = zg * h + (1.0 - zg) * hh
            parts = [zg, r, hh, ih]
        else:
            a = zt + matmul(h, rk)
            if cell == "simple":
                hn, parts = tanh(a), []
            else:
                i, f = sigmoid(a[:, :u]), sigmoid(a[:, u : 2 * u])
                g, o = tanh(a[:, 2 * u : 3 * u]), sigmoid(a[:, 3 * u :])
                cn = f * c + i * g
                hn = o * tanh(cn)
                if masked:
                    cn = where(getitem(mask, key=(t, slice(None), None)), cn, c)
                parts = [cn, i, f, g, o]
                c = cn
        if masked:
            hn = where(getitem(mask, key=(t, slice(None), None)), hn, h)
        h = hn
        outs.append(concat(hn, *parts, axis=1) if parts else hn)
    return stack(*outs, axis=0)


# -- reverse rules --------------------------------------------------------------------------------

_MEMO = threading.local()


def _memoized(key_tensors, compute):
    """`compute()` once per set of tensors (by identity) in this thread: the engine asks for
    each argument's rule separately, and they all read one backward pass. The entry goes when
    one of the tensors does."""
    entry = getattr(_MEMO, "entry", None)
    if entry is not None and all(r() is t for r, t in zip(entry[0], key_tensors)):
        return entry[1]
    value = compute()

    def forget(_):
        if getattr(_MEMO, "entry", None) is record:
            _MEMO.entry = None

    record = ([weakref.ref(t, forget) for t in key_tensors], value)
    _MEMO.entry = record
    return value


def _slice_of(flat, args, i):
    """Argument i's gradient in the flattened vector (its shape, from its place among args)."""
    start = sum(int(np.prod(a._value.shape)) for a in args[:i])
    size = int(np.prod(args[i]._value.shape))
    return reshape(getitem(flat, key=(slice(start, start + size),)), shape=args[i]._value.shape)


def _scan_rule(i):
    def rule(g, out, mask, *args, cell):
        flat = _memoized(
            (g, out), lambda: recurrent_scan_grad(mask, g, out, *args, cell=cell)
        )
        return _slice_of(flat, args, i - 1)

    return rule


def _recomputed(gflat, mask, gout, z, state0, rk, *rb, cell):
    """The gradients of <recurrent_scan_grad(...), gflat> with respect to (gout, z, state0, rk,
    rb), by differentiating the reference recurrence's gradient."""
    inputs = [z, state0, rk, *rb]
    with GradientTape() as outer:
        outer.watch([gout, *inputs])
        with GradientTape() as inner:
            inner.watch(inputs)
            ys = reference(mask, *inputs, cell=cell)
        grads = inner.gradient(
            ys, inputs, output_gradients=gout, unconnected_gradients=UnconnectedGradients.ZERO
        )
        flat = concat(*[reshape(d, shape=(-1,)) for d in grads], axis=0)
        total = reduce_sum(flat * gflat)
    return outer.gradient(
        total, [gout, *inputs], unconnected_gradients=UnconnectedGradients.ZERO
    )


def _grad_rule(i):
    def rule(g, flat, mask, gout, out, *args, cell):
        grads = _memoized(
            (g, flat), lambda: _recomputed(g, mask, gout, *args, cell=cell)
        )
        # positions: 1 gout, 2 out (a cache of the forward: no rule), 3... the inputs
        return grads[0] if i == 1 else grads[i - 2]

    return rule


recurrent_scan = defprimitive(
    "recurrent_scan", _scan,
    vjp=(NONE,) + tuple(_scan_rule(i) for i in range(1, _MAX_ARGS)), jvp=FROM_VJP,
    dtype_args=tuple(range(1, _MAX_ARGS)), batchable=False,
)


# JVP by transposition: the reverse rules are linear in the cotangent.
recurrent_scan_grad = defprimitive(
    "recurrent_scan_grad", _scan_grad,
    vjp=(NONE, _grad_rule(1), NONE) + tuple(_grad_rule(i) for i in range(3, _MAX_ARGS + 2)),
    jvp=FROM_VJP, dtype_args=tuple(range(1, _MAX_ARGS + 2)), batchable=False,
)
