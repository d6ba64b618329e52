"""tapegrad against TensorFlow: every computed part, finite differences deciding where they can.

Both libraries ran the same program on the same data (`checks.compute`); `against` lists each
difference as a Finding, with the side that finite differences support in smooth programs.
"""

import numpy as np

from .checks import (
    ATOL,
    PART,
    RTOL,
    Err,
    Finding,
    Library,
    along,
    close,
    dot,
    fd_estimate,
    largest,
    scale_of,
    shown,
    values_and_gradient,
)

# the quantities inside each computed part, in order
_NAMES = {
    "value": ["value"],
    "reverse": ["value", "gradient"],
    "second": ["second order"],
    "forward": ["forward"],
    "forward_over_reverse": ["forward over reverse"],
    "jacobian": ["jacobian"],
    "batch_jacobian": ["batch_jacobian"],
    "function": ["function values", "function gradient"],
    "float32": ["float32", "float32"],
}


def against(program, data, mine, theirs, fd, lib):
    """Findings where tapegrad's results `mine` differ from TensorFlow's `theirs`; `lib` runs
    the program in tapegrad for finite differences at other points."""
    found = []
    for part, b in theirs.items():
        a = mine.get(part)
        if part == "float32" and not program.smooth:
            a, b = _dtypes_only(a), _dtypes_only(b)
        if part == "function":
            found += _function(program, data, a, b, lib)
            continue
        if isinstance(a, Err) or isinstance(b, Err):
            found += _errors(PART[part], a, b)
            continue
        names = _NAMES[part]
        if len(names) == 1:
            a, b = [a], [b]
        for name, x, y in zip(names, a, b):
            found += [_part(f, part) for f in _compare(name, x, y)]
    found = [_decide(f, program, data, mine, theirs, fd, lib) for f in found]
    sensitive = {}
    for f in found:
        point = "xs2" if f.part == "function" else "xs"
        if f.symptom in _AT_KINKS and (not program.smooth or point == "xs2") and f.fd is None:
            if point not in sensitive:
                sensitive[point] = rounding_decides(program, data, getattr(data, point),
                                                    lib.m)
            if sensitive[point]:
                f.symptom = "rounding"
    return found


# differences that a last-bit rounding difference at a kink can explain
_AT_KINKS = {"values", "none", "tapegrad non-finite", "tensorflow non-finite",
             "tapegrad nan, tensorflow inf", "tapegrad inf, tensorflow nan",
             "tensorflow's tf.function differs from its eager mode"}


def _part(finding, part):
    if part in ("function", "float32"):
        finding.part = part
    return finding


def _function(program, data, a, b, lib):
    """tf.function at xs2 in both libraries. Where they differ and TensorFlow's own eager mode
    agrees with tapegrad, the finding says so; in a smooth program finite differences at xs2
    side with one of them where they can."""
    if isinstance(a, Err) or isinstance(b, Err):
        return _errors("function", a, b)
    found = _results("function", a[0], b[0])
    if found and not _results("function", a[0], b[1]):
        for finding in found:
            finding.symptom = "tensorflow's tf.function differs from its eager mode"
        return found
    for finding in found:
        if program.smooth and "gradient" in finding.detail and not isinstance(b[0], Err):
            want = fd_estimate(along(lib, data.xs2, data.us, data.vs))
            pa, pb = (_projection("gradient", r, data, 0) for r in (a[0], b[0]))
            finding.fd = _side(want, pa, pb)
    return found


def _results(part, a, b):
    """The differences between two (values, gradients) results, either of which may be an
    error."""
    if isinstance(a, Err) or isinstance(b, Err):
        return _errors(part, a, b)
    return [_part(f, part) for name, x, y in zip(_NAMES[part], a, b) for f in _compare(
        name, x, y)]


def _dtypes_only(result):
    """At kinks a float32 rounding difference of one ulp flips a comparison: compare dtypes."""
    return result if isinstance(result, Err) else (None, result[1])


