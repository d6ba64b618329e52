""".keras files are interchangeable with Keras 3: a file Keras 3 wrote (committed test data,
made by `tests/data/make_keras3_model.py`) loads in tapegrad and predicts and trains as Keras
did, without TensorFlow; where TensorFlow is installed, Sequential, functional and subclassed
models go both ways, weights and optimizer state included. Needs h5py (the test extra)."""

import json
import os

import numpy as np
import pytest

from tapegrad import keras

pytest.importorskip("h5py")

DATA = os.path.join(os.path.dirname(__file__), "data")
RNG = np.random.default_rng(1)
X = RNG.normal(size=(12, 3)).astype("float32")
Y = RNG.normal(size=(12, 1)).astype("float32")


def test_a_file_written_by_keras_3_loads_predicts_and_trains_as_in_keras():
    with open(os.path.join(DATA, "keras3_model.json")) as f:
        record = json.load(f)  # computed by Keras 3.15 on TensorFlow 2.21
    x, y = np.array(record["x"], "float32"), np.array(record["y"], "float32")
    model = keras.models.load_model(os.path.join(DATA, "keras3_model.keras"))
    assert model.name == "keras3_model"
    assert [layer.name for layer in model.layers] == [
        "features",
        "hidden",
        "norm",
        "joined",
        "output",
    ]
    assert isinstance(model.get_layer("hidden").kernel_constraint, keras.constraints.MaxNorm)
    np.testing.assert_allclose(model.predict(x, verbose=0), record["predictions"], atol=1e-6)
    assert type(model.optimizer) is keras.optimizers.Adam
    assert int(model.optimizer.iterations) == record["iterations"]
    model.train_on_batch(x[:8], y[:8])
    for got, want in zip(model.get_weights(), record["weights_after_step"]):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    for got, want in zip(model.optimizer.variables, record["optimizer_after_step"]):
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5, atol=1e-7)


# -- both ways, with TensorFlow ----------------------------------------------------------------


def _sequential(k):
    model = k.Sequential(
        [
            k.Input((3,)),
            k.layers.Dense(5, activation="tanh", kernel_constraint="non_neg"),
            k.layers.BatchNormalization(),
            k.layers.Dropout(0.25),
            k.layers.Dense(1, kernel_regularizer=k.regularizers.L2(0.01)),
        ]
    )
    model.compile(k.optimizers.Adam(0.01), "mse", metrics=["mae"])
    return model


def _functional(k):
    inputs = k.Input((3,), name="x")
    shared = k.layers.Dense(4, activation="relu", name="shared")
    hidden = shared(k.layers.Dense(4, name="first")(inputs))
    again = shared(hidden) * 0.5 + 1.0
    joined = k.layers.Concatenate()([hidden, again, inputs[:, :1]])
    outputs = k.layers.Dense(1)(k.layers.Activation("sigmoid")(joined))
    model = k.Model(inputs, outputs)
    model.compile(k.optimizers.SGD(0.1, momentum=0.9), k.losses.MeanSquaredError())
    return model


def _subclassed(k):
    @k.saving.register_keras_serializable(package="interchange")
    class Net(k.Model):
        def __init__(self, units=4, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.hidden = k.layers.Dense(units, activation="relu")
            self.out = k.layers.Dense(1)

        def call(self, x):
            return self.out(self.hidden(x))

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    model = Net(6)
    model.compile(k.optimizers.RMSprop(0.01), "mse")
    return model


BUILDERS = {"sequential": _sequential, "functional": _functional, "subclassed": _subclassed}


def _keras3():
    pytest.importorskip("tensorflow")
    return pytest.importorskip("keras")


def _check_same(source, target):
    np.testing.assert_allclose(
        target.predict(X, verbose=0), source.predict(X, verbose=0), rtol=1e-5, atol=1e-6
    )
    assert len(target.weights) == len(source.weights)
    for a, b in zip(target.get_weights(), source.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert type(target.optimizer).__name__ == type(source.optimizer).__name__
    assert int(target.optimizer.iterations) == int(source.optimizer.iterations)
    for a, b in zip(target.optimizer.variables, source.optimizer.variables):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_a_tapegrad_file_loads_in_keras_3(kind, tmp_path):
    keras_real = _keras3()
    BUILDERS[kind](keras_real)  # registers Keras's subclass under the same name
    model = BUILDERS[kind](keras)
    model.fit(X, Y, epochs=2, batch_size=4, verbose=0)
    model.save(tmp_path / "tapegrad.keras")
    loaded = keras_real.models.load_model(tmp_path / "tapegrad.keras")
    _check_same(model, loaded)


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_a_keras_3_file_loads_in_tapegrad(kind, tmp_path):
    keras_real = _keras3()
    BUILDERS[kind](keras)  # registers tapegrad's subclass under the same name
    model = BUILDERS[kind](keras_real)
    model.fit(X, Y, epochs=2, batch_size=4, verbose=0)
    model.save(tmp_path / "keras.keras")
    loaded = keras.models.load_model(tmp_path / "keras.keras")
    _check_same(model, loaded)


def test_weights_files_go_both_ways(tmp_path):
    keras_real = _keras3()
    ours, theirs = _sequential(keras), _sequential(keras_real)
    ours.fit(X, Y, epochs=1, batch_size=4, verbose=0)
    theirs.fit(X, Y, epochs=1, batch_size=4, verbose=0)
    ours.save_weights(tmp_path / "ours.weights.h5")
    theirs.save_weights(tmp_path / "theirs.weights.h5")
    theirs.load_weights(tmp_path / "ours.weights.h5")
    _check_same(ours, theirs)
    fresh = _sequential(keras)
    fresh.fit(X[:1], Y[:1], verbose=0)  # builds the optimizer so that its state loads
    keras_fresh = _sequential(keras_real)
    keras_fresh.fit(X[:1], Y[:1], verbose=0)
    keras_fresh.save_weights(tmp_path / "fresh.weights.h5")
    fresh.load_weights(tmp_path / "fresh.weights.h5")
    _check_same(keras_fresh, fresh)
