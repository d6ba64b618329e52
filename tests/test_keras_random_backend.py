"""keras.random (seeding rules, distributions, dropout and shuffle) and keras.backend (Keras 3's
names and the tf.keras 2 functions custom losses still call)."""

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras

R = keras.random
K = keras.backend


def test_int_seed_repeats_and_seed_generator_advances():
    a, b = R.normal((4,), seed=42), R.normal((4,), seed=42)
    np.testing.assert_array_equal(a, b)
    gen = R.SeedGenerator(7)
    first, second = R.normal((4,), seed=gen), R.normal((4,), seed=gen)
    assert not np.array_equal(first, second)
    again = R.SeedGenerator(7)
    np.testing.assert_array_equal(R.normal((4,), seed=again), first)
    assert gen.state.numpy().tolist() == [7, 2] and gen.get_config()["seed"] == 7
    assert R.SeedGenerator.from_config(gen.get_config()).state.numpy().tolist() == [7, 0]


def test_unseeded_draws_follow_set_random_seed():
    keras.utils.set_random_seed(3)
    a = R.uniform((3,))
    keras.utils.set_random_seed(3)
    np.testing.assert_array_equal(R.uniform((3,)), a)


def test_distributions_shapes_dtypes_and_ranges():
    n = 20000
    x = R.normal((n,), mean=2.0, stddev=3.0, seed=1)
    assert x.dtype == tf.float32 and abs(float(np.mean(x)) - 2) < 0.1
    assert abs(float(np.std(x)) - 3) < 0.1
    u = R.uniform((n,), minval=-1, maxval=2, seed=1, dtype="float64")
    assert u.dtype == tf.float64 and -1 <= float(np.min(u)) and float(np.max(u)) < 2
    t = R.truncated_normal((n,), stddev=0.5, seed=2)
    assert float(np.max(np.abs(t))) <= 1.0
    i = R.randint((n,), 3, 7, seed=1)
    assert i.dtype == tf.int32 and set(np.unique(i)) == {3, 4, 5, 6}
    c = R.categorical(np.log([[0.1, 0.9]]), 1000, seed=1)
    assert c.shape == (1, 1000) and 0.85 < float(np.mean(c)) < 0.95
    assert R.gamma((5,), 2.0, seed=1).shape == (5,)
    assert R.binomial((5,), 10, 0.5, seed=1).dtype == tf.float32
    assert 0 < float(np.min(R.beta((50,), 2.0, 3.0, seed=1))) < 1
    with pytest.raises(ValueError, match="floating point `dtype`"):
        R.uniform((2,), dtype="int32")
    with pytest.raises(ValueError, match="must be either an integer or an instance"):
        R.normal((2,), seed="x")


def test_dropout_scales_the_kept_entries_and_passes_gradients():
    x = tf.Variable(np.ones((1000,), "float32"))
    with tf.GradientTape() as tape:
        y = R.dropout(x, 0.25, seed=3)
        total = tf.reduce_sum(y)
    values = np.unique(np.asarray(y))
    np.testing.assert_allclose(values, [0.0, 1 / 0.75], rtol=1e-6)
    np.testing.assert_allclose(tape.gradient(total, x), np.asarray(y))
    shared = R.dropout(np.ones((4, 6), "float32"), 0.5, noise_shape=(1, 6), seed=1)
    assert (np.asarray(shared) == np.asarray(shared)[0]).all()


def test_shuffle_permutes_along_an_axis():
    x = np.arange(12).reshape(4, 3)
    out = np.asarray(R.shuffle(x, axis=0, seed=5))
    assert sorted(map(tuple, out)) == sorted(map(tuple, x))
    np.testing.assert_array_equal(R.shuffle(x, seed=5), out)


# -- keras.backend ---------------------------------------------------------------------------


def test_keras_3_backend_names():
    assert K.backend() == "tensorflow" and K.image_data_format() == "channels_last"
    assert K.standardize_dtype("float") == "float32" and K.is_float_dtype("float16")
    assert K.is_int_dtype("uint8") and not K.is_int_dtype("float32")
    assert K.is_keras_tensor(keras.Input((2,))) and not K.is_keras_tensor(np.ones(2))
    K.clear_session()
    assert K.get_uid("thing") == 1 and K.get_uid("thing") == 2
    with pytest.raises(ValueError, match="data_format"):
        K.set_image_data_format("nhwc")


def test_floatx_and_epsilon_round_trip():
    assert K.floatx() == "float32" and K.epsilon() == 1e-7
    K.set_floatx("float64")
    try:
        assert keras.layers.Dense(2)(np.ones((1, 3))).dtype == tf.float64
    finally:
        K.set_floatx("float32")
    K.set_epsilon(1e-5)
    try:
        assert K.epsilon() == 1e-5
    finally:
        K.set_epsilon(1e-7)


