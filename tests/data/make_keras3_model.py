"""Writes `keras3_model.keras` and `keras3_model.json` with Keras 3 (TensorFlow 2.21, Keras
3.15), for `tests/test_keras_saving_interchange.py`: a small functional model with the layers,
operations, regularizer, constraint and compile settings tapegrad reads, trained a few steps so
that its optimizer state is not its initial one. The JSON holds the input the test feeds, the
model's predictions on it, and its weights and optimizer state after one more `train_on_batch`,
all computed by Keras.

Run from the repository root with TensorFlow installed:

    python tests/data/make_keras3_model.py
"""

import json
import os
import zipfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def build():
    keras.utils.set_random_seed(0)
    inputs = keras.Input((4,), name="features")
    hidden = keras.layers.Dense(
        3,
        activation="relu",
        kernel_regularizer=keras.regularizers.L2(0.01),
        kernel_constraint=keras.constraints.MaxNorm(1.5),
        name="hidden",
    )(inputs)
    hidden = keras.layers.BatchNormalization(name="norm")(hidden)
    joined = keras.layers.Concatenate(name="joined")([inputs, 2.0 * hidden + 1.0])
    outputs = keras.layers.Dense(1, name="output")(joined)
    model = keras.Model(inputs, outputs, name="keras3_model")
    model.compile(keras.optimizers.Adam(0.01), "mse", metrics=["mae"])
    return model


def _deflate(path):
    # Keras stores the members uncompressed (32 kB, mostly the HDF5 file's empty space); the
    # same members, deflated, make a 5 kB file that Keras and tapegrad read alike.
    with zipfile.ZipFile(path) as zf:
        members = [(info.filename, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in members:
            zf.writestr(name, data)


def main():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 4)).astype("float32")
    y = (x @ np.array([[1.0], [-1.0], [0.5], [2.0]], "float32")).astype("float32")
    model = build()
    model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    path = os.path.join(HERE, "keras3_model.keras")
    model.save(path)
    _deflate(path)
    predictions = model.predict(x, verbose=0)
    model.train_on_batch(x[:8], y[:8])
    reloaded = keras.models.load_model(path)  # the deflated file reads back in Keras
    np.testing.assert_array_equal(reloaded.predict(x, verbose=0), predictions)
    record = {
        "x": x.tolist(),
        "y": y.tolist(),
        "predictions": predictions.tolist(),
        "iterations": 4,
        "weights_after_step": [w.tolist() for w in model.get_weights()],
        "optimizer_after_step": [np.asarray(v).tolist() for v in model.optimizer.variables],
        "keras_version": keras.__version__,
    }
    with open(os.path.join(HERE, "keras3_model.json"), "w") as f:
        json.dump(record, f)


if __name__ == "__main__":
    main()
