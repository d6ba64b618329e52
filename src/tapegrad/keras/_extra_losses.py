"""The hinge, probabilistic and similarity losses of `keras.losses` (Keras 3's formulas).

`keras.losses` re-exports everything here; the functions return one value per sample, the
classes reduce as every Loss does. As for the other tapegrad losses, `y_true` of shape (n,)
against `y_pred` of shape (n, 1) is rank-matched, never broadcast to (n, n).
"""

import math

import numpy as np

import tapegrad as tf

from . import backend
from .loss import LossFunctionWrapper, _mean_last, _prepare

__all__ = [
    "CategoricalHinge",
    "CosineSimilarity",
    "Hinge",
    "KLDivergence",
    "LogCosh",
    "Poisson",
    "SquaredHinge",
    "categorical_hinge",
    "cosine_similarity",
    "hinge",
    "kl_divergence",
    "kld",
    "log_cosh",
    "logcosh",
    "poisson",
    "squared_hinge",
]


def _hinge_labels(y_true):
    """Labels in {0, 1} become {-1, 1}; labels already in {-1, 1} (or anything else) stay."""
    values = np.asarray(y_true)
    if np.all((values == 0) | (values == 1)):
        return tf.subtract(tf.multiply(y_true, 2.0), 1.0)
    return y_true


def hinge(y_true, y_pred):
    """mean(max(1 - y_true * y_pred, 0), axis=-1); 0/1 labels are first mapped to -1/1."""
    y_true, y_pred = _prepare(y_true, y_pred)
    margin = tf.subtract(1.0, tf.multiply(_hinge_labels(y_true), y_pred))
    return _mean_last(tf.maximum(margin, 0.0))


def squared_hinge(y_true, y_pred):
    """mean(max(1 - y_true * y_pred, 0) ** 2, axis=-1); 0/1 labels are first mapped to -1/1."""
    y_true, y_pred = _prepare(y_true, y_pred)
    margin = tf.subtract(1.0, tf.multiply(_hinge_labels(y_true), y_pred))
    return _mean_last(tf.square(tf.maximum(margin, 0.0)))


def categorical_hinge(y_true, y_pred):
    """max(neg - pos + 1, 0) with pos = sum(y_true * y_pred, -1) and
    neg = max((1 - y_true) * y_pred, -1), for one-hot labels."""
    y_true, y_pred = _prepare(y_true, y_pred)
    pos = tf.reduce_sum(tf.multiply(y_true, y_pred), axis=-1)
    neg = tf.reduce_max(tf.multiply(tf.subtract(1.0, y_true), y_pred), axis=-1)
    return tf.maximum(tf.add(tf.subtract(neg, pos), 1.0), 0.0)


def kl_divergence(y_true, y_pred):
    """sum(y_true * log(y_true / y_pred), axis=-1), both clipped to [epsilon, 1]."""
    y_true, y_pred = _prepare(y_true, y_pred)
    eps = backend.epsilon()
    y_true = tf.clip_by_value(y_true, eps, 1.0)
    y_pred = tf.clip_by_value(y_pred, eps, 1.0)
    return tf.reduce_sum(tf.multiply(y_true, tf.math.log(tf.divide(y_true, y_pred))), axis=-1)


def poisson(y_true, y_pred):
    """mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)."""
    y_true, y_pred = _prepare(y_true, y_pred)
    log_pred = tf.math.log(tf.add(y_pred, backend.epsilon()))
    return _mean_last(tf.subtract(y_pred, tf.multiply(y_true, log_pred)))


def log_cosh(y_true, y_pred):
    """mean(log(cosh(y_pred - y_true)), axis=-1), computed as x + softplus(-2x) - log(2) so
    that it does not overflow for large errors."""
    y_true, y_pred = _prepare(y_true, y_pred)
    x = tf.subtract(y_pred, y_true)
    value = tf.subtract(tf.add(x, tf.nn.softplus(tf.multiply(x, -2.0))), math.log(2.0))
    return _mean_last(value)


def l2_normalize(x, axis=-1):
    """x / ||x|| along `axis` as Keras's `ops.normalize` computes it: x * min(rsqrt(sum(x^2)),
    1 / epsilon), so a zero vector stays zero."""
    inv_norm = tf.math.rsqrt(tf.reduce_sum(tf.square(x), axis=axis, keepdims=True))
    return tf.multiply(x, tf.minimum(inv_norm, 1.0 / backend.epsilon()))


def cosine_similarity(y_true, y_pred, axis=-1):
    """-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis): -1 for parallel vectors, 0 for
    orthogonal ones (a loss, hence the sign; `keras.metrics.cosine_similarity` has none)."""
    y_true, y_pred = _prepare(y_true, y_pred)
    products = tf.multiply(l2_normalize(y_true, axis), l2_normalize(y_pred, axis))
    return tf.negative(tf.reduce_sum(products, axis=axis))


kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh


class Hinge(LossFunctionWrapper):
    """Mean of max(1 - y_true * y_pred, 0), labels in {-1, 1} (0/1 labels are converted)."""

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, reduction=reduction, name=name, dtype=dtype)


class SquaredHinge(LossFunctionWrapper):
    """Mean of max(1 - y_true * y_pred, 0) ** 2, labels in {-1, 1} (0/1 labels converted)."""

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, reduction=reduction, name=name, dtype=dtype)


class CategoricalHinge(LossFunctionWrapper):
    """max(neg - pos + 1, 0) for one-hot labels (see `categorical_hinge`)."""

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, reduction=reduction, name=name, dtype=dtype)


class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence of y_pred from y_true (both probability vectors)."""

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, reduction=reduction, name=name, dtype=dtype)


class Poisson(LossFunctionWrapper):
    """Mean of y_pred - y_true * log(y_pred + epsilon)."""

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(poisson, reduction=reduction, name=name, dtype=dtype)


class LogCosh(LossFunctionWrapper):
    """Mean of log(cosh(y_pred - y_true)): about x ** 2 / 2 for small errors, |x| - log(2) for
    large ones."""

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(log_cosh, reduction=reduction, name=name, dtype=dtype)


class CosineSimilarity(LossFunctionWrapper):
    """The negative cosine similarity of y_true and y_pred along `axis`."""

    def __init__(
        self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity", dtype=None
    ):
        super().__init__(cosine_similarity, reduction=reduction, name=name, dtype=dtype, axis=axis)


# Keras's names for `keras.losses.get`: the functions (plus its aliases and tf.keras 2's) and
# the classes.
FUNCTIONS = {
    "hinge": hinge,
    "squared_hinge": squared_hinge,
    "categorical_hinge": categorical_hinge,
    "kl_divergence": kl_divergence,
    "kld": kl_divergence,
    "KLD": kl_divergence,
    "kullback_leibler_divergence": kl_divergence,
    "poisson": poisson,
    "log_cosh": log_cosh,
    "logcosh": log_cosh,
    "cosine_similarity": cosine_similarity,
}
CLASSES = {
    c.__name__: c
    for c in (
        Hinge,
        SquaredHinge,
        CategoricalHinge,
        KLDivergence,
        Poisson,
        LogCosh,
        CosineSimilarity,
    )
}