def test_tf_keras_2_backend_functions():
    x = np.array([[1.0, -2.0], [3.0, 4.0]], "float32")
    np.testing.assert_allclose(K.square(x), x**2)
    np.testing.assert_allclose(K.mean(x, axis=1), x.mean(1))
    np.testing.assert_allclose(K.sum(x, axis=0, keepdims=True), x.sum(0, keepdims=True))
    np.testing.assert_allclose(K.sqrt(x), np.sqrt(np.maximum(x, 0)))  # negatives clip to 0
    np.testing.assert_allclose(K.clip(x, 0.0, None), np.clip(x, 0, None))
    np.testing.assert_allclose(K.dot(x, x), x @ x)
    np.testing.assert_allclose(K.dot(np.ones((2, 3, 2), "float32"), x).shape, (2, 3, 2))
    np.testing.assert_allclose(
        K.batch_dot(np.ones((4, 3), "float32"), np.ones((4, 3), "float32")), np.full((4, 1), 3.0)
    )
    np.testing.assert_allclose(K.batch_flatten(np.ones((2, 3, 4))).shape, (2, 12))
    np.testing.assert_allclose(K.repeat_elements(x, 2, axis=0), np.repeat(x, 2, axis=0))
    np.testing.assert_allclose(K.switch(x > 0, x, K.zeros_like(x)), np.maximum(x, 0))
    assert K.int_shape(keras.Input((3,))) == (None, 3) and K.ndim(x) == 2
    v = K.variable(x)
    assert isinstance(v, tf.Variable) and K.dtype(v) == "float32"
    K.set_value(v, np.zeros((2, 2)))
    assert K.get_value(v).sum() == 0 and K.eval(K.ones((2,))).tolist() == [1.0, 1.0]
    assert isinstance(K.zeros((2,)), tf.Variable) and K.count_params(v) == 4
    np.testing.assert_allclose(K.hard_sigmoid(np.array([0.0, 10.0])), [0.5, 1.0])
    np.testing.assert_allclose(
        K.relu(np.array([-1.0, 2.0, 9.0]), alpha=0.1, max_value=6), [-0.1, 2.0, 6.0]
    )
    p = np.array([[0.2, 0.8]], "float32")
    np.testing.assert_allclose(
        K.binary_crossentropy(np.array([[0.0, 1.0]], "float32"), p),
        -np.log([[0.8, 0.8]]),
        rtol=1e-5,
    )
    np.testing.assert_allclose(
        K.categorical_crossentropy(np.array([[0.0, 1.0]]), p), [-np.log(0.8)], rtol=1e-5
    )
    assert K.learning_phase() == 0 and K.random_normal((3,), seed=1).shape == (3,)
    assert K.cast_to_floatx([1, 2]).dtype == np.float32
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        K.nonexistent  # noqa: B018


def test_a_custom_loss_written_with_backend_functions_trains():
    def rmse(y_true, y_pred):
        return K.sqrt(K.mean(K.square(y_pred - y_true), axis=-1) + K.epsilon())

    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
    y = x.sum(1, keepdims=True)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.Adam(0.05), loss=rmse, metrics=[rmse])
    history = model.fit(x, y, epochs=20, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert "rmse" in history.history


def test_backend_functions_against_tf_keras():
    tf_real = pytest.importorskip("tensorflow")
    theirs = tf_real.keras.backend
    x = np.array([[1.0, -2.0, 0.5], [3.0, 4.0, -1.0]], "float32")
    y = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 1.0]], "float32")
    p = np.array([[0.2, 0.7, 0.1], [0.5, 0.25, 0.25]], "float32")
    calls = [
        ("square", (x,)),
        ("mean", (x, 1)),
        ("std", (x, 0)),
        ("var", (x,)),
        ("sum", (x, 1, True)),
        ("max", (x, 0)),
        ("min", (x,)),
        ("sqrt", (x,)),
        ("clip", (x, -1.0, 1.0)),
        ("dot", (x, x.T)),
        ("batch_dot", (x, y, 1)),
        ("batch_flatten", (x[:, :, None],)),
        ("repeat_elements", (x, 2, 1)),
        ("hard_sigmoid", (x,)),
        ("relu", (x, 0.1, 2.0)),
        ("binary_crossentropy", (y, p)),
        ("categorical_crossentropy", (y / 2, p)),
        ("l2_normalize", (x, 1)),
        ("permute_dimensions", (x, (1, 0))),
        ("cumsum", (x, 1)),
        ("switch", (x > 0, x, y)),
        ("elu", (x, 0.5)),
        ("softmax", (x,)),
        ("argmax", (x,)),
        ("pow", (x, 2)),
        ("round", (x,)),
        ("flatten", (x,)),
        ("expand_dims", (x, 1)),
    ]
    for name, args in calls:
        real_args = [tf_real.constant(a) if isinstance(a, np.ndarray) else a for a in args]
        want = np.asarray(getattr(theirs, name)(*real_args))
        got = np.asarray(getattr(K, name)(*args))
        assert got.shape == want.shape, name
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=name)
