"""`keras.wrappers`: Keras models as scikit-learn estimators, with Keras 3's signatures.

`SKLearnRegressor`, `SKLearnClassifier` and `SKLearnTransformer` take `model=` (a callable
building a compiled model from `X`, `y` and `model_kwargs`, or a compiled Model), plus
`fit_kwargs`. The tf.keras 2 wrappers `keras.wrappers.scikit_learn.KerasRegressor(build_fn,
**params)` and `KerasClassifier` are in `keras.wrappers.scikit_learn`. All work with
`GridSearchCV`, `RandomizedSearchCV`, pipelines and joblib (and so Dask), and pickle. They need
scikit-learn: `pip install "tapegrad[sklearn]"`.

    >>> def build(X, y, units=16):
    ...     model = keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(units),
    ...                               keras.layers.Dense(1)])
    ...     model.compile("adam", "mse")
    ...     return model
    >>> reg = keras.wrappers.SKLearnRegressor(build, model_kwargs={"units": 8},
    ...                                       fit_kwargs={"epochs": 5, "verbose": 0})
"""

import copy

import numpy as np

from ._sklearn import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    TargetReshaper,
    TransformerMixin,
    check_model,
    require_sklearn,
)

__all__ = ["SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer", "scikit_learn"]


def _validate(estimator, X, y=None, reset=True):
    from sklearn.utils.validation import validate_data

    if y is None:
        return validate_data(estimator, X, reset=reset)
    return validate_data(estimator, X, y, reset=reset)


class SKLBase(BaseEstimator):
    """The shared estimator: builds the model on `fit`, trains it, predicts with it.

    Args:
        model: a callable `model(X=..., y=..., **model_kwargs)` returning a compiled Keras
            model, or a compiled Model (copied on each fit, so the original stays as it is).
        warm_start: accepted for Keras's signature (each fit builds a new model).
        model_kwargs: keyword arguments of `model` (searched over by GridSearchCV as one dict).
        fit_kwargs: keyword arguments of `model.fit` (epochs, batch_size, callbacks, ...);
            those given to `fit` itself override them.
    """

    def __init__(self, model, warm_start=False, model_kwargs=None, fit_kwargs=None):
        require_sklearn(type(self).__name__)
        self.model = model
        self.warm_start = warm_start
        self.model_kwargs = model_kwargs
        self.fit_kwargs = fit_kwargs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        return tags

    def __sklearn_clone__(self):
        # As Keras's, but keeping fit_kwargs (Keras 3.15's clone drops them, so a search
        # would train its candidates with fit's defaults).
        model = self.model if callable(self.model) else copy.deepcopy(self.model)
        return type(self)(
            model=model,
            warm_start=self.warm_start,
            model_kwargs=self.model_kwargs,
            fit_kwargs=self.fit_kwargs,
        )

    @property
    def epoch_(self):
        """The number of epochs trained (from `history_`)."""
        return len(getattr(getattr(self, "history_", None), "epoch", []))

    def _get_model(self, X, y):
        from ..models import Model

        if isinstance(self.model, Model):
            return copy.deepcopy(self.model)
        return self.model(X=X, y=y, **(self.model_kwargs or {}))

    def fit(self, X, y, **kwargs):
        """Builds a new model and trains it on (X, y); `kwargs` go to `model.fit`.

        Returns:
            self, with `model_` (the trained model) and `history_` (its History).
        """
        X, y = _validate(self, X, y)
        y = self._process_target(y, reset=True)
        model = self._get_model(X, y)
        check_model(model)
        fit_kwargs = {**(self.fit_kwargs or {}), **kwargs}
        self.history_ = model.fit(X, y, **fit_kwargs)
        self.model_ = model
        return self

    def predict(self, X):
        """The trained model's predictions, in the targets' shape."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        X = _validate(self, X, reset=False)
        return self._target_encoder.inverse_transform(self.model_.predict(X, verbose=0))

    def _process_target(self, y, reset=False):
        from sklearn.utils.multiclass import type_of_target

        if type_of_target(y) == "unknown":
            raise ValueError(f"Unknown label type for data: {y!r}")
        if reset:
            self._target_encoder = TargetReshaper().fit(y)
        return self._target_encoder.transform(y)


class SKLearnClassifier(ClassifierMixin, SKLBase):
    """A Keras classifier as a scikit-learn classifier: labels are one-hot encoded for the
    model (build it with a softmax over `len(classes)` outputs), `predict` gives labels back."""

    def decision_function(self, X):
        """The model's raw outputs (class scores)."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        return self.model_.predict(_validate(self, X, reset=False), verbose=0)

    def _process_target(self, y, reset=False):
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import OneHotEncoder
        from sklearn.utils.multiclass import type_of_target

        target_type = type_of_target(y)
        if target_type not in ("binary", "multiclass"):
            raise ValueError(
                f"Only binary and multiclass target types are supported. Target type: {target_type}"
            )
        if reset:
            self._target_encoder = make_pipeline(
                TargetReshaper(), OneHotEncoder(sparse_output=False)
            ).fit(y)
            self.classes_ = np.unique(y)
            if len(self.classes_) == 1:
                raise ValueError("Classifier can't train when only one class is present.")
        return self._target_encoder.transform(y)


class SKLearnRegressor(RegressorMixin, SKLBase):
    """A Keras regressor as a scikit-learn regressor (`score` is R^2)."""


class SKLearnTransformer(TransformerMixin, SKLBase):
    """A Keras model as a scikit-learn transformer: `transform` returns its outputs (an
    encoder's embedding, say)."""

    def transform(self, X):
        """The trained model's outputs."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        return self.model_.predict(_validate(self, X, reset=False), verbose=0)


def __getattr__(name):
    if name == "scikit_learn":
        import importlib

        return importlib.import_module(f"{__name__}.scikit_learn")
    raise AttributeError(f"module 'keras.wrappers' has no attribute {name!r}")
