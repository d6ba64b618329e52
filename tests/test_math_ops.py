"""`tapegrad.math` values, signatures and errors (gradients: tests/test_gradients.py)."""

import inspect
import math
import zlib

import numpy as np
import pytest
from _cases import closure, math_and_nn_cases, sample

import tapegrad as tf

X = np.array([[-1.5, 0.25, 2.0], [0.5, -0.75, 1.0]], dtype=np.float32)


def close(got, want, rtol=1e-6):
    np.testing.assert_allclose(np.asarray(got), want, rtol=rtol, atol=1e-7)


@pytest.mark.parametrize("op, ref, x", [
    (tf.math.log1p, np.log1p, X + 2.0), (tf.math.expm1, np.expm1, X), (tf.tan, np.tan, X),
    (tf.asin, np.arcsin, X / 2), (tf.acos, np.arccos, X / 2), (tf.atan, np.arctan, X),
    (tf.sinh, np.sinh, X), (tf.cosh, np.cosh, X), (tf.math.rsqrt, lambda v: 1 / np.sqrt(v), X + 2),
    (tf.math.reciprocal, np.reciprocal, X), (tf.math.softplus, lambda v: np.log1p(np.exp(v)), X),
    (tf.floor, np.floor, X), (tf.math.ceil, np.ceil, X), (tf.sign, np.sign, X),
    (tf.math.erf, np.vectorize(math.erf), X), (tf.math.softsign, lambda v: v / (1 + abs(v)), X),
])
def test_unary_values(op, ref, x):
    close(op(x), ref(x.astype(np.float64)).astype(np.float32))


def test_erf_is_accurate_in_float64():
    x = np.linspace(-6.0, 6.0, 101)
    close(tf.math.erf(x), [math.erf(v) for v in x], rtol=1e-15)


def test_binary_values():
    y = X[::-1] + 3.0
    close(tf.math.atan2(X, y), np.arctan2(X, y))
    close(tf.math.squared_difference(X, y), (X - y) ** 2)
    close(tf.add_n([X, y, X]), X + y + X)


