"""A randomized hyperparameter search for the California housing MLP, on a Dask cluster.

The search of the classic tutorial: a `build_model(n_hidden, n_neurons, learning_rate)`
function, wrapped as a scikit-learn estimator by `keras.wrappers.scikit_learn.KerasRegressor`,
searched by `RandomizedSearchCV` over the number of hidden layers, their width and the learning
rate, with `epochs`, `validation_data` and an `EarlyStopping` callback passed through
`search.fit`. The candidates are trained in parallel on a Dask cluster through joblib's Dask
backend; the search code itself is unchanged: only `with joblib.parallel_backend("dask")`
surrounds `search.fit`.

    pip install ".[dask]"              # from a checkout: scikit-learn and dask[distributed]
    python examples/hyperparameter_search.py                      # a local cluster, 2 workers
    python examples/hyperparameter_search.py --workers 4 --n-iter 20
    python examples/hyperparameter_search.py --scheduler tcp://10.0.0.5:8786   # a real cluster
    python examples/hyperparameter_search.py --no-dask                         # one process

On a real cluster every worker needs tapegrad installed (`pip install tapegrad`); the functions
of this script travel to the workers with the tasks. Each candidate seeds its own model, so the
search gives the same result on any number of workers as in one process.
"""

import argparse
import os
import sys
import time

import numpy as np

try:
    import joblib
    from scipy.stats import reciprocal
    from sklearn.model_selection import RandomizedSearchCV, train_test_split
    from sklearn.preprocessing import StandardScaler
except ImportError as exc:
    sys.exit(
        f"This example needs scikit-learn (missing: {exc.name}).\n"
        "Install the optional extra from the checkout:  pip install '.[dask]'"
    )

if os.environ.get("TAPEGRAD_EXAMPLE_BACKEND", "tapegrad") == "tensorflow":
    from tensorflow import keras
else:
    from tapegrad import keras

from tapegrad.datasets import fetch_california_housing  # sklearn's loader, offline


def build_model(n_hidden=1, n_neurons=30, learning_rate=3e-3, input_shape=(8,), seed=42):
    """The tutorial's model: `n_hidden` ReLU layers of `n_neurons`, an SGD optimizer."""
    keras.utils.set_random_seed(seed)  # each candidate's weights, in whichever worker
    model = keras.models.Sequential()
    model.add(keras.layers.InputLayer(input_shape=input_shape))
    for _ in range(n_hidden):
        model.add(keras.layers.Dense(n_neurons, activation="relu"))
    model.add(keras.layers.Dense(1))
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=learning_rate))
    return model


def parse_args():
    parser = argparse.ArgumentParser(description="Hyperparameter search on a Dask cluster")
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="a running Dask scheduler (tcp://host:8786); default: a local one",
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="worker processes of the local cluster (default 2)"
    )
    parser.add_argument("--no-dask", action="store_true", help="search in this process only")
    parser.add_argument("--n-iter", type=int, default=10, help="candidates tried (10)")
    parser.add_argument("--cv", type=int, default=3, help="cross-validation folds (3)")
    parser.add_argument("--epochs", type=int, default=20, help="epochs per fit (20)")
    parser.add_argument("--seed", type=int, default=42)
    return parser.parse_args()


def load_data():
    housing = fetch_california_housing()
    X_train_full, X_test, y_train_full, y_test = train_test_split(
        housing.data, housing.target, random_state=42
    )
    X_train, X_valid, y_train, y_valid = train_test_split(
        X_train_full, y_train_full, random_state=42
    )
    scaler = StandardScaler()
    return (
        scaler.fit_transform(X_train),
        y_train,
        scaler.transform(X_valid),
        y_valid,
        scaler.transform(X_test),
        y_test,
    )


def dask_client(args):
    """A client of the cluster to use (a new local one unless --scheduler), or None."""
    if args.no_dask:
        return None
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        sys.exit(
            f"Running on Dask needs dask[distributed] (missing: {exc.name}).\n"
            "Install the optional extra:  pip install '.[dask]'   (or run with --no-dask)"
        )
    if args.scheduler:
        return Client(args.scheduler)
    return Client(LocalCluster(n_workers=args.workers, threads_per_worker=1))


def main():
    args = parse_args()
    X_train, y_train, X_valid, y_valid, X_test, y_test = load_data()

    keras_reg = keras.wrappers.scikit_learn.KerasRegressor(build_model, seed=args.seed)
    param_distribs = {
        "n_hidden": [0, 1, 2, 3],
        "n_neurons": np.arange(1, 100),
        "learning_rate": reciprocal(3e-4, 3e-2),
    }
    search = RandomizedSearchCV(
        keras_reg, param_distribs, n_iter=args.n_iter, cv=args.cv, random_state=args.seed, n_jobs=-1
    )
    fit_args = {
        "epochs": args.epochs,
        "validation_data": (X_valid, y_valid),
        "verbose": 0,
        "callbacks": [keras.callbacks.EarlyStopping(patience=10)],
    }

    client = dask_client(args)
    start = time.perf_counter()
    if client is None:
        search.set_params(n_jobs=1)
        search.fit(X_train, y_train, **fit_args)
        where = "this process"
    else:
        with joblib.parallel_backend("dask"):
            search.fit(X_train, y_train, **fit_args)
        where = (
            f"{len(client.scheduler_info()['workers'])} Dask workers at {client.scheduler.address}"
        )
        client.close()
    elapsed = time.perf_counter() - start

    print(f"{args.n_iter} candidates x {args.cv} folds on {where}: {elapsed:.1f} s")
    print(
        "best parameters:",
        {
            k: (round(float(v), 5) if isinstance(v, float) else int(v))
            for k, v in search.best_params_.items()
        },
    )
    print(f"best cross-validated MSE: {-search.best_score_:.4f}")
    print(f"test MSE of the best model: {-search.best_estimator_.score(X_test, y_test):.4f}")


if __name__ == "__main__":
    main()
