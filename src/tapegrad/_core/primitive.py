"""The primitive table: `defprimitive` entries, their rule markers, and registered composites.

A primitive is one table entry (see `tapegrad/ops/`): its NumPy forward, a reverse rule per
tensor argument and a forward (JVP) rule; calling it binds it (`bind.py`).

Rule signatures: `vjp(g, out, *args, **params)` and `jvp(t, out, *args, **params)`, written
with tapegrad ops so that enclosing tapes record them. `g` may carry extra leading batch
dimensions (a batch of cotangents, used by `tape.jacobian`); a rule that reshapes or reduces
must count axes from the end, or read the batch rank as `g.ndim - out.ndim`. A rule returns its
result in `out`'s (batched) broadcast shape: the engine sums it back to the argument's shape.
"""

import numpy as np

from .bind import bind
from .tensor import Tensor

__all__ = [
    "Primitive", "defprimitive", "PRIMITIVES", "composite", "COMPOSITES",
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


def _none(g, out, *args, **params):
    """NONE as a rule: no gradient for this argument."""
    return None


def _as_rule(rule, i):
    """`rule`, the reverse rule of argument i, as a callable: NONE gives None, ZERO zeros of
    the argument's shape (and the cotangent's batch axes) and dtype."""
    if rule is NONE:
        return _none
    if rule is not ZERO:
        return rule

    def zeros(g, out, *args, **params):
        a = args[i]._value
        batch = g._value.shape[: g._value.ndim - out._value.ndim]
        return Tensor(np.zeros(batch + a.shape, dtype=a.dtype))

    return zeros


class _EveryArgument(dict):
    """`vjps` of a primitive with one rule for all its arguments: `[i]` is that rule as a
    callable (`_as_rule`), for any i (each index found once, then a plain dict hit)."""

    __slots__ = ("rule",)

    def __init__(self, rule):
        super().__init__()
        self.rule = rule

    def __missing__(self, i):
        rule = self[i] = _as_rule(self.rule, i)
        return rule


class Primitive:
    """One table entry. Fields mirror `defprimitive`'s arguments."""

    __slots__ = (
        "name", "forward", "_vjp", "vjps", "jvp", "differentiable", "dtype_args", "batchable", "saves",
        "unsaved", "unsaved_from", "drops_out", "stateful", "specialize",
    )

    def __init__(self, name, forward, vjp=NONE, jvp=ELEMENTWISE, differentiable=True,
                 dtype_args=None, batchable=True, saves=None, stateful=False, specialize=None):
        self.name = name
        self.stateful = stateful
        self.forward = forward
        self.specialize = specialize
        self.vjp = vjp
        self.jvp = jvp
        self.differentiable = differentiable
        self.dtype_args = dtype_args
        self.batchable = batchable
        self.saves = None if saves is None else frozenset(saves)
        # What a tape may replace by stand-ins, worked out once: the input positions before
        # `unsaved_from` listed in `unsaved`, every position from `unsaved_from` on (a variadic
        # op's), and the output if `drops_out`.
        positions = [i for i in saves or () if i != "out"]
        self.unsaved_from = max(positions) + 1 if positions else 0
        self.unsaved = tuple(i for i in range(self.unsaved_from) if i not in positions)
        self.drops_out = saves is not None and "out" not in saves

    @property
    def vjp(self):
        """One rule (all arguments alike), a tuple of one per argument, NONE or ZERO."""
        return self._vjp

    @vjp.setter
    def vjp(self, vjp):
        self._vjp = vjp
        # What the reverse walk calls for argument i: vjps[i], one subscript, always a rule
        # (NONE and ZERO made rules that return None and zeros).
        if type(vjp) is tuple:
            self.vjps = tuple(_as_rule(rule, i) for i, rule in enumerate(vjp))
        else:
            self.vjps = _EveryArgument(vjp)

    def vjp_rule(self, i):
        """The reverse rule of argument `i`: a callable, NONE or ZERO."""
        v = self._vjp
        return v[i] if type(v) is tuple else v

    def __call__(self, *args, **params):
        return bind(self, *args, **params)

    def __repr__(self):
        return f"<primitive {self.name}>"


PRIMITIVES = {}


def defprimitive(name, forward, vjp=NONE, jvp=None, differentiable=True, dtype_args=None,
                 batchable=True, saves=None, stateful=False, specialize=None):
    """Registers a primitive and returns it (callable like the op).

    Args:
        name: the public TensorFlow name.
        forward: NumPy function `forward(*arrays, **params)`.
        vjp: one rule (all arguments alike), a tuple with one rule per tensor argument, or
            NONE / ZERO.
        jvp: ELEMENTWISE, LINEAR, MULTILINEAR, FROM_VJP, one rule or a tuple of rules. Defaults
            to ELEMENTWISE for a primitive whose output never needs a JVP rule of its own.
        differentiable: False for ops with integer or boolean output (comparisons, argmax).
        dtype_args: indices of the arguments that must share one dtype (Python numbers among
            them take it); None means all of them.
        batchable: False if the VJP rules cannot take a batch of cotangents.
        saves: what the reverse rules read the values of: argument indices and/or "out".
            A tape keeps only those (the others become value-less stand-ins with the same
            shape, dtype and id), so intermediates are freed as early as the NumPy floor frees
            them. None (the default) keeps everything.
        stateful: True if the forward's result is not a function of its inputs (a random
            draw): a traced program runs it at every call, never keeping it as a constant.
        specialize: optional, for speed: `specialize(specs, **params)`, given the (shape,
            dtype) each argument had when traced, returns None or a forward of the arguments
            alone (params fixed) that a traced program's replay calls instead of `forward`,
            doing once the work by which `forward` finds its case. The replay's arguments
            (arrays or NumPy scalars) have the traced dtypes and ranks, but a dimension may
            differ (after an op whose result's size depends on values, such as tf.where): for
            any such arguments it must give `forward`'s bits.

    The generated gradient checks sample each differentiable primitive as its spec in
    `tests/_specs.py` says.
    """
    if name in PRIMITIVES:
        raise ValueError(f"primitive {name!r} is registered twice")
    prim = Primitive(name, forward, vjp, ELEMENTWISE if jvp is None else jvp, differentiable,
                     dtype_args, batchable, saves, stateful, specialize)
    PRIMITIVES[name] = prim
    return prim


COMPOSITES = {}


def composite(fn=None, *, name=None):
    """Registers a public op written as a composition of primitives (used as `@composite`).

    Its derivatives of every order are those of the primitives it uses; the generated checks
    test them as its spec in `tests/_specs.py` says, and docs/ops.md lists it.
    """

    def register(fn):
        key = name or fn.__name__
        if key in COMPOSITES:
            raise ValueError(f"composite {key!r} is registered twice")
        COMPOSITES[key] = fn
        return fn

    return register if fn is None else register(fn)
