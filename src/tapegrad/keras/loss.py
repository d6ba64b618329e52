"""`keras.losses.Loss`: the base of the loss classes, Keras's rank matching and reductions.

`Loss.__call__(y_true, y_pred, sample_weight)` computes per-sample values with `call` and
reduces them: "sum_over_batch_size" (the default: the sum divided by the number of values),
"sum", "mean_with_sample_weight" (divided by the sum of the weights) or "none".
"""

import numpy as np

import tapegrad as tf

from . import backend

__all__ = [
    "Loss",
    "LossFunctionWrapper",
    "apply_mask",
    "reduce_weighted_values",
    "squeeze_or_expand_to_same_rank",
]

_Tensor = tf.Tensor


def _as_array(name, value, dtype=None):
    try:
        return np.asarray(value, dtype=dtype)
    except (ValueError, TypeError):
        raise ValueError(
            f"keras.losses: {name} must be a rectangular array of numbers, got a value of type "
            f"{type(value).__name__} that is not (ragged nested lists, or non-numeric entries)"
        ) from None


def _pred(y_pred):
    if isinstance(y_pred, _Tensor):
        return y_pred
    if not isinstance(y_pred, (np.ndarray, tf.Variable)):
        y_pred = _as_array("y_pred", y_pred)
    y = tf.convert_to_tensor(y_pred)
    if not y.dtype.is_floating:
        y = tf.cast(y, backend.floatx())
    return y


def _true(y_true, dtype):
    """y_true as a tensor of `dtype` (float losses cast the labels, as Keras)."""
    if isinstance(y_true, tf.Variable):
        y_true = tf.convert_to_tensor(y_true)
    if isinstance(y_true, _Tensor):
        return y_true if y_true.dtype == dtype else tf.cast(y_true, dtype)
    return tf.convert_to_tensor(_as_array("y_true", y_true, dtype.as_numpy_dtype))


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


# -- classes: reduced to a scalar ----------------------------------------------------------------


def _prepare(y_true, y_pred):
    y_pred = _pred(y_pred)
    return squeeze_or_expand_to_same_rank(_true(y_true, y_pred.dtype), y_pred)


def _mean_last(x):
    if not x.ndim:
        return x
    # The mean over a last axis of size 1 is that axis dropped: same value, cheaper.
    return tf.squeeze(x, -1) if x.shape[-1] == 1 else tf.reduce_mean(x, axis=-1)


_REDUCTIONS = ("sum_over_batch_size", "sum", "none", "mean", "mean_with_sample_weight")


def apply_mask(sample_weight, mask, dtype, reduction):
    """Merges a boolean mask of the loss values into `sample_weight` as Keras's `apply_mask`:
    for the mean reductions the unmasked values weigh size / count, so that the mean is taken
    over them alone (and is 0 when every value is masked). Written in tensor ops, so that a
    traced training step replays it."""
    if mask is None:
        return sample_weight
    mask = tf.cast(mask, tf.bool) if isinstance(mask, _Tensor) else tf.constant(
        np.asarray(mask, dtype=bool)
    )
    dtype = tf.as_dtype(dtype)
    if reduction in ("mean", "sum_over_batch_size"):
        total = float(np.prod(mask.shape, dtype=np.int64))
        valid = tf.reduce_sum(tf.cast(mask, dtype))
        weight = tf.where(valid > 0, total / tf.maximum(valid, 1.0), tf.zeros_like(valid))
        float_mask = tf.where(mask, weight, tf.zeros_like(weight))
    else:
        float_mask = tf.cast(mask, dtype)
    if sample_weight is None:
        return float_mask
    float_mask, sw = squeeze_or_expand_to_same_rank(float_mask, _true(sample_weight, dtype))
    return tf.multiply(sw, float_mask)


def reduce_weighted_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Weights per-sample loss values by `sample_weight` and reduces them (Keras's
    `reduce_weighted_values`: values of shape () or (0,) are returned as they are, and a mean
    over zero weight is 0)."""
    if sample_weight is not None:
        sw = _true(sample_weight, values.dtype)
        sw, values = squeeze_or_expand_to_same_rank(sw, values)
        values = tf.multiply(values, sw)
    if reduction is None or reduction == "none" or tuple(values.shape) in ((), (0,)):
        return values
    total = tf.reduce_sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = tf.reduce_sum(sw)
        zero = tf.equal(divisor, 0.0)
        return tf.where(zero, tf.zeros_like(total), tf.divide(total, tf.where(zero, 1.0, divisor)))
    return tf.divide(total, float(int(np.prod(values.shape))))


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
        # The mask a layer attached to the predictions (Embedding(mask_zero=True), Masking):
        # masked entries get no weight, as in Keras.
        in_mask = getattr(y_pred, "_keras_mask", None)
        y_pred = _pred(y_pred)
        if y_pred.dtype != self.dtype:
            y_pred = tf.cast(y_pred, self.dtype)
        values = self.call(y_true, y_pred)
        mask = self._mask(y_true, values)
        if in_mask is not None:
            mask = in_mask if mask is None else tf.logical_and(
                tf.cast(in_mask, tf.bool), tf.constant(np.asarray(mask, dtype=bool))
            )
        if mask is not None:
            sample_weight = apply_mask(sample_weight, mask, values.dtype, self.reduction)
        if sample_weight is None and tuple(values.shape) not in ((), (0,)):
            if self.reduction is None or self.reduction == "none":
                return values
            if self.reduction == "sum":
                return tf.reduce_sum(values)
            return tf.reduce_mean(values)
        return reduce_weighted_values(values, sample_weight, self.reduction)

    def _mask(self, y_true, values):
        """A boolean array marking the loss values that count, or None for all (Keras keeps
        it on the values as `_keras_mask`)."""

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
        # As Keras: the labels in the loss's dtype (integer labels too), ranks matched.
        y_true = _true(y_true, y_pred.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        from .saving.serialization_lib import with_function

        return with_function({**super().get_config(), **self._fn_kwargs}, type(self), self.fn)

    @classmethod
    def from_config(cls, config):
        from .saving.serialization_lib import revive_function

        return cls(**revive_function(config))
