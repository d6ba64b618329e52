"""tf.keras 2's scikit-learn wrappers, which tutorials still use:
`keras.wrappers.scikit_learn.KerasRegressor(build_fn, **params)` and `KerasClassifier`.

Every keyword given (or set by a search) goes where it is accepted: to `build_fn` if it takes
it, else to `fit`, `predict` or `evaluate`; `fit(X, y, **kwargs)` passes the rest (epochs,
validation_data, callbacks, ...) to `model.fit`. `score` is the negated loss for a regressor and
the accuracy for a classifier, so that searches maximize it, as in tf.keras 2.

    >>> def build_model(n_hidden=1, n_neurons=30, learning_rate=3e-3, input_shape=(8,)):
    ...     model = keras.Sequential([keras.Input(input_shape)])
    ...     for _ in range(n_hidden):
    ...         model.add(keras.layers.Dense(n_neurons, activation="relu"))
    ...     model.add(keras.layers.Dense(1))
    ...     model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate))
    ...     return model
    >>> keras_reg = keras.wrappers.scikit_learn.KerasRegressor(build_model)
"""

import copy
import inspect

import numpy as np

from ._sklearn import BaseEstimator, ClassifierMixin, RegressorMixin, require_sklearn

__all__ = ["KerasClassifier", "KerasRegressor"]


def _accepts(fn, name):
    """Whether `fn` has a parameter `name` (not merely **kwargs, as tf.keras 2's has_arg)."""
    try:
        parameter = inspect.signature(fn).parameters.get(name)
    except (TypeError, ValueError):
        return False
    return parameter is not None and parameter.kind not in (
        parameter.VAR_POSITIONAL,
        parameter.VAR_KEYWORD,
    )


def _model_methods():
    from ..models import Model

    return Model.fit, Model.predict, Model.evaluate


class BaseWrapper(BaseEstimator):
    """The shared part of KerasRegressor and KerasClassifier.

    Args:
        build_fn: a function (or callable object) returning a compiled Keras model; None uses
            the wrapper's own `__call__`, for subclasses.
        **sk_params: arguments of `build_fn`, `fit`, `predict` or `evaluate`.

    Raises:
        ValueError: for a parameter none of them accepts.
    """

    def __init__(self, build_fn=None, **sk_params):
        require_sklearn(type(self).__name__)
        self.build_fn = build_fn
        self.sk_params = sk_params
        self.check_params(sk_params)

    def _build_target(self):
        if self.build_fn is None:
            return self.__call__
        return self.build_fn

    def check_params(self, params):
        """Raises ValueError for a parameter that nothing accepts."""
        targets = [*_model_methods(), self._build_target()]
        for name in params:
            if not any(_accepts(fn, name) for fn in targets):
                raise ValueError(f"{name} is not a legal parameter")

    def get_params(self, deep=True):
        """The parameters: `build_fn` and the `sk_params`."""
        return {**self.sk_params, "build_fn": self.build_fn}

    def set_params(self, **params):
        """Sets parameters (checked as in the constructor)."""
        build_fn = params.pop("build_fn", self.build_fn)
        self.build_fn = build_fn
        self.check_params(params)
        self.sk_params.update(params)
        return self

    def __sklearn_clone__(self):
        return type(self)(self.build_fn, **copy.deepcopy(self.sk_params))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        return tags

    def filter_sk_params(self, fn, override=None):
        """The `sk_params` that `fn` accepts, updated with `override`."""
        out = {name: value for name, value in self.sk_params.items() if _accepts(fn, name)}
        out.update(override or {})
        return out

    def fit(self, x, y, **kwargs):
        """Builds the model with `build_fn` and trains it; returns the History."""
        build = self._build_target()
        self.model = build(**self.filter_sk_params(build))
        y = np.asarray(y)
        loss = getattr(self.model.loss, "__name__", self.model.loss)
        if loss == "categorical_crossentropy" and y.ndim != 2:
            from ..utils import to_categorical

            y = to_categorical(y)
        fit, _, _ = _model_methods()
        fit_args = copy.deepcopy(self.filter_sk_params(fit))
        fit_args.update(kwargs)
        self.history_ = self.model.fit(x, y, **fit_args)
        return self.history_


class KerasRegressor(RegressorMixin, BaseWrapper):
    """A regressor (see BaseWrapper); `score` is -loss, `predict` drops a last axis of 1."""

    def predict(self, x, **kwargs):
        """The model's predictions, shape (n,) for one output."""
        _, predict, _ = _model_methods()
        kwargs = self.filter_sk_params(predict, {"verbose": 0, **kwargs})
        return np.squeeze(self.model.predict(x, **kwargs), axis=-1)

    def score(self, x, y, **kwargs):
        """The negated loss on (x, y) (greater is better, as scikit-learn's searches want)."""
        _, _, evaluate = _model_methods()
        kwargs = self.filter_sk_params(evaluate, {"verbose": 0, **kwargs})
        loss = self.model.evaluate(x, y, **kwargs)
        return -loss[0] if isinstance(loss, list) else -loss


class KerasClassifier(ClassifierMixin, BaseWrapper):
    """A classifier (see BaseWrapper): labels of any values, `predict` returns them,
    `predict_proba` the class probabilities, `score` the accuracy metric of the model."""

    def fit(self, x, y, **kwargs):
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] > 1:
            self.classes_ = np.arange(y.shape[1])
        elif (y.ndim == 2 and y.shape[1] == 1) or y.ndim == 1:
            self.classes_ = np.unique(y)
            y = np.searchsorted(self.classes_, y)
        else:
            raise ValueError(f"Invalid shape for y: {y.shape}")
        self.n_classes_ = len(self.classes_)
        return super().fit(x, y, **kwargs)

    def predict_proba(self, x, **kwargs):
        """The class probabilities (two columns for a single sigmoid output)."""
        _, predict, _ = _model_methods()
        probs = self.model.predict(x, **self.filter_sk_params(predict, {"verbose": 0, **kwargs}))
        if probs.shape[1] == 1:
            probs = np.hstack([1 - probs, probs])
        return probs

    def predict(self, x, **kwargs):
        """The predicted labels."""
        probs = self.predict_proba(x, **kwargs)
        return self.classes_[probs.argmax(axis=-1)]

    def score(self, x, y, **kwargs):
        """The model's accuracy on (x, y) (compile it with `metrics=["accuracy"]`).

        Raises:
            ValueError: if the model computes no accuracy.
        """
        _, _, evaluate = _model_methods()
        y = np.searchsorted(self.classes_, np.asarray(y))
        loss = getattr(self.model.loss, "__name__", self.model.loss)
        if loss == "categorical_crossentropy" and y.ndim != 2:
            from ..utils import to_categorical

            y = to_categorical(y, len(self.classes_))
        kwargs = self.filter_sk_params(evaluate, {"verbose": 0, **kwargs})
        logs = self.model.evaluate(x, y, return_dict=True, **kwargs)
        for name in ("accuracy", "acc"):
            if name in logs:
                return logs[name]
        raise ValueError(
            "The model is not configured to compute accuracy. You should pass "
            '`metrics=["accuracy"]` to the `model.compile()` method.'
        )
