"""Pickling and copy.deepcopy of tensors, variables, optimizers and compiled, trained models:
a copy predicts the same, keeps its compile configuration and optimizer state (so that training
continues exactly as the original's would), and is independent of the original, in this
process and in another."""

import copy
import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras

X = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
Y = (X @ np.array([[1.0], [-2.0], [0.5], [0.0]], "float32") + 0.1).astype("float32")


def _roundtrips():
    return [lambda o: pickle.loads(pickle.dumps(o)), copy.deepcopy]


class Subclassed(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = keras.layers.Dense(8, activation="relu")
        self.out = keras.layers.Dense(1)

    def call(self, x):
        return self.out(self.hidden(x))


class CustomStep(keras.Model):
    """A functional model with a custom train_step (a class made at run time underneath)."""

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            loss = self.compute_loss(y=y, y_pred=self(x, training=True))
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        self._loss_tracker.update_state(loss)
        return {"loss": self._loss_tracker.result()}


def _models():
    keras.utils.set_random_seed(0)
    seq = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(1)]
    )
    inputs = keras.Input((4,))
    func = keras.Model(inputs, keras.layers.Dense(1)(keras.layers.Dense(8)(inputs)))
    inputs = keras.Input((4,))
    custom = CustomStep(inputs, keras.layers.Dense(1)(inputs))
    return {
        "sequential": seq,
        "functional": func,
        "subclassed": Subclassed(),
        "custom_step": custom,
    }


@pytest.mark.parametrize("kind", ["sequential", "functional", "subclassed", "custom_step"])
@pytest.mark.parametrize("how", [0, 1], ids=["pickle", "deepcopy"])
def test_trained_model_copy_continues_training_exactly(kind, how):
    model = _models()[kind]
    model.compile(keras.optimizers.Adam(0.01), "mse", metrics=["mae"])
    model.fit(X, Y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    clone = _roundtrips()[how](model)
    assert type(clone) is type(model)
    np.testing.assert_array_equal(clone.predict(X, verbose=0), model.predict(X, verbose=0))
    assert clone.optimizer is not model.optimizer
    assert int(clone.optimizer.iterations) == int(model.optimizer.iterations) == 8
    assert clone.loss == "mse" and clone.metrics_names == model.metrics_names
    a = model.fit(X, Y, epochs=1, batch_size=16, shuffle=False, verbose=0).history
    b = clone.fit(X, Y, epochs=1, batch_size=16, shuffle=False, verbose=0).history
    assert a == b  # the same Adam moments and step count: the same updates
    for w1, w2 in zip(model.get_weights(), clone.get_weights()):
        np.testing.assert_array_equal(w1, w2)
    model.layers[-1].kernel.assign(np.zeros_like(model.layers[-1].kernel.numpy()))
    assert np.any(clone.layers[-1].kernel.numpy())  # independent of the original


def test_copied_variables_are_new_variables():
    v = tf.Variable([1.0, 2.0], name="v")
    w = copy.deepcopy(v)
    assert w is not v and w.name == v.name and w._tid != v._tid
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(v * 3.0) + tf.reduce_sum(w * w)
    gv, gw = tape.gradient(y, [v, w])
    np.testing.assert_allclose(gv, [3.0, 3.0])
    np.testing.assert_allclose(gw, [2.0, 4.0])
    t = tf.constant([1.0])
    assert pickle.loads(pickle.dumps(t)).numpy().tolist() == [1.0]


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop", "Nadam", "AdamW", "Adagrad"])
def test_optimizer_state_survives_a_pickle(name):
    x = tf.Variable([1.0, -2.0])
    frozen = tf.Variable([3.0])
    opt = getattr(keras.optimizers, name)(learning_rate=0.1)
    if name == "AdamW":
        opt.exclude_from_weight_decay([frozen])

    def step(var, extra, optimizer):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(var**2) + tf.reduce_sum(extra**2)
        optimizer.apply_gradients(zip(tape.gradient(loss, [var, extra]), [var, extra]))

    for _ in range(3):
        step(x, frozen, opt)
    x2, frozen2, opt2 = pickle.loads(pickle.dumps((x, frozen, opt)))
    for _ in range(2):
        step(x, frozen, opt)
        step(x2, frozen2, opt2)
    np.testing.assert_array_equal(x.numpy(), x2.numpy())
    np.testing.assert_array_equal(frozen.numpy(), frozen2.numpy())


def test_metrics_losses_and_seed_generators_pickle():
    m = keras.metrics.AUC()
    m.update_state([0, 1, 1], [0.2, 0.7, 0.4])
    m2 = pickle.loads(pickle.dumps(m))
    assert float(m2.result()) == float(m.result())
    loss = pickle.loads(pickle.dumps(keras.losses.Huber(delta=2.0)))
    assert loss.get_config()["delta"] == 2.0
    gen = keras.random.SeedGenerator(3)
    keras.random.normal((2,), seed=gen)
    gen2 = copy.deepcopy(gen)
    np.testing.assert_array_equal(
        keras.random.normal((2,), seed=gen), keras.random.normal((2,), seed=gen2)
    )


def test_a_pickled_model_predicts_the_same_in_another_process(tmp_path):
    model = _models()["functional"]
    model.compile("adam", "mse")
    model.fit(X, Y, epochs=1, verbose=0)
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(model))
    np.save(tmp_path / "x.npy", X)
    src = Path(__file__).resolve().parents[1] / "src"
    code = (
        "import pickle, sys, numpy as np\n"
        f"model = pickle.loads(open({str(path)!r}, 'rb').read())\n"
        f"x = np.load({str(tmp_path / 'x.npy')!r})\n"
        "model.fit(x, np.zeros((len(x), 1), 'float32'), epochs=1, shuffle=False, verbose=0)\n"
        f"np.save({str(tmp_path / 'out.npy')!r}, model.predict(x, verbose=0))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(src)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=120)
    model.fit(X, np.zeros((len(X), 1), "float32"), epochs=1, shuffle=False, verbose=0)
    # the same updates; BLAS may round the last bit differently in another process
    np.testing.assert_allclose(
        np.load(tmp_path / "out.npy"), model.predict(X, verbose=0), rtol=1e-6, atol=1e-6
    )
