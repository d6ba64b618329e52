"""Names TensorFlow 2 tutorials use: `keras.utils.timeseries_dataset_from_array`,
`tf.ensure_shape` and `Tensor.set_shape`. Expected values were recorded from TensorFlow 2.21 /
Keras 3 (said at each); the last tests compare against TensorFlow where it is installed."""

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras

from bad_input import assert_clear_error

tsd = keras.utils.timeseries_dataset_from_array


def _lists(ds):
    return [tf.nest.map_structure(lambda t: t.numpy().tolist(), b) for b in ds]


# -- timeseries_dataset_from_array -----------------------------------------------------------
def test_windows_follow_stride_and_sampling_rate():
    # recorded from Keras 3 on TensorFlow 2.21
    ds = tsd(np.arange(20), None, sequence_length=4, sequence_stride=3, sampling_rate=2,
             batch_size=2)
    assert _lists(ds) == [[[0, 2, 4, 6], [3, 5, 7, 9]], [[6, 8, 10, 12], [9, 11, 13, 15]],
                          [[12, 14, 16, 18]]]
    assert ds.element_spec.dtype == tf.int64
    assert int(ds.cardinality()) == 3


def test_targets_start_at_the_window_start_within_start_and_end_index():
    # recorded from Keras 3 on TensorFlow 2.21: target of window j is targets[start + j]
    data = np.arange(20, dtype="float64").reshape(10, 2)
    ds = tsd(data, np.arange(10) * 10, 3, start_index=2, end_index=9, batch_size=None)
    got = _lists(ds)
    assert [y for _, y in got] == [20, 30, 40, 50, 60]
    assert got[0][0] == [[4.0, 5.0], [6.0, 7.0], [8.0, 9.0]]
    assert got[-1][0] == [[12.0, 13.0], [14.0, 15.0], [16.0, 17.0]]
    x_spec, y_spec = ds.element_spec
    assert (x_spec.dtype, y_spec.dtype, tuple(y_spec.shape)) == (tf.float64, tf.int64, ())


def test_the_tutorial_regression_targets_and_batches():
    # Keras's docstring example 2: the past 5 steps predict the next one
    d = np.arange(20)
    batches = _lists(tsd(d[:-5], d[5:], 5, batch_size=4))
    # recorded from Keras 3 on TensorFlow 2.21
    assert [np.shape(x) for x, _ in batches] == [(4, 5), (4, 5), (3, 5)]
    assert [y for _, y in batches] == [[5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15]]
    assert batches[1][0][0] == [4, 5, 6, 7, 8]


def test_targets_shorter_than_the_windows_limit_them():
    # recorded from Keras 3 on TensorFlow 2.21: min(windows, len(targets)) samples
    batches = _lists(tsd(np.arange(20), np.arange(20)[5:], 5, batch_size=4))
    assert [y for _, y in batches] == [[5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16],
                                      [17, 18, 19]]


def test_no_window_fits_gives_an_empty_dataset():
    assert _lists(tsd(np.arange(20), None, 25, batch_size=4)) == []
    assert _lists(tsd(np.arange(6.0), np.arange(6), 7, batch_size=None)) == []


def test_windows_of_a_short_series_and_a_tensor():
    # dry runs at positions past the only window must not fail
    assert _lists(tsd(np.arange(3), None, 3, batch_size=None)) == [[0, 1, 2]]
    got = _lists(tsd(tf.constant([[1.0], [2.0], [3.0]]), None, 2, batch_size=8))
    assert got == [[[[1.0], [2.0]], [[2.0], [3.0]]]]


def test_shuffle_with_a_seed_is_a_reproducible_permutation():
    def firsts(ds):
        return [r[0] for b in _lists(ds) for r in b]

    order = firsts(tsd(np.arange(20), None, 3, shuffle=True, seed=3, batch_size=5))
    sizes = [len(b) for b in _lists(tsd(np.arange(20), None, 3, shuffle=True, batch_size=5))]
    assert sizes == [5, 5, 5, 3]  # recorded from Keras 3 on TensorFlow 2.21
    assert sorted(order) == list(range(18)) and order != list(range(18))
    assert firsts(tsd(np.arange(20), None, 3, shuffle=True, seed=3, batch_size=5)) == order
    pairs = _lists(tsd(np.arange(20), np.arange(20) * 10, 3, shuffle=True, seed=1,
                       batch_size=None))
    assert all(y == x[0] * 10 for x, y in pairs)  # targets stay with their windows


