"""What the fuzzer computes for a program in one library, and how results are compared.

`compute(m, program, data)` runs the same code with `m = tapegrad` or `m = tensorflow`: values,
the reverse gradient of <u, f>, the second derivative as the gradient of <gradient, w>, forward
JVPs along v, forward-over-reverse along w, `jacobian` and `batch_jacobian`, the program under
`tf.function` at other inputs, and the program in float32. `self_check` compares tapegrad with
finite differences (smooth programs) and with itself (every program); `against` compares it with
TensorFlow, finite differences deciding where the two disagree.
"""

import numpy as np

from tapegrad import numeric

from .program import _draw

RTOL, ATOL = 1e-6, 1e-9  # tapegrad against TensorFlow, both in float64
EXACT = 1e-9  # the same quantity two ways in one library (rounding only)
FD_RTOL = 1e-5  # against finite differences


class Err:
    """An exception raised while computing one part: its class name, base names and message."""

    __slots__ = ("bases", "message", "name")

    def __init__(self, error):
        self.name = type(error).__name__
        self.bases = {c.__name__ for c in type(error).__mro__}
        self.message = " ".join(str(error).split())

    def __repr__(self):
        text = self.message if len(self.message) <= 400 else (
            f"{self.message[:250]} ... {self.message[-150:]}")
        return f"{self.name}({text!r})"


class Data:
    """The program's inputs and the random directions: cotangents u (one per output), tangents v
    and w (one per input), and other inputs xs2 for the tf.function replay."""

    def __init__(self, program, output_shapes):
        rng = np.random.default_rng([program.seed, 1])
        self.xs = program.inputs
        self.us = [rng.standard_normal(s) for s in output_shapes]
        self.vs = [rng.standard_normal(x.shape) for x in self.xs]
        self.ws = [rng.standard_normal(x.shape) for x in self.xs]
        self.xs2 = [_draw(rng, x.shape, program.smooth) for x in self.xs]


def _attempt(fn):
    try:
        return fn()
    except Exception as err:  # noqa: BLE001 - every error is a result to compare
        return Err(err)


def _np(t):
    """A result as a float64 array (None stays None; TensorFlow's IndexedSlices become dense)."""
    if t is None:
        return None
    if type(t).__name__ == "IndexedSlices":
        dense = np.zeros(tuple(t.dense_shape.numpy()), dtype=t.values.dtype.as_numpy_dtype)
        np.add.at(dense, t.indices.numpy(), t.values.numpy())
        return dense
    return np.asarray(t)


def _nps(ts):
    return [_np(t) for t in ts]


def _dense(m, ts):
    return [m.convert_to_tensor(t) if type(t).__name__ == "IndexedSlices" else t for t in ts]


class Library:
    """One library's way of running a program: its inputs as constants or Variables."""

    def __init__(self, m, program, nudge=None):
        self.m, self.program, self.f = m, program, program.function(m, nudge)

    def args(self, arrays, dtype=None):
        m = self.m
        dtype = dtype or m.float64
        return [m.Variable(m.constant(a, dtype=dtype)) if var else m.constant(a, dtype=dtype)
                for a, var in zip(arrays, self.program.variables)]

    def consts(self, arrays, dtype=None):
        return [self.m.constant(a, dtype=dtype or self.m.float64) for a in arrays]


def values_and_gradient(lib, data, xs=None):
    """Values and the gradient of <u, f>."""
    m = lib.m
    xs = lib.args(data.xs) if xs is None else xs
    with m.GradientTape() as tape:
        tape.watch(xs)
        ys = lib.f(*xs)
    return _nps(ys), _nps(_dense(m, tape.gradient(ys, xs, output_gradients=lib.consts(data.us))))


def _second(lib, data):
    """The gradient of <gradient of <u, f>, w>: the Hessian of <u, f> times w."""
    m = lib.m
    xs = lib.args(data.xs)
    with m.GradientTape() as outer:
        outer.watch(xs)
        with m.GradientTape() as inner:
            inner.watch(xs)
            ys = lib.f(*xs)
        grads = _dense(m, inner.gradient(ys, xs, output_gradients=lib.consts(data.us)))
        terms = [m.reduce_sum(g * w) for g, w in zip(grads, lib.consts(data.ws)) if g is not None]
        total = m.add_n(terms) if terms else None
    return [None] * len(xs) if total is None else _nps(_dense(m, outer.gradient(total, xs)))


