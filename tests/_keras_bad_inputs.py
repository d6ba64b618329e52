"""What the Keras bad-input tables share: the entry type, the models they misuse, and the
two checks (with tapegrad, and with Keras 3 where it is installed)."""

import builtins
import os

import numpy as np
import pytest
from bad_input import assert_clear_error

import tapegrad as tf
from tapegrad import keras

X, Y = np.ones((10, 2), np.float32), np.ones((10, 1), np.float32)
RAGGED = [[1.0, 2.0], [3.0]]


class Bad:
    """One bad call: `call(k, t, tmp)` with k the keras module, t the tensorflow-like module
    and tmp a scratch directory; the error tapegrad raises and what its message names."""

    def __init__(self, call, error, *mentions, keras=None, why=None):
        self.call, self.error, self.mentions = call, error, mentions
        self.keras = keras or error.__name__  # Keras's class name, or "pass"
        self.why = why
        assert (self.keras == error.__name__) or why, "a difference from Keras needs a reason"


def seq(k, units=1, loss="mse", eager=True):
    # Keras runs eagerly here for speed, except where its error class depends on the mode.
    model = k.Sequential([k.Input((2,)), k.layers.Dense(units)])
    model.compile("sgd", loss, run_eagerly=eager)
    return model


def two_io(k):
    a, b = k.Input((2,)), k.Input((3,))
    joined = k.layers.Concatenate()([a, b])
    model = k.Model([a, b], [k.layers.Dense(1)(joined), k.layers.Dense(1)(a)])
    model.compile("sgd", ["mse", "mse"], run_eagerly=True)
    return model


def two_outputs(k):
    a = k.Input((2,))
    return k.Model(a, [k.layers.Dense(1)(a), k.layers.Dense(1)(a)])


def functional(k):
    inputs = k.Input((2,))
    return k.Model(inputs, k.layers.Dense(1)(inputs))


def model_from_a_layer_output(k):
    inputs = k.Input((2,))
    return k.Model(k.layers.Dense(2)(inputs), inputs)


def disconnected_model(k):
    other = k.Input((2,))
    return k.Model(k.Input((2,)), k.layers.Dense(1)(other))


def built(layer, shape=(1, 3)):
    layer(np.ones(shape, np.float32))
    return layer


def compiled(k, loss="mse", **kwargs):
    model = k.Sequential([k.Input((2,)), k.layers.Dense(1)])
    model.compile("sgd", loss, run_eagerly=True, **kwargs)
    return model


def fit_two_outputs(k, **compile_kwargs):
    model = two_outputs(k)
    model.compile("sgd", run_eagerly=True, **compile_kwargs)
    return model.fit(X, [Y], verbose=0)


def write(tmp, name, data):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def needs_h5(name):
    """`name`, after skipping the test where h5py (the `h5` extra) is missing: `.weights.h5`
    files are HDF5."""
    if name.endswith(".h5"):
        pytest.importorskip("h5py")
    return name


def saved_weights(k, tmp, mutate, name="model.weights.h5"):
    model = seq(k)
    path = os.path.join(tmp, needs_h5(name))
    model.save_weights(path)
    with open(path, "rb") as f:
        data = bytearray(f.read())
    with open(path, "wb") as f:
        f.write(mutate(data))
    return seq(k).load_weights(path)


def corrupt(data):
    data[100:200] = b"x" * 100
    return bytes(data)


def other_model_weights(k, tmp, name="other.weights.h5"):
    path = os.path.join(tmp, needs_h5(name))
    seq(k, units=3).save_weights(path)
    return seq(k).load_weights(path)


def apply(k, t, optimizer, pairs):
    return optimizer.apply_gradients(
        [(np.asarray(g, np.float32), t.Variable(np.asarray(v, np.float32))) for g, v in pairs]
    )


def adam_hyper(k, t):
    v = t.Variable(np.ones(2, np.float32))
    return k.optimizers.Adam(beta_1="a").apply_gradients([(np.ones(2, np.float32), v)])


RAW_KERAS = "Keras leaks a raw Python error here"
SILENT_KERAS = "Keras accepts it and trains or predicts on a wrong value, or does nothing"


def check_tapegrad(entry, tmp):
    """The bad call raises `entry.error` in tapegrad, with a clear message naming the values."""
    assert_clear_error(lambda: entry.call(keras, tf, tmp), entry.error, *entry.mentions)


def check_keras(entry, tmp):
    """The same call raises Keras's class in Keras 3 (or passes, where the entry says so)."""
    tf_real = pytest.importorskip("tensorflow")
    keras_real = pytest.importorskip("keras")
    if entry.keras == "pass":
        entry.call(keras_real, tf_real, tmp)
        return
    wanted = getattr(tf_real.errors, entry.keras, None) or getattr(builtins, entry.keras)
    with pytest.raises(wanted):
        entry.call(keras_real, tf_real, tmp)


def check_table(table):
    assert len(table) >= 60
    for name, entry in table.items():
        assert entry.keras == entry.error.__name__ or entry.why, name
