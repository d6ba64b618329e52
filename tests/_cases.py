"""Generates gradient-check cases from the registry: every primitive and composite.

A table entry says how to sample it: `domain` (one Domain per argument; None for a boolean
argument) and optionally `cases`, a list of (shapes, params) pairs. Without `cases`, elementwise
shapes are used: scalars, vectors, matrices and broadcasting pairs.
"""

import numpy as np

from tapegrad._core.primitive import COMPOSITES, NONE, PRIMITIVES, Domain

DEFAULT = Domain(-2.0, 2.0)
SHAPES = {
    1: [((),), ((3,),), ((2, 3),)],
    2: [((), ()), ((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 3))],
    3: [((3,), (3,), (3,)), ((2, 3), (3,), ())],
}


def _domains(domain, n):
    if isinstance(domain, tuple):
        return list(domain)
    return [domain or DEFAULT] * n


def _arity(domain):
    return len(domain) if isinstance(domain, tuple) else 1


def _entries():
    for name, prim in PRIMITIVES.items():
        if not prim.differentiable:
            continue
        if prim.vjp is NONE or (isinstance(prim.vjp, tuple) and all(
                r is NONE for r, d in zip(prim.vjp, _domains(prim.domain, len(prim.vjp)))
                if d is not None)):
            continue  # no derivative at all: covered by tests/test_conventions.py
        yield name, (lambda *a, p=prim, **k: p(*a, **k)), prim.domain, prim.meta
    for name, (fn, domain, meta) in COMPOSITES.items():
        yield name, fn, domain, meta


def gradient_cases():
    """(id, fn, args, fixed, meta): `fn(*args)` is checked; `fixed` are non-float arguments."""
    out = []
    for name, fn, domain, meta in _entries():
        cases = meta.get("cases") or [(s, {}) for s in SHAPES[_arity(domain)]]
        for k, (shapes, params) in enumerate(cases):
            doms = _domains(domain, len(shapes))
            out.append((f"{name}-{k}", name, fn, shapes, doms, params, meta))
    return out


def sample(shapes, doms, rng):
    """Float64 arguments (None marks a position filled by a fixed argument) and fixed ones."""
    args, fixed = [], []
    for shape, dom in zip(shapes, doms):
        if isinstance(shape, np.ndarray):
            fixed.append(shape)
            args.append(None)
        elif dom is None:
            fixed.append(rng.uniform(size=shape) > 0.5)
            args.append(None)
        else:
            args.append(dom.sample(rng, shape))
    return args, fixed


def closure(fn, args, fixed, params):
    """A function of the float arguments only, with fixed arguments put back in place."""

    def f(*floats):
        it_float, it_fixed = iter(floats), iter(fixed)
        full = [next(it_fixed) if a is None else next(it_float) for a in args]
        return fn(*full, **params)

    return f, [a for a in args if a is not None]
