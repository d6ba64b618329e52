"""keras models: Sequential, functional and subclassed; compile / fit / evaluate / predict,
weights, files, summary, callbacks and the progress display."""

import re

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras

layers = keras.layers


def _close(a, b, tol=1e-6):
    np.testing.assert_allclose(np.asarray(a, dtype=np.float64), b, rtol=tol, atol=tol)


def _regression(n=256, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4))
    y = x @ np.array([1.0, -2.0, 0.5, 3.0]) + 0.25
    return x, y


def _mlp(seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [
            layers.Dense(16, activation="relu", input_shape=(4,)),
            layers.Dense(1),
        ]
    )


def test_sequential_from_list_and_add_agree():
    m1 = _mlp()
    keras.utils.set_random_seed(0)
    m2 = keras.models.Sequential()
    m2.add(layers.Dense(16, activation="relu", input_shape=(4,)))
    m2.add(layers.Dense(1))
    x = np.random.default_rng(1).normal(size=(3, 4))
    _close(m1(x), m2(x))
    assert len(m1.layers) == 2 and len(m1.variables) == 4
    assert len(m1.trainable_variables) == 4 and m1.non_trainable_variables == []


def test_model_call_casts_float64_to_float32():
    m = _mlp()
    out = m(np.ones((2, 4), np.float64), training=False)
    assert out.dtype == tf.float32 and out.shape == (2, 1)


def test_sequential_builds_lazily_on_first_call():
    m = keras.Sequential([layers.Dense(3), layers.Dense(1)])
    assert m.variables == []
    m(np.ones((2, 5)))
    assert [tuple(v.shape) for v in m.variables] == [(5, 3), (3,), (3, 1), (1,)]


def test_functional_model_with_two_inputs():
    a, b = keras.Input(shape=(3,), name="a"), keras.Input(shape=(2,))
    h = layers.Dense(4, activation="relu")(a)
    out = layers.Dense(1)(layers.concatenate([h, b]))
    model = keras.Model(inputs=[a, b], outputs=out)
    assert isinstance(model, keras.Model)
    xa, xb = np.ones((5, 3)), np.zeros((5, 2))
    y = model([xa, xb])
    assert y.shape == (5, 1)
    dense1, dense2 = model.layers[1], model.layers[-1]
    hid = np.maximum(xa @ dense1.kernel.numpy() + dense1.bias.numpy(), 0)
    _close(y, np.concatenate([hid, xb], 1) @ dense2.kernel.numpy() + dense2.bias.numpy(), 1e-5)
    assert [type(lay).__name__ for lay in model.layers] == [
        "InputLayer",
        "Dense",
        "InputLayer",
        "Concatenate",
        "Dense",
    ]


def test_subclassed_model_trains_with_fit():
    class MLP(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(16, activation="relu")
            self.out = layers.Dense(1)

        def call(self, inputs, training=None):
            return self.out(self.hidden(inputs))

    keras.utils.set_random_seed(0)
    model = MLP()
    x, y = _regression()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    history = model.fit(x, y, epochs=30, batch_size=32, verbose=0)
    assert len(model.trainable_variables) == 4 and model.name == "mlp"
    assert history.history["loss"][-1] < 0.05 * history.history["loss"][0]


def test_fit_reaches_known_loss_on_linear_regression():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([layers.Dense(1, input_shape=(4,))])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    x, y = _regression(512)
    history = model.fit(x, y, epochs=40, batch_size=16, verbose=0, shuffle=True)
    assert set(history.history) == {"loss", "mae"}
    assert history.epoch == list(range(40))
    assert history.history["loss"][-1] < 1e-4  # noiseless: the exact fit is reachable
    _close(model.layers[0].kernel.numpy()[:, 0], [1.0, -2.0, 0.5, 3.0], 1e-2)
    loss, mae = model.evaluate(x, y, verbose=0)
    assert loss < 1e-4 and mae < 1e-2
    assert model.predict(x[:5], verbose=0).shape == (5, 1)


def test_fit_with_validation_data_and_split():
    model = _mlp()
    model.compile(optimizer="adam", loss="mse", metrics=["mse"])
    x, y = _regression()
    h = model.fit(x, y, epochs=2, validation_data=(x[:32], y[:32]), verbose=0)
    assert set(h.history) == {"loss", "mse", "val_loss", "val_mse"}
    h = model.fit(x, y, epochs=2, validation_split=0.25, verbose=0)
    val = model.evaluate(x[192:], y[192:], verbose=0, return_dict=True)
    _close(h.history["val_loss"][-1], val["loss"], 1e-6)


def test_compile_accepts_objects_and_names():
    model = _mlp()
    x, y = _regression(64)
    for opt in ("sgd", "adam", "nadam", "rmsprop", keras.optimizers.SGD(0.001)):
        for loss in (
            "mse",
            "mae",
            "huber",
            keras.losses.MeanSquaredError(),
            keras.losses.mean_absolute_error,
        ):
            model.compile(optimizer=opt, loss=loss)
            assert np.isfinite(model.fit(x, y, epochs=1, verbose=0).history["loss"][0])
    assert isinstance(model.optimizer, keras.optimizers.Optimizer)


def test_fit_loss_includes_regularization_losses():
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            layers.Dense(
                1,
                input_shape=(2,),
                kernel_initializer="ones",
                kernel_regularizer=keras.regularizers.l2(0.5),
            )
        ]
    )
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    x, y = np.zeros((4, 2)), np.zeros(4)
    _close(model.evaluate(x, y, verbose=0), 0.5 * 2)
    assert len(model.losses) == 1


