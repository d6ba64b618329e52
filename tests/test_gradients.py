"""Every primitive and composite in the registry through the shared checker, generated.

First and second order, reverse and forward mode, in float64, with step 1e-6 and
rtol = atol = 1e-5 unless a table entry says otherwise.
"""

import zlib

import numpy as np
import pytest

import tapegrad as tf
from _cases import closure, gradient_cases, sample

CASES = gradient_cases()


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_gradients_match_numerical_to_second_order(case):
    _, name, fn, shapes, doms, params, meta = case
    rng = np.random.default_rng(zlib.crc32(case[0].encode()))
    args, fixed = sample(shapes, doms, rng)
    f, floats = closure(fn, args, fixed, params)
    tf.check_grads(
        f, floats, order=meta.get("order", 2), modes=("rev", "fwd"), eps=1e-6,
        rtol=meta.get("rtol", 1e-5), atol=meta.get("atol", 1e-5),
    )


def test_every_differentiable_primitive_is_generated():
    names = {c[1] for c in CASES}
    for required in ("add", "subtract", "multiply", "divide", "negative", "pow", "square", "sqrt",
                     "exp", "log", "sin", "cos", "tanh", "sigmoid", "relu", "abs", "maximum",
                     "minimum", "matmul", "reduce_sum", "reshape", "transpose", "cast",
                     "identity", "where", "getitem"):
        assert required in names
