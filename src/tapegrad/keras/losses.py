"""`keras.losses`: loss functions (per-sample values) and Loss classes (reduced to a scalar).

A function such as `mean_squared_error(y_true, y_pred)` averages over the last axis and returns
one value per sample. A class such as `MeanSquaredError()` also weights by `sample_weight` and
reduces: "sum_over_batch_size" (the default: the sum divided by the number of values), "sum",
"mean_with_sample_weight" (divided by the sum of the weights) or "none".

`y_true` of shape (n,) against `y_pred` of shape (n, 1) is rank-matched as Keras does (a last
axis of size 1 is added or dropped), never broadcast to (n, n).
"""

import warnings

import numpy as np

import tapegrad as tf

from . import _extra_losses, _focal_losses, backend
from ._extra_losses import (
    KLD,
    CategoricalHinge,
    CosineSimilarity,
    Hinge,
    KLDivergence,
    LogCosh,
    Poisson,
    SquaredHinge,
    categorical_hinge,
    cosine_similarity,
    hinge,
    kl_divergence,
    kld,
    kullback_leibler_divergence,
    log_cosh,
    logcosh,
    poisson,
    squared_hinge,
)
from .loss import (
    Loss,
    LossFunctionWrapper,
    _as_array,
    _mean_last,
    _pred,
    _prepare,
    _true,
)

__all__ = [
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "Huber",
    "Loss",
    "LossFunctionWrapper",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "SparseCategoricalCrossentropy",
    "binary_crossentropy",
    "categorical_crossentropy",
    "deserialize",
    "get",
    "huber",
    "mae",
    "mape",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "mse",
    "msle",
    "serialize",
    "sparse_categorical_crossentropy",
]


def mean_squared_error(y_true, y_pred):
    """mean((y_true - y_pred) ** 2, axis=-1)."""
    y_true, y_pred = _prepare(y_true, y_pred)
    return _mean_last(tf.square(tf.subtract(y_pred, y_true)))


def mean_absolute_error(y_true, y_pred):
    """mean(|y_true - y_pred|, axis=-1)."""
    y_true, y_pred = _prepare(y_true, y_pred)
    return _mean_last(tf.abs(tf.subtract(y_pred, y_true)))


def mean_absolute_percentage_error(y_true, y_pred):
    """100 * mean(|(y_true - y_pred) / max(|y_true|, epsilon)|, axis=-1)."""
    y_true, y_pred = _prepare(y_true, y_pred)
    diff = tf.abs(
        tf.divide(tf.subtract(y_true, y_pred), tf.maximum(tf.abs(y_true), backend.epsilon()))
    )
    return tf.multiply(_mean_last(diff), 100.0)


def mean_squared_logarithmic_error(y_true, y_pred):
    """mean((log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1)) ** 2, axis=-1)."""
    y_true, y_pred = _prepare(y_true, y_pred)
    eps = backend.epsilon()
    first = tf.math.log(tf.add(tf.maximum(y_pred, eps), 1.0))
    second = tf.math.log(tf.add(tf.maximum(y_true, eps), 1.0))
    return _mean_last(tf.square(tf.subtract(first, second)))


def huber(y_true, y_pred, delta=1.0):
    """mean(0.5 e ** 2 if |e| <= delta else delta * |e| - 0.5 delta ** 2, axis=-1),
    e = y_pred - y_true."""
    y_true, y_pred = _prepare(y_true, y_pred)
    error = tf.subtract(y_pred, y_true)
    abs_error = tf.abs(error)
    quadratic = tf.multiply(tf.square(error), 0.5)
    linear = tf.subtract(tf.multiply(abs_error, float(delta)), 0.5 * float(delta) ** 2)
    return _mean_last(tf.where(abs_error <= float(delta), quadratic, linear))


# -- cross-entropies: Keras 3's order of operations on its TensorFlow backend ---------------------


def _check_axis(fn, axis):
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise ValueError(  # noqa: TRY004 - Keras raises ValueError
            f"{fn}: `axis` must be of type `int`. Received: axis={axis!r} of type "
            f"{type(axis).__name__}"
        )


