"""A primitive's `specialize` (the forward a traced program's replay calls, made once from the
arguments' traced shapes and dtypes) gives its `forward`'s bits: on the traced shapes, and on
arguments of the same ranks whose dimensions differ (as after an op whose result's size
depends on values), where it must find the case again or hand over to `forward`."""

import numpy as np
import pytest
from _cases import gradient_cases, sample

import tapegrad as tf
from tapegrad._core.primitive import PRIMITIVES

SPECIALIZED = sorted(name for name, prim in PRIMITIVES.items() if prim.specialize is not None)

# Cases beyond the gradient checks': the bias gradient's sum_to_shape (a dimension of 1 that
# decides the case), and matrices as dense layers and their gradients make them.
EXTRA = {
    "sum_to_shape": [(((4, 1),), dict(shape=(1,))), (((3, 1, 2),), dict(shape=(1, 2))),
                     (((5, 2, 1),), dict(shape=(2, 1)))],
    "matmul": [(((32, 8), (32, 30)), dict(transpose_a=True)),
               (((32, 1), (30, 1)), dict(transpose_b=True))],
    "reduce_mean": [(((32, 1),), dict(axis=None))],
}


def _cases():
    out = []
    for _, name, _, shapes, doms, params, _ in gradient_cases():
        if name in SPECIALIZED:
            out.append((name, shapes, doms, params))
    for name, cases in EXTRA.items():
        for shapes, params in cases:
            out.append((name, shapes, [None] * len(shapes), params))
    return out


def _variants(shapes):
    """The traced shapes, then the same ranks with every dimension one larger, all 1, all 0."""
    yield shapes
    for change in (lambda d: d + 1, lambda d: 1, lambda d: 0):
        yield tuple(tuple(change(d) for d in s) for s in shapes)


def _same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def test_the_specialized_primitives_are_those_of_a_dense_step():
    assert {"matmul", "sum_to_shape", "reduce_mean", "relu_grad"} <= set(SPECIALIZED)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", _cases(), ids=lambda c: f"{c[0]}-{c[1]}-{c[3]}")
def test_a_specialized_forward_gives_the_forwards_bits(case, dtype):
    name, shapes, doms, params = case
    prim = PRIMITIVES[name]
    rng = np.random.default_rng(0)
    traced = None
    for k, variant in enumerate(_variants(shapes)):
        args = [rng.standard_normal(s).astype(dtype) for s in variant]
        if name == "relu_grad":  # some exact zeros, where the mask decides
            args[1][args[1] > 0.5] = 0
        if traced is None:
            traced = prim.specialize([(a.shape, a.dtype) for a in args], **params)
            if traced is None:
                return  # not specialised for this case: the replay calls forward
        try:
            expected = prim.forward(*args, **params)
        except (ValueError, IndexError):
            assert k, "the traced shapes must be valid"
            continue  # not valid arguments of the primitive at these shapes
        assert _same_bits(traced(*args), expected), (name, variant, params)


def test_a_traced_dense_step_replays_with_the_eager_bits():
    rng = np.random.default_rng(1)
    x = tf.constant(rng.standard_normal((32, 8)).astype(np.float32))
    y = tf.constant(rng.standard_normal((32, 1)).astype(np.float32))
    w0 = rng.standard_normal((8, 30)).astype(np.float32)
    b0 = rng.standard_normal(30).astype(np.float32)
    w1 = rng.standard_normal((30, 1)).astype(np.float32)

    def make():
        return [tf.Variable(w0), tf.Variable(b0), tf.Variable(w1)]

    def step(ws):
        with tf.GradientTape() as tape:
            h = tf.nn.relu(tf.matmul(x, ws[0]) + ws[1])
            loss = tf.reduce_mean(tf.square(tf.matmul(h, ws[2]) - y))
        grads = tape.gradient(loss, ws)
        for w, g in zip(ws, grads):
            w.assign_sub(0.01 * g)
        return loss

    eager, traced = make(), make()
    traced_step = tf.function(lambda: step(traced))
    for _ in range(3):
        assert _same_bits(step(eager), traced_step())
    assert traced_step.get_concrete_function().traced
    for a, b in zip(eager, traced):
        assert _same_bits(a.numpy(), b.numpy())
