"""count_nonzero, confusion_matrix, sequence_mask, roll, bincount, the segment reductions,
searchsorted, histogram_fixed_width and in_top_k: values, dtypes, edge cases, errors, gradients
and tf.function.

Expected values (results, gradients) were recorded from TensorFlow 2.21; where it is
installed, the same calls are also compared with it. Derivatives of every order of roll and the
segment reductions are checked by the generated checks (tests/_specs.py).
"""

import warnings

import numpy as np
import pytest
from bad_input import assert_clear_error

import tapegrad as tf
from tapegrad.errors import InvalidArgumentError

D = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]
P = [[0.1, 0.6, 0.3], [0.5, 0.5, 0.0], [0.2, 0.2, 0.6]]
M = [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
LOW32 = float(np.finfo(np.float32).min)

# (id, call on a module with TensorFlow's API, dtype, value), recorded from TensorFlow 2.21
RECORDED = [
    ("count_nonzero", lambda m: m.math.count_nonzero([[0., 1., 2.], [0., 0., -3.]]), "int64", 3),
    ("count_nonzero_axis", lambda m: m.math.count_nonzero([[0., 1., 2.], [0., 0., -3.]], axis=0),
     "int64", [0, 1, 2]),
    ("count_nonzero_keepdims", lambda m: m.math.count_nonzero(
        [[0., 1., 2.], [0., 0., -3.]], axis=1, keepdims=True, dtype=m.int32), "int32", [[2], [1]]),
    ("count_nonzero_bool", lambda m: m.math.count_nonzero([True, False, True]), "int64", 2),
    ("count_nonzero_float_dtype", lambda m: m.math.count_nonzero([1, 0, 5], dtype=m.float32),
     "float32", 2.0),
    ("count_nonzero_nan", lambda m: m.math.count_nonzero([np.nan, 0.0, -0.0]), "int64", 1),
    ("count_nonzero_strings", lambda m: m.math.count_nonzero(m.constant(["a", "", "b"])),
     "int64", 2),
    ("count_nonzero_axes", lambda m: m.math.count_nonzero([[1, 0], [0, 0]], axis=[0, 1]),
     "int64", 1),
    ("confusion_matrix", lambda m: m.math.confusion_matrix([1, 2, 4], [2, 2, 4]), "int32",
     [[0, 0, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 1]]),
    ("confusion_matrix_num_classes", lambda m: m.math.confusion_matrix(
        [1, 0], [1, 1], num_classes=3), "int32", [[0, 1, 0], [0, 1, 0], [0, 0, 0]]),
    ("confusion_matrix_weights", lambda m: m.math.confusion_matrix(
        [0, 1, 1], [0, 1, 1], weights=[0.5, 1.0, 2.0], dtype=m.float32), "float32",
     [[0.5, 0.0], [0.0, 3.0]]),
    ("confusion_matrix_weights_cast", lambda m: m.math.confusion_matrix(
        [0, 1, 1], [0, 1, 1], weights=[0.5, 1.0, 2.0]), "int32", [[0, 0], [0, 3]]),
    ("confusion_matrix_float_ids", lambda m: m.math.confusion_matrix([0., 1.], [1., 1.]),
     "int32", [[0, 1], [0, 1]]),
    ("sequence_mask", lambda m: m.sequence_mask([1, 3, 2], 5), "bool",
     [[1, 0, 0, 0, 0], [1, 1, 1, 0, 0], [1, 1, 0, 0, 0]]),
    ("sequence_mask_no_maxlen", lambda m: m.sequence_mask([1, 3, 2]), "bool",
     [[1, 0, 0], [1, 1, 1], [1, 1, 0]]),
    ("sequence_mask_2d", lambda m: m.sequence_mask([[1, 3], [2, 0]]), "bool",
     [[[1, 0, 0], [1, 1, 1]], [[1, 1, 0], [0, 0, 0]]]),
    ("sequence_mask_dtype", lambda m: m.sequence_mask([1, 3], 4, dtype=m.float32), "float32",
     [[1, 0, 0, 0], [1, 1, 1, 0]]),
    ("sequence_mask_scalar", lambda m: m.sequence_mask(2, 3), "bool", [1, 1, 0]),
    ("sequence_mask_negative_length", lambda m: m.sequence_mask([-1, 2], 3), "bool",
     [[0, 0, 0], [1, 1, 0]]),
    ("sequence_mask_float_lengths", lambda m: m.sequence_mask([1.5, 2.], 3), "bool",
     [[1, 0, 0], [1, 1, 0]]),
    ("sequence_mask_tensor_maxlen", lambda m: m.sequence_mask([1, 2], m.constant(3, m.int64)),
     "bool", [[1, 0, 0], [1, 1, 0]]),
    ("sequence_mask_empty", lambda m: m.sequence_mask(m.constant([], m.int32)), "bool",
     np.zeros((0, 0))),
    ("roll", lambda m: m.roll([0, 1, 2, 3, 4], shift=2, axis=0), "int32", [3, 4, 0, 1, 2]),
    ("roll_negative", lambda m: m.roll([0, 1, 2, 3, 4], shift=-7, axis=0), "int32",
     [2, 3, 4, 0, 1]),
    ("roll_two_axes", lambda m: m.roll(M, shift=[1, -2], axis=[0, 1]), "int32",
     [[7, 8, 9, 5, 6], [2, 3, 4, 0, 1]]),
    ("roll_same_axis_adds", lambda m: m.roll(M, shift=[2, -3], axis=[1, 1]), "int32",
     [[1, 2, 3, 4, 0], [6, 7, 8, 9, 5]]),
    ("roll_last_axis", lambda m: m.roll(M, shift=1, axis=-1), "int32",
     [[4, 0, 1, 2, 3], [9, 5, 6, 7, 8]]),
    ("roll_empty", lambda m: m.roll(m.zeros([0, 3]), shift=1, axis=0), "float32",
     np.zeros((0, 3))),
    ("bincount", lambda m: m.math.bincount([1, 1, 3, 0, 3, 3]), "int32", [1, 2, 0, 3]),
    ("bincount_minlength", lambda m: m.math.bincount([1, 1, 3], minlength=6), "int32",
     [0, 2, 0, 1, 0, 0]),
    ("bincount_maxlength", lambda m: m.math.bincount([1, 1, 3], maxlength=2), "int32", [0, 2]),
    ("bincount_both", lambda m: m.math.bincount([1, 2], minlength=5, maxlength=3), "int32",
     [0, 1, 1]),
    ("bincount_weights", lambda m: m.math.bincount([1, 1, 3], weights=[0.5, 1.0, 2.0]),
     "float32", [0.0, 1.5, 0.0, 2.0]),
    ("bincount_weights_f64", lambda m: m.math.bincount(
        [1, 1, 3], weights=m.constant([0.5, 1.0, 2.0], m.float64)), "float64",
     [0.0, 1.5, 0.0, 2.0]),
    ("bincount_int_weights", lambda m: m.math.bincount([1, 1], weights=[2, 3]), "int32", [0, 5]),
    ("bincount_dtype", lambda m: m.math.bincount([1, 1, 3], dtype=m.float32), "float32",
     [0, 2, 0, 1]),
    ("bincount_empty", lambda m: m.math.bincount(m.constant([], m.int32)), "int32", []),
    ("bincount_empty_minlength", lambda m: m.math.bincount(m.constant([], m.int32), minlength=3),
     "int32", [0, 0, 0]),
    ("bincount_2d", lambda m: m.math.bincount([[1, 2], [2, 2]]), "int32", [0, 1, 3]),
    ("bincount_axis", lambda m: m.math.bincount([[1, 2], [2, 2]], axis=-1), "int32",
     [[0, 1, 1], [0, 0, 2]]),
    ("bincount_binary", lambda m: m.math.bincount([1, 1, 3], binary_output=True), "int32",
     [0, 1, 0, 1]),
    ("bincount_floats", lambda m: m.math.bincount([1.0, 2.0]), "int32", [0, 1, 1]),
    ("bincount_negative_minlength", lambda m: m.math.bincount([1, 1], minlength=-1), "int32",
     [0, 2]),
    ("segment_sum", lambda m: m.math.segment_sum(D, [0, 0, 2, 2]), "float32",
     [[4, 6], [0, 0], [12, 14]]),
    ("segment_sum_int", lambda m: m.math.segment_sum([1, 2, 4, 7], [0, 0, 1, 1]), "int32",
     [3, 11]),
    ("segment_sum_empty", lambda m: m.math.segment_sum(m.zeros([0, 2]), m.constant([], m.int32)),
     "float32", np.zeros((0, 2))),
    ("segment_mean", lambda m: m.math.segment_mean(D, [0, 0, 2, 2]), "float32",
     [[2, 3], [0, 0], [6, 7]]),
    ("segment_mean_int_truncates", lambda m: m.math.segment_mean([1, 2, 4, 7], [0, 0, 1, 1]),
     "int32", [1, 5]),
    ("segment_max", lambda m: m.math.segment_max(D, [0, 0, 2, 2]), "float32",
     [[3, 4], [0, 0], [7, 8]]),
    ("segment_max_int", lambda m: m.math.segment_max([1, 2, 4, 7], [0, 0, 1, 1]), "int32",
     [2, 7]),
    ("unsorted_segment_sum", lambda m: m.math.unsorted_segment_sum(D, [2, 0, 2, 0], 4),
     "float32", [[10, 12], [0, 0], [6, 8], [0, 0]]),
    ("unsorted_segment_sum_negative_id", lambda m: m.math.unsorted_segment_sum(
        D, [-1, 0, 0, 1], 2), "float32", [[8, 10], [7, 8]]),
    ("unsorted_segment_sum_2d_ids", lambda m: m.math.unsorted_segment_sum(
        [[1., 2.], [3., 4.]], [[0, 1], [1, 0]], 2), "float32", [5, 5]),
    ("unsorted_segment_sum_tensor_num", lambda m: m.math.unsorted_segment_sum(
        D, [0, 1, 1, 0], m.constant(2, m.int64)), "float32", [[8, 10], [8, 10]]),
    ("unsorted_segment_sum_f64", lambda m: m.math.unsorted_segment_sum(
        m.constant([1., 2.], m.float64), [0, 0], 1), "float64", [3]),
    ("unsorted_segment_mean", lambda m: m.math.unsorted_segment_mean(D, [2, 0, 2, 0], 4),
     "float32", [[5, 6], [0, 0], [3, 4], [0, 0]]),
    ("unsorted_segment_mean_int_gives_float64", lambda m: m.math.unsorted_segment_mean(
        [1, 2, 4, 7], [0, 0, 1, 1], 3), "float64", [1.5, 5.5, 0.0]),
    ("unsorted_segment_mean_negative_id", lambda m: m.math.unsorted_segment_mean(
        D, [-1, 0, 0, 1], 2), "float32", [[4, 5], [7, 8]]),
    ("unsorted_segment_max", lambda m: m.math.unsorted_segment_max(D, [2, 0, 2, 0], 4),
     "float32", [[7, 8], [LOW32, LOW32], [5, 6], [LOW32, LOW32]]),
    ("unsorted_segment_max_int", lambda m: m.math.unsorted_segment_max(
        [1, 2, 4, 7], [0, 0, 1, 1], 3), "int32", [2, 7, -2147483648]),
    ("unsorted_segment_max_2d_ids", lambda m: m.math.unsorted_segment_max(
        [[1., 2.], [3., 4.]], [[0, 1], [1, 0]], 2), "float32", [4, 3]),
    ("searchsorted", lambda m: m.searchsorted([0., 1., 1., 3.], [1., 2., -1., 5.]), "int32",
     [1, 3, 0, 4]),
    ("searchsorted_right", lambda m: m.searchsorted([0., 1., 1., 3.], [1., 2., -1., 5.],
                                                    side="right"), "int32", [3, 3, 0, 4]),
    ("searchsorted_rows", lambda m: m.searchsorted([[0, 2, 4], [1, 3, 5]], [[2, 5], [0, 3]],
                                                   out_type=m.int64), "int64", [[1, 3], [0, 1]]),
    ("searchsorted_3d", lambda m: m.searchsorted(m.reshape(m.range(8), [2, 2, 2]),
                                                 m.ones([2, 2, 1], m.int32)), "int32",
     [[[1], [0]], [[0], [0]]]),
    ("searchsorted_empty_rows", lambda m: m.searchsorted(m.zeros([2, 0]), m.zeros([2, 3])),
     "int32", [[0, 0, 0], [0, 0, 0]]),
    ("searchsorted_nan_value", lambda m: m.searchsorted([0., 1., np.nan], [np.nan, 2.]),
     "int32", [0, 2]),
    ("histogram", lambda m: m.histogram_fixed_width([-1.0, 0.0, 1.5, 2.0, 5.0, 15], [0.0, 5.0],
                                                    nbins=5), "int32", [2, 1, 1, 0, 2]),
    ("histogram_default_bins", lambda m: m.histogram_fixed_width([0.1, 0.5, 0.99], [0., 1.]),
     "int32", [1 if i in (10, 50, 99) else 0 for i in range(100)]),
    ("histogram_2d_int64", lambda m: m.histogram_fixed_width([[0., 1.], [2., 3.]], [0., 4.],
                                                             nbins=2, dtype=m.int64),
     "int64", [2, 2]),
    ("histogram_ints", lambda m: m.histogram_fixed_width([0, 1, 2, 3], [0, 4], nbins=2),
     "int32", [2, 2]),
    ("histogram_float32_rounding", lambda m: m.histogram_fixed_width([0.3, 0.6, 0.9, 0.1],
                                                                     [0., 0.9], nbins=3),
     "int32", [1, 1, 2]),
    ("in_top_k", lambda m: m.math.in_top_k([1, 1, 0], P, 1), "bool", [1, 1, 0]),
    ("in_top_k_2", lambda m: m.math.in_top_k([2, 1, 0], P, 2), "bool", [1, 1, 1]),
    ("in_top_k_0", lambda m: m.math.in_top_k([1, 1, 0], P, 0), "bool", [0, 0, 0]),
    ("in_top_k_out_of_range", lambda m: m.math.in_top_k([3, -1, 0], P, 1), "bool", [0, 0, 0]),
    ("in_top_k_not_finite", lambda m: m.math.in_top_k([0, 1], [[np.nan, 1.], [np.inf, np.inf]],
                                                      1), "bool", [0, 0]),
    ("in_top_k_row_not_finite", lambda m: m.math.in_top_k(
        [0, 0, 1], [[1., np.nan], [1., -np.inf], [1., 2.]], 1), "bool", [0, 0, 1]),
    ("in_top_k_k_past_classes", lambda m: m.math.in_top_k([0], [[0.1, 0.2]], 5), "bool", [1]),
    ("in_top_k_negative_k", lambda m: m.math.in_top_k([0], [[0.1, 0.2]], -1), "bool", [0]),
    ("in_top_k_int_predictions", lambda m: m.math.in_top_k([0], [[1, 2]], 1), "bool", [0]),
    ("in_top_k_int64_targets", lambda m: m.math.in_top_k(m.constant([1], m.int64), [[0.1, 0.2]],
                                                         1), "bool", [1]),
    ("in_top_k_tensor_k", lambda m: m.math.in_top_k([1], [[0.1, 0.2]], m.constant(1)), "bool",
     [1]),
    ("nn_in_top_k", lambda m: m.nn.in_top_k([1], [[0.1, 0.2]], 1), "bool", [1]),
]

IDS = [r[0] for r in RECORDED]


@pytest.mark.parametrize("call, dtype, want", [r[1:] for r in RECORDED], ids=IDS)
def test_values_recorded_from_tensorflow(call, dtype, want):
    out = call(tf)
    assert out.dtype.name == dtype
    want = np.asarray(want)
    assert out.shape == want.shape
    np.testing.assert_array_equal(out.numpy(), want.astype(out.numpy().dtype))


@pytest.mark.parametrize("call", [r[1] for r in RECORDED], ids=IDS)
def test_values_match_tensorflow(call):
    tf_real = pytest.importorskip("tensorflow")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ours, theirs = call(tf), call(tf_real)
    assert ours.dtype.name == theirs.dtype.name
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_random_inputs_match_tensorflow():
    tf_real = pytest.importorskip("tensorflow")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(12, 3)).astype(np.float32)
    ids = np.sort(rng.integers(0, 5, size=12)).astype(np.int32)
    loose = rng.integers(-1, 6, size=12).astype(np.int32)
    ints = rng.integers(0, 9, size=40).astype(np.int32)
    values = rng.normal(size=200).astype(np.float32)
    seq = np.sort(rng.integers(0, 20, size=(3, 10)), axis=1).astype(np.int32)
    calls = [
        lambda m: m.math.segment_sum(x, ids), lambda m: m.math.segment_mean(x, ids),
        lambda m: m.math.segment_max(x, ids), lambda m: m.math.unsorted_segment_sum(x, loose, 6),
        lambda m: m.math.unsorted_segment_mean(x, loose, 6),
        lambda m: m.math.unsorted_segment_max(x, loose, 6),
        lambda m: m.math.bincount(ints), lambda m: m.math.bincount(ints, weights=values[:40]),
        lambda m: m.histogram_fixed_width(values, [-1.5, 1.5], nbins=7),
        lambda m: m.searchsorted(seq, seq[:, ::2] + 1, side="right"),
        lambda m: m.math.confusion_matrix(ints[:20], ints[20:]),
        lambda m: m.math.in_top_k(ints[:4], x[:4], 2), lambda m: m.sequence_mask(ints, 6),
        lambda m: m.roll(x, [3, -1], [0, 1]), lambda m: m.math.count_nonzero(ints, axis=0),
    ]
    for call in calls:
        ours, theirs = call(tf), call(tf_real)
        assert ours.dtype.name == theirs.dtype.name
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