def _forward(lib, data):
    m = lib.m
    xs = lib.args(data.xs)
    with m.autodiff.ForwardAccumulator(xs, lib.consts(data.vs)) as acc:
        ys = lib.f(*xs)
    return _nps(acc.jvp(ys))


def _forward_over_reverse(lib, data):
    m = lib.m
    xs = lib.args(data.xs)
    with m.autodiff.ForwardAccumulator(xs, lib.consts(data.ws)) as acc:
        with m.GradientTape() as tape:
            tape.watch(xs)
            ys = lib.f(*xs)
        grads = _dense(m, tape.gradient(ys, xs, output_gradients=lib.consts(data.us)))
    return [None if g is None else _np(acc.jvp(g)) for g in grads]


def batch_source(program, data):
    """The input whose batch_jacobian against output 0 is checked, or None."""
    y = data.us[0]
    for i, x in enumerate(data.xs):
        if y.ndim >= 2 and x.ndim >= 2 and y.shape[0] == x.shape[0]:
            return i
    return None


def _jacobians(lib, data):
    m = lib.m
    xs = lib.args(data.xs)
    with m.GradientTape(persistent=True) as tape:
        tape.watch(xs)
        ys = lib.f(*xs)
    out = {"jacobian": _attempt(lambda: _nps(tape.jacobian(ys[0], xs)))}
    k = batch_source(lib.program, data)
    if k is not None:
        out["batch_jacobian"] = _attempt(lambda: _np(tape.batch_jacobian(ys[0], xs[k])))
    return out


def _function(lib, data):
    """The program under tf.function, traced at xs and run at xs2, then eagerly at xs2: values
    and gradients, or the error each raised."""
    m = lib.m

    def traced():
        fn = m.function(lib.f)
        fn(*lib.args(data.xs))
        xs2 = lib.args(data.xs2)
        with m.GradientTape() as tape:
            tape.watch(xs2)
            ys = fn(*xs2)
        return _nps(ys), _nps(_dense(m, tape.gradient(ys, xs2, output_gradients=lib.consts(
            data.us))))

    return _attempt(traced), _attempt(lambda: values_and_gradient(lib, data, lib.args(data.xs2)))


def _float32(lib, data):
    m = lib.m
    xs = lib.args(data.xs, m.float32)
    with m.GradientTape() as tape:
        tape.watch(xs)
        ys = lib.f(*xs)
    grads = tape.gradient(ys, xs, output_gradients=lib.consts(data.us, m.float32))
    dtypes = [y.dtype.name for y in ys] + [g.dtype.name for g in grads if g is not None]
    nudged = [_nps(lib.f(*lib.args(_nudged(data.xs, seed)))) for seed in range(2)]
    return _nps(ys), dtypes, nudged


# A few float32 roundings of each input (up to 2**-20 relative, as float32's arithmetic
# perturbs a value): float64's outputs at such inputs show how far float32 can agree.
NUDGE = 2.0 ** -20


def _nudged(arrays, seed):
    rng = np.random.default_rng(seed)
    return [np.asarray(a, dtype=float) * (1.0 + NUDGE * rng.uniform(-1.0, 1.0, np.shape(a)))
            for a in arrays]


def compute(m, program, data, forward=True):
    """Every result for `program` in library `m`: a dict of part name to result or Err.
    `forward=False` leaves out the forward-mode parts (TensorFlow's cost most of the time)."""
    lib = Library(m, program)
    if program.error is not None:
        return {"value": _attempt(lambda: _nps(lib.f(*lib.args(data.xs))))}
    out = {"reverse": _attempt(lambda: values_and_gradient(lib, data)),
           "second": _attempt(lambda: _second(lib, data))}
    if forward:
        out["forward"] = _attempt(lambda: _forward(lib, data))
        out["forward_over_reverse"] = _attempt(lambda: _forward_over_reverse(lib, data))
    jac = _attempt(lambda: _jacobians(lib, data))
    out.update(jac if isinstance(jac, dict) else {"jacobian": jac})
    out["function"] = _attempt(lambda: _function(lib, data))
    out["float32"] = _attempt(lambda: _float32(lib, data))
    return out


def output_shapes(m, program):
    lib = Library(m, program)
    return [np.shape(y) for y in lib.f(*lib.args(program.inputs))]


