"""The primitive registry and `bind`, the one function through which every op runs.

A primitive is one table entry (see `tapegrad/ops/`): its NumPy forward, a reverse rule per
tensor argument and a forward (JVP) rule. `bind` converts the arguments, runs the forward, and
lets each active tape record the call and each active forward accumulator push tangents.

Rule signatures: `vjp(g, out, *args, **params)` and `jvp(t, out, *args, **params)`, written
with tapegrad ops so that enclosing tapes record them. `g` may carry extra leading batch
dimensions (a batch of cotangents, used by `tape.jacobian`); a rule that reshapes or reduces
must count axes from the end, or read the batch rank as `g.ndim - out.ndim`. A rule returns its
result in `out`'s (batched) broadcast shape: the engine sums it back to the argument's shape.
"""

import numpy as np

from .errors import InvalidArgumentError
from .state import next_tid, state
from .tensor import Tensor, to_array
from .variable import Variable

__all__ = [
    "Primitive", "Domain", "defprimitive", "bind", "PRIMITIVES", "composite", "COMPOSITES",
    "NONE", "ZERO", "ELEMENTWISE", "LINEAR", "MULTILINEAR", "FROM_VJP",
]


class _Marker:
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


NONE = _Marker("NONE")  # TensorFlow returns None for this argument (floor, round)
ZERO = _Marker("ZERO")  # TensorFlow returns zeros for this argument (sign)
ELEMENTWISE = _Marker("ELEMENTWISE")  # diagonal Jacobian per argument: JVP is the VJP applied to t
LINEAR = _Marker("LINEAR")  # linear in all float arguments together, f(0) = 0
MULTILINEAR = _Marker("MULTILINEAR")  # linear in each float argument separately
FROM_VJP = _Marker("FROM_VJP")  # JVP obtained by transposing the VJP (costs a backward pass)


class Domain:
    """Sampling box for generated gradient checks: values uniform in [low, high]."""

    __slots__ = ("low", "high", "integer")

    def __init__(self, low=-2.0, high=2.0, integer=False):
        self.low, self.high, self.integer = low, high, integer

    def sample(self, rng, shape):
        x = rng.uniform(self.low, self.high, size=shape)
        return np.round(x) if self.integer else x

    def __repr__(self):
        return f"Domain({self.low}, {self.high})"


class Primitive:
    """One registry entry. Fields mirror `defprimitive`'s arguments."""

    __slots__ = (
        "name", "forward", "vjp", "jvp", "domain", "differentiable", "dtype_args",
        "batchable", "meta", "saves", "unsaved", "drops_out",
    )

    def __init__(self, name, forward, vjp, jvp, domain, differentiable, dtype_args, batchable,
                 meta, saves=None):
        self.saves = None if saves is None else frozenset(saves)
        # the argument positions a tape may replace by stand-ins, and whether it drops the output
        self.unsaved = () if saves is None else tuple(i for i in range(64) if i not in saves)
        self.drops_out = saves is not None and "out" not in self.saves
        self.name = name
        self.forward = forward
        self.vjp = vjp
        self.jvp = jvp
        self.domain = domain
        self.differentiable = differentiable
        self.dtype_args = dtype_args
        self.batchable = batchable
        self.meta = meta

    def vjp_rule(self, i):
        """The reverse rule of argument `i`: a callable, NONE or ZERO."""
        v = self.vjp
        return v[i] if isinstance(v, tuple) else v

    def __call__(self, *args, **params):
        return bind(self, *args, **params)

    def __repr__(self):
        return f"<primitive {self.name}>"


PRIMITIVES = {}