def _check_same_shape(fn, y_true, y_pred, hint=""):
    t, p = tuple(y_true.shape), tuple(y_pred.shape)
    if t != p:
        what = "rank (ndim)" if len(t) != len(p) else "shape"
        raise ValueError(
            f"{fn}: y_true and y_pred must have the same {what}, got y_true.shape={t} and "
            f"y_pred.shape={p}. Pass labels of the predictions' shape{hint}."
        )


def _logits(y_pred, from_logits, fn, activation):
    """(tensor, from_logits) as Keras's `_get_logits`: probabilities made by the softmax or
    sigmoid activation are replaced by the logits they came from (whichever of the two made
    them, as in Keras), with a warning if `from_logits` was already set."""
    logits = backend.logits_of(y_pred)
    if logits is None:
        return y_pred, from_logits
    if from_logits:
        warnings.warn(
            f"`{fn}` received `from_logits=True`, but the `output` argument was produced by a "
            f"{activation} activation and thus does not represent logits. Was this intended?",
            stacklevel=3,
        )
    return _pred(logits), True


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """mean(-(z log p + (1 - z) log(1 - p)), axis), p clipped to [eps, 1 - eps]; with
    `from_logits`, p = sigmoid(y_pred) computed without overflow.

    As in Keras: labels are smoothed towards 0.5 first, `y_true` and `y_pred` must have the same
    shape (the Loss class matches ranks that differ by a last axis of size 1), and
    probabilities made by the sigmoid activation are scored from their logits.

    Raises:
        ValueError: if the shapes differ.
    """
    y_pred = _pred(y_pred)
    y_true = _true(y_true, y_pred.dtype)
    if label_smoothing:
        y_true = tf.add(tf.multiply(y_true, 1.0 - label_smoothing), 0.5 * label_smoothing)
    _check_same_shape("binary_crossentropy", y_true, y_pred)
    output, from_logits = _logits(y_pred, from_logits, "binary_crossentropy", "Sigmoid")
    if from_logits:
        bce = tf.nn.sigmoid_cross_entropy_with_logits(labels=y_true, logits=output)
    else:
        eps = backend.epsilon()
        p = tf.clip_by_value(output, eps, 1.0 - eps)
        bce = tf.negative(
            tf.add(
                tf.multiply(y_true, tf.math.log(p)),
                tf.multiply(tf.subtract(1.0, y_true), tf.math.log(tf.subtract(1.0, p))),
            )
        )
    return tf.reduce_mean(bce, axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """-sum(y_true * log(p), axis): p = y_pred divided by its sum along `axis`, then clipped to
    [eps, 1 - eps] (Keras's order), or p = softmax(y_pred) with `from_logits`.

    As in Keras, label smoothing spreads over the size of the last axis whatever `axis` is, and
    probabilities made by the softmax activation are scored from their logits.

    Raises:
        ValueError: if the shapes differ, or `axis` is not an int.
    """
    _check_axis("categorical_crossentropy", axis)
    y_pred = _pred(y_pred)
    y_true = _true(y_true, y_pred.dtype)
    if y_pred.ndim and y_pred.shape[-1] == 1:
        warnings.warn(
            "In loss categorical_crossentropy, expected y_pred.shape to be (batch_size, "
            f"num_classes) with num_classes > 1. Received: y_pred.shape={tuple(y_pred.shape)}. "
            "Consider using 'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            stacklevel=2,
        )
    if label_smoothing and y_true.ndim:
        k = y_true.shape[-1]
        y_true = tf.add(tf.multiply(y_true, 1.0 - label_smoothing), label_smoothing / k)
    if not y_true.ndim:
        raise ValueError(
            "categorical_crossentropy: y_true and y_pred must be at least rank 1, got "
            f"y_true.shape={tuple(y_true.shape)} and y_pred.shape={tuple(y_pred.shape)}"
        )
    _check_same_shape(
        "categorical_crossentropy",
        y_true,
        y_pred,
        "; for integer class labels use sparse_categorical_crossentropy",
    )
    output, from_logits = _logits(y_pred, from_logits, "categorical_crossentropy", "Softmax")
    if from_logits:
        log_p = tf.nn.log_softmax(output, axis=axis)
    else:
        eps = backend.epsilon()
        p = tf.divide(output, tf.reduce_sum(output, axis=axis, keepdims=True))
        log_p = tf.math.log(tf.clip_by_value(p, eps, 1.0 - eps))
    return tf.negative(tf.reduce_sum(tf.multiply(y_true, log_p), axis=axis))


def _integer_labels(fn, y_true, y_pred, axis):
    """Labels as an int64 tensor of y_pred's shape without `axis` (a size-1 axis dropped). Only
    shapes and dtypes are checked here: a traced function's labels are not read (take_labels
    checks their range at every call)."""
    if isinstance(y_true, tf.Variable):
        y_true = tf.convert_to_tensor(y_true)
    labels = y_true if tf.is_tensor(y_true) else tf.constant(_as_array("y_true", y_true))
    if not (labels.dtype.is_integer or labels.dtype.is_floating or labels.dtype.is_bool):
        raise TypeError(
            f"{fn}: labels must be integer class indices, got dtype {labels.dtype.name}"
        )
    shape = tuple(labels.shape)
    if len(shape) == y_pred.ndim and shape and shape[axis] == 1:
        labels = tf.squeeze(labels, axis)
    expected = tuple(d for i, d in enumerate(y_pred.shape) if i != axis)
    if tuple(labels.shape) != expected:
        raise ValueError(
            f"{fn}: y_true must have the shape of y_pred without its class axis {axis}, got "
            f"y_true.shape={shape} and y_pred.shape={tuple(y_pred.shape)}. For "
            "one-hot labels use categorical_crossentropy."
        )
    return labels if labels.dtype == tf.int64 else tf.cast(labels, tf.int64)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """-log(p[label]) for integer labels: p = softmax(log(clip(y_pred, eps, 1 - eps))) (Keras's
    order: clipped, then normalized), or p = softmax(y_pred) with `from_logits`. Labels equal
    to `ignore_class` give 0 (and the Loss class averages over the other labels only).

    Raises:
        ValueError: if the shapes do not fit, or `axis` is not an int.
        InvalidArgumentError: if a label is outside [0, number of classes).
    """
    fn = "sparse_categorical_crossentropy"
    _check_axis(fn, axis)
    y_pred = _pred(y_pred)
    if not y_pred.ndim:
        raise ValueError(f"{fn}: y_pred must be at least rank 1, got shape {tuple(y_pred.shape)}")
    axis = axis % y_pred.ndim
    labels = _integer_labels(fn, y_true, y_pred, axis)
    valid = None
    if ignore_class is not None:
        valid = tf.not_equal(labels, ignore_class)
        labels = tf.where(valid, labels, tf.zeros_like(labels))
        y_pred = tf.where(tf.expand_dims(valid, axis), y_pred, tf.zeros_like(y_pred))
    output, from_logits = _logits(y_pred, from_logits, fn, "Softmax")
    if not from_logits:
        eps = backend.epsilon()
        output = tf.math.log(tf.clip_by_value(output, eps, 1.0 - eps))
    if axis != output.ndim - 1:
        perm = [d for d in range(output.ndim) if d != axis] + [axis]
        output = tf.transpose(output, perm)
    try:
        result = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=output)
    except tf.errors.InvalidArgumentError as err:  # a label out of range, named for Keras
        k = y_pred.shape[axis]
        raise tf.errors.InvalidArgumentError(
            f"{fn}: {str(err).split(': ', 1)[-1]} for y_pred of shape {tuple(y_pred.shape)}; "
            f"labels must be in [0, {k}), the class indices along axis {axis}."
        ) from None
    if valid is not None:
        result = tf.where(valid, result, tf.zeros_like(result))
    return result


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error


