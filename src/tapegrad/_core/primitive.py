"""The primitive table: `defprimitive` entries, their rule markers, and registered composites.

A primitive is one table entry (see `tapegrad/ops/`): its NumPy forward, a reverse rule per
tensor argument and a forward (JVP) rule; calling it binds it (`bind.py`).

Rule signatures: `vjp(g, out, *args, **params)` and `jvp(t, out, *args, **params)`, written
with tapegrad ops so that enclosing tapes record them. `g` may carry extra leading batch
dimensions (a batch of cotangents, used by `tape.jacobian`); a rule that reshapes or reduces
must count axes from the end, or read the batch rank as `g.ndim - out.ndim`. A rule returns its
result in `out`'s (batched) broadcast shape: the engine sums it back to the argument's shape.
"""

from .bind import bind

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


class _EveryArgument(dict):
    """`vjps` of a primitive with one rule for all its arguments: `[i]` is that rule for
    any i (each index found once, then a plain dict hit)."""

    __slots__ = ("rule",)

    def __init__(self, rule):
        super().__init__()
        self.rule = rule

    def __missing__(self, i):
        self[i] = self.rule
        return self.rule


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
        # The rule of argument i is vjps[i] (the reverse walk's lookup, one subscript): the
        # tuple itself, or every argument's one rule.
        self.vjps = vjp if type(vjp) is tuple else _EveryArgument(vjp)

    def vjp_rule(self, i):
        """The reverse rule of argument `i`: a callable, NONE or ZERO."""
        return self.vjps[i]

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
