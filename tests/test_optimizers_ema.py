"""Optimizers' `use_ema` (Keras 3's moving average of the variables) beyond the trajectories
in tests/test_optimizers.py (recorded from Keras 3: the cases *_ema_overwrite, *_ema_float64):
slots, the end of `fit`, bad arguments. Recorded values come from Keras 3.13 / TF 2.21."""

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras
from tests.bad_input import assert_clear_error


def _fit(keras, **kwargs):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.set_weights([np.array([[0.5], [-0.25]], "float32"), np.zeros(1, "float32")])
    model.compile(optimizer=keras.optimizers.SGD(0.1, **kwargs), loss="mse")
    x = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5], [-2.0, 1.0]], "float32")
    model.fit(x, x @ np.array([[1.0], [2.0]], "float32"), batch_size=2, epochs=3,
              shuffle=False, verbose=0)
    opt = model.optimizer
    return {
        "kernel": model.layers[0].kernel.numpy().ravel().tolist(),
        "slots": [v.name for v in opt.variables],
        "average": opt.variables[2].numpy().ravel().tolist(),
    }


# Recorded from Keras 3.13 / TensorFlow 2.21: at the end of fit the kernel is its average.
EXPECTED = {
    "kernel": [0.7935877442359924, 1.4383726119995117],
    "slots": ["iteration", "learning_rate", "sequential_dense_kernel_average",
              "sequential_dense_bias_average"],
    "average": [0.7935877442359924, 1.4383726119995117],
}


def test_fit_ends_on_the_moving_average():
    keras.backend.clear_session()
    try:
        got = _fit(keras, use_ema=True, ema_momentum=0.5)
    finally:
        keras.backend.clear_session()
    np.testing.assert_allclose(got["kernel"], EXPECTED["kernel"], rtol=1e-6)
    assert got["slots"] == EXPECTED["slots"]
    assert got["kernel"] == got["average"]


def test_without_ema_no_average_slot_and_config_round_trip():
    opt = keras.optimizers.Adam(use_ema=True, ema_momentum=0.9, ema_overwrite_frequency=3)
    config = opt.get_config()
    assert (config["use_ema"], config["ema_momentum"], config["ema_overwrite_frequency"]) == (
        True, 0.9, 3)
    assert keras.optimizers.Adam.from_config(config).get_config() == config
    plain = keras.optimizers.SGD()
    plain.build([tf.Variable(1.0)])
    assert [v.name for v in plain.variables] == ["iteration", "learning_rate"]


def test_ema_bad_arguments():
    assert_clear_error(lambda: keras.optimizers.SGD(use_ema=True, ema_momentum=1.5),
                       ValueError, "ema_momentum", "1.5")
    assert_clear_error(lambda: keras.optimizers.SGD(use_ema=True, ema_overwrite_frequency=0.5),
                       ValueError, "ema_overwrite_frequency", "0.5")
    opt = keras.optimizers.SGD(use_ema=True)
    opt.build([tf.Variable(1.0), tf.Variable(2.0)])
    assert_clear_error(lambda: opt.finalize_variable_values([tf.Variable(1.0)]), ValueError,
                       "(1)", "(2)")


def test_expected_values_are_keras():
    pytest.importorskip("tensorflow")
    import keras as keras_real

    keras_real.backend.clear_session()
    try:
        assert _fit(keras_real, use_ema=True, ema_momentum=0.5) == EXPECTED
    finally:  # the automatic layer names would follow into later tests
        keras_real.backend.clear_session()