def _gradient(fn, x):
    v = tf.Variable(x)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(fn(v))
    return tape.gradient(y, v).numpy().tolist()


X = [1., 3., 3., 2., 5.]
W = [1., 2., 3.]


def test_gradients_recorded_from_tensorflow():
    # tied maxima share their segment's gradient; a negative id's row gets none (the weight 0
    # keeps the empty segment's lowest float from overflowing)
    assert _gradient(lambda v: tf.math.unsorted_segment_max(v, [0, 0, 0, -1, 2], 3) * [
        1., 0., 3.], X) == [
        0.0, 0.5, 0.5, 0.0, 3.0]
    assert _gradient(lambda v: tf.math.segment_max(v, [0, 0, 0, 2, 2]) * W, X) == [
        0.0, 0.5, 0.5, 0.0, 3.0]
    assert _gradient(lambda v: tf.math.unsorted_segment_mean(v, [0, 0, -1, 2, 2], 3) * W, X) == [
        0.5, 0.5, 0.0, 1.5, 1.5]
    assert _gradient(lambda v: tf.math.segment_sum(v, [0, 1, 1, 1, 2]) * W, X) == [
        1.0, 2.0, 2.0, 2.0, 3.0]
    assert _gradient(lambda v: tf.roll(v, 2, 0) * tf.range(5.), X) == [2.0, 3.0, 4.0, 0.0, 1.0]


