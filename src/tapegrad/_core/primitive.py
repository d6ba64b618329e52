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

__all__ = [
    "Primitive", "Domain", "defprimitive", "PRIMITIVES", "composite", "COMPOSITES",
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
        "batchable", "meta", "saves", "unsaved", "unsaved_from", "drops_out",
    )

    def __init__(self, name, forward, vjp, jvp, domain, differentiable, dtype_args, batchable,
                 meta, saves=None):
        self.saves = None if saves is None else frozenset(saves)
        # What a tape may replace by stand-ins, worked out once: the input positions before
        # `unsaved_from` listed in `unsaved`, every position from `unsaved_from` on (a variadic
        # op's), and the output if `drops_out`.
        positions = [i for i in saves or () if i != "out"]
        self.unsaved_from = max(positions) + 1 if positions else 0
        self.unsaved = tuple(i for i in range(self.unsaved_from) if i not in positions)
        self.drops_out = saves is not None and "out" not in saves
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
