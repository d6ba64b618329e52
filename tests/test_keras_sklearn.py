"""keras.wrappers: Keras 3's SKLearn* estimators and tf.keras 2's KerasRegressor/KerasClassifier
in scikit-learn's searches, pickled, in joblib worker processes and on a Dask LocalCluster with
two worker processes (the same results as n_jobs=1)."""

import pickle
import sys

import numpy as np
import pytest

from tapegrad import keras

RNG = np.random.default_rng(0)
X = RNG.normal(size=(240, 8)).astype("float32")
Y = (2 * X[:, 0] - X[:, 1] + 0.1 * RNG.normal(size=240)).astype("float32")
X_VALID, Y_VALID = X[:40], Y[:40]


def build_model(n_hidden=1, n_neurons=30, learning_rate=3e-3, input_shape=(8,)):
    """The book's builder; seeded, so that a fit gives the same model in any process."""
    keras.utils.set_random_seed(42)
    model = keras.models.Sequential()
    model.add(keras.layers.InputLayer(input_shape=input_shape))
    for _ in range(n_hidden):
        model.add(keras.layers.Dense(n_neurons, activation="relu"))
    model.add(keras.layers.Dense(1))
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=learning_rate))
    return model


def build_classifier(X, y, units=8):
    keras.utils.set_random_seed(1)
    model = keras.Sequential(
        [
            keras.Input((X.shape[1],)),
            keras.layers.Dense(units, "relu"),
            keras.layers.Dense(y.shape[1], activation="softmax"),
        ]
    )
    model.compile("adam", "categorical_crossentropy", metrics=["accuracy"])
    return model


def build_regressor(X, y, units=8):
    keras.utils.set_random_seed(2)
    model = keras.Sequential(
        [keras.Input((X.shape[1],)), keras.layers.Dense(units, "tanh"), keras.layers.Dense(1)]
    )
    model.compile(keras.optimizers.Adam(0.02), "mse")
    return model


def test_without_scikit_learn_the_wrappers_say_what_to_install(monkeypatch):
    from tapegrad.keras.wrappers import _sklearn

    monkeypatch.setattr(_sklearn, "sklearn", None)
    with pytest.raises(ImportError, match=r'pip install "tapegrad\[sklearn\]"'):
        keras.wrappers.SKLearnRegressor(build_regressor)
    with pytest.raises(ImportError, match="KerasRegressor requires scikit-learn"):
        keras.wrappers.scikit_learn.KerasRegressor(build_model)


@pytest.fixture(autouse=True)
def _needs_sklearn(request):
    if request.node.name != "test_without_scikit_learn_the_wrappers_say_what_to_install":
        pytest.importorskip("sklearn")


def clone(estimator):
    from sklearn.base import clone as sklearn_clone

    return sklearn_clone(estimator)


def _fit_args():
    return {
        "epochs": 3,
        "validation_data": (X_VALID, Y_VALID),
        "verbose": 0,
        "callbacks": [keras.callbacks.EarlyStopping(patience=10)],
    }


def test_keras_regressor_as_in_the_tutorials():
    keras_reg = keras.wrappers.scikit_learn.KerasRegressor(build_model)
    history = keras_reg.fit(X, Y, **_fit_args())
    assert len(history.history["val_loss"]) == 3
    mse = keras_reg.model.evaluate(X_VALID, Y_VALID, verbose=0)
    assert keras_reg.score(X_VALID, Y_VALID) == pytest.approx(-mse)
    assert keras_reg.predict(X_VALID[:3]).shape == (3,)
    params = keras_reg.set_params(n_hidden=2, epochs=2).get_params()
    assert params["n_hidden"] == 2 and params["build_fn"] is build_model
    assert clone(keras_reg).get_params()["n_hidden"] == 2
    with pytest.raises(ValueError, match="n_layers is not a legal parameter"):
        keras.wrappers.scikit_learn.KerasRegressor(build_model, n_layers=3)


def test_randomized_search_over_the_build_function_with_fit_arguments():
    keras_reg = keras.wrappers.scikit_learn.KerasRegressor(build_model)
    distributions = {
        "n_hidden": [0, 1, 2],
        "n_neurons": np.arange(1, 40),
        "learning_rate": [3e-3, 1e-2, 3e-2],
    }
    from sklearn.model_selection import RandomizedSearchCV

    search = RandomizedSearchCV(keras_reg, distributions, n_iter=4, cv=3, random_state=0)
    search.fit(X, Y, **_fit_args())
    assert set(search.best_params_) == {"n_hidden", "n_neurons", "learning_rate"}
    assert np.isfinite(search.best_score_)
    best = search.best_estimator_
    assert best.model.layers and best.score(X_VALID, Y_VALID) <= 0
    again = pickle.loads(pickle.dumps(best))
    assert again.score(X_VALID, Y_VALID) == pytest.approx(best.score(X_VALID, Y_VALID))