def test_jacobian_of_a_segment_sum_recorded_from_tensorflow():
    v = tf.Variable(X)
    for pfor in (True, False):
        with tf.GradientTape(persistent=True) as tape:
            y = tf.math.unsorted_segment_sum(v, [1, 0, -1, 1, 0], 2)
        jac = tape.jacobian(y, v, experimental_use_pfor=pfor)
        assert jac.numpy().tolist() == [[0, 1, 0, 0, 1], [1, 0, 0, 1, 0]]


# (op, a function of tensors, two argument tuples of the same shapes, different values)
TRACED = [
    ("count_nonzero", lambda x: tf.math.count_nonzero(x, axis=0),
     ([[0., 1.], [2., 0.]],), ([[3., 0.], [0., 0.]],)),
    ("confusion_matrix", lambda a, b: tf.math.confusion_matrix(a, b),
     ([0, 1, 1], [1, 1, 0]), ([2, 0, 3], [3, 3, 0])),
    ("sequence_mask", lambda n: tf.sequence_mask(n), ([1, 3],), ([4, 2],)),
    ("sequence_mask_maxlen", lambda n, k: tf.sequence_mask(n, k), ([1, 3], 4), ([2, 0], 2)),
    ("roll", lambda x: tf.roll(x, 1, 0), ([1., 2., 3.],), ([4., 5., 6.],)),
    ("bincount", lambda a: tf.math.bincount(a), ([1, 1, 3],), ([0, 4, 4],)),
    ("bincount_weights", lambda a, w: tf.math.bincount(a, weights=w, minlength=2),
     ([1, 1, 3], [1., 2., 3.]), ([0, 0, 0], [4., 5., 6.])),
    ("segment_sum", lambda x, i: tf.math.segment_sum(x, i), (D, [0, 0, 1, 1]), (D, [0, 1, 3, 3])),
    ("segment_mean", lambda x, i: tf.math.segment_mean(x, i), (D, [0, 0, 1, 1]),
     (D, [0, 1, 3, 3])),
    ("segment_max", lambda x, i: tf.math.segment_max(x, i), (D, [0, 0, 1, 1]), (D, [0, 1, 3, 3])),
    ("unsorted_segment_sum", lambda x, i: tf.math.unsorted_segment_sum(x, i, 3),
     (D, [0, 2, 1, 1]), (D, [2, -1, 0, 2])),
    ("unsorted_segment_mean", lambda x, i: tf.math.unsorted_segment_mean(x, i, 3),
     (D, [0, 2, 1, 1]), (D, [2, -1, 0, 2])),
    ("unsorted_segment_max", lambda x, i: tf.math.unsorted_segment_max(x, i, 3),
     (D, [0, 2, 1, 1]), (D, [2, -1, 0, 2])),
    ("searchsorted", lambda s, v: tf.searchsorted(s, v), ([0., 1., 3.], [2.]),
     ([5., 6., 7.], [9.])),
    ("histogram_fixed_width", lambda x, r: tf.histogram_fixed_width(x, r, nbins=3),
     ([0.1, 0.5, 0.9], [0., 1.]), ([2., 3., 3.5], [1., 4.])),
    ("in_top_k", lambda t, p: tf.math.in_top_k(t, p, 1), ([1, 1, 0], P), ([0, 2, 2], P)),
]