class MeanSquaredError(LossFunctionWrapper):
    """Mean of (y_true - y_pred) ** 2."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of |y_true - y_pred|."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """100 * mean of |(y_true - y_pred) / y_true|."""

    def __init__(
        self, reduction="sum_over_batch_size", name="mean_absolute_percentage_error", dtype=None
    ):
        super().__init__(
            mean_absolute_percentage_error, reduction=reduction, name=name, dtype=dtype
        )


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """Mean of (log(1 + y_pred) - log(1 + y_true)) ** 2."""

    def __init__(
        self, reduction="sum_over_batch_size", name="mean_squared_logarithmic_error", dtype=None
    ):
        super().__init__(
            mean_squared_logarithmic_error, reduction=reduction, name=name, dtype=dtype
        )


class Huber(LossFunctionWrapper):
    """Quadratic for |error| <= delta, linear beyond."""

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        super().__init__(huber, reduction=reduction, name=name, dtype=dtype, delta=delta)


class BinaryCrossentropy(LossFunctionWrapper):
    """Cross-entropy of 0/1 labels against probabilities (or logits with `from_logits`)."""

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_crossentropy",
        dtype=None,
    ):
        super().__init__(
            binary_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits


class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy of one-hot labels against class probabilities (or logits)."""

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            categorical_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy of integer labels against class probabilities (or logits)."""

    def __init__(
        self,
        from_logits=False,
        ignore_class=None,
        reduction="sum_over_batch_size",
        name="sparse_categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            sparse_categorical_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class

    def _mask(self, y_true, values):
        if self.ignore_class is None:
            return None
        return tf.not_equal(tf.reshape(y_true, tuple(values.shape)), self.ignore_class)


_FUNCTIONS = {
    f.__name__: f
    for f in (
        mean_squared_error,
        mean_absolute_error,
        mean_absolute_percentage_error,
        mean_squared_logarithmic_error,
        binary_crossentropy,
        categorical_crossentropy,
        sparse_categorical_crossentropy,
        huber,
    )
}
_FUNCTIONS.update(
    mse=mean_squared_error,
    mae=mean_absolute_error,
    mape=mean_absolute_percentage_error,
    msle=mean_squared_logarithmic_error,
    huber_loss=huber,
)
_CLASSES = {
    c.__name__: c
    for c in (
        MeanSquaredError,
        MeanAbsoluteError,
        MeanAbsolutePercentageError,
        MeanSquaredLogarithmicError,
        BinaryCrossentropy,
        CategoricalCrossentropy,
        SparseCategoricalCrossentropy,
        Huber,
    )
}


from ._focal_losses import (  # noqa: E402 - after the names they are grouped with
    BinaryFocalCrossentropy,
    CategoricalFocalCrossentropy,
    binary_focal_crossentropy,
    categorical_focal_crossentropy,
)

__all__ += [
    "BinaryFocalCrossentropy",
    "CategoricalFocalCrossentropy",
    "binary_focal_crossentropy",
    "categorical_focal_crossentropy",
    "KLD",
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
    "kullback_leibler_divergence",
    "log_cosh",
    "logcosh",
    "poisson",
    "squared_hinge",
]
_FUNCTIONS.update(_extra_losses.FUNCTIONS)
_FUNCTIONS.update(
    bce=binary_crossentropy,
    BCE=binary_crossentropy,
    MSE=mean_squared_error,
    MAE=mean_absolute_error,
    MAPE=mean_absolute_percentage_error,
    MSLE=mean_squared_logarithmic_error,
)
_CLASSES.update(_extra_losses.CLASSES)
_FUNCTIONS.update(_focal_losses.FUNCTIONS)
_CLASSES.update(_focal_losses.CLASSES)


def get(identifier):
    """A loss from a function name ("mse", "binary_crossentropy", ...: the function), a class
    name ("MeanSquaredError": an instance), a Loss or any callable.

    Raises:
        ValueError: for an unknown name.
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        if identifier in _FUNCTIONS:
            return _FUNCTIONS[identifier]
        if identifier in _CLASSES:
            return _CLASSES[identifier]()
        raise ValueError(
            f"Unknown loss {identifier!r}; known: {', '.join(sorted(_FUNCTIONS))} and the "
            f"classes {', '.join(sorted(_CLASSES))}"
        )
    if isinstance(identifier, dict):
        return _CLASSES[identifier["class_name"]].from_config(identifier.get("config", {}))
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret loss identifier: {identifier!r}")


def serialize(loss):
    if isinstance(loss, Loss):
        return {"class_name": type(loss).__name__, "config": loss.get_config()}
    return getattr(loss, "__name__", str(loss))


def deserialize(config):
    return get(config)