def test_keras_classifier_with_string_labels():
    labels = np.array(["low", "mid", "high"])[(X[:, 0] > -0.5).astype(int) + (X[:, 0] > 0.5)]

    def build(units=16):
        return build_classifier(X, np.zeros((1, 3)), units)

    clf = keras.wrappers.scikit_learn.KerasClassifier(build, epochs=20, verbose=0)
    clf.fit(X, labels)
    assert set(clf.classes_) == {"low", "mid", "high"}
    assert clf.predict(X[:4]).dtype.kind == "U" and clf.predict_proba(X[:4]).shape == (4, 3)
    accuracy = clf.score(X, labels)
    assert accuracy == pytest.approx((clf.predict(X) == labels).mean(), abs=1e-6)
    assert accuracy > 0.6


def test_sklearn_estimators_of_keras_3():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    reg = keras.wrappers.SKLearnRegressor(
        build_regressor, model_kwargs={"units": 4}, fit_kwargs={"epochs": 30, "verbose": 0}
    )
    pipeline = make_pipeline(StandardScaler(), reg).fit(X, Y)
    assert pipeline.score(X, Y) > 0.8
    fitted = pipeline[-1]
    assert fitted.predict(X[:5]).shape == (5,) and fitted.epoch_ == 30
    assert clone(reg).get_params() == reg.get_params()  # fit_kwargs kept by clone
    labels = (X[:, 0] > 0).astype(int)
    clf = keras.wrappers.SKLearnClassifier(
        build_classifier, fit_kwargs={"epochs": 20, "verbose": 0}
    )
    clf.fit(X, labels)
    assert list(clf.classes_) == [0, 1] and clf.score(X, labels) > 0.8
    assert clf.decision_function(X[:2]).shape == (2, 2)

    def encoder(X, y):
        model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(3)])
        model.compile("sgd", "mse")
        return model

    transformer = keras.wrappers.SKLearnTransformer(encoder, fit_kwargs={"verbose": 0})
    assert transformer.fit(X, Y).transform(X[:4]).shape == (4, 3)
    compiled = build_regressor(X, Y)
    from_instance = keras.wrappers.SKLearnRegressor(compiled, fit_kwargs={"verbose": 0})
    from_instance.fit(X, Y)
    assert from_instance.model_ is not compiled  # each fit trains a copy
    with pytest.raises(RuntimeError, match="needs to be compiled"):
        keras.wrappers.SKLearnRegressor(lambda X, y: keras.Sequential([keras.layers.Dense(1)])).fit(
            X, Y
        )


def _grid_search(n_jobs):
    from sklearn.model_selection import GridSearchCV

    reg = keras.wrappers.SKLearnRegressor(
        build_regressor, fit_kwargs={"epochs": 4, "verbose": 0, "shuffle": False}
    )
    grid = {"model_kwargs": [{"units": 2}, {"units": 4}, {"units": 8}]}
    return GridSearchCV(reg, grid, cv=2, n_jobs=n_jobs).fit(X, Y)


def _same_results(a, b):
    np.testing.assert_allclose(
        a.cv_results_["mean_test_score"], b.cv_results_["mean_test_score"], rtol=1e-5
    )
    assert a.best_params_ == b.best_params_


def test_dask_local_cluster_gives_the_results_of_one_process():
    distributed = pytest.importorskip("distributed")
    import joblib

    pytest.importorskip("cloudpickle").register_pickle_by_value(sys.modules[__name__])
    serial = _grid_search(1)
    # Workers forked from this process start in a fraction of a second (spawned ones import
    # everything again: 8 s on the 2-core CI machine); they are processes all the same.
    dask = pytest.importorskip("dask")
    with (
        dask.config.set({"distributed.worker.multiprocessing-method": "fork"}),
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        assert len(client.scheduler_info()["workers"]) == 2
        with joblib.parallel_backend("dask"):
            parallel = _grid_search(-1)
        workers = client.run(lambda: __import__("os").getpid())
    _same_results(serial, parallel)
    assert len(set(workers.values())) == 2