def _errors(part, a, b):
    if isinstance(a, Err) and isinstance(b, Err):
        if b.name in a.bases:
            return []
        return [Finding(part, "error class", f"tapegrad raises {a!r}, TensorFlow {b!r}")]
    if isinstance(a, Err):
        return [Finding(part, "tapegrad raises", f"{a!r}")]
    return [Finding(part, "tensorflow raises", f"{b!r}")]


def _compare(name, a, b, index=None):
    label = name if index is None else f"{name} #{index}"
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return [Finding(name, "structure", f"{len(a)} results, TensorFlow {len(b)}")]
        out = []
        for k, (x, y) in enumerate(zip(a, b)):
            out += _compare(name, x, y, k)
        return out
    if a is None or b is None:
        if a is None and b is None:
            return []
        return [Finding(name, "none", f"{label}: tapegrad {'None' if a is None else 'a tensor'}"
                        f", TensorFlow {'None' if b is None else 'a tensor'}")]
    if isinstance(a, str) or isinstance(b, str):
        return [] if a == b else [Finding(name, "dtype", f"{label}: tapegrad {a}, TF {b}")]
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return [Finding(name, "shape", f"{label}: tapegrad {a.shape}, TensorFlow {b.shape}")]
    if name == "float32":  # float32 precision, relative to the largest value
        if close(a, b, 1e-3, 1e-3 * (1.0 + largest(b))):
            return []
    elif close(a, b, RTOL, ATOL * (1.0 + largest(b))):
        return []
    with np.errstate(all="ignore"):
        size = float(np.nanmax(np.abs(a - b), initial=0.0)) / max(largest(a), largest(b),
                                                                    1e-300)
    return [Finding(name, _symptom(a, b), f"{label}: tapegrad {shown(a)}, TensorFlow "
                    f"{shown(b)}", size=size)]


def _symptom(a, b):
    """How two arrays of the same shape differ, the non-finite disagreements first."""
    with np.errstate(all="ignore"):
        finite_a, finite_b = np.isfinite(a), np.isfinite(b)
        if np.any(finite_b & ~finite_a):
            return "tapegrad non-finite"
        if np.any(finite_a & ~finite_b):
            return "tensorflow non-finite"
        if np.any(np.isnan(a) & np.isinf(b)):
            return "tapegrad nan, tensorflow inf"
        if np.any(np.isinf(a) & np.isnan(b)):
            return "tapegrad inf, tensorflow nan"
    return "values"


# -- rounding: at kinks, a last-bit difference can decide -----------------------------------------

def _exact(v):
    """Whether every finite entry is a small dyadic rational (a multiple of 1/64 below 2^30):
    a value every correct implementation computes exactly, in any order."""
    v = np.asarray(v, dtype=float)
    v = v[np.isfinite(v)]
    return bool(np.all((np.abs(v) < 2.0**30) & (v * 64.0 == np.round(v * 64.0))))


def _nudger(tapegrad, seed, zeros=False):
    """Moves each rounded (not exact) intermediate value by a few units in the last place or,
    with `zeros`, flips the sign of its zeros (0 * -1 is -0.0 but 0 + -0.0 is 0.0: libraries
    differ there too; the flip also negates the gradient there, so only values then count)."""
    rng = np.random.default_rng(seed)

    def nudge(t):
        v = np.asarray(t)
        if v.dtype.kind != "f" or (not zeros and _exact(v)):
            return t
        signs = rng.choice([-1.0, 1.0], size=v.shape)
        factor = np.where(v == 0, signs, 1.0) if zeros else 1.0 + 4.0 * np.finfo(
            v.dtype).eps * signs
        return t * tapegrad.constant(factor, dtype=t.dtype)

    return nudge


def rounding_decides(program, data, xs, tapegrad):
    """Whether tapegrad's values or gradient at `xs` change when the program's rounded
    intermediate values move by a few units in the last place (or its values when its zeros
    change sign): then a last-bit difference between two libraries (TensorFlow's vectorized and
    scalar code can round one input two ways) decides the result at a kink, and neither side
    can be called wrong."""
    base = values_and_gradient(Library(tapegrad, program), data,
                               Library(tapegrad, program).consts(xs))
    for k, zeros in enumerate((False, False, False, True, True)):
        lib = Library(tapegrad, program, _nudger(tapegrad, [program.seed, k], zeros))
        other = values_and_gradient(lib, data, lib.consts(xs))
        pairs = zip(base[0], other[0]) if zeros else zip(base[0] + base[1], other[0] + other[1])
        for a, b in pairs:
            if (a is None) != (b is None) or (a is not None and not close(a, b, 1e-9, 1e-12)):
                return True
    return False


