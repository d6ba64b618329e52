"""Keras's metric functions (`keras.metrics.binary_accuracy`, ...) and the Mean wrappers of
them and of the losses: top-k accuracies, cosine similarity, MAPE, MSLE, hinge, KL divergence,
Poisson and log-cosh.

The accuracy functions take arrays or tensors and return one float32 value per sample, as
Keras's do; the metric classes compute the same values in NumPy, off any tape.
"""

import numpy as np

import tapegrad as tf

from .. import losses as _losses
from ..metric import (
    MeanMetricWrapper,
    _np_binary_accuracy,
    _np_categorical_accuracy,
    _np_sparse_categorical_accuracy,
    same_rank,
)

__all__ = [
    "CategoricalHinge",
    "CosineSimilarity",
    "Hinge",
    "KLDivergence",
    "LogCoshError",
    "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError",
    "Poisson",
    "SparseTopKCategoricalAccuracy",
    "SquaredHinge",
    "TopKCategoricalAccuracy",
    "binary_accuracy",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
    "sparse_top_k_categorical_accuracy",
    "top_k_categorical_accuracy",
]


def _np(x, dtype=np.float32):
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x, dtype=dtype)


def _in_top_k(targets, predictions, k):
    # tf.math.in_top_k: the target's score is among the k largest, ties counted in its favour
    # (a target tied with the k-th score is in), and a non-finite score is never in.
    target_scores = np.take_along_axis(predictions, targets[:, None].astype(np.int64), -1)
    above = (predictions > target_scores).sum(-1)
    return (above < k) & np.isfinite(target_scores[:, 0])


# -- NumPy values: what the metric classes average ---------------------------------------------


def _np_top_k(y_true, y_pred, k=5):
    labels = np.argmax(y_true, -1)
    shape = labels.shape
    matches = _in_top_k(labels.reshape(-1), y_pred.reshape(-1, y_pred.shape[-1]), k)
    return matches.astype(np.float32).reshape(shape)


def _np_sparse_top_k(y_true, y_pred, k=5, from_sorted_ids=False):
    shape = y_true.shape
    labels = y_true.reshape(-1)
    if from_sorted_ids:  # y_pred holds class ids, best first
        matches = (labels[:, None] == y_pred.reshape(labels.size, -1)[:, :k]).any(1)
    else:
        matches = _in_top_k(labels.astype(np.int64), y_pred.reshape(-1, y_pred.shape[-1]), k)
    return matches.astype(np.float32).reshape(shape)


def _np_cosine_similarity(y_true, y_pred, axis=-1):
    def normalize(x):
        with np.errstate(divide="ignore"):
            inv = 1.0 / np.sqrt(np.sum(x * x, axis=axis, keepdims=True))
        return x * np.minimum(inv, x.dtype.type(1e7))

    return np.sum(normalize(y_true) * normalize(y_pred), axis=axis)


# -- the public functions: tensors in, tensors out ---------------------------------------------


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where (y_pred > threshold) equals the 0/1 label, else 0.0."""
    y_true, y_pred = same_rank(_np(y_true), _np(y_pred))
    return tf.constant(_np_binary_accuracy(y_true, y_pred, threshold))


def categorical_accuracy(y_true, y_pred):
    """1.0 where argmax(y_pred) equals argmax(y_true) (one-hot labels), else 0.0."""
    return tf.constant(_np_categorical_accuracy(_np(y_true), _np(y_pred)))


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where argmax(y_pred) equals the integer label, else 0.0."""
    return tf.constant(_np_sparse_categorical_accuracy(_np(y_true), _np(y_pred)))


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot label's class is among the k highest predictions, else 0.0."""
    return tf.constant(_np_top_k(_np(y_true), _np(y_pred), k))


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1.0 where the integer label is among the k highest predictions (or, with
    `from_sorted_ids`, among the first k class ids of y_pred), else 0.0."""
    y_true = _np(y_true, np.int64)
    if y_true.ndim == np.ndim(y_pred) and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    return tf.constant(_np_sparse_top_k(y_true, _np(y_pred), k, from_sorted_ids))


class _NumpyMean(MeanMetricWrapper):
    """A MeanMetricWrapper of a NumPy function of rank-matched float arrays."""

    def __init__(self, fn, name, dtype, **kwargs):
        super().__init__(fn, name=name, dtype=dtype, **kwargs)
        self._numpy_fn = True

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, **self._fn_kwargs}


class TopKCategoricalAccuracy(_NumpyMean):
    """How often the one-hot label's class is among the `k` highest predictions."""

    _direction = "up"

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(_np_top_k, name, dtype, k=k)
        self.k = k


class SparseTopKCategoricalAccuracy(_NumpyMean):
    """How often the integer label is among the `k` highest predictions (or, with
    `from_sorted_ids`, among the first `k` class ids given)."""

    _direction = "up"

    def __init__(
        self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None, from_sorted_ids=False
    ):
        super().__init__(_np_sparse_top_k, name, dtype, k=k, from_sorted_ids=from_sorted_ids)
        self.k = k
        self.from_sorted_ids = from_sorted_ids

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = self._array("y_true", y_true)
        if y_true.ndim == np.ndim(y_pred) and y_true.shape[-1] == 1:
            y_true = y_true[..., 0]
        super().update_state(y_true, y_pred, sample_weight)

    def get_config(self):
        config = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config


class CosineSimilarity(_NumpyMean):
    """The mean cosine similarity of y_true and y_pred along `axis` (1 for parallel vectors)."""

    _direction = "up"

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(_np_cosine_similarity, name, dtype, axis=axis)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class _LossMean(MeanMetricWrapper):
    """The mean of a `keras.losses` function over all samples seen."""

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class MeanAbsolutePercentageError(_LossMean):
    """The mean of 100 * |(y_true - y_pred) / y_true| (`keras.losses.MAPE`)."""

    _direction = "down"

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(_losses.mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(_LossMean):
    """The mean of (log(1 + y_pred) - log(1 + y_true)) ** 2 (`keras.losses.MSLE`)."""

    _direction = "down"

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(_losses.mean_squared_logarithmic_error, name=name, dtype=dtype)


class Hinge(_LossMean):
    """The mean hinge loss, labels in {-1, 1} (or {0, 1}, converted)."""

    _direction = "down"

    def __init__(self, name="hinge", dtype=None):
        super().__init__(_losses.hinge, name=name, dtype=dtype)


class SquaredHinge(_LossMean):
    """The mean squared hinge loss, labels in {-1, 1} (or {0, 1}, converted)."""

    _direction = "down"

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(_losses.squared_hinge, name=name, dtype=dtype)


class CategoricalHinge(_LossMean):
    """The mean categorical hinge loss of one-hot labels."""

    _direction = "down"

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(_losses.categorical_hinge, name=name, dtype=dtype)


class KLDivergence(_LossMean):
    """The mean Kullback-Leibler divergence of y_pred from y_true."""

    _direction = "down"

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(_losses.kl_divergence, name=name, dtype=dtype)


class Poisson(_LossMean):
    """The mean of y_pred - y_true * log(y_pred + epsilon)."""

    _direction = "down"

    def __init__(self, name="poisson", dtype=None):
        super().__init__(_losses.poisson, name=name, dtype=dtype)


class LogCoshError(_LossMean):
    """The mean of log(cosh(y_pred - y_true)); Keras names it "logcosh"."""

    _direction = "down"

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(_losses.log_cosh, name=name, dtype=dtype)
