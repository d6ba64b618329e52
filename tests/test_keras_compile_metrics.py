"""Compiled metrics as Keras 3 keeps them: `model.metrics` is the loss tracker and a
`compile_metrics` container, custom train/test steps keep them, `evaluate` returns the loss and
each metric, History and the progress bar list names in Keras's (sorted) order. The expected
names and orders are those Keras 3.15 gives for the same programs (checked against Keras itself
at the end of this file where it is installed)."""

import contextlib
import io

import numpy as np
import pytest

import tapegrad
from tapegrad import keras

RNG = np.random.default_rng(0)
X = RNG.normal(size=(64, 4)).astype("float32")
Y = RNG.normal(size=(64, 1)).astype("float32")


def _fit_line(model, **kwargs):
    """The History keys and the last progress-bar line (verbose=2) of a two-epoch fit."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        history = model.fit(X, Y, epochs=2, verbose=2, **kwargs)
    line = out.getvalue().splitlines()[-1]
    return list(history.history), [part.split(":")[0] for part in line.split(" - ")[3:]]


def _guide_model(tf, keras, step):
    """The two custom train_step shapes of Keras's "customizing fit" guide."""

    class Guide(keras.Model):
        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compute_loss(y=y, y_pred=y_pred)
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply(grads, self.trainable_variables)
            if step == "compute_metrics":
                return self.compute_metrics(x, y, y_pred, None)
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    inputs = keras.Input(shape=(4,))
    model = Guide(inputs, keras.layers.Dense(1)(inputs))
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model


def test_metrics_are_the_loss_tracker_and_the_compile_metrics_container():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse", metrics=["mae", "mae", "mse"])
    assert model.metrics_names == ["loss", "compile_metrics"]
    container = model.metrics[1]
    assert isinstance(container, keras.metrics.Metric) and container.metrics == []
    with pytest.raises(ValueError, match="not yet been built"):
        container.result()
    history = model.fit(X, Y, epochs=1, verbose=0)
    assert model.metrics_names == ["loss", "compile_metrics"]
    assert [m.name for m in container.metrics] == ["mae", "mae", "mse"]
    assert list(history.history) == ["loss", "mae", "mae_1", "mse"]
    assert set(container.result()) == {"mae", "mae_1", "mse"}
    # Keras's list: metrics_names order with the container expanded (so "mae" twice), then the
    # names it did not list, sorted ("mae_1")
    values = model.evaluate(X, Y, verbose=0)
    logs = model.evaluate(X, Y, verbose=0, return_dict=True)
    assert list(logs) == ["loss", "mae", "mae_1", "mse"]
    assert values == [logs["loss"], logs["mae"], logs["mae"], logs["mse"], logs["mae_1"]]


def test_without_metrics_evaluate_returns_the_loss():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    assert model.metrics_names == ["loss"]
    assert isinstance(model.evaluate(X, Y, verbose=0), float)


def test_history_and_progress_bar_are_in_sorted_order():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse", metrics=["mse", keras.metrics.MeanAbsoluteError(name="abs")])
    keys, shown = _fit_line(model, validation_split=0.25)
    want = ["abs", "loss", "mse", "val_abs", "val_loss", "val_mse"]
    assert keys == want and shown == want


@pytest.mark.parametrize(
    ("step", "keys"),
    [
        # Keras flattens the {"loss", "compile_metrics": {"mae"}} logs in sorted key order, so
        # the compile_metrics entry ("mae") comes before "loss".
        ("metric_loop", ["mae", "loss", "val_loss", "val_mae"]),
        ("compute_metrics", ["loss", "mae", "val_loss", "val_mae"]),
    ],
)
def test_custom_train_steps_of_the_keras_guide_keep_the_compiled_metrics(step, keys):
    keras.utils.set_random_seed(0)
    model = _guide_model(tapegrad, keras, step)
    history_keys, shown = _fit_line(model, validation_data=(X, Y))
    assert history_keys == keys and shown == keys
    assert model.metrics_names == ["loss", "compile_metrics"]
    assert [m.name for m in model.metrics[1].metrics] == ["mae"]
    _, mae = model.evaluate(X, Y, verbose=0)
    assert np.isclose(mae, np.abs(model.predict(X, verbose=0) - Y).mean(), rtol=1e-5)


