"""Pure-NumPy reference for the California housing custom training loop.

The same experiment as ``examples/california_housing.py`` (the TF2 tutorial's
custom training loop), hand-written in NumPy with no autodiff engine, to show
what accuracy and speed a NumPy engine can reach:

* data: ``tapegrad.datasets.fetch_california_housing`` (scikit-learn's arrays);
* split: ``train_test_split(random_state=7)`` then ``random_state=11``;
  ``StandardScaler`` fit on the training part;
* model: Dense(30, relu) -> Dense(1), Glorot-uniform kernels, zero biases,
  float32 parameters and activations (Keras's default dtype);
* loss: mean squared error over the batch; SGD with learning rate 0.01;
* batches of 32 drawn with ``np.random.randint(len(X), size=32)``,
  ``len(X_train) // 32`` steps per epoch, 10 epochs;
* validation MSE of the whole validation set at each epoch's end.

Usage::

    python benchmarks/housing_numpy_reference.py [--seeds 0 1 2] [--epochs 10]
        [--dtype float32|float64]

Needs scikit-learn (for train_test_split and StandardScaler) besides NumPy.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

try:
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler
except ImportError:
    sys.exit("this reference script needs scikit-learn: pip install 'tapegrad[examples]'")

try:
    from tapegrad.datasets import fetch_california_housing
except ModuleNotFoundError as exc:  # run from a source checkout without installing
    if exc.name != "tapegrad":
        raise
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
    from tapegrad.datasets import fetch_california_housing


def load_split():
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
    return X_train, X_valid, X_test, y_train, y_valid, y_test


def glorot_uniform(fan_in, fan_out, dtype):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return np.random.uniform(-limit, limit, size=(fan_in, fan_out)).astype(dtype)


def train(seed, X_train, y_train, X_valid, y_valid, *, epochs=10, batch_size=32,
          learning_rate=0.01, hidden=30, dtype=np.float32, verbose=False):
    np.random.seed(seed)
    X_train = X_train.astype(dtype)
    X_valid = X_valid.astype(dtype)
    y_train = y_train.astype(dtype).reshape(-1, 1)
    y_valid = y_valid.astype(dtype).reshape(-1, 1)
    n_features = X_train.shape[1]

    W1 = glorot_uniform(n_features, hidden, dtype)
    b1 = np.zeros(hidden, dtype)
    W2 = glorot_uniform(hidden, 1, dtype)
    b2 = np.zeros(1, dtype)
    lr = dtype(learning_rate)
    two_over_b = dtype(2.0 / batch_size)

    n_steps = len(X_train) // batch_size
    history = {"mse": [], "val_mse": []}
    t0 = time.perf_counter()
    for epoch in range(1, epochs + 1):
        loss_sum = 0.0
        for _ in range(n_steps):
            idx = np.random.randint(len(X_train), size=batch_size)
            xb, yb = X_train[idx], y_train[idx]
            # forward
            z1 = xb @ W1
            z1 += b1
            a1 = np.maximum(z1, 0)
            pred = a1 @ W2
            pred += b2
            err = pred - yb
            loss_sum += float(np.mean(err * err))
            # backward
            g_pred = err * two_over_b
            gW2 = a1.T @ g_pred
            gb2 = g_pred.sum(axis=0)
            g_a1 = g_pred @ W2.T
            g_a1 *= z1 > 0
            gW1 = xb.T @ g_a1
            gb1 = g_a1.sum(axis=0)
            # SGD
            W1 -= lr * gW1
            b1 -= lr * gb1
            W2 -= lr * gW2
            b2 -= lr * gb2
        val_pred = np.maximum(X_valid @ W1 + b1, 0) @ W2 + b2
        val_mse = float(np.mean((val_pred - y_valid) ** 2))
        history["mse"].append(loss_sum / n_steps)
        history["val_mse"].append(val_mse)
        if verbose:
            print(f"epoch {epoch}/{epochs} - mse: {loss_sum / n_steps:.4f} - val_mse: {val_mse:.4f}")
    elapsed = time.perf_counter() - t0
    return history, elapsed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)

    X_train, X_valid, X_test, y_train, y_valid, y_test = load_split()
    print(f"train {X_train.shape}, valid {X_valid.shape}, test {X_test.shape}; "
          f"{len(X_train) // 32} steps/epoch, {args.epochs} epochs, {args.dtype}")
    results = []
    for seed in args.seeds:
        hist, elapsed = train(seed, X_train, y_train, X_valid, y_valid, epochs=args.epochs,
                              dtype=np.dtype(args.dtype).type, verbose=args.verbose)
        results.append((seed, hist["val_mse"][-1], elapsed))
        print(f"seed {seed}: val MSE {hist['val_mse'][-1]:.4f} "
              f"(train MSE last epoch {hist['mse'][-1]:.4f}), {elapsed:.3f} s")
    vals = [r[1] for r in results]
    times = [r[2] for r in results]
    print(f"mean val MSE {np.mean(vals):.4f} (min {min(vals):.4f}, max {max(vals):.4f}); "
          f"mean time per run {np.mean(times):.3f} s")


if __name__ == "__main__":
    main()