def test_the_dataset_feeds_fit_and_map():
    data = np.random.default_rng(0).normal(size=(60, 3)).astype("float32")
    ds = tsd(data, None, 6, batch_size=16).map(lambda w: (w[:, :5, :], w[:, 5:, :1]))
    x, y = next(iter(ds))
    assert (x.shape, y.shape) == ((16, 5, 3), (16, 1, 1))
    model = keras.Sequential([keras.layers.LSTM(4, return_sequences=True),
                              keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer="adam")
    model.fit(ds.map(lambda a, b: (a[:, -1:, :], b)), epochs=1, verbose=0, shuffle=False)


@pytest.mark.parametrize("kwargs, mentions", [
    # Keras 3's checks and messages (TensorFlow 2.21)
    ({"start_index": -1}, ["start_index=-1", "0 or greater"]),
    ({"start_index": 20}, ["start_index=20", "length 20"]),
    ({"start_index": 5, "end_index": 5}, ["end_index=5", "higher than `start_index`"]),
    ({"end_index": 20}, ["end_index=20", "length 20"]),
    ({"end_index": -2}, ["end_index=-2", "higher than 0"]),
    ({"sampling_rate": 0}, ["sampling_rate=0"]),
    ({"sampling_rate": 20}, ["sampling_rate=20", "length 20"]),
    ({"sequence_stride": 0}, ["sequence_stride=0"]),
    ({"sequence_stride": 21}, ["sequence_stride=21"]),
])
def test_bad_arguments_name_the_function_and_value(kwargs, mentions):
    assert_clear_error(lambda: tsd(np.arange(20), None, 3, **kwargs), ValueError,
                       "timeseries_dataset_from_array", *mentions)


# -- ensure_shape, set_shape ---------------------------------------------------------------
def test_ensure_shape_returns_the_tensor_and_passes_gradients():
    x = tf.Variable([[1.0, 2.0, 3.0]])
    with tf.GradientTape() as tape:
        y = tf.ensure_shape(x * 2.0, [None, 3])
        total = tf.reduce_sum(y)
    assert y.shape == (1, 3) and tf.ensure_shape(y, None).shape == (1, 3)
    np.testing.assert_allclose(tape.gradient(total, x).numpy(), [[2.0, 2.0, 2.0]])


def test_ensure_shape_errors_as_tensorflow():
    x = tf.zeros([2, 3])
    # InvalidArgumentError "Shape of tensor input [2,3] is not compatible with expected shape
    # [?,4]." (TensorFlow 2.21, eager)
    assert_clear_error(lambda: tf.ensure_shape(x, [None, 4]), tf.errors.InvalidArgumentError,
                       "ensure_shape", "[2,3]", "[?,4]")
    assert_clear_error(lambda: tf.ensure_shape(x, [2]), tf.errors.InvalidArgumentError,
                       "[2]")
    assert_clear_error(lambda: tf.ensure_shape(x, [-1, 3]), ValueError, "ensure_shape", "-1")


def test_ensure_shape_in_a_relaxed_function_checks_every_call():
    @tf.function(reduce_retracing=True)
    def f(x):
        return tf.ensure_shape(x, [None, 3]) * 2.0

    for n in (2, 4, 5):
        assert f(tf.ones([n, 3])).shape == (n, 3)
    assert_clear_error(lambda: f(tf.ones([5, 4])), tf.errors.InvalidArgumentError, "[5,4]")


def test_set_shape_checks_compatibility():
    x = tf.zeros([2, 3])
    for ok in ([None, 3], None, tf.TensorShape([2, None]), (2, 3)):
        x.set_shape(ok)
    assert x.shape == (2, 3)
    # ValueError "Tensor's shape (2, 3) is not compatible with supplied shape (None, 4)."
    assert_clear_error(lambda: x.set_shape([None, 4]), ValueError, "(2, 3)", "(None, 4)")
    assert_clear_error(lambda: x.set_shape([2]), ValueError, "(2,)")


# -- against TensorFlow --------------------------------------------------------------------
def _tf():
    return pytest.importorskip("tensorflow")


@pytest.mark.parametrize("kwargs", [
    dict(sequence_length=4, sequence_stride=3, sampling_rate=2, batch_size=3),
    dict(sequence_length=5, batch_size=None, start_index=3, end_index=17),
    dict(sequence_length=2, sequence_stride=5, batch_size=2, start_index=1),
])
@pytest.mark.parametrize("with_targets", [False, True])
def test_timeseries_matches_tensorflow(kwargs, with_targets):
    tf_real = _tf()
    data = np.arange(40, dtype="float32").reshape(20, 2)
    targets = np.arange(20) * 3 if with_targets else None
    ref = tf_real.keras.utils.timeseries_dataset_from_array(data, targets, **kwargs)
    got = tsd(data, targets, **kwargs)
    want = [tf_real.nest.map_structure(lambda t: t.numpy().tolist(), b) for b in ref]
    assert _lists(got) == want
    dtypes = [s.dtype.name for s in tf.nest.flatten(got.element_spec)]
    assert dtypes == [s.dtype.name for s in tf_real.nest.flatten(ref.element_spec)]