def defprimitive(name, forward, vjp=NONE, jvp=None, domain=None, differentiable=True,
                 dtype_args=None, batchable=True, saves=None, **meta):
    """Registers a primitive and returns it (callable like the op).

    Args:
        name: the public TensorFlow name.
        forward: NumPy function `forward(*arrays, **params)`.
        vjp: one rule (all arguments alike), a tuple with one rule per tensor argument, or
            NONE / ZERO.
        jvp: ELEMENTWISE, LINEAR, MULTILINEAR, FROM_VJP, one rule or a tuple of rules. Defaults
            to ELEMENTWISE for a primitive whose output never needs a JVP rule of its own.
        domain: a Domain, or a tuple of one per argument, for the generated gradient checks.
        differentiable: False for ops with integer or boolean output (comparisons, argmax).
        dtype_args: indices of the arguments that must share one dtype (Python numbers among
            them take it); None means all of them.
        batchable: False if the VJP rules cannot take a batch of cotangents.
        saves: what the reverse rules read the values of: argument indices and/or "out".
            A tape keeps only those (the others become value-less stand-ins with the same
            shape, dtype and id), so intermediates are freed as early as the NumPy floor frees
            them. None (the default) keeps everything.
        **meta: extra fields for the test generator (e.g. `rtol`, `params`, `shapes`).
    """
    if name in PRIMITIVES:
        raise ValueError(f"primitive {name!r} is registered twice")
    if jvp is None:
        jvp = ELEMENTWISE
    prim = Primitive(name, forward, vjp, jvp, domain, differentiable, dtype_args, batchable,
                     meta, saves)
    PRIMITIVES[name] = prim
    return prim


COMPOSITES = {}


def composite(domain=None, name=None, **meta):
    """Registers a public op written as a composition of primitives, for the generated checks.

    Its derivatives come from the primitives it uses; `domain` and `meta` (e.g. `cases`) say how
    the test generator samples it, as for `defprimitive`.
    """

    def register(fn):
        key = name or fn.__name__
        if key in COMPOSITES:
            raise ValueError(f"composite {key!r} is registered twice")
        COMPOSITES[key] = (fn, domain, meta)
        return fn

    return register


# -- argument conversion -------------------------------------------------------------------------

def _describe(args):
    return ", ".join(
        f"{a.dtype.name}{list(a._value.shape)}" if isinstance(a, Tensor) else repr(a) for a in args
    )


_CONSTANTS = {}  # dtype -> {Python number: constant Tensor}: numbers converted once
_NUMBERS = (float, int, bool)


def _constant(value, dtype):
    """A Tensor for a Python value, in `dtype` (or TensorFlow's default dtype when None)."""
    by_value = _CONSTANTS.get(dtype)
    if by_value is None:
        by_value = _CONSTANTS[dtype] = {}
    try:
        t = by_value.get(value)
    except TypeError:  # unhashable (a list): convert every time
        return Tensor(to_array(value, dtype))
    if t is None:
        # 1, 1.0 and True convert to the same value of one dtype, so the value is the key
        arr = to_array(value, dtype)
        if arr.ndim == 0 and arr.dtype != object:  # a string stays a 0-d array
            arr = arr[()]  # a NumPy scalar: scalar-with-scalar arithmetic is 7x faster
        t = Tensor(arr)
        if arr.ndim == 0 and dtype is not None and len(by_value) < 1024:
            by_value[value] = t
    return t


def _convert(prim, args):
    """Turns every argument into a Tensor; Python values take their tensor partners' dtype."""
    if len(args) == 2 and prim.dtype_args is None:  # binary elementwise
        a, b = args
        ta, tb = type(a), type(b)
        if ta is Variable:
            a = a._read()
            ta = Tensor
        if tb is Variable:
            b = b._read()
            tb = Tensor
        try:
            if ta is Tensor:
                if tb is Tensor:
                    if a._value.dtype == b._value.dtype:
                        return (a, b)
                elif tb in _NUMBERS:
                    return (a, _constant(b, a._value.dtype))
            elif tb is Tensor and ta in _NUMBERS:
                return (_constant(a, b._value.dtype), b)
        except (TypeError, ValueError) as err:
            raise _conversion_error(prim, "", err) from None
        args = (a, b)
    elif len(args) == 1:
        a = args[0]
        if type(a) is Variable:
            return (a._read(),)
    out = list(args)
    ref = None
    shared = prim.dtype_args
    pending = []
    for i, a in enumerate(args):
        if type(a) is not Tensor:
            read = getattr(a, "_read", None)
            if read is not None:
                a = out[i] = read()
            elif not isinstance(a, Tensor):
                pending.append(i)
                continue
        if shared is None or i in shared:
            dt = a._value.dtype
            if ref is None:
                ref = dt
            elif dt != ref:
                raise InvalidArgumentError(
                    f"{prim.name}: all inputs must have the same dtype, got {ref.name} and "
                    f"{dt.name} ({_describe(out)}). Cast one of them with tf.cast(x, "
                    f"tf.{ref.name}).",
                    op=prim.name,
                )
    for i in pending:
        dtype = ref if (shared is None or i in shared) else None
        try:
            out[i] = _constant(args[i], dtype)
        except (TypeError, ValueError) as err:
            raise _conversion_error(prim, f"argument {i}: ", err) from None
    return out


