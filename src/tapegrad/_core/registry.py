"""The primitive registry and `bind`, the one function through which every op runs.

A primitive is one table entry (see `tapegrad/ops/`): its NumPy forward, a reverse rule per
tensor argument and a forward (JVP) rule. `bind` converts the arguments, runs the forward, and
hands (primitive, inputs, params, output) to whichever interpreters are active (state.py).

Rule signatures: `vjp(g, out, *args, **params)` and `jvp(t, out, *args, **params)`, written
with tapegrad ops so that enclosing tapes record them. `g` may carry extra leading batch
dimensions (a batch of cotangents, used by `tape.jacobian`); a rule that reshapes or reduces
must count axes from the end, or read the batch rank as `g.ndim - out.ndim`. A rule returns its
result in `out`'s (batched) broadcast shape: the engine sums it back to the argument's shape.
"""

import numpy as np

from .errors import InvalidArgumentError
from .state import state
from .tensor import Tensor, to_array

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
        "batchable", "meta", "saves",
    )

    def __init__(self, name, forward, vjp, jvp, domain, differentiable, dtype_args, batchable,
                 meta, saves=None):
        self.saves = None if saves is None else frozenset(saves)
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
        if ta is not Tensor and ta not in _NUMBERS and hasattr(a, "_read"):  # a Variable
            a = a._read()
            ta = Tensor
        if tb is not Tensor and tb not in _NUMBERS and hasattr(b, "_read"):
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
        read = getattr(args[0], "_read", None)
        if read is not None:
            return (read(),)
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
    """Runs primitive `prim` on `args` and hands the call to this thread's active interpreters."""
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
    for interpreter in state.interpreters:
        interpreter.process_primitive(prim, targs, params, out)
    return out