def _projection(name, result, data, outputs):
    """The scalar that finite differences estimate for a quantity, or None."""
    if name == "jacobian" and outputs == 1:
        u0 = data.us[0]
        pairs = [(np.tensordot(j, v, axes=v.ndim) if v.ndim else j * v, u0)
                 for j, v in zip(result, data.vs) if j is not None]
    elif name == "gradient":
        pairs = list(zip(result[1], data.vs))
    elif name == "second order" or name == "forward over reverse":
        pairs = list(zip(result, data.vs))
    elif name == "forward":
        pairs = list(zip(result, data.us))
    else:
        return None
    pairs = [(x, y) for x, y in pairs if x is not None]
    return sum(dot(x, y) for x, y in pairs), scale_of(pairs)


def _decide(finding, program, data, mine, theirs, fd, lib):
    """Marks which side finite differences support, where a smooth program lets them decide:
    along the random directions first, then along the difference of the two answers."""
    key = "second" if finding.part in ("second order", "forward over reverse") else "first"
    want = fd.get(key)
    part = {v: k for k, v in PART.items()}[finding.part]
    if want is None or not program.smooth or part not in mine or part == "function":
        return finding
    a, b = mine[part], theirs[part]
    if isinstance(a, Err) or isinstance(b, Err):
        return finding
    n = len(program.outputs)
    pa, pb = _projection(finding.part, a, data, n), _projection(finding.part, b, data, n)
    if pa is None or pb is None:
        return finding
    finding.fd = _side(want, pa, pb) or _along_difference(part, a, b, data, lib)
    return finding


def _along_difference(part, a, b, data, lib):
    """Which side finite differences support along d = a - b, where the answers differ most:
    <a, d> and <b, d> differ by |d|^2, which random directions can miss."""
    if part == "reverse":
        a, b = a[1], b[1]
    if part not in ("reverse", "second", "forward", "forward_over_reverse"):
        return None
    with np.errstate(all="ignore"):
        d = [np.zeros(np.shape(like)) if x is None or y is None else np.nan_to_num(
            np.where(np.isfinite(x) & np.isfinite(y), x - y, 0.0), posinf=0.0, neginf=0.0)
            for x, y, like in zip(a, b, data.us if part == "forward" else data.xs)]
    pairs_a = [(np.where(np.isfinite(x), x, 0.0), e) for x, e in zip(a, d) if x is not None]
    pairs_b = [(np.where(np.isfinite(y), y, 0.0), e) for y, e in zip(b, d) if y is not None]
    if part == "forward":
        phi = along(lib, data.xs, d, data.vs)
    elif part == "reverse":
        phi = along(lib, data.xs, data.us, d)
    else:
        def phi(h):
            moved = lib.consts([x + h * w for x, w in zip(data.xs, data.ws)])
            grads = values_and_gradient(lib, data, moved)[1]
            return sum(dot(g, e) for g, e in zip(grads, d) if g is not None)
    scale = scale_of(pairs_a) + scale_of(pairs_b)
    return _side(fd_estimate(phi), (sum(dot(x, e) for x, e in pairs_a), scale),
                 (sum(dot(y, e) for y, e in pairs_b), scale))


def _side(want, pa, pb):
    """Which of two projections finite differences `want` support, or None."""
    if want is None or pa is None or pb is None:
        return None
    ok_a = abs(pa[0] - want) <= 1e-5 * (abs(want) + pa[1]) + 1e-9
    ok_b = abs(pb[0] - want) <= 1e-5 * (abs(want) + pb[1]) + 1e-9
    return None if ok_a == ok_b else "tapegrad" if ok_a else "tensorflow"
