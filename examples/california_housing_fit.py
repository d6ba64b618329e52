"""The California housing regression MLP trained with ``compile`` / ``fit``.

The same data, split, scaling and model as ``california_housing.py``, but with
Keras's built-in training: ``model.compile(loss="mse", optimizer=SGD(),
metrics=["mse"])``, ``model.fit(..., validation_data=...)``, ``evaluate`` on
the test set, and the learning curves from the returned History saved as a PNG.
Only the two import lines differ from the TF2 tutorial.

    pip install ".[examples]"      # from a checkout: scikit-learn and matplotlib
    python examples/california_housing_fit.py --seed 0 --epochs 10 --out fit.png

Set TAPEGRAD_EXAMPLE_BACKEND=tensorflow to run it on real TensorFlow instead.
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
    import tensorflow as tf  # noqa: F401
    from tensorflow import keras
else:
    import tapegrad as tf  # noqa: F401
    from tapegrad import keras

from tapegrad.datasets import fetch_california_housing  # noqa: E402  (sklearn's loader, offline)


def parse_args():
    parser = argparse.ArgumentParser(description="compile/fit on California housing")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--out", default="california_housing_fit.png", help="learning-curve PNG")
    return parser.parse_args()


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
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(), metrics=["mse"])

    start = time.perf_counter()
    history = model.fit(X_train, y_train, epochs=args.epochs,
                        validation_data=(X_valid, y_valid))
    elapsed = time.perf_counter() - start
    mse_test = model.evaluate(X_test, y_test)

    print("final validation MSE: {:.4f} ({} epochs in {:.2f} s)".format(
        history.history["val_mse"][-1], args.epochs, elapsed))
    print("test [loss, mse]: [{:.4f}, {:.4f}]".format(*mse_test))

    epochs = np.arange(1, len(history.history["loss"]) + 1)
    plt.figure(figsize=(8, 5))
    for key, values in history.history.items():
        plt.plot(epochs, values, ".-", label=key)
    plt.xlabel("epoch")
    plt.ylabel("MSE")
    plt.title("California housing: model.fit, seed {}".format(args.seed))
    plt.grid(True)
    plt.legend()
    plt.savefig(args.out, dpi=100, bbox_inches="tight")
    print("learning curves saved to {}".format(args.out))


if __name__ == "__main__":
    main()
