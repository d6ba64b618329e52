"""Names TensorFlow 2 tutorials use: `keras.utils.timeseries_dataset_from_array`,
`tf.ensure_shape`, `Tensor.set_shape`, `tf.repeat`, `tf.meshgrid` and `tf.dtypes`. Expected values were recorded from TensorFlow 2.21 /
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


# -- repeat, meshgrid ----------------------------------------------------------------------
def test_repeat_values_recorded_from_tensorflow():
    # recorded from TensorFlow 2.21
    assert tf.repeat([1, 2, 3], 2).numpy().tolist() == [1, 1, 2, 2, 3, 3]
    out = tf.repeat([[1, 2], [3, 4]], [1, 2], axis=0)
    assert out.dtype == tf.int32 and out.numpy().tolist() == [[1, 2], [3, 4], [3, 4]]
    assert tf.repeat([[1, 2], [3, 4]], 2).numpy().tolist() == [1, 1, 2, 2, 3, 3, 4, 4]
    assert tf.repeat([[1.0, 2], [3, 4]], [3, 0], axis=-1).numpy().tolist() == [
        [1.0, 1.0, 1.0], [3.0, 3.0, 3.0]]
    assert tf.repeat([[1.0, 2], [3, 4]], [2], axis=1).shape == (2, 4)
    assert tf.repeat(3.0, 2).numpy().tolist() == [3.0, 3.0]
    assert tf.repeat([1.0, 2.0], 0).shape == (0,)
    assert tf.repeat(np.array([[1.0, 2.0]]), tf.constant([2]), axis=1).dtype == tf.float64
    # TensorFlow counts a negative entry of a vector as 0
    assert tf.repeat([1, 2], [1, -1], 0).numpy().tolist() == [1]


def test_repeat_in_a_function_and_with_tensor_counts():
    @tf.function
    def f(x, counts):
        return tf.repeat(x, counts, axis=0) * 2

    x = tf.constant([[1.0], [2.0]])
    # the result's length depends on the counts' values: the function runs eagerly
    with pytest.warns(UserWarning, match="depends on values"):
        assert f(x, tf.constant([1, 3])).numpy().ravel().tolist() == [2.0, 4.0, 4.0, 4.0]
    assert f(x, tf.constant([2, 0])).numpy().ravel().tolist() == [2.0, 2.0]


def test_meshgrid_values_recorded_from_tensorflow():
    # recorded from TensorFlow 2.21
    xs, ys = tf.meshgrid([1, 2, 3], [4, 5], indexing="ij")
    assert xs.numpy().tolist() == [[1, 1], [2, 2], [3, 3]]
    assert ys.numpy().tolist() == [[4, 5], [4, 5], [4, 5]]
    grids = tf.meshgrid([1, 2], [3, 4, 5], [6, 7, 8, 9])
    assert [g.shape for g in grids] == [(3, 2, 4)] * 3
    assert grids[1].numpy()[:, 0, 0].tolist() == [3, 4, 5]
    assert grids[2].numpy()[0, 0].tolist() == [6, 7, 8, 9]
    assert [g.numpy().tolist() for g in tf.meshgrid([[1, 2], [3, 4]], [5, 6])] == [
        [[1, 2, 3, 4], [1, 2, 3, 4]], [[5, 5, 5, 5], [6, 6, 6, 6]]]
    assert [g.numpy().tolist() for g in tf.meshgrid(3, [1, 2])] == [[[3], [3]], [[1], [2]]]
    assert tf.meshgrid([1.0, 2.0])[0].numpy().tolist() == [1.0, 2.0] and tf.meshgrid() == []


@pytest.mark.parametrize("call, error, mentions", [
    # TensorFlow 2.21's error classes
    (lambda: tf.repeat([1, 2], [1, 2, 3]), ValueError, ["repeat", "2", "3"]),
    (lambda: tf.repeat([1, 2], -1), tf.errors.InvalidArgumentError, ["repeat", "-1"]),
    (lambda: tf.repeat([[1, 2]], 2, 5), ValueError, ["repeat", "axis=5"]),
    (lambda: tf.repeat([1, 2], [[1]], 0), ValueError, ["repeat", "rank at most 1", "(1, 1)"]),
    (lambda: tf.repeat([1, 2], 1.5, 0), TypeError, ["repeat", "integer", "1.5"]),
    (lambda: tf.meshgrid([1, 2], [4.0, 5.0]), tf.errors.InvalidArgumentError,
     ["meshgrid", "int32", "float32"]),
    (lambda: tf.meshgrid([1], [2], indexing="yx"), ValueError, ["meshgrid", "'yx'"]),
    (lambda: tf.meshgrid([1], [2], foo=1), TypeError, ["meshgrid", "foo"]),
])
def test_repeat_and_meshgrid_bad_input(call, error, mentions):
    assert_clear_error(call, error, *mentions)


# -- tf.dtypes -----------------------------------------------------------------------------
def test_dtypes_namespace():
    assert tf.dtypes.float32 is tf.float32 and tf.dtypes.DType is tf.DType
    assert tf.dtypes.as_dtype("int64") == tf.int64 and tf.dtypes.as_dtype(np.float16) == tf.half
    assert tf.dtypes.cast([1.7, -1.7], tf.int32).numpy().tolist() == [1, -1]


def test_saturate_cast_recorded_from_tensorflow():
    # recorded from TensorFlow 2.21
    def sat(values, dtype, source=None):
        return tf.dtypes.saturate_cast(tf.constant(values, source), dtype).numpy().tolist()

    with np.errstate(invalid="ignore"):
        assert sat([-300.0, 3.7, 300.0, np.nan], tf.uint8) == [0, 3, 255, 0]
    assert sat([-3e10, 3.7, 3e10], tf.int32) == [-2147483648, 3, 2147483520]
    assert sat([1, 300, -5], tf.int8) == [1, 127, -5]
    assert sat([1, 2], tf.float16) == [1.0, 2.0]
    assert tf.saturate_cast([70000, -5], tf.uint16).numpy().tolist() == [65535, 0]
    assert sat([1e300, -1e300, 1.5], tf.float32, tf.float64) == [
        float(np.finfo(np.float32).max), float(np.finfo(np.float32).min), 1.5]
    assert_clear_error(lambda: tf.dtypes.saturate_cast([1.5], tf.bool), TypeError,
                       "saturate_cast", "bool")


def test_repeat_meshgrid_saturate_cast_match_tensorflow():
    tf_real = _tf()
    x = np.arange(12, dtype="float32").reshape(3, 4)
    for args in [(2, None), ([1, 0, 2], 0), ([2, 1, 1, 3], 1), (3, -1)]:
        np.testing.assert_array_equal(tf.repeat(x, *args).numpy(),
                                      tf_real.repeat(x, *args).numpy())
    for indexing in ("xy", "ij"):
        for got, want in zip(tf.meshgrid(x[0], x[1, :3], x[2, :2], indexing=indexing),
                             tf_real.meshgrid(x[0], x[1, :3], x[2, :2], indexing=indexing)):
            np.testing.assert_array_equal(got.numpy(), want.numpy())
    values = np.array([-1e12, -129.7, -0.5, 0.5, 200.2, 70000.0, 1e12])
    for dtype in ("int8", "uint8", "int16", "uint16", "int32", "int64", "float16", "float32"):
        for source in ("float32", "float64", "int64"):
            v = values.astype(source)
            np.testing.assert_array_equal(
                tf.dtypes.saturate_cast(v, dtype).numpy(),
                tf_real.dtypes.saturate_cast(v, dtype).numpy(), err_msg=f"{source}->{dtype}")


# -- tf.image.convert_image_dtype, per_image_standardization --------------------------------
U8 = np.array([[[0, 128, 255]]], dtype="uint8")
F = np.array([[[-0.5, 0.0, 0.5, 1.0, 1.2]]], dtype="float32")


def _convert(image, dtype, **kw):
    out = tf.image.convert_image_dtype(image, dtype, **kw)
    return out.dtype.name, out.numpy().ravel().tolist()


def test_convert_image_dtype_recorded_from_tensorflow():
    # recorded from TensorFlow 2.21
    name, values = _convert(U8, tf.float32)
    assert name == "float32"
    np.testing.assert_allclose(values, [0.0, 128 / 255, 1.0], rtol=1e-6)
    assert _convert(U8, tf.int16) == ("int16", [0, 16384, 32640])
    assert _convert(U8, tf.int32) == ("int32", [0, 1073741824, 2139095040])
    wide = np.array([-5, 2**24, 2**31 - 1], "int32")
    assert _convert(wide, tf.uint8) == ("uint8", [255, 2, 255])
    assert _convert(wide, tf.uint8, saturate=True) == ("uint8", [0, 2, 255])
    # (without saturate, values outside [0, 1] cast as C casts do: undefined, and TensorFlow's
    # differ between small and large arrays, so they are not compared)
    assert _convert(F[..., 1:4], tf.uint8) == ("uint8", [0, 127, 255])
    assert _convert(F, tf.uint8, saturate=True) == ("uint8", [0, 0, 127, 255, 255])
    assert _convert(F, tf.int16) == ("int16", [-16383, 0, 16383, 32767, -26215])
    assert _convert(F, tf.float64)[0] == "float64"
    assert _convert(U8, tf.uint8) == ("uint8", [0, 128, 255])


def test_convert_image_dtype_bad_dtypes():
    # TensorFlow raises AttributeError here
    assert_clear_error(lambda: tf.image.convert_image_dtype(U8, tf.bool), AttributeError,
                       "convert_image_dtype", "bool")
    assert_clear_error(lambda: tf.image.convert_image_dtype(np.array([True]), tf.float32),
                       AttributeError, "convert_image_dtype", "image dtype")


def test_per_image_standardization_recorded_from_tensorflow():
    # recorded from TensorFlow 2.21
    out = tf.image.per_image_standardization(np.arange(12, dtype="uint8").reshape(2, 2, 3))
    assert out.dtype == tf.float32
    np.testing.assert_allclose(out.numpy().ravel()[:3], [-1.59326, -1.30357, -1.01389],
                               atol=1e-5)
    assert tf.image.per_image_standardization(np.ones((2, 2, 1))).dtype == tf.float32
    assert not np.any(tf.image.per_image_standardization(
        np.full((1, 2, 2, 1), 3.0, "float32")).numpy())  # a constant image gives 0
    img = (np.arange(24, dtype="float32").reshape(2, 2, 2, 3) ** 1.5)
    out = tf.image.per_image_standardization(img).numpy()
    np.testing.assert_allclose(out[0, 0, 0], [-1.2613, -1.17682, -1.02234], atol=1e-5)
    np.testing.assert_allclose(out[1, 1, 1], [1.01548, 1.33719, 1.6663], atol=1e-5)
    assert_clear_error(lambda: tf.image.per_image_standardization(np.ones((2, 2))), ValueError,
                       "per_image_standardization", "(2, 2)", "three-dimensional")


def test_per_image_standardization_gradient_in_float32():
    x = tf.Variable(np.random.default_rng(0).uniform(size=(2, 3, 1)).astype("float32"))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.image.per_image_standardization(x) * tf.range(6.0)[:, None][:3])
    g = tape.gradient(y, x)
    assert g.shape == (2, 3, 1) and abs(float(tf.reduce_sum(g))) < 1e-5  # mean removed


def test_image_ops_match_tensorflow():
    tf_real = _tf()
    rng = np.random.default_rng(0)
    images = [rng.integers(0, 256, (4, 5, 3)).astype("uint8"),
              rng.uniform(-0.2, 1.2, (2, 4, 5, 3)).astype("float32"),
              rng.integers(-2**31, 2**31 - 1, (3, 3, 1)).astype("int32")]
    with np.errstate(invalid="ignore"):
        for image in images:
            for dtype in ("uint8", "int16", "int32", "float16", "float32", "float64"):
                for saturate in (False, True):
                    x = image
                    if image.dtype.kind == "f" and not saturate:
                        x = np.clip(image, 0.0, 1.0)  # outside: a cast's undefined values
                    got = tf.image.convert_image_dtype(x, dtype, saturate=saturate)
                    want = tf_real.image.convert_image_dtype(x, dtype, saturate=saturate)
                    np.testing.assert_allclose(got.numpy().astype("float64"),
                                               want.numpy().astype("float64"), rtol=1e-6,
                                               err_msg=f"{image.dtype}->{dtype}")
            np.testing.assert_allclose(tf.image.per_image_standardization(image).numpy(),
                                       tf_real.image.per_image_standardization(image).numpy(),
                                       rtol=1e-5, atol=1e-5)


def test_activity_regularization_and_utils_normalize_as_keras():
    # Keras 3.15's values: the activity penalty is per sample (divided by the batch size)
    x = np.array([[1.0, -2.0], [3.0, 0.5]], "float32")
    layer = keras.layers.ActivityRegularization(l1=0.01, l2=0.1)
    assert np.asarray(layer(x)).tolist() == x.tolist()
    assert [round(float(v), 6) for v in layer.losses] == [0.745]
    assert sorted(layer.get_config()) == ["dtype", "l1", "l2", "name", "trainable"]
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, kernel_initializer="ones"),
                              keras.layers.ActivityRegularization(l2=0.5)])
    model.compile("sgd", "mse")
    assert round(float(model.evaluate(x, np.zeros((2, 2)), verbose=0)), 5) == 13.25
    assert keras.utils.normalize(np.array([[3.0, 4.0], [0.0, 0.0]])).tolist() == [
        [0.6, 0.8], [0.0, 0.0]]
    assert keras.utils.normalize(np.array([1.0, -3.0]), axis=0, order=1).tolist() == [
        [0.25, -0.75]]
    np.testing.assert_allclose(keras.utils.normalize(tf.constant([[1.0, 2.0, 2.0]])).numpy(),
                               [[1 / 3, 2 / 3, 2 / 3]], rtol=1e-6)
