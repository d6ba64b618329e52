"""What the scikit-learn wrappers share: scikit-learn's base classes when it is installed (an
error naming the extra to install when it is not), and the target reshaping of Keras 3's."""

import numpy as np

try:
    import sklearn
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin
except ImportError:  # the wrappers then refuse to be made, naming the extra
    sklearn = None

    class BaseEstimator:
        pass

    class ClassifierMixin:
        pass

    class RegressorMixin:
        pass

    class TransformerMixin:
        pass


__all__ = [
    "BaseEstimator",
    "ClassifierMixin",
    "RegressorMixin",
    "TargetReshaper",
    "TransformerMixin",
    "require_sklearn",
]


def require_sklearn(name):
    """Raises ImportError naming the extra if scikit-learn is not installed."""
    if sklearn is None:
        raise ImportError(
            f'{name} requires scikit-learn: pip install "tapegrad[sklearn]" (or pip install '
            "scikit-learn)."
        )


def check_model(model):
    """Raises if `model` is not compiled with a loss and an optimizer (Keras's message)."""
    if not getattr(model, "compiled", False) or not model.loss or not model.optimizer:
        raise RuntimeError("Given model needs to be compiled, and have a loss and an optimizer.")


class TargetReshaper(TransformerMixin, BaseEstimator):
    """Makes 1-D targets a column for Keras and gives predictions back their rank."""

    def fit(self, y):
        self.ndim_ = y.ndim
        return self

    def transform(self, y):
        return y.reshape(-1, 1) if y.ndim == 1 else y

    def inverse_transform(self, y):
        if self.ndim_ == 1 and y.ndim == 2:
            return np.squeeze(y, axis=1)
        return y
