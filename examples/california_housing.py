"""The TF2 tutorial's custom training loop on the California housing data.

A regression MLP (Dense(30, relu) -> Dense(1)) trained with a hand-written loop
around ``tf.GradientTape``: random batches of 32, plain ``SGD()``, a running
mean loss and a ``MeanSquaredError`` metric shown as a status bar, the
validation MSE at each epoch's end, and the learning curves saved as a PNG.
The code is the tutorial's own; only the two import lines differ
(``import tapegrad as tf`` and ``from tapegrad import keras``).

    pip install ".[examples]"      # from a checkout: scikit-learn and matplotlib
    python examples/california_housing.py --seed 0 --epochs 10 --out curves.png

Set TAPEGRAD_EXAMPLE_BACKEND=tensorflow to run the very same program on real
TensorFlow instead (used to measure the reference numbers in
docs/california_housing_tf_reference.md).
"""

import argparse
import os
import sys
import time

import numpy as np

try:
    import matplotlib
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler
except ImportError as exc:
    sys.exit(
        f"This example needs scikit-learn and matplotlib (missing: {exc.name}).\n"
        "Install the optional extra from the checkout:  pip install '.[examples]'"
    )
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

if os.environ.get("TAPEGRAD_EXAMPLE_BACKEND", "tapegrad") == "tensorflow":
    import tensorflow as tf
    from tensorflow import keras

    # Keras 3 (TensorFlow >= 2.16) dropped two of the tutorial's names.
    if not hasattr(keras.metrics.Metric, "reset_states"):
        keras.metrics.Metric.reset_states = keras.metrics.Metric.reset_state
    if not hasattr(keras.losses, "mean_squared_error"):
        keras.losses.mean_squared_error = keras.losses.mse
else:
    import tapegrad as tf
    from tapegrad import keras

from tapegrad.datasets import fetch_california_housing  # noqa: E402  (sklearn's loader, offline)


def parse_args():
    parser = argparse.ArgumentParser(description="Custom training loop on California housing")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--out", default="california_housing.png", help="learning-curve PNG")
    return parser.parse_args()


def random_batch(X, y, batch_size=32):
    idx = np.random.randint(len(X), size=batch_size)
    return X[idx], y[idx]


def print_status_bar(iteration, total, loss, metrics=None, extra=""):
    metrics = " - ".join(
        ["{}: {:.4f}".format(m.name, m.result()) for m in [loss] + (metrics or [])]
    )
    end = "" if iteration < total else "\n"
    print("\r{}/{} - ".format(iteration, total) + metrics + extra, end=end, flush=True)


def main():
    args = parse_args()
    keras.utils.set_random_seed(args.seed)
    np.random.seed(args.seed)

    housing = fetch_california_housing()
    X_train_full, X_test, y_train_full, y_test = train_test_split(
        housing.data, housing.target, random_state=7
    )
    X_train, X_valid, y_train, y_valid = train_test_split(
        X_train_full, y_train_full, random_state=11
    )
    scaler = StandardScaler()
    X_train = scaler.fit_transform(X_train)
    X_valid = scaler.transform(X_valid)
    X_test = scaler.transform(X_test)

    model = keras.models.Sequential([
        keras.layers.Dense(30, activation="relu", input_shape=X_train.shape[1:]),
        keras.layers.Dense(1),
    ])

    n_epochs = args.epochs
    batch_size = 32
    n_steps = len(X_train) // batch_size
    optimizer = keras.optimizers.SGD()
    loss_fn = keras.losses.mean_squared_error
    mean_loss = keras.metrics.Mean()
    metrics = [keras.metrics.MeanSquaredError()]

    train_curve, valid_curve = [], []
    start = time.perf_counter()
    for epoch in range(1, n_epochs + 1):
        print("Epoch {}/{}".format(epoch, n_epochs))
        for step in range(1, n_steps + 1):
            X_batch, y_batch = random_batch(X_train, y_train)
            with tf.GradientTape() as tape:
                y_pred = model(X_batch, training=True)
                main_loss = tf.reduce_mean(loss_fn(y_batch, y_pred))
                loss = tf.add_n([main_loss] + model.losses)
            gradients = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(gradients, model.trainable_variables))
            mean_loss(loss)
            for metric in metrics:
                metric(y_batch, y_pred)
            if step < n_steps:
                print_status_bar(step * batch_size, len(y_train), mean_loss, metrics)
        y_valid_pred = model(X_valid)
        val_mse = float(tf.reduce_mean(loss_fn(y_valid, y_valid_pred)))
        print_status_bar(len(y_train), len(y_train), mean_loss, metrics,
                         extra=" - val_mse: {:.4f}".format(val_mse))
        train_curve.append(float(metrics[0].result()))
        valid_curve.append(val_mse)
        for metric in [mean_loss] + metrics:
            metric.reset_states()
    elapsed = time.perf_counter() - start

    print("final validation MSE: {:.4f} ({} epochs in {:.2f} s)".format(
        valid_curve[-1], n_epochs, elapsed))

    epochs = np.arange(1, n_epochs + 1)
    plt.figure(figsize=(8, 5))
    plt.plot(epochs, train_curve, "b.-", label="train MSE (running, during the epoch)")
    plt.plot(epochs, valid_curve, "r.-", label="validation MSE (end of the epoch)")
    plt.xlabel("epoch")
    plt.ylabel("MSE")
    plt.title("California housing: custom training loop, seed {}".format(args.seed))
    plt.grid(True)
    plt.legend()
    plt.savefig(args.out, dpi=100, bbox_inches="tight")
    print("learning curves saved to {}".format(args.out))


if __name__ == "__main__":
    main()