# -- comparisons -----------------------------------------------------------------------------

def close(a, b, rtol, atol=0.0, any_nonfinite=False):
    """Elementwise |a - b| <= atol + rtol * (|a| + |b|), NaN equal to NaN, inf to the same inf
    (with `any_nonfinite`, any non-finite value to any other: sums with an inf in another
    order)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return False
    with np.errstate(all="ignore"):
        ok = np.abs(a - b) <= atol + rtol * (np.abs(a) + np.abs(b))
        ok |= (np.isnan(a) & np.isnan(b)) | (np.isinf(a) & (a == b))
        if any_nonfinite:
            ok |= ~np.isfinite(a) & ~np.isfinite(b)
    return bool(np.all(ok))


def largest(a):
    a = np.abs(np.asarray(a, dtype=float))
    return float(np.max(a[np.isfinite(a)], initial=0.0))


def dot(a, b):
    return float(np.sum(np.asarray(a) * np.asarray(b)))


def scale_of(pairs):
    """The size of the terms of a sum of products (what rounding errors are relative to)."""
    with np.errstate(all="ignore"):
        return sum(float(np.sum(np.abs(a) * np.abs(b))) for a, b in pairs if a is not None)


def _disagree(what, *values):
    """The symptom of an inconsistency: marked non-finite when NaN or inf is involved (where
    TensorFlow's own conventions disagree with each other too)."""
    finite = all(np.all(np.isfinite(np.asarray(v, dtype=float))) for v in values)
    return what if finite else f"{what}, non-finite"


def _agree(a, b, scale, rtol=EXACT):
    """Whether two sums agree to rounding (relative to `scale`, the size of their terms). Two
    non-finite ones agree: with an inf in a derivative, summing in another order can give NaN
    instead of inf."""
    if not (np.isfinite(a) and np.isfinite(b)):
        return not (np.isfinite(a) or np.isfinite(b))
    return abs(a - b) <= rtol * (abs(a) + abs(b) + scale + 1e-3)


def _fd_agrees(phi, want, scale):
    """Whether finite differences of phi at 0 agree with `want`: True, False, or None when
    central differences with steps 1e-5, 1e-6 and 1e-7 disagree among themselves (phi is not
    smooth at that scale: a kink within reach of the steps, or too much cancellation); and the
    estimate (None where they disagree among themselves)."""
    estimates = []
    # rounding in phi's values, divided by the step, is the floor below which they cannot see
    with np.errstate(all="ignore"):
        noise = 1e-9 * (1.0 + abs(phi(0.0)))
    for eps in (1e-6, 1e-5, 1e-7):
        with np.errstate(all="ignore"):
            estimates.append(numeric.derivative(phi, 0.0, eps=eps))
        if _agree(estimates[-1], want, scale, FD_RTOL) or abs(estimates[-1] - want) <= noise:
            return True, estimates[-1]
    spread = max(estimates) - min(estimates)
    if not np.isfinite(spread) or spread > 1e-3 * (abs(estimates[0]) + scale):
        return None, None
    return False, estimates[0]


def fd_estimate(phi):
    """The derivative of phi at 0 by finite differences, or None where they cannot tell."""
    return _fd_agrees(phi, np.nan, 0.0)[1]


def reach(program):
    """For each output, whether some input reaches it (its JVP is a tensor, not None)."""
    return [bool(program.connected_to([o])) for o in program.outputs]


# the quantity each computed part holds: what findings name
PART = {"value": "value", "reverse": "gradient", "second": "second order", "forward": "forward",
        "forward_over_reverse": "forward over reverse", "jacobian": "jacobian",
        "batch_jacobian": "batch_jacobian", "function": "function", "float32": "float32"}


class Finding:
    """One disagreement: the part that shows it, a short symptom, the details, which side
    finite differences support ("tapegrad", "tensorflow" or None where they cannot decide) and,
    for numbers, the largest difference relative to the largest value."""

    __slots__ = ("detail", "fd", "part", "size", "symptom")

    def __init__(self, part, symptom, detail, fd=None, size=None):
        self.part, self.symptom, self.detail, self.fd = part, symptom, detail, fd
        self.size = size

    def __repr__(self):
        side = f" (finite differences side with {self.fd})" if self.fd else ""
        return f"{self.part}: {self.symptom}{side}: {self.detail}"


def shown(a):
    return None if a is None else np.round(np.asarray(a, dtype=float), 10).tolist()


def self_check(m, program, data, results, fd=None):
    """tapegrad against finite differences (smooth programs) and itself: a Finding for each
    disagreement. `fd` (a dict), if given, receives the finite-difference estimates."""
    fd = {} if fd is None else fd
    if program.error is not None:
        value = results["value"]
        if not isinstance(value, Err):
            return [Finding("value", "no error", f"expected {program.error}, got a result")]
        if program.error not in value.bases:
            return [Finding("value", "error class", f"expected {program.error}, got {value!r}")]
        return []
    found = [Finding(PART[part], "crash", repr(r)) for part, r in results.items()
             if isinstance(r, Err) and part != "function"]  # (tf.function may raise as eager)
    rev = results["reverse"]
    if isinstance(rev, Err):
        return found
    # a float32 round trip inside the program rounds derivatives to float32 precision
    tol = 1e-4 if any(line[1].rounds for line in program.lines) else EXACT
    lib = Library(m, program)
    ys, grads = rev
    connected = program.connected
    for i, g in enumerate(grads):
        if (g is None) != (i not in connected):
            found.append(Finding("gradient", "none", f"the gradient of input {i} is "
                                 f"{'None' if g is None else 'a tensor'}; by the op table it is "
                                 f"{'connected' if i in connected else 'None'}"))
    pairs = list(zip(grads, data.vs))
    d_rev = sum(dot(g, v) for g, v in pairs if g is not None)
    fwd = results["forward"]
    if not isinstance(fwd, Err):
        for o, (t, reached) in enumerate(zip(fwd, reach(program))):
            if (t is None) == reached:
                found.append(Finding("forward", "none", f"the JVP of output {o} is "
                                     f"{'None' if t is None else 'a tensor'}"))
        tpairs = list(zip(fwd, data.us))
        d_fwd = sum(dot(t, u) for t, u in tpairs if t is not None)
        if not _agree(d_rev, d_fwd, scale_of(pairs) + scale_of(tpairs), tol):
            found.append(Finding("forward", _disagree("reverse vs forward", d_rev, d_fwd),
                                 f"<g, v> = {d_rev!r} by "
                                 f"reverse mode, <u, J v> = {d_fwd!r} by forward mode"))
    fr, hvp = results["forward_over_reverse"], results["second"]
    if not isinstance(fr, Err) and not isinstance(hvp, Err):
        for i, (a, b) in enumerate(zip(hvp, fr)):
            a = np.zeros_like(data.xs[i]) if a is None else a
            b = np.zeros_like(data.xs[i]) if b is None else b
            # two orders of the same second derivatives round differently, by up to a
            # fraction of the largest entry (or of the huge terms that cancelled into it)
            if not close(a, b, 100 * tol, 100 * tol * max(largest(a), largest(b)) + 1e-10):
                found.append(Finding("forward over reverse", _disagree(
                    "reverse vs forward", a, b), f"input {i}: "
                                     f"reverse-over-reverse {shown(a)}, forward-over-reverse "
                                     f"{shown(b)}"))
    found += _check_jacobians(program, data, results, fwd, tol)
    found += _check_function(results, tol)
    found += _check_float32(ys, results, program.smooth)
    if program.smooth:
        found += _check_fd(lib, data, d_rev, pairs, None if isinstance(hvp, Err) else hvp, fd)
    return found


def along(lib, xs, us, vs):
    """h -> <u, f(xs + h v)>: what finite differences of the first derivative differentiate."""

    def phi(h):
        ys = lib.f(*lib.consts([x + h * v for x, v in zip(xs, vs)]))
        return sum(dot(u, y) for u, y in zip(us, ys))

    return phi


def _check_fd(lib, data, d_rev, pairs, hvp, fd):
    xs, vs, ws = data.xs, data.vs, data.ws
    ok, fd["first"] = _fd_agrees(along(lib, xs, data.us, vs), d_rev, scale_of(pairs))
    if not ok:
        return [Finding("gradient", "finite differences" if ok is False else "inconclusive",
                        f"<g, v> = {d_rev!r}, by finite differences {fd['first']!r}")]
    if hvp is None:
        return []

    def psi(h):
        moved = lib.consts([x + h * v for x, v in zip(xs, vs)])
        grads = values_and_gradient(lib, data, moved)[1]
        return sum(dot(g, w) for g, w in zip(grads, ws) if g is not None)

    hpairs = list(zip(hvp, vs))
    d2 = sum(dot(h, v) for h, v in hpairs if h is not None)
    ok, fd["second"] = _fd_agrees(psi, d2, scale_of(hpairs))
    if not ok:
        return [Finding("second order", "finite differences" if ok is False else
                        "inconclusive", f"<H w, v> = {d2!r}, by finite differences of the "
                        f"gradient {fd['second']!r}")]
    return []


def _check_jacobians(program, data, results, fwd, tol):
    found = []
    jac = results.get("jacobian")
    if jac is None or isinstance(jac, Err):
        return found
    u0 = data.us[0]
    connected = program.connected_to(program.outputs[:1])
    total, pairs = 0.0, []
    for i, (j, v) in enumerate(zip(jac, data.vs)):
        if (j is None) != (i not in connected):
            found.append(Finding("jacobian", "none", f"the jacobian of input {i} is "
                                 f"{'None' if j is None else 'a tensor'}"))
        if j is not None:
            jv = np.tensordot(j, v, axes=v.ndim) if v.ndim else j * v
            total += dot(u0, jv)
            pairs.append((np.abs(j), np.abs(np.multiply.outer(u0, v))))
    if not isinstance(fwd, Err) and fwd[0] is not None:
        want = dot(u0, fwd[0])
        if not _agree(total, want, scale_of(pairs), tol):
            found.append(Finding("jacobian", _disagree("jacobian vs JVP", total, want),
                                 f"<u, J v> = {total!r} from the "
                                 f"jacobian, {want!r} from the JVP"))
    bj = results.get("batch_jacobian")
    k = batch_source(program, data)
    if k is not None and not isinstance(bj, Err) and jac[k] is not None:
        # batch_jacobian[b, y..., x...] = sum over b' of jacobian[b', y..., b, x...]
        want = np.moveaxis(np.sum(jac[k], axis=0), u0.ndim - 1, 0)
        if bj is None or not close(bj, want, tol, 1e-12, any_nonfinite=True):
            found.append(Finding("batch_jacobian", _disagree(
                "batch_jacobian vs jacobian", want, 0.0 if bj is None else bj),
                                 f"batch_jacobian {shown(bj)}, from the jacobian {shown(want)}"))
    return found


def _check_function(results, tol):
    """tf.function at xs2 against the eager program at xs2 (the same error, if it raises)."""
    if isinstance(results["function"], Err):
        return [Finding("function", "crash", repr(results["function"]))]
    fn, eager = results["function"]
    if isinstance(fn, Err) or isinstance(eager, Err):
        if isinstance(fn, Err) and isinstance(eager, Err) and eager.name in fn.bases:
            return []
        return [Finding("function", "crash", f"tf.function: {fn!r}, eager: {eager!r}")]
    for what, a, b in (("values", fn[0], eager[0]), ("gradients", fn[1], eager[1])):
        for k, (x, y) in enumerate(zip(a, b)):
            if (x is None) != (y is None) or (x is not None and not close(x, y, tol, 1e-12)):
                return [Finding("function", f"tf.function vs eager {what}",
                                f"#{k}: tf.function {shown(x)}, eager {shown(y)}")]
    return []


def _check_float32(ys, results, smooth):
    """float32 results have float32 dtypes and, in a smooth program, float64's values to
    float32 precision (at kinks a rounding difference can flip a comparison)."""
    r = results["float32"]
    if isinstance(r, Err):
        return []
    ys32, dtypes, nudged = r
    found = []
    if any(d != "float32" for d in dtypes):
        found.append(Finding("float32", "dtype", f"float32 inputs give {dtypes}"))
    if not smooth:
        return found
    for k, (a, b) in enumerate(zip(ys32, ys)):
        # where float32 overflows or loses a matrix's definiteness, only float64 has a value
        a = np.where(np.isfinite(b) & ~np.isfinite(a), b, a)
        if any(not close(c[k], b, 1e-3, 1e-3 * (1.0 + largest(b))) for c in nudged):
            continue  # ill-conditioned: float64 itself moves this much under float32 roundings
        if not close(a, b, 1e-3, 1e-3 * (1.0 + largest(b))):
            found.append(Finding("float32", "float32 vs float64", f"output {k}: float32 "
                                 f"{shown(a)}, float64 {shown(b)}"))
    return found