def test_float_floordiv_is_floor_of_the_quotient_as_tensorflow():
    # Values recorded from TensorFlow 2.21, whose kernel is floor(x / y) for floats: 1 // 0.1 is
    # 10 there (NumPy's floor_divide gives 9), and an infinite x gives inf, not NaN.
    x = tf.constant([1.0, np.inf, -np.inf, -7.0, 0.3, 7.0], tf.float64)
    y = tf.constant([0.1, 3.0, 3.0, 2.0, 0.1, 0.0], tf.float64)
    want = [10.0, np.inf, -np.inf, -4.0, 2.0, np.inf]
    np.testing.assert_array_equal(tf.math.floordiv(x, y).numpy(), want)
    np.testing.assert_array_equal((x // y).numpy(), want)
    assert (tf.constant([7], tf.int32) // 2).numpy().tolist() == [3]


def test_softplus_is_exact_for_large_inputs():
    close(tf.math.softplus([100.0, -100.0, 0.0]), [100.0, 3.7200760e-44, math.log(2.0)])


@pytest.mark.parametrize("axis", [None, 0, 1, -1, [0, 1]])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions_match_numpy(axis, keepdims):
    ax = tuple(axis) if isinstance(axis, list) else axis
    for op, ref in [(tf.reduce_max, np.max), (tf.reduce_min, np.min), (tf.reduce_prod, np.prod),
                    (tf.math.reduce_variance, np.var), (tf.math.reduce_std, np.std)]:
        close(op(X, axis=axis, keepdims=keepdims), ref(X, axis=ax, keepdims=keepdims), rtol=1e-5)
    lse = np.log(np.sum(np.exp(X), axis=ax, keepdims=keepdims))
    close(tf.reduce_logsumexp(X, axis=axis, keepdims=keepdims), lse)


def test_reduce_logsumexp_does_not_overflow():
    close(tf.reduce_logsumexp([1000.0, 1000.0]), 1000.0 + math.log(2.0))


def test_reduce_all_and_any():
    b = np.array([[True, False], [True, True]])
    assert tf.reduce_all(b).numpy() == False  # noqa: E712 - a NumPy bool
    close(tf.reduce_all(b, axis=1), [False, True])
    close(tf.reduce_any(b, axis=0, keepdims=True), [[True, True]])


@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
def test_cumsum_and_cumprod(exclusive, reverse):
    x = np.array([1.0, 2.0, 3.0, 4.0], dtype=np.float32)
    for op, ufunc, fill in [(tf.cumsum, np.cumsum, 0.0), (tf.math.cumprod, np.cumprod, 1.0)]:
        v = x[::-1] if reverse else x
        want = ufunc(v)
        if exclusive:
            want = np.concatenate([[fill], want[:-1]])
        close(op(x, exclusive=exclusive, reverse=reverse), want[::-1] if reverse else want)


def test_cumsum_along_an_axis():
    close(tf.cumsum(X, axis=1), np.cumsum(X, axis=1))
    close(tf.cumsum(X, axis=-2), np.cumsum(X, axis=0))


def test_argmax_and_argmin():
    m = [[1, 5], [3, 2]]
    close(tf.argmax(m), [1, 0])
    close(tf.argmax(m, axis=1), [1, 0])
    close(tf.argmin(m, axis=-1), [0, 1])


# Recorded from TensorFlow 2.21 (float32): NaN is never the extreme; a tie goes to the first
# index; an extreme that does not pass the dtype's lowest (highest) value, as all-NaN or all
# -inf rows, gives 0.
_NAN, _INF, _BIG = float("nan"), float("inf"), float(np.finfo(np.float32).max)
ARG_CASES = [
    ([1.0, _NAN, 2.0], 2, 0), ([_NAN, 1.0, 2.0], 2, 1), ([1.0, 2.0, _NAN], 1, 0),
    ([_NAN, _NAN, _NAN], 0, 0), ([_NAN, 1.0], 1, 1), ([2.0, _NAN, 2.0], 0, 0),
    ([1.0, 3.0, 3.0], 1, 0), ([3.0, 3.0, 1.0], 0, 2), ([-_INF, -_INF], 0, 0),
    ([_INF, _NAN, _INF], 0, 0), ([_NAN, -_INF], 0, 1), ([1.0, _NAN, 0.5], 0, 2),
    ([5.0, _NAN, 1.0, 7.0, _NAN], 3, 2), ([-_INF, -_BIG], 0, 0), ([_NAN, -_BIG], 0, 1),
    ([_INF, _BIG], 0, 0), ([-_BIG, -_BIG, -_INF], 0, 2),
]


@pytest.mark.parametrize("row, imax, imin", ARG_CASES)
def test_argmax_and_argmin_skip_nan_as_tensorflow(row, imax, imin):
    x = tf.constant(row, tf.float32)
    assert (int(tf.argmax(x)), int(tf.argmin(x))) == (imax, imin)


@pytest.mark.parametrize("dtype", [tf.float16, tf.float64])
def test_argmax_and_argmin_skip_nan_in_every_float_dtype(dtype):
    x = tf.constant([1.0, _NAN, 2.0], dtype)
    assert (int(tf.argmax(x)), int(tf.argmin(x))) == (2, 0)


def test_argmax_and_argmin_skip_nan_along_an_axis():
    m = tf.constant([[1.0, _NAN, 2.0], [_NAN, 0.0, -1.0]])
    assert tf.argmax(m, axis=1).numpy().tolist() == [2, 1]
    assert tf.argmin(m, axis=1).numpy().tolist() == [0, 2]
    assert tf.argmax(m, axis=0).numpy().tolist() == [0, 1, 0]
    assert tf.argmin(m, axis=0).numpy().tolist() == [0, 1, 1]


@pytest.mark.parametrize("row, imax, imin", ARG_CASES)
def test_argmax_and_argmin_table_is_tensorflows(row, imax, imin):
    tf_real = pytest.importorskip("tensorflow")
    x = tf_real.constant(row, tf_real.float32)
    assert (int(tf_real.argmax(x)), int(tf_real.argmin(x))) == (imax, imin)


def test_logical_ops_and_predicates():
    a, b = np.array([True, True, False]), np.array([True, False, False])
    close(tf.logical_and(a, b), [True, False, False])
    close(tf.logical_or(a, b), [True, True, False])
    close(tf.math.logical_xor(a, b), [False, True, False])
    close(tf.logical_not(a), [False, False, True])
    v = [1.0, np.nan, np.inf]
    close(tf.math.is_nan(v), [False, True, False])
    close(tf.math.is_finite(v), [True, False, False])


def test_clip_by_value_and_norm():
    close(tf.clip_by_value(X, -1.0, 1.0), np.clip(X, -1.0, 1.0))
    v = np.array([3.0, 4.0], dtype=np.float32)
    close(tf.clip_by_norm(v, 1.0), v / 5.0)
    close(tf.clip_by_norm(v, 10.0), v)
    close(tf.clip_by_norm(X, 1.0, axes=[1]), X / np.maximum(np.linalg.norm(X, axis=1,
                                                                          keepdims=True), 1.0))


@pytest.mark.parametrize("kwargs, ref", [
    ({}, lambda x: np.linalg.norm(x.ravel())),
    (dict(axis=1), lambda x: np.linalg.norm(x, axis=1)),
    (dict(ord=1, axis=0), lambda x: np.abs(x).sum(axis=0)),
    (dict(ord=np.inf, axis=-1), lambda x: np.abs(x).max(axis=-1)),
    (dict(ord=3, axis=1), lambda x: np.sum(np.abs(x) ** 3, axis=1) ** (1 / 3)),
    (dict(ord="fro", axis=(0, 1)), lambda x: np.linalg.norm(x, "fro")),
    (dict(ord=1, axis=[0, 1]), lambda x: np.linalg.norm(x, 1)),
    (dict(ord=np.inf, axis=(0, 1)), lambda x: np.linalg.norm(x, np.inf)),
    (dict(axis=1, keepdims=True), lambda x: np.linalg.norm(x, axis=1, keepdims=True)),
])
def test_norm_values(kwargs, ref):
    close(tf.norm(X, **kwargs), ref(X.astype(np.float64)), rtol=1e-5)


def test_norm_is_at_linalg_too():
    assert tf.linalg.norm(np.array([3.0, 4.0])).numpy() == 5.0


def test_l2_normalize():
    close(tf.math.l2_normalize(X, axis=1), X / np.linalg.norm(X, axis=1, keepdims=True))
    close(tf.math.l2_normalize([0.0, 0.0]), [0.0, 0.0])


def test_softmax_and_log_softmax_are_stable():
    x = np.array([[1000.0, 1000.0], [-1000.0, 0.0]], dtype=np.float32)
    close(tf.math.softmax(x), [[0.5, 0.5], [0.0, 1.0]])
    close(tf.math.log_softmax(x), [[-math.log(2.0), -math.log(2.0)], [-1000.0, 0.0]])
    close(tf.math.softmax(X, axis=0), np.exp(X) / np.exp(X).sum(axis=0))


# -- TensorFlow's signatures -------------------------------------------------------------------

@pytest.mark.parametrize("name, params", [
    ("reduce_sum", ["input_tensor", "axis", "keepdims", "name"]),
    ("reduce_logsumexp", ["input_tensor", "axis", "keepdims", "name"]),
    ("cumsum", ["x", "axis", "exclusive", "reverse", "name"]),
    ("argmax", ["input", "axis", "output_type", "name"]),
    ("clip_by_value", ["t", "clip_value_min", "clip_value_max", "name"]),
    ("clip_by_norm", ["t", "clip_norm", "axes", "name"]),
    ("norm", ["tensor", "ord", "axis", "keepdims", "name"]),
    ("atan2", ["y", "x", "name"]),
    ("add_n", ["inputs", "name"]),
])
def test_signature_is_tensorflows(name, params):
    assert list(inspect.signature(getattr(tf, name)).parameters) == params


def test_names_sit_where_tensorflow_has_them():
    for name in ("rsqrt", "log1p", "expm1", "erf", "ceil", "softplus", "reduce_variance",
                 "reduce_std", "cumprod", "is_nan", "is_finite", "reciprocal",
                 "squared_difference", "l2_normalize", "logical_xor", "softmax", "log_softmax"):
        assert hasattr(tf.math, name) and not hasattr(tf, name), name
    for name in ("add", "reduce_max", "argmax", "cumsum", "logical_and", "round", "floor", "tan",
                 "atan2", "add_n", "reduce_logsumexp"):
        assert getattr(tf, name) is getattr(tf.math, name), name
    for name in ("clip_by_value", "clip_by_norm", "norm"):
        assert hasattr(tf, name) and name not in tf.math.__all__, name


# -- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize("op", [tf.reduce_max, tf.reduce_prod, tf.reduce_logsumexp,
                                tf.math.reduce_variance, tf.reduce_any])
def test_reduction_axis_out_of_range(op):
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"axis 2 .*rank 2"):
        op(X > 0 if op is tf.reduce_any else X, axis=2)