class DtypeConversionError(InvalidArgumentError, TypeError):
    """A Python value that cannot take its partner's dtype (1.5 for an int32 tensor, a string).

    TensorFlow raises TypeError for it from most ops and InvalidArgumentError from `+` and
    tf.add; this is both, so code written against either catches it.
    """


def _conversion_error(prim, where, err):
    # A value that is no tensor at all (None, a ragged list) is a ValueError, as in TensorFlow.
    message = f"{prim.name}: {where}{err}"
    if isinstance(err, TypeError):
        return DtypeConversionError(message, op=prim.name)
    return InvalidArgumentError(message, op=prim.name)


def _failed(prim, targs, params, err):
    shown = f" with {params}" if params else ""
    return InvalidArgumentError(
        f"{prim.name}: cannot compute on inputs {_describe(targs)}{shown}: {err}", op=prim.name
    )


_ERRORS = (ValueError, IndexError, TypeError, np.linalg.LinAlgError)


def bind(prim, *args, **params):
    """Runs primitive `prim` on `args` and records it on the active tapes and accumulators."""
    n = len(args)
    if n == 2:
        a, b = args
        # the hot case inline: two tensors of one dtype
        if type(a) is Tensor and type(b) is Tensor and a._value.dtype == b._value.dtype and (
                prim.dtype_args is None):
            targs = args
        else:
            targs = _convert(prim, args)
            a, b = targs
        try:
            value = prim.forward(a._value, b._value, **params)
        except _ERRORS as err:
            raise _failed(prim, targs, params, err) from None
    elif n == 1:
        targs = args if type(args[0]) is Tensor else _convert(prim, args)
        try:
            value = prim.forward(targs[0]._value, **params)
        except _ERRORS as err:
            raise _failed(prim, targs, params, err) from None
    else:
        targs = _convert(prim, args)
        try:
            value = prim.forward(*[a._value for a in targs], **params)
        except _ERRORS as err:
            raise _failed(prim, targs, params, err) from None
    if type(value) is not np.ndarray and not isinstance(value, np.generic):
        # a string op on 0-d object arrays returns bytes: keep it a tf.string
        value = np.asarray(value, dtype=object if isinstance(value, bytes) else None)
    out = Tensor(value)
    st = state
    if st.recording or st.accumulators or st.tracer is not None:
        if prim.differentiable and value.dtype.kind in "fc" and (st.recording or st.accumulators):
            _record(prim, targs, params, out, st)
        if st.tracer is not None:
            st.tracer.on_bind(prim, targs, params, out)
    return out


# -- recording ------------------------------------------------------------------------------

SHELL_MIN_SIZE = 1024  # smaller values are kept whole: a stand-in would save nothing
_SHELL_BUFFERS = {}


def _shell(t):
    """A stand-in for a tensor a tape need not keep: same id, shape and dtype, no data."""
    v = t._value
    if v.size < SHELL_MIN_SIZE:
        return t
    buf = _SHELL_BUFFERS.get(v.dtype)
    if buf is None:
        buf = _SHELL_BUFFERS[v.dtype] = np.zeros(1, v.dtype)
        buf.flags.writeable = False
    s = Tensor(np.ndarray(v.shape, v.dtype, buffer=buf, strides=(0,) * v.ndim))
    s._tid = t._tid
    return s