# Their results' shapes depend on values: what a program reads of such a shape (tf.ones_like,
# a for loop) it would keep from the trace, so a traced function runs them eagerly, with a
# warning (TensorFlow's graphs have dynamic shapes)
VALUE_SHAPED = {"confusion_matrix", "sequence_mask", "sequence_mask_maxlen", "bincount",
                "bincount_weights", "segment_sum", "segment_mean", "segment_max"}


@pytest.mark.parametrize("name, fn, first, second", TRACED, ids=[t[0] for t in TRACED])
def test_traced_function_gives_the_eager_result_for_each_input(name, fn, first, second):
    traced = tf.function(fn)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for args in (first, second, first):
            tensors = [tf.constant(a) for a in args]
            got, want = traced(*tensors), fn(*tensors)
            assert got.dtype == want.dtype
            np.testing.assert_array_equal(got.numpy(), want.numpy())
    fallback = [str(w.message) for w in caught if "cannot be traced" in str(w.message)]
    if name in VALUE_SHAPED:
        assert len(fallback) == 1 and "shape depends on values" in fallback[0]
    else:
        assert not fallback  # traced into a program


def test_traced_function_checks_each_calls_values():
    traced = tf.function(lambda x, i: tf.math.unsorted_segment_sum(x, i, 2))
    traced(tf.constant([1., 2.]), tf.constant([0, 1]))
    with pytest.raises(InvalidArgumentError, match="out of range"):
        traced(tf.constant([1., 2.]), tf.constant([0, 2]))
    sorted_sum = tf.function(lambda x, i: tf.math.segment_sum(x, i))
    sorted_sum(tf.constant([1., 2.]), tf.constant([0, 1]))
    with pytest.raises(InvalidArgumentError, match="not increasing"):
        sorted_sum(tf.constant([1., 2.]), tf.constant([1, 0]))