def test_scan_axis_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match="cumsum: axis -3"):
        tf.cumsum(X, axis=-3)
    with pytest.raises(TypeError, match="cumprod: axis must be a single integer"):
        tf.math.cumprod(X, axis=[0, 1])


def test_argmax_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match="argmax: axis 5"):
        tf.argmax(X, axis=5)
    with pytest.raises(tf.errors.InvalidArgumentError, match="output_type"):
        tf.argmax(X, output_type=tf.float32)


def test_binary_shape_mismatch_names_the_op_and_shapes():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"atan2.*\[2, 3\].*\[2\]"):
        tf.math.atan2(X, np.ones(2, np.float32))


def test_add_n_errors():
    with pytest.raises(ValueError, match="non-empty list"):
        tf.add_n([])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"same shape.*\[2, 3\], \[3\]"):
        tf.add_n([X, X[0]])


def test_logical_ops_need_bools():
    with pytest.raises(tf.errors.InvalidArgumentError, match="logical_and: inputs must be bool"):
        tf.logical_and([1.0], [0.0])


def test_clip_by_value_refuses_to_broadcast_t():
    with pytest.raises(tf.errors.InvalidArgumentError, match="clip_by_value"):
        tf.clip_by_value(X[0], np.zeros((2, 3), np.float32), 1.0)