def test_weighted_metrics_use_the_sample_weights_and_metrics_do_not():
    sw = RNG.uniform(size=64).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse", metrics=["mae"], weighted_metrics=["mae", "mse"])
    history = model.fit(X, Y, sample_weight=sw, epochs=1, verbose=0)
    assert list(history.history) == ["loss", "mae", "mse", "weighted_mae"]
    logs = model.evaluate(X, Y, sample_weight=sw, verbose=0, return_dict=True)
    err = np.abs(model.predict(X, verbose=0)[:, 0] - Y[:, 0])
    assert np.isclose(logs["mae"], err.mean(), rtol=1e-5)
    assert np.isclose(logs["weighted_mae"], (err * sw).sum() / sw.sum(), rtol=1e-5)


def test_several_outputs_name_metrics_and_losses_by_output():
    inputs = keras.Input((4,))
    a = keras.layers.Dense(1, name="a")(inputs)
    b = keras.layers.Dense(2, name="b")(inputs)
    model = keras.Model(inputs, [a, b])
    targets = [Y, np.hstack([Y, Y])]
    model.compile("sgd", ["mse", "mse"], metrics=[["mae"], ["mae", "mse"]])
    history = model.fit(X, targets, epochs=1, verbose=0)
    assert sorted(history.history) == ["a_loss", "a_mae", "b_loss", "b_mae", "b_mse", "loss"]
    model.compile("sgd", ["mse", "mse"], metrics={"b": "mae"})
    logs = model.evaluate(X, targets, verbose=0, return_dict=True)
    assert list(logs) == ["a_loss", "b_loss", "b_mae", "loss"]
    assert np.isclose(logs["loss"], logs["a_loss"] + logs["b_loss"], rtol=1e-5)
    with pytest.raises(ValueError, match="one entry per output"):
        model.compile("sgd", "mse", metrics=["mae", "mse", "mae"])
        model.fit(X, targets, epochs=1, verbose=0)


def test_per_class_results_stay_arrays_and_the_bar_shows_their_mean():
    labels = np.eye(3, dtype="float32")[RNG.integers(0, 3, 64)]
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile("adam", "categorical_crossentropy", metrics=[keras.metrics.F1Score()])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        history = model.fit(X, labels, epochs=1, verbose=2)
    assert history.history["f1_score"][0].shape == (3,)
    shown = float(out.getvalue().split("f1_score: ")[1].split()[0])
    assert np.isclose(shown, history.history["f1_score"][0].mean(), atol=1e-4)
    loss, f1 = model.evaluate(X, labels, verbose=0)
    assert isinstance(loss, float) and f1.shape == (3,)


def test_recompiling_replaces_the_metrics():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse", metrics=["mae"])
    model.fit(X, Y, epochs=1, verbose=0)
    model.compile("sgd", "mse", metrics=["mse"])
    assert list(model.fit(X, Y, epochs=1, verbose=0).history) == ["loss", "mse"]
    assert len(model.metrics) == 2


# -- Keras 3 itself ------------------------------------------------------------------------


def _scenarios(tf, keras):
    """Names and orders for a set of programs, run the same way in both libraries."""
    out = {}
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse", metrics=["mae", "mae", "mse"])
    out["before"] = model.metrics_names
    out["history"], out["bar"] = _fit_line(model, validation_split=0.25)
    out["after"] = [m.name for m in model.metrics[1].metrics]
    values = model.evaluate(X, Y, verbose=0)
    logs = model.evaluate(X, Y, verbose=0, return_dict=True)
    out["evaluate"] = [next(k for k in logs if np.isclose(logs[k], v)) for v in values]
    for step in ("metric_loop", "compute_metrics"):
        out[step] = _fit_line(_guide_model(tf, keras, step), validation_data=(X, Y))
    inputs = keras.Input((4,))
    multi = keras.Model(
        inputs, [keras.layers.Dense(1, name="a")(inputs), keras.layers.Dense(2, name="b")(inputs)]
    )
    multi.compile("sgd", ["mse", "mse"], metrics=[["mae"], ["mae", "mse"]])
    history = multi.fit(X, [Y, np.hstack([Y, Y])], epochs=1, verbose=0)
    out["multi"] = list(history.history)
    return out


def test_names_and_orders_match_keras():
    tf_real = pytest.importorskip("tensorflow")
    import keras as real

    assert _scenarios(tapegrad, keras) == _scenarios(tf_real, real)