def _saved(prim, targs, out):
    """What a tape keeps of one call: the values its reverse rules read, stand-ins otherwise."""
    args = targs
    n = len(targs)
    for i in prim.unsaved:
        if i >= n:
            break
        if targs[i]._value.size >= SHELL_MIN_SIZE:
            if args is targs:
                args = list(targs)
            args[i] = _shell(targs[i])
    if prim.drops_out and out._value.size >= SHELL_MIN_SIZE:
        out = _shell(out)
    return args, out


def _record(prim, targs, params, out, st):
    # A tape records a call if it tracks one of the arguments (see GradientTape._tracked);
    # an untracked tensor's id is 0, which no tape tracks.
    entry = None
    for tape in st.recording:
        tracked = tape._tracked
        for a in targs:
            if a._tid in tracked:
                break
        else:
            continue
        if entry is None:
            out._tid = next_tid()  # out is new and not shared yet: no lock needed
            if prim.saves is None:
                entry = (prim, targs, out, params)
            else:
                entry = (prim, *_saved(prim, targs, out), params)
        tracked.add(out._tid)
        tape._records.append(entry)
    if st.accumulators:
        _push_tangents(prim, targs, params, out, st)


def _push_tangents(prim, targs, params, out, st):
    for acc in list(st.accumulators):
        tangents = acc._tangents
        ts = [tangents.get(a._tid) if a._tid else None for a in targs]
        if all(t is None for t in ts):
            continue
        st.accumulators.remove(acc)  # the JVP computation must not feed this accumulator itself
        try:
            t_out = jvp_of(prim, targs, params, out, ts)
        finally:
            st.accumulators.append(acc)
        if t_out is not None:
            if not out._tid:
                out._tid = next_tid()
            tangents[out._tid] = t_out


def _sum(terms):
    add = PRIMITIVES["add"]
    total = None
    for term in terms:
        total = term if total is None else bind(add, total, term)
    return total


def _zeros_like(a):
    return Tensor(np.zeros_like(a._value))


def jvp_of(prim, targs, params, out, ts):
    """The output tangent of one primitive call, given the input tangents `ts` (None = zero)."""
    rule = prim.jvp
    if rule is LINEAR:
        args = [
            t if t is not None else (_zeros_like(a) if a._value.dtype.kind in "fc" else a)
            for a, t in zip(targs, ts)
        ]
        result = bind(prim, *args, **params)
    elif rule is MULTILINEAR:
        result = _sum(
            bind(prim, *targs[:i], t, *targs[i + 1:], **params)
            for i, t in enumerate(ts) if t is not None
        )
    elif rule is FROM_VJP:
        result = _jvp_by_transposition(prim, targs, params, out, ts)
    else:
        terms = []
        for i, t in enumerate(ts):
            if t is None:
                continue
            r = prim.vjp_rule(i) if rule is ELEMENTWISE else (
                rule[i] if isinstance(rule, tuple) else rule)
            if r is NONE:
                continue
            terms.append(_zeros_like(out) if r is ZERO else r(t, out, *targs, **params))
        if not terms:
            return None
        result = _sum(terms)
    if result is not None and result._value.shape != out._value.shape:
        result = bind(PRIMITIVES["broadcast_to"], result, shape=out._value.shape)
    return result


def _jvp_by_transposition(prim, targs, params, out, ts):
    # The VJP is linear in g, so <vjp(g), t> differentiated with respect to g is J t.
    from .tape import GradientTape, unbroadcast

    g = Tensor(np.zeros_like(out._value))
    with GradientTape() as tape:
        tape.watch(g)
        terms = []
        for i, t in enumerate(ts):
            r = prim.vjp_rule(i)
            if t is None or r is NONE or r is ZERO:
                continue
            gi = r(g, out, *targs, **params)
            if gi is None:  # a custom gradient's None
                continue
            gi = unbroadcast(gi, targs[i]._value.shape)
            terms.append(bind(PRIMITIVES["reduce_sum"], bind(PRIMITIVES["multiply"], gi, t)))
        total = _sum(terms)
    if total is None:
        return None
    return tape.gradient(total, g)
