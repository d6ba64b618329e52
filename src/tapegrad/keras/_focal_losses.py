"""The focal cross-entropies of `keras.losses` (Keras 3's formulas, op by op in its order).

A focal loss scales each cross-entropy term by (1 - p_t) ** gamma, p_t the probability given to
the true label, so that well-classified examples weigh less (Lin et al., 2017).
"""

import tapegrad as tf

from . import backend
from .loss import LossFunctionWrapper, _pred, _true

__all__ = [
    "BinaryFocalCrossentropy",
    "CategoricalFocalCrossentropy",
    "binary_focal_crossentropy",
    "categorical_focal_crossentropy",
]


def _same_shape(fn, y_true, y_pred):
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise ValueError(
            f"{fn}: arguments `target` and `output` must have the same shape. Received: "
            f"target.shape={tuple(y_true.shape)}, output.shape={tuple(y_pred.shape)}"
        )


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25,
                              gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1):
    """mean((1 - p_t) ** gamma * bce, axis), with p_t = y_true * p + (1 - y_true) * (1 - p)
    and bce the binary cross-entropy; with `apply_class_balancing`, each term is also weighted
    by alpha (label 1) or 1 - alpha (label 0).

    As in Keras, labels are smoothed towards 0.5 first, and the cross-entropy of probabilities
    made by a sigmoid is computed from their logits.

    Raises:
        ValueError: if the shapes of `y_true` and `y_pred` differ.
    """
    y_pred = _pred(y_pred)
    y_true = _true(y_true, y_pred.dtype)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    _same_shape("binary_focal_crossentropy", y_true, y_pred)
    logits = y_pred if from_logits else backend.logits_of(y_pred)
    if from_logits:
        y_pred = tf.sigmoid(y_pred)
    if logits is not None:
        bce = tf.nn.sigmoid_cross_entropy_with_logits(labels=y_true, logits=logits)
    else:
        eps = backend.epsilon()
        p = tf.clip_by_value(y_pred, eps, 1.0 - eps)
        bce = -(y_true * tf.math.log(p) + (1 - y_true) * tf.math.log(1 - p))
    p_t = y_true * y_pred + (1 - y_true) * (1 - y_pred)
    focal_bce = tf.pow(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        focal_bce = (y_true * alpha + (1 - y_true) * (1 - alpha)) * focal_bce
    return tf.reduce_mean(focal_bce, axis=axis)


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False,
                                   label_smoothing=0.0, axis=-1):
    """sum(alpha * (1 - p) ** gamma * -y_true * log(p), axis), p = y_pred normalised to sum
    to 1 along `axis` (softmax of it with `from_logits`) and clipped to [eps, 1 - eps].

    Raises:
        ValueError: if `axis` is not an int, or the shapes of `y_true` and `y_pred` differ.
    """
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ValueError(f"categorical_focal_crossentropy: `axis` must be of type `int`. "
                         f"Received: axis={axis!r} of type {type(axis).__name__}")
    y_pred = _pred(y_pred)
    y_true = _true(y_true, y_pred.dtype)
    _same_shape("categorical_focal_crossentropy", y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_true.shape[-1]
    if from_logits:
        y_pred = tf.nn.softmax(y_pred, axis=axis)
    eps = backend.epsilon()
    output = tf.clip_by_value(y_pred / tf.reduce_sum(y_pred, axis=axis, keepdims=True),
                              eps, 1.0 - eps)
    cce = -y_true * tf.math.log(output)
    focal_cce = (tf.pow(1.0 - output, gamma) * alpha) * cce
    return tf.reduce_sum(focal_cce, axis=axis)


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """The binary cross-entropy with focal weighting (see `binary_focal_crossentropy`)."""

    def __init__(self, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                 label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="binary_focal_crossentropy", dtype=None):
        super().__init__(
            binary_focal_crossentropy, reduction=reduction, name=name, dtype=dtype,
            from_logits=from_logits, label_smoothing=label_smoothing, axis=axis,
            apply_class_balancing=apply_class_balancing, alpha=alpha, gamma=gamma,
        )  # (the keywords in Keras's order: get_config lists them so)
        self.from_logits = from_logits


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """The categorical cross-entropy with focal weighting (see
    `categorical_focal_crossentropy`)."""

    def __init__(self, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_focal_crossentropy",
                 dtype=None):
        super().__init__(
            categorical_focal_crossentropy, reduction=reduction, name=name, dtype=dtype,
            from_logits=from_logits, label_smoothing=label_smoothing, axis=axis, alpha=alpha,
            gamma=gamma,
        )
        self.from_logits = from_logits


FUNCTIONS = {
    "binary_focal_crossentropy": binary_focal_crossentropy,
    "categorical_focal_crossentropy": categorical_focal_crossentropy,
}
CLASSES = {c.__name__: c for c in (BinaryFocalCrossentropy, CategoricalFocalCrossentropy)}
