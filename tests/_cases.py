"""Generates gradient-check cases: every differentiable primitive and every composite, sampled
as its spec in `_specs.py` says.

Without `cases`, elementwise shapes are used: scalars, vectors, matrices and broadcasting pairs.
"""

import numpy as np
from _specs import ANY, COMPOSITE_SPECS, SPECS

from tapegrad._core.primitive import COMPOSITES, NONE, PRIMITIVES, Primitive

SHAPES = {
    1: [((),), ((3,),), ((2, 3),)],
    2: [((), ()), ((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 3))],
    3: [((3,), (3,), (3,)), ((2, 3), (3,), ())],
}


def has_derivative(prim):
    """Whether a primitive has a derivative to check: one rule other than NONE (an op without
    any, floor say, is covered by tests/test_conventions.py)."""
    rules = prim.vjp if isinstance(prim.vjp, tuple) else (prim.vjp,)
    return prim.differentiable and any(rule is not NONE for rule in rules)


def missing_specs():
    """The names of the differentiable primitives and composites without a spec."""
    prims = [name for name, prim in PRIMITIVES.items() if has_derivative(prim)]
    return sorted({n for n in prims if n not in SPECS} | set(COMPOSITES) - set(COMPOSITE_SPECS))


def unknown_specs():
    """The names of specs for which no such op is registered."""
    return sorted(set(SPECS) - set(PRIMITIVES) | set(COMPOSITE_SPECS) - set(COMPOSITES))


def _domains(domain, n):
    if isinstance(domain, tuple):
        return list(domain)
    return [domain or ANY] * n


def _arity(domain):
    return len(domain) if isinstance(domain, tuple) else 1


def _entries():
    for name, prim in PRIMITIVES.items():
        if has_derivative(prim) and name in SPECS:
            spec = SPECS[name]
            yield name, spec.fn or (lambda *a, p=prim, **k: p(*a, **k)), spec
    for name, fn in COMPOSITES.items():
        spec = COMPOSITE_SPECS.get(name)
        if spec is not None:
            yield name, spec.fn or fn, spec


def gradient_cases():
    """(id, name, fn, shapes, domains, params, spec): `fn(*args, **params)` is checked."""
    out = []
    for name, fn, spec in _entries():
        cases = spec.cases or [(s, {}) for s in SHAPES[_arity(spec.domain)]]
        for k, (shapes, params) in enumerate(cases):
            doms = _domains(spec.domain, len(shapes))
            out.append((f"{name}-{k}", name, fn, shapes, doms, params, spec))
    return out


def math_and_nn_cases():
    """The cases of the elementwise, reduction and activation ops: the primitives of those
    table modules and the composites of tf.math and tf.nn (the ops every float dtype must
    serve; linear algebra and shapes are checked elsewhere)."""
    from tapegrad.ops import activations, elementwise, reductions

    prims = {v.name for m in (elementwise, reductions, activations) for v in vars(m).values()
             if isinstance(v, Primitive)}
    modules = ("tapegrad._impl.math_ops", "tapegrad._impl.nn_ops", "tapegrad._impl.clip_ops")
    return [c for c in gradient_cases() if c[1] in prims or (
        c[1] in COMPOSITES and COMPOSITES[c[1]].__module__ in modules)]


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
