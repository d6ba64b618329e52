"""`keras.losses`: loss functions (per-sample values) and Loss classes (reduced to a scalar).

A function such as `mean_squared_error(y_true, y_pred)` averages over the last axis and returns
one value per sample. A class such as `MeanSquaredError()` also weights by `sample_weight` and
reduces: "sum_over_batch_size" (the default: the sum divided by the number of values), "sum",
"mean_with_sample_weight" (divided by the sum of the weights) or "none".

`y_true` of shape (n,) against `y_pred` of shape (n, 1) is rank-matched as Keras does (a last
axis of size 1 is added or dropped), never broadcast to (n, n).
"""

import numpy as np

import tapegrad as tf

from . import backend

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

_Tensor = tf.Tensor


def _pred(y_pred):
    if isinstance(y_pred, _Tensor):
        return y_pred
    y = tf.convert_to_tensor(y_pred)
    if not y.dtype.is_floating:
        y = tf.cast(y, backend.floatx())
    return y


def _true(y_true, dtype):
    """y_true as a tensor of `dtype` (float losses cast the labels, as Keras)."""
    if isinstance(y_true, _Tensor):
        return y_true if y_true.dtype == dtype else tf.cast(y_true, dtype)
    return tf.convert_to_tensor(np.asarray(y_true, dtype=dtype.as_numpy_dtype))


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Makes ranks equal when they differ by one through a last axis of size 1 (Keras's rule):
    a rank-1 partner gains the axis, otherwise the higher-rank tensor loses it."""
    r1, r2 = len(x1.shape), len(x2.shape)
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = tf.expand_dims(x2, -1)
        else:
            x1 = tf.squeeze(x1, -1)
    elif r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = tf.expand_dims(x1, -1)
        else:
            x2 = tf.squeeze(x2, -1)
    return x1, x2


def _prepare(y_true, y_pred):
    y_pred = _pred(y_pred)
    if not isinstance(y_true, _Tensor):
        # Labels from NumPy take the common rank fix, (n,) against (n, 1), for free.
        y_true = np.asarray(y_true, dtype=y_pred.dtype.as_numpy_dtype)
        if y_true.ndim == 1 and y_pred.ndim == 2 and y_pred.shape[-1] == 1:
            y_true = y_true[:, None]
        y_true = tf.convert_to_tensor(y_true)
    elif y_true.dtype != y_pred.dtype:
        y_true = tf.cast(y_true, y_pred.dtype)
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def _mean_last(x):
    if not x.ndim:
        return x
    # The mean over a last axis of size 1 is that axis dropped: same value, cheaper.
    return tf.squeeze(x, -1) if x.shape[-1] == 1 else tf.reduce_mean(x, axis=-1)


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


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """mean(-(z log p + (1 - z) log(1 - p)), axis), p clipped to [eps, 1 - eps]; with
    `from_logits`, p = sigmoid(y_pred) computed without overflow."""
    y_true, y_pred = _prepare(y_true, y_pred)
    if label_smoothing:
        y_true = tf.add(tf.multiply(y_true, 1.0 - label_smoothing), 0.5 * label_smoothing)
    if from_logits:
        bce = tf.nn.sigmoid_cross_entropy_with_logits(labels=y_true, logits=y_pred)
    else:
        eps = backend.epsilon()
        p = tf.clip_by_value(y_pred, eps, 1.0 - eps)
        bce = tf.negative(
            tf.add(
                tf.multiply(y_true, tf.math.log(p)),
                tf.multiply(tf.subtract(1.0, y_true), tf.math.log(tf.subtract(1.0, p))),
            )
        )
    return tf.reduce_mean(bce, axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """-sum(y_true * log(p), axis) with p = y_pred normalized to sum 1 and clipped to
    [eps, 1 - eps], or p = softmax(y_pred) with `from_logits`."""
    y_pred = _pred(y_pred)
    y_true = _true(y_true, y_pred.dtype)
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise ValueError(
            f"categorical_crossentropy: y_true and y_pred must have the same shape, got "
            f"{tuple(y_true.shape)} and {tuple(y_pred.shape)}; for integer labels use "
            "sparse_categorical_crossentropy."
        )
    if label_smoothing:
        k = y_pred.shape[axis]
        y_true = tf.add(tf.multiply(y_true, 1.0 - label_smoothing), label_smoothing / k)
    return tf.negative(
        tf.reduce_sum(tf.multiply(y_true, _log_probs(y_pred, from_logits, axis)), axis=axis)
    )


def _log_probs(y_pred, from_logits, axis):
    if from_logits:
        return tf.nn.log_softmax(y_pred, axis=axis)
    eps = backend.epsilon()
    p = tf.divide(y_pred, tf.reduce_sum(y_pred, axis=axis, keepdims=True))
    return tf.math.log(tf.clip_by_value(p, eps, 1.0 - eps))


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """-log(p[label]) for integer labels, p as in categorical_crossentropy; labels equal to
    `ignore_class` give 0."""
    y_pred = _pred(y_pred)
    labels = np.asarray(y_true)
    if labels.ndim == y_pred.ndim and labels.shape[-1] == 1:
        labels = labels[..., 0]
    labels = labels.astype(np.int64)
    k = y_pred.shape[axis]
    valid = labels != ignore_class if ignore_class is not None else None
    safe = np.where(valid, labels, 0) if valid is not None else labels
    if ((safe < 0) | (safe >= k)).any():
        raise ValueError(
            f"sparse_categorical_crossentropy: labels must be in [0, {k}), got values from "
            f"{safe.min()} to {safe.max()}"
        )
    onehot = (safe[..., None] == np.arange(k)).astype(y_pred.dtype.as_numpy_dtype)
    if valid is not None:
        onehot *= valid[..., None]
    if axis not in (-1, y_pred.ndim - 1):
        onehot = np.moveaxis(onehot, -1, axis)
    return tf.negative(
        tf.reduce_sum(tf.multiply(onehot, _log_probs(y_pred, from_logits, axis)), axis=axis)
    )


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error


# -- classes: reduced to a scalar ----------------------------------------------------------------

_REDUCTIONS = ("sum_over_batch_size", "sum", "none", "mean", "mean_with_sample_weight")


def reduce_weighted_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Weights per-sample loss values by `sample_weight` and reduces them."""
    if sample_weight is not None:
        sw = _true(sample_weight, values.dtype)
        sw, values = squeeze_or_expand_to_same_rank(sw, values)
        values = tf.multiply(values, sw)
    if reduction is None or reduction == "none":
        return values
    total = tf.reduce_sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = float(np.sum(np.broadcast_to(np.asarray(sw), values.shape)))
    else:
        divisor = float(max(int(np.prod(values.shape)), 1))
    return tf.divide(total, divisor) if divisor else tf.multiply(total, 0.0)


class Loss:
    """Base class of the losses: `__call__(y_true, y_pred, sample_weight=None)` returns the
    reduced loss of `call(y_true, y_pred)`.

    Args:
        name: the loss's name.
        reduction: "sum_over_batch_size" (default), "sum", "none", "mean" or
            "mean_with_sample_weight".
        dtype: the dtype computations use (default floatx).
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        if reduction not in _REDUCTIONS and reduction is not None:
            raise ValueError(
                f"Invalid value for argument `reduction`: {reduction!r}; expected one of "
                f"{list(_REDUCTIONS)} or None"
            )
        self.name = name or backend.to_snake_case(type(self).__name__)
        self.reduction = reduction
        self.dtype = tf.as_dtype(dtype or backend.floatx())

    def __call__(self, y_true, y_pred, sample_weight=None):
        y_pred = _pred(y_pred)
        if y_pred.dtype != self.dtype:
            y_pred = tf.cast(y_pred, self.dtype)
        values = self.call(y_true, y_pred)
        if sample_weight is None:
            if self.reduction is None or self.reduction == "none":
                return values
            if self.reduction == "sum":
                return tf.reduce_sum(values)
            return tf.reduce_mean(values)
        return reduce_weighted_values(values, sample_weight, self.reduction)

    def call(self, y_true, y_pred):
        raise NotImplementedError

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class LossFunctionWrapper(Loss):
    """A Loss from a per-sample function `fn(y_true, y_pred, **kwargs)`."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(
            name=name or getattr(fn, "__name__", None), reduction=reduction, dtype=dtype
        )
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        return {**super().get_config(), **self._fn_kwargs}


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
