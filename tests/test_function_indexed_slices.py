"""Row gathers and their IndexedSlices gradients inside tf.function: gathering at the
function's own index tensor traces (the range is checked at every call), an IndexedSlices
returned comes back as one, and an optimizer given one in a traced step updates with each
call's gradient. The TensorFlow values in the last test are TensorFlow 2.21's."""

import warnings

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras


def _table():
    return tf.Variable([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])


def test_gather_at_traced_indices_traces_once_per_shape():
    p = _table()

    @tf.function
    def f(i):
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(tf.gather(p, i) ** 2)
        return y, tape.gradient(y, p)

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "cannot be traced" fallback
        for ids in ([0, 2, 2], [2, 1, 0], [1]):
            y, g = f(tf.constant(ids))
            rows = p.numpy()[ids]
            assert float(y) == float(np.sum(rows ** 2))
            assert isinstance(g, tf.IndexedSlices)
            np.testing.assert_array_equal(g.values.numpy(), 2 * rows)
            np.testing.assert_array_equal(g.indices.numpy(), ids)
    assert f.experimental_get_tracing_count() == 2  # shapes [3] and [1]


def test_gather_out_of_range_raises_on_a_replay():
    p = _table()
    f = tf.function(lambda i: tf.gather(p, i))
    f(tf.constant([0]))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"gather: indices\[0\] = 7 .*\[0, 3\)"):
        f(tf.constant([7]))  # the traced program's own check
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[0\] = -1"):
        f(tf.constant([-1]))
    assert f.experimental_get_tracing_count() == 1


def _sgd_steps(function):
    """Three SGD steps on a gathered table and a scalar, their losses and final values."""
    p, x = _table(), tf.Variable(1.0)
    opt = keras.optimizers.SGD(0.1)

    def step():
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(tf.gather(p, [0, 2, 2]) ** 2) * x
        grads = tape.gradient(y, [p, x])
        opt.apply_gradients(zip(grads, [p, x]))
        return y

    step = function(step)
    losses = [float(step()) for _ in range(3)]
    return losses, p.numpy(), x.numpy()


def test_traced_optimizer_step_with_indexed_slices_uses_each_calls_gradient():
    # The traced step replays the effect with each call's IndexedSlices, not the traced one's.
    eager, traced = _sgd_steps(lambda f: f), _sgd_steps(tf.function)
    assert eager[0] == traced[0]
    np.testing.assert_array_equal(eager[1], traced[1])
    np.testing.assert_array_equal(eager[2], traced[2])
    assert traced[0][1] != traced[0][2]


def test_traced_optimizer_step_with_indexed_slices_against_tensorflow_values():
    losses, p, x = _sgd_steps(tf.function)
    # TensorFlow 2.21's losses and table after three steps (it adds the repeated row's two
    # rows in another order: the last digits differ)
    np.testing.assert_allclose(losses, [127.0, -551.304, -23841.104], rtol=1e-6)
    np.testing.assert_allclose(p, [[11.442572, 22.885145], [3.0, 4.0], [128.9042, 154.68506]],
                               rtol=1e-6)
    np.testing.assert_allclose(x, -161.67828, rtol=1e-6)


def test_embedding_model_fit_traces_and_matches_eager():
    def run(eager):
        keras.utils.set_random_seed(1)
        model = keras.Sequential([keras.Input((4,), dtype="int32"), keras.layers.Embedding(10, 3),
                                  keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1)])
        model.compile(keras.optimizers.Adam(0.01), "mse", run_eagerly=eager)
        x = np.random.RandomState(0).randint(0, 10, (64, 4))
        history = model.fit(x, np.ones((64, 1)), epochs=3, batch_size=16, verbose=0)
        return history.history["loss"], model.get_weights()

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traced = run(False)
    eager = run(True)
    assert traced[0] == eager[0]
    for a, b in zip(traced[1], eager[1]):
        np.testing.assert_array_equal(a, b)
