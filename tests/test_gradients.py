"""Every differentiable primitive and composite through the shared checker, generated from the
spec table (tests/_specs.py).

First and second order, reverse and forward mode, in float64, with step 1e-6 and
rtol = atol = 1e-5 unless a spec says otherwise.
"""

import zlib

import numpy as np
import pytest
from _cases import closure, gradient_cases, missing_specs, sample, unknown_specs

import tapegrad as tf

CASES = gradient_cases()


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_gradients_match_numerical_to_second_order(case):
    _, _, fn, shapes, doms, params, spec = case
    rng = np.random.default_rng(zlib.crc32(case[0].encode()))
    args, fixed = sample(shapes, doms, rng)
    f, floats = closure(fn, args, fixed, params)
    tf.check_grads(f, floats, order=spec.order, modes=("rev", "fwd"), eps=1e-6, rtol=spec.rtol,
                   atol=spec.atol)


def test_every_differentiable_primitive_and_composite_has_a_spec():
    missing = missing_specs()
    assert not missing, f"add a spec to tests/_specs.py for {missing}"


def test_every_spec_names_a_registered_op():
    unknown = unknown_specs()
    assert not unknown, f"tests/_specs.py has specs for unregistered ops {unknown}"


def test_the_core_primitives_are_generated():
    names = {c[1] for c in CASES}
    for required in ("add", "subtract", "multiply", "divide", "negative", "pow", "square", "sqrt",
                     "exp", "log", "sin", "cos", "tanh", "sigmoid", "relu", "abs", "maximum",
                     "minimum", "matmul", "reduce_sum", "reshape", "transpose", "cast",
                     "identity", "where", "getitem"):
        assert required in names