@pytest.mark.parametrize("kwargs, message", [
    (dict(ord=-1), "supported vector norm"),
    (dict(ord="fro"), "supported vector norm"),
    (dict(ord=2, axis=(0, 1)), "spectral norm"),
    (dict(axis=(0, 0)), "2 unique integers"),
    (dict(axis=(0, 1, 2)), "'axis' must be None"),
])
def test_norm_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        tf.norm(X, **kwargs)


def test_softmax_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match="softmax: logits must have rank"):
        tf.nn.softmax(1.0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="log_softmax: axis 2 .*rank 2"):
        tf.nn.log_softmax(X, axis=2)


def test_a_failed_op_leaves_the_tape_usable():
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        with pytest.raises(tf.errors.InvalidArgumentError):
            tf.reduce_max(x, axis=3)
        y = tf.reduce_max(x)
    close(tape.gradient(y, x), (X == X.max()).astype(np.float32))


# -- a batch of cotangents (tape.jacobian) ------------------------------------------------------

def _my_cases():
    out = []
    for case in math_and_nn_cases():
        rng = np.random.default_rng(zlib.crc32(case[0].encode()))
        args, fixed = sample(case[3], case[4], rng)
        out.append((case[0],) + closure(case[2], args, fixed, case[5]))
    return out


JACOBIAN_CASES = _my_cases()


@pytest.mark.parametrize("case", JACOBIAN_CASES, ids=[c[0] for c in JACOBIAN_CASES])
def test_jacobian_with_a_batch_of_cotangents_matches_the_loop(case):
    _, f, floats = case
    results = []
    for pfor in (True, False):
        xs = [tf.constant(x) for x in floats]
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(xs)
            y = f(*xs)
            y = y[0] if isinstance(y, (list, tuple)) else y
        results.append(tape.jacobian(y, xs, experimental_use_pfor=pfor,
                                     unconnected_gradients="zero"))
    for batched, looped in zip(*results):
        np.testing.assert_allclose(np.asarray(batched), np.asarray(looped), rtol=1e-12,
                                   atol=1e-12)


@pytest.mark.parametrize("case", JACOBIAN_CASES, ids=[c[0] for c in JACOBIAN_CASES])
def test_hessian_with_a_batch_of_cotangents_matches_the_loop(case):
    _, f, floats = case
    results = []
    for pfor in (True, False):
        xs = [tf.constant(x) for x in floats]
        with tf.GradientTape(persistent=True) as outer:
            outer.watch(xs)
            with tf.GradientTape() as inner:
                inner.watch(xs)
                y = f(*xs)
                y = y[0] if isinstance(y, (list, tuple)) else y
                weights = np.sin(np.arange(1.0, y.shape.num_elements() + 1.0)).reshape(y.shape)
                s = tf.reduce_sum(y * weights)
            g = inner.gradient(s, xs[0], unconnected_gradients="zero")
        results.append(outer.jacobian(g, xs, experimental_use_pfor=pfor,
                                      unconnected_gradients="zero"))
    for batched, looped in zip(*results):
        np.testing.assert_allclose(np.asarray(batched), np.asarray(looped), rtol=1e-12,
                                   atol=1e-12)


def test_bool_operators_are_logical_ops():
    a, b = tf.constant([True, True, False]), tf.constant([True, False, False])
    close(a & b, [True, False, False])
    close(a | b, [True, True, False])
    close(a ^ b, [False, True, False])
    close(~a, [False, False, True])
    close(np.array([True, False, True]) & a, [True, False, False])
    with pytest.raises(tf.errors.InvalidArgumentError, match="must be bool"):
        tf.constant([1.0]) & tf.constant([0.0])


@pytest.mark.parametrize("op", [tf.math.floordiv, tf.math.floormod, tf.math.mod,
                                lambda x, y: x // y, lambda x, y: x % y])
@pytest.mark.parametrize("dtype", [tf.int8, tf.int32, tf.int64, tf.uint8])
def test_integer_division_by_zero_raises(op, dtype):
    x, y = tf.constant([5, 3], dtype), tf.constant([0, 2], dtype)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Integer division by zero"):
        op(x, y)


def test_float_division_by_zero_is_silent_as_tensorflow():
    # TensorFlow 2.21: [1, -1, 0] // 0.0 = [inf, -inf, nan], [1, -1] % 0.0 = [nan, nan]
    x = tf.constant([1.0, -1.0, 0.0])
    np.testing.assert_array_equal((x // 0.0).numpy(), [np.inf, -np.inf, np.nan])
    np.testing.assert_array_equal((x[:2] % 0.0).numpy(), [np.nan, np.nan])
    assert (tf.constant(7) // 2).numpy() == 3