def test_accuracy_metric_resolves_from_shapes():
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(64, 3))
    labels = (x[:, 0] > 0).astype(int)
    model = keras.Sequential([layers.Dense(2, input_shape=(3,))])
    model.compile(
        optimizer="adam",
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    h = model.fit(x, labels, epochs=3, verbose=0)
    assert isinstance(model.metrics[1].metrics[0], keras.metrics.SparseCategoricalAccuracy)
    assert "accuracy" in h.history
    binary = keras.Sequential([layers.Dense(1, activation="sigmoid", input_shape=(3,))])
    binary.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    binary.fit(x, labels, epochs=1, verbose=0)
    assert isinstance(binary.metrics[1].metrics[0], keras.metrics.BinaryAccuracy)


def test_get_and_set_weights_round_trip():
    m1, m2 = _mlp(0), _mlp(1)
    x = np.ones((2, 4))
    assert not np.allclose(m1(x), m2(x))
    m2.set_weights(m1.get_weights())
    _close(m1(x), m2(x))
    with pytest.raises(ValueError, match="expects 4 weight arrays"):
        m2.set_weights(m1.get_weights()[:3])


def test_save_and_load_weights_round_trip(tmp_path):
    m1, m2 = _mlp(0), _mlp(1)
    path = tmp_path / "model.weights.npz"
    m1.save_weights(path)
    m2.load_weights(path)
    x = np.random.default_rng(0).normal(size=(3, 4))
    _close(m1(x), m2(x))


def test_load_weights_refuses_a_mismatched_file_naming_the_layer(tmp_path):
    m1 = _mlp()
    path = tmp_path / "w.npz"
    m1.save_weights(path)
    other = keras.Sequential([layers.Dense(8, input_shape=(4,), name="wide"), layers.Dense(1)])
    before = [w.copy() for w in other.get_weights()]
    with pytest.raises(ValueError, match="layer 'wide'"):
        other.load_weights(path)
    for w, b in zip(other.get_weights(), before):
        _close(w, b)
    deeper = keras.Sequential(
        [layers.Dense(16, input_shape=(4,)), layers.Dense(1), layers.Dense(1, name="extra")]
    )
    with pytest.raises(ValueError, match="extra"):
        deeper.load_weights(path)


def test_summary_prints_keras_table(capsys):
    keras.backend.clear_session()
    model = keras.Sequential(
        [
            layers.Dense(30, activation="relu", input_shape=(8,)),
            layers.BatchNormalization(),
            layers.Dense(1),
        ]
    )
    model.summary()
    out = capsys.readouterr().out
    assert 'Model: "sequential"' in out
    assert "│ dense (Dense)                   │ (None, 30)             │           270 │" in out
    assert "│ batch_normalization             │ (None, 30)             │           120 │" in out
    assert "│ (BatchNormalization)            │" in out
    assert "│ dense_1 (Dense)                 │ (None, 1)              │            31 │" in out
    assert " Total params: 421 (1.64 KB)" in out
    assert " Trainable params: 361 (1.41 KB)" in out
    assert " Non-trainable params: 60 (240.00 B)" in out
    lines = out.splitlines()
    assert lines[1].startswith("┏") and lines[-4].startswith("└")
    assert len({len(line) for line in lines[1:-3]}) == 1  # a rectangular table


def test_summary_of_functional_model_shows_connections(capsys):
    a, b = keras.Input((4,), name="a"), keras.Input((3,), name="b")
    out = layers.Dense(1, name="head")(layers.concatenate([a, b], name="cat"))
    keras.Model([a, b], out).summary()
    text = capsys.readouterr().out
    assert "Connected to" in text and "a[0][0]," in text and "cat[0][0]" in text
    assert " Total params: 8 (32.00 B)" in text


def test_early_stopping_stops_and_restores_best_weights():
    model = _mlp()
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    x, y = _regression(64)
    stop = keras.callbacks.EarlyStopping(monitor="loss", patience=2, restore_best_weights=True)
    h = model.fit(x, y, epochs=20, verbose=0, callbacks=[stop])
    assert len(h.history["loss"]) == 3 and stop.stopped_epoch == 2
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=1, min_delta=10.0)
    h = model.fit(x, y, epochs=20, verbose=0, callbacks=[stop], validation_data=(x, y))
    assert len(h.history["loss"]) == 2