def test_traced_gradient_of_a_segment_sum_follows_each_calls_ids():
    v = tf.Variable([1., 2., 3.])

    @tf.function
    def grad(ids):
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(tf.math.unsorted_segment_sum(v, ids, 2) * [1., 10.])
        return tape.gradient(y, v)

    assert grad(tf.constant([0, 1, 1])).numpy().tolist() == [1., 10., 10.]
    assert grad(tf.constant([1, -1, 0])).numpy().tolist() == [10., 0., 1.]


BAD = [
    (lambda: tf.roll(M, 1, 2), InvalidArgumentError, ("roll", "axis 2", "[2, 5]")),
    (lambda: tf.roll(M, [1, 2], [0]), InvalidArgumentError, ("roll", "same size")),
    (lambda: tf.roll(5, 1, 0), InvalidArgumentError, ("roll", "1-D or higher")),
    (lambda: tf.roll(M, 1.0, 0), InvalidArgumentError, ("roll", "shift", "1.0")),
    (lambda: tf.math.segment_sum(D, [0, 1, 0, 2]), InvalidArgumentError,
     ("segment_sum", "not increasing", "segment_ids[1] = 1")),
    (lambda: tf.math.segment_max(D, [-1, 0, 0, 1]), InvalidArgumentError,
     ("segment_max", "-1")),
    (lambda: tf.math.segment_sum(D, [0, 0, 1]), InvalidArgumentError,
     ("segment_sum", "[3]", "[4, 2]")),
    (lambda: tf.math.segment_mean(D, [[0, 0], [1, 1]]), InvalidArgumentError,
     ("segment_mean", "vector", "[2, 2]")),
    (lambda: tf.math.segment_sum(D, [0., 0., 1., 1.]), InvalidArgumentError,
     ("segment_sum", "int32 or int64", "float32")),
    (lambda: tf.math.segment_sum(1.0, 0), InvalidArgumentError, ("segment_sum", "rank 1")),
    (lambda: tf.math.unsorted_segment_sum(D, [0, 0, 5, 1], 2), InvalidArgumentError,
     ("unsorted_segment_sum", "segment_ids[2] = 5", "[0, 2)")),
    (lambda: tf.math.unsorted_segment_max(D, [0, 1, 1], 2), InvalidArgumentError,
     ("unsorted_segment_max", "[4, 2]", "[3]")),
    (lambda: tf.math.unsorted_segment_mean(D, [0, 1, 1, 0], -1), InvalidArgumentError,
     ("unsorted_segment_mean", "-1", "negative")),
    (lambda: tf.math.unsorted_segment_sum(D, [0, 1, 1, 0], [2]), InvalidArgumentError,
     ("unsorted_segment_sum", "scalar", "[1]")),
    (lambda: tf.math.unsorted_segment_sum([True, False], [0, 0], 1), InvalidArgumentError,
     ("unsorted_segment_sum", "bool")),
    (lambda: tf.math.bincount([1, -1]), InvalidArgumentError, ("bincount", "arr[1] = -1")),
    (lambda: tf.math.bincount([1, 1, 3], weights=[1.0, 2.0]), InvalidArgumentError,
     ("bincount", "weights", "(2,)", "(3,)")),
    (lambda: tf.math.bincount([1], weights=[1.0], binary_output=True), ValueError,
     ("bincount", "binary_output", "weights")),
    (lambda: tf.math.confusion_matrix([-1, 1], [0, 1]), InvalidArgumentError,
     ("confusion_matrix", "labels", "negative", "-1")),
    (lambda: tf.math.confusion_matrix([0, 3], [0, 1], num_classes=3), InvalidArgumentError,
     ("confusion_matrix", "labels", "out of bound", "3")),
    (lambda: tf.math.confusion_matrix([0, 1], [0, 3], num_classes=3), InvalidArgumentError,
     ("confusion_matrix", "predictions", "out of bound")),
    (lambda: tf.math.confusion_matrix([0, 1, 2], [0, 1]), InvalidArgumentError,
     ("confusion_matrix", "(3,)", "(2,)")),
    (lambda: tf.sequence_mask([1, 2], -1), InvalidArgumentError, ("sequence_mask", "-1")),
    (lambda: tf.sequence_mask([1, 2], [3]), ValueError, ("sequence_mask", "maxlen", "(1,)")),
    (lambda: tf.searchsorted([0, 1], [1], side="middle"), ValueError,
     ("searchsorted", "side", "middle")),
    (lambda: tf.searchsorted([[0, 2, 4], [1, 3, 5]], [[2, 5]]), InvalidArgumentError,
     ("searchsorted", "(2, 3)", "(1, 2)")),
    (lambda: tf.searchsorted([0, 2], 1), InvalidArgumentError, ("searchsorted", "1-D")),
    (lambda: tf.searchsorted([0, 2], [1.5]), InvalidArgumentError,
     ("searchsorted", "float32", "int32")),
    (lambda: tf.searchsorted([0, 2], [1], out_type=tf.float32), InvalidArgumentError,
     ("searchsorted", "out_type", "float32")),
    (lambda: tf.histogram_fixed_width([0., 1.], [1., 1.], nbins=2), InvalidArgumentError,
     ("histogram_fixed_width", "value_range", "[1.0, 1.0]")),
    (lambda: tf.histogram_fixed_width([0., 1.], [0., 1.], nbins=0), InvalidArgumentError,
     ("histogram_fixed_width", "nbins", "0")),
    (lambda: tf.histogram_fixed_width([0., 1.], [0., 1., 2.]), InvalidArgumentError,
     ("histogram_fixed_width", "value_range", "(3,)")),
    (lambda: tf.histogram_fixed_width([0., np.nan], [0., 1.]), InvalidArgumentError,
     ("histogram_fixed_width", "NaN", "values[1]")),
    (lambda: tf.histogram_fixed_width([0., 1.], [0., 1.], dtype=tf.float32),
     InvalidArgumentError, ("histogram_fixed_width", "dtype", "float32")),
    (lambda: tf.math.in_top_k([0, 1], [[0.1, 0.2]], 1), InvalidArgumentError,
     ("in_top_k", "predictions", "(2,)")),
    (lambda: tf.math.in_top_k([0], [0.1, 0.2], 1), InvalidArgumentError,
     ("in_top_k", "2-dimensional", "(2,)")),
    (lambda: tf.math.in_top_k([0], tf.constant([[0.1, 0.2]], tf.float64), 1), ValueError,
     ("in_top_k", "float32", "float64")),
    (lambda: tf.math.in_top_k([1.0], [[0.1, 0.2]], 1), InvalidArgumentError,
     ("in_top_k", "targets", "float32")),
    (lambda: tf.math.count_nonzero([[1, 0]], axis=2), InvalidArgumentError,
     ("count_nonzero", "axis 2", "rank 2")),
]


@pytest.mark.parametrize("call, error, mentions", BAD, ids=range(len(BAD)))
def test_bad_input_gets_a_clear_error(call, error, mentions):
    assert_clear_error(call, error, *mentions)
