"""`keras.Variable` (Keras 3's public variable); expected values recorded from Keras 3.13 with
TensorFlow 2.21 (`test_keras_variable_as_keras` reruns the program there)."""

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras
from tests.bad_input import assert_clear_error


def _dtype(v):
    return str(v.dtype).replace("<dtype: '", "").replace("'>", "")  # Keras 3 gives a str


def _program(tf, keras):
    named = keras.Variable(np.array([1.5, 2.0], "float32"), name="r")
    a = keras.Variable(1.0, name="a")
    a.assign(5.0)
    a.assign_add(1.0)
    with tf.GradientTape() as tape:
        y = a * a
    dense = keras.layers.Dense(2)
    dense.build((None, 3))
    settings = keras.Variable(3.0, aggregation="sum", synchronization="on_read",
                              trainable=False)
    return {
        "repr": repr(named),
        "named": (named.name, named.path, _dtype(named), named.trainable),
        "math": (float(a + 1), float(tape.gradient(y, a))),
        "initializer": keras.Variable(keras.initializers.Constant(2.0), shape=(2,)).numpy()
        .tolist(),
        "by_name": (keras.Variable("zeros", shape=(2, 3), dtype="int32").numpy().tolist(),),
        "dtypes": [_dtype(keras.Variable(v)) for v in
                   (3.0, 3, np.ones(2, "float64"), np.array([1, 2]))],
        "settings": (settings.aggregation, settings.synchronization, settings.trainable),
        "defaults": (a.aggregation, a.synchronization),
        "isinstance": (isinstance(a, keras.Variable), isinstance(dense.kernel, keras.Variable)),
    }


# Recorded from Keras 3.13 / TensorFlow 2.21.
EXPECTED = {
    "repr": "<Variable path=r, shape=(2,), dtype=float32, value=[1.5 2. ]>",
    "named": ("r", "r", "float32", True),
    "math": (7.0, 12.0),
    "initializer": [2.0, 2.0],
    "by_name": ([[0, 0, 0], [0, 0, 0]],),
    "dtypes": ["float32", "int32", "float64", "int64"],
    "settings": ("sum", "on_read", False),
    "defaults": ("none", "auto"),
    "isinstance": (True, True),
}


def test_keras_variable_from_values_and_initializers():
    try:
        assert _program(tf, keras) == EXPECTED
    finally:
        keras.backend.clear_session()


def test_keras_variable_automatic_names_count_up():
    keras.backend.clear_session()
    first, second = keras.Variable(1.0), keras.Variable(2.0)
    assert (first.name, second.name, second.path) == ("variable", "variable_1", "variable_1")


def test_keras_variable_bad_input():
    assert_clear_error(lambda: keras.Variable(keras.initializers.Ones()), ValueError,
                       "shape", "initializer")
    assert_clear_error(lambda: keras.Variable(1.0, synchronization="bad"), ValueError,
                       "synchronization", "bad", "on_read")
    assert_clear_error(lambda: keras.Variable(1.0, aggregation="x"), ValueError,
                       "aggregation", "x", "only_first_replica")


def test_keras_variable_as_keras():
    tf_real = pytest.importorskip("tensorflow")
    import keras as keras_real

    try:
        assert _program(tf_real, keras_real) == EXPECTED
    finally:  # Keras's automatic names ("variable_7") would follow into later tests
        keras_real.backend.clear_session()