def test_early_stopping_direction_as_keras_3():
    # Keras 3 decides "auto" from the compiled metric's direction (accuracy up, mae down) and
    # raises at the first epoch's end for a name it cannot place (a typo such as "val_los").
    x, y = _regression(32)
    for monitor, rising in (("accuracy", True), ("mae", False), ("val_loss", False)):
        model = _mlp()
        model.compile(optimizer="sgd", loss="mse", metrics=["accuracy", "mae"])
        stop = keras.callbacks.EarlyStopping(monitor=monitor, patience=5)
        model.fit(x, y, epochs=1, verbose=0, callbacks=[stop], validation_data=(x, y))
        assert stop._is_improvement(2.0, 1.0) is rising
    model = _mlp()
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="monitor=val_los.*mode='max'"):
        model.fit(x, y, epochs=1, verbose=0,
                  callbacks=[keras.callbacks.EarlyStopping(monitor="val_los")])


def test_custom_callback_hooks_are_called():
    events = []

    class Recorder(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            events.append(("epoch", epoch, sorted(logs)))

        def on_train_batch_end(self, batch, logs=None):
            events.append(("batch", batch))

    model = _mlp()
    model.compile(optimizer="sgd", loss="mse")
    x, y = _regression(64)
    model.fit(x, y, epochs=2, batch_size=32, verbose=0, callbacks=[Recorder()])
    assert events == [
        ("batch", 0),
        ("batch", 1),
        ("epoch", 0, ["loss"]),
        ("batch", 0),
        ("batch", 1),
        ("epoch", 1, ["loss"]),
    ]


def _plain(text):
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_verbose_1_shows_keras_progress_bar(capsys):
    model = _mlp()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    x, y = _regression(64)
    model.fit(x, y, epochs=2, batch_size=32, validation_data=(x, y))
    out = _plain(capsys.readouterr().out)
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    final = [line for line in out.replace("\b", "").split("\r") if "val_loss" in line]
    assert len(final) == 2
    assert re.match(
        r"2/2 ━{20} \d+s \d+(us|ms)/step - loss: \d+\.\d{4} - mae: \d+\.\d{4} - "
        r"val_loss: \d+\.\d{4} - val_mae: \d+\.\d{4}",
        final[0].strip(),
    )


def test_verbose_2_prints_one_line_per_epoch_and_0_nothing(capsys):
    model = _mlp()
    model.compile(optimizer="sgd", loss="mse")
    x, y = _regression(64)
    model.fit(x, y, epochs=2, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    assert re.fullmatch(r"2/2 - \d+s - \d+(us|ms)/step - loss: \d+\.\d{4}", lines[1])
    model.fit(x, y, epochs=2, verbose=0)
    model.evaluate(x, y, verbose=0)
    model.predict(x, verbose=0)
    assert capsys.readouterr().out == ""


def test_evaluate_without_metrics_returns_a_float():
    model = _mlp()
    model.compile(optimizer="sgd", loss="mse")
    x, y = _regression(64)
    value = model.evaluate(x, y, verbose=0)
    assert isinstance(value, float)
    _close(value, float(np.mean((model.predict(x, verbose=0)[:, 0] - y) ** 2)), 1e-5)


def test_fit_before_compile_raises():
    with pytest.raises(ValueError, match="compile"):
        _mlp().fit(np.ones((2, 4)), np.ones(2), verbose=0)


def test_dropout_and_batchnorm_in_fit_use_training_mode():
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            layers.Dense(8, input_shape=(4,)),
            layers.BatchNormalization(),
            layers.Dropout(0.5),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer="adam", loss="mse")
    x, y = _regression(64)
    model.fit(x, y, epochs=1, verbose=0)
    bn = model.layers[1]
    assert not np.allclose(bn.moving_mean.numpy(), 0.0)
    _close(model.predict(x[:4], verbose=0), model.predict(x[:4], verbose=0))


def test_train_and_test_on_batch():
    model = _mlp()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    x, y = _regression(32)
    loss, mae = model.train_on_batch(x, y)
    assert np.isfinite(loss) and np.isfinite(mae)
    logs = model.test_on_batch(x, y, return_dict=True)
    assert set(logs) == {"loss", "mae"}


def test_tf2_custom_train_step_on_a_functional_subclass():
    class Custom(keras.Model):
        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
            self.compiled_metrics.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    keras.utils.set_random_seed(0)
    inputs = keras.Input((4,))
    model = Custom(inputs, layers.Dense(1)(inputs))
    assert isinstance(model, Custom) and len(model.layers) == 2
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    x, y = _regression(128)
    h = model.fit(x, y, epochs=20, verbose=0)
    assert list(h.history) == ["mae", "loss"]  # Keras's flattened, sorted logs
    assert h.history["loss"][-1] < 1e-2 < h.history["loss"][0]


def test_sequential_with_input_and_nested_functional_model():
    seq = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.Dense(1)])
    assert seq.built and len(seq.weights) == 4 and len(seq.layers) == 2
    i = keras.Input((3,))
    inner = keras.Model(i, layers.Dense(2)(i))
    j = keras.Input((3,))
    outer = keras.Model(j, layers.Dense(1)(inner(j)))
    assert len(outer.weights) == 4 and outer(np.ones((2, 3))).shape == (2, 1)
