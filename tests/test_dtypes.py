"""Dtypes: outputs, gradients and tangents keep the source dtype; float32 never becomes float64.

Runs every math and nn op (primitive or composite, from the registry) on its generated samples
cast to float16 and float32, to second order in reverse mode and first order in forward mode.
"""

import zlib

import numpy as np
import pytest
from _cases import closure, math_and_nn_cases, sample

import tapegrad as tf

# cast changes the dtype on purpose.
CASES = [c for c in math_and_nn_cases() if c[1] != "cast"]
DTYPES = [np.float16, np.float32]


def _run(case, dtype):
    rng = np.random.default_rng(zlib.crc32(case[0].encode()))
    _, _, fn, shapes, doms, params, _ = case
    args, fixed = sample(shapes, doms, rng)
    f, floats = closure(fn, args, fixed, params)
    return f, [tf.constant(np.asarray(a, dtype=dtype)) for a in floats]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_gradient_dtype_equals_source_dtype(case, dtype):
    f, xs = _run(case, dtype)
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(xs)
        with tf.GradientTape() as inner:
            inner.watch(xs)
            ys = _flatten(f(*xs))
        for y in ys:
            assert y.dtype == dtype, f"{case[0]}: output is {y.dtype.name}"
        firsts = inner.gradient(ys, xs)
        for g in firsts:
            assert g is None or g.dtype == dtype, f"{case[0]}: gradient is {g.dtype.name}"
        total = [tf.reduce_sum(g) for g in firsts if g is not None]
    for g in outer.gradient(total, xs) if total else []:
        assert g is None or g.dtype == dtype, f"{case[0]}: second derivative is {g.dtype.name}"


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_tangent_dtype_equals_primal_dtype(case):
    f, xs = _run(case, np.float32)
    with tf.autodiff.ForwardAccumulator(xs, [tf.ones_like(x) for x in xs]) as acc:
        ys = _flatten(f(*xs))
    for t in acc.jvp(ys):
        assert t is None or t.dtype == tf.float32, f"{case[0]}: tangent is {t.dtype.name}"


def _flatten(ys):
    return list(ys) if isinstance(ys, (list, tuple)) else [ys]


def test_every_math_op_is_sampled():
    names = {c[1] for c in CASES}
    for required in ("softmax", "log_softmax", "softplus", "erf", "reduce_logsumexp", "gelu",
                     "norm", "moments", "sparse_softmax_cross_entropy_with_logits"):
        assert required in names


def test_python_scalars_take_the_tensor_dtype():
    x = tf.constant([1.0, 2.0], dtype=tf.float16)
    for y in (tf.maximum(x, 1.5), tf.clip_by_value(x, 0.0, 1.0), tf.math.squared_difference(x, 3),
              tf.nn.leaky_relu(x, alpha=np.float64(0.1)), tf.math.l2_normalize(x)):
        assert y.dtype == tf.float16


def test_integer_reductions_keep_int32():
    x = tf.constant([[1, 2], [3, 4]])
    for y in (tf.reduce_sum(x), tf.reduce_prod(x, axis=0), tf.cumsum(x), tf.reduce_max(x),
              tf.math.cumprod(x, axis=1)):
        assert y.dtype == tf.int32


def test_argmax_output_type():
    assert tf.argmax([1.0, 3.0]).dtype == tf.int64
    assert tf.argmin([1.0, 3.0], output_type=tf.int32).dtype == tf.int32


@pytest.mark.parametrize("op", [tf.sqrt, tf.exp, tf.math.log, tf.sin, tf.nn.softplus,
                                tf.math.erf, tf.nn.softmax])
def test_float_only_ops_refuse_integers(op):
    with pytest.raises(tf.errors.InvalidArgumentError, match="floating-point"):
        op(tf.constant([1, 2]))
