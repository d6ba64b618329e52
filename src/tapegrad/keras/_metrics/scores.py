"""Scores accumulated over batches: R2Score, FBetaScore / F1Score and the IoU family
(IoU, MeanIoU, BinaryIoU, OneHotIoU, OneHotMeanIoU), on Keras 3's arithmetic."""

import warnings

import numpy as np

import tapegrad as tf

from .. import backend
from ..metric import Metric, same_rank

__all__ = [
    "BinaryIoU",
    "F1Score",
    "FBetaScore",
    "IoU",
    "MeanIoU",
    "OneHotIoU",
    "OneHotMeanIoU",
    "R2Score",
]


def _two_d(owner, y_true, y_pred):
    if y_pred.ndim != 2 or y_true.ndim != 2:
        raise ValueError(
            f"{type(owner).__name__} expects 2D inputs with shape (batch_size, output_dim). "
            f"Received input shapes: y_pred.shape={y_pred.shape} and y_true.shape={y_true.shape}."
        )


class R2Score(Metric):
    """The coefficient of determination, 1 - SS_res / SS_tot, per output column.

    Args:
        class_aggregation: how the columns combine: "uniform_average" (the mean),
            "variance_weighted_average" (weighted by each column's variance) or None (one score
            per column).
        num_regressors: for the adjusted R2, the number of independent variables (0: plain R2).
        name, dtype: as every metric.

    Example:
        >>> m = keras.metrics.R2Score()
        >>> round(float(m([[1.0], [2.0], [3.0]], [[1.0], [2.0], [2.5]])), 4)
        0.875
    """

    _direction = "up"

    def __init__(
        self, class_aggregation="uniform_average", num_regressors=0, name="r2_score", dtype=None
    ):
        super().__init__(name=name, dtype=dtype)
        valid = (None, "uniform_average", "variance_weighted_average")
        if class_aggregation not in valid:
            raise ValueError(
                "Invalid value for argument `class_aggregation`. Expected one of "
                f"{valid}. Received: class_aggregation={class_aggregation}"
            )
        if num_regressors < 0:
            raise ValueError(
                "Invalid value for argument `num_regressors`. Expected a value >= 0. Received: "
                f"num_regressors={num_regressors}"
            )
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable((), "zeros", name="num_samples")
        self._built = False

    def _build(self, columns):
        self.squared_sum = self.add_variable((columns,), "zeros", name="squared_sum")
        self.sum = self.add_variable((columns,), "zeros", name="sum")
        self.total_mse = self.add_variable((columns,), "zeros", name="residual")
        self.count = self.add_variable((columns,), "zeros", name="count")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds a batch of shape (batch, outputs)."""
        y_true = self._array("y_true", y_true)
        y_pred = self._array("y_pred", y_pred)
        y_true, y_pred = same_rank(y_true, y_pred)
        _two_d(self, y_true, y_pred)
        if not self._built:
            self._build(y_pred.shape[-1])
        sw = self._np_dtype.type(1) if sample_weight is None else self._array("w", sample_weight)
        if np.ndim(sw) == 1:
            sw = sw[:, None]
        sw = np.broadcast_to(sw, y_true.shape)
        weighted = y_true * sw
        self.sum.assign(self.sum.numpy() + weighted.sum(0))
        self.squared_sum.assign(self.squared_sum.numpy() + (y_true * weighted).sum(0))
        self.total_mse.assign(self.total_mse.numpy() + ((y_true - y_pred) ** 2 * sw).sum(0))
        self.count.assign(self.count.numpy() + sw.sum(0))
        self.num_samples.assign_add(self._np_dtype.type(y_true.size))

    def result(self):
        if not self._built:
            return tf.constant(self._np_dtype.type(0))
        total_sum, count = self.sum.numpy(), self.count.numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = total_sum / count
            total = self.squared_sum.numpy() - total_sum * mean
            raw = 1 - self.total_mse.numpy() / total
        raw = np.where(np.isinf(raw), 0, raw).astype(self._np_dtype)
        if self.class_aggregation == "uniform_average":
            score = np.mean(raw, dtype=self._np_dtype)
        elif self.class_aggregation == "variance_weighted_average":
            score = np.sum(total * raw) / np.sum(total)
        else:
            score = raw
        n, p = float(self.num_samples.numpy()), self.num_regressors
        if p:
            if p > n - 1:
                warnings.warn(
                    "More independent predictors than datapoints in adjusted R2 score. Falling "
                    "back to standard R2 score.",
                    stacklevel=2,
                )
            elif p == n - 1:
                warnings.warn(
                    "Division by zero in Adjusted R2 score. Falling back to standard R2 score.",
                    stacklevel=2,
                )
            else:
                score = 1 - (1 - score) * (n - 1) / (n - p - 1)
        return tf.constant(np.asarray(score, self._np_dtype))

    def get_config(self):
        return {
            **super().get_config(),
            "class_aggregation": self.class_aggregation,
            "num_regressors": self.num_regressors,
        }


class FBetaScore(Metric):
    """The F-beta score: (1 + beta^2) P R / (beta^2 P + R), per class or averaged.

    Args:
        average: None (one score per class), "micro" (counts pooled over classes), "macro"
            (the mean of the class scores) or "weighted" (weighted by each class's support).
        beta: the weight of recall relative to precision (a float > 0).
        threshold: predictions above it count as positive; None takes each row's largest
            prediction as its positive class.
        name, dtype: as every metric.
    """

    _direction = "up"

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError(
                "Invalid `average` argument value. Expected one of: {None, 'micro', 'macro', "
                f"'weighted'}}. Received: average={average}"
            )
        if not isinstance(beta, float):
            raise ValueError(  # noqa: TRY004 - Keras raises ValueError
                "Invalid `beta` argument value. It should be a Python float. Received: "
                f"beta={beta} of type '{type(beta)}'"
            )
        if beta <= 0.0:
            raise ValueError(f"Invalid `beta` argument value. It should be > 0. Received: {beta}")
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError(
                    "Invalid `threshold` argument value. It should be a Python float. Received: "
                    f"threshold={threshold} of type '{type(threshold)}'"
                )
            if threshold > 1.0 or threshold <= 0.0:
                raise ValueError(
                    "Invalid `threshold` argument value. It should verify 0 < threshold <= 1. "
                    f"Received: threshold={threshold}"
                )
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, classes):
        shape = () if self.average == "micro" else (classes,)
        for name in ("true_positives", "false_positives", "false_negatives"):
            setattr(self, name, self.add_variable(shape, "zeros", name=name))
        self.intermediate_weights = self.add_variable(shape, "zeros", name="intermediate_weights")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds a batch of one-hot (or multi-hot) labels and scores, shape (batch, classes)."""
        y_true = self._array("y_true", y_true)
        y_pred = self._array("y_pred", y_pred)
        _two_d(self, y_true, y_pred)
        if not self._built:
            self._build(y_pred.shape[-1])
        if self.threshold is None:
            top = y_pred.max(axis=-1, keepdims=True)
            y_pred = (y_pred >= top) & (np.abs(y_pred) > 1e-9)
        else:
            y_pred = y_pred > self.threshold
        y_pred = y_pred.astype(self._np_dtype)
        sw = None if sample_weight is None else self._array("sample_weight", sample_weight)

        def weighted_sum(value):
            if sw is not None:
                value = value * sw[:, None]
            return value.sum(axis=self.axis, dtype=self._np_dtype)

        self.true_positives.assign(self.true_positives.numpy() + weighted_sum(y_pred * y_true))
        self.false_positives.assign(
            self.false_positives.numpy() + weighted_sum(y_pred * (1 - y_true))
        )
        self.false_negatives.assign(
            self.false_negatives.numpy() + weighted_sum((1 - y_pred) * y_true)
        )
        self.intermediate_weights.assign(self.intermediate_weights.numpy() + weighted_sum(y_true))

    def result(self):
        if not self._built:
            return tf.constant(self._np_dtype.type(0))
        eps = self._np_dtype.type(backend.epsilon())
        tp = self.true_positives.numpy()
        precision = tp / (tp + self.false_positives.numpy() + eps)
        recall = tp / (tp + self.false_negatives.numpy() + eps)
        beta2 = self._np_dtype.type(self.beta**2)
        score = precision * recall / (beta2 * precision + recall + eps) * (1 + beta2)
        if self.average == "weighted":
            w = self.intermediate_weights.numpy()
            score = np.sum(score * (w / (np.sum(w) + eps)))
        elif self.average is not None:
            score = np.mean(score, dtype=self._np_dtype)
        return tf.constant(np.asarray(score, self._np_dtype))

    def get_config(self):
        return {
            **super().get_config(),
            "average": self.average,
            "beta": self.beta,
            "threshold": self.threshold,
        }


class F1Score(FBetaScore):
    """The F1 score, 2 P R / (P + R): FBetaScore with beta = 1 (see FBetaScore's arguments)."""

    _direction = "up"

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config


class IoU(Metric):
    """Intersection over union, TP / (TP + FP + FN), averaged over `target_class_ids`.

    Accumulates a (num_classes, num_classes) confusion matrix of integer labels (true along
    rows, predicted along columns).

    Args:
        num_classes: the number of classes.
        target_class_ids: the classes whose IoU is averaged.
        ignore_class: a label value to leave out (e.g. a "void" class).
        sparse_y_true, sparse_y_pred: whether labels and predictions are class indices (True)
            or scores along `axis` to take the argmax of (False).
        axis: the class axis of dense labels or predictions.
        name, dtype: as every metric (the matrix's dtype defaults to int64).
    """

    def __init__(
        self,
        num_classes,
        target_class_ids,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_true=True,
        sparse_y_pred=True,
        axis=-1,
    ):
        super().__init__(name=name, dtype=dtype or "int64")
        if max(target_class_ids) >= num_classes:
            raise ValueError(
                f"Target class id {max(target_class_ids)} is out of range, which is "
                f"[0, {num_classes})."
            )
        self.num_classes = num_classes
        self.target_class_ids = list(target_class_ids)
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_variable(
            (num_classes, num_classes), "zeros", name="total_confusion_matrix"
        )

    def _labels(self, value, sparse):
        value = np.asarray(value)
        if not sparse:
            value = np.argmax(value, axis=self.axis)
        if value.dtype.kind == "f" and self._np_dtype.kind in "iu":
            value = value.astype(np.int64)  # a cast truncates, as Keras's
        return value.astype(self._np_dtype).reshape(-1)

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds a batch of class indices (or scores, see `sparse_y_*`) to the matrix."""
        y_true = self._labels(y_true, self.sparse_y_true)
        y_pred = self._labels(y_pred, self.sparse_y_pred)
        if y_true.shape != y_pred.shape:
            raise tf.errors.InvalidArgumentError(
                f"{type(self).__name__} '{self.name}': y_true and y_pred must hold as many "
                f"labels, got {y_true.size} and {y_pred.size}.",
                op="update_state",
            )
        if sample_weight is None:
            sw = np.ones_like(y_true)
        else:
            if np.asarray(sample_weight).dtype.kind == "f" and self._np_dtype.kind in "iu":
                warnings.warn(
                    "You are passing weight as `float`, but dtype is `int`. This may result in "
                    "an incorrect weight due to type casting Consider using integer weights.",
                    stacklevel=2,
                )
            sw = np.broadcast_to(
                np.asarray(sample_weight).astype(self._np_dtype).reshape(-1), y_true.shape
            )
        k = self.num_classes
        keep = (y_true >= 0) & (y_true < k) & (y_pred >= 0) & (y_pred < k)
        if self.ignore_class is not None:
            keep &= y_true != self.ignore_class
        cm = np.zeros((k, k), self._np_dtype)
        np.add.at(cm, (y_true[keep].astype(np.int64), y_pred[keep].astype(np.int64)), sw[keep])
        self.total_cm.assign(self.total_cm.numpy() + cm)

    def result(self):
        cm = self.total_cm.numpy().astype(np.float32)
        true_positives = np.diag(cm)
        denominator = cm.sum(0) + cm.sum(1) - true_positives
        ids = np.asarray(self.target_class_ids)
        true_positives, denominator = true_positives[ids], denominator[ids]
        valid = denominator > 1e-9
        iou = np.where(valid, true_positives / (denominator + np.float32(backend.epsilon())), 0)
        value = iou.sum(dtype=np.float32) / (valid.sum() + np.float32(backend.epsilon()))
        return tf.constant(np.float32(value))

    def get_config(self):
        return {
            **super().get_config(),
            "num_classes": self.num_classes,
            "target_class_ids": self.target_class_ids,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


class BinaryIoU(IoU):
    """IoU of a binary task: predictions at or above `threshold` are class 1.

    Args:
        target_class_ids: the classes averaged, (0, 1) by default.
        threshold: the decision threshold on the predictions.
    """

    _direction = "up"

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = np.asarray(y_pred, np.float32) >= self.threshold
        super().update_state(y_true, y_pred, sample_weight)

    def get_config(self):
        return {
            "target_class_ids": self.target_class_ids,
            "threshold": self.threshold,
            "name": self.name,
            "dtype": self.dtype,
        }


class MeanIoU(IoU):
    """The IoU averaged over all `num_classes` classes (arguments as IoU's).

    Example:
        >>> m = keras.metrics.MeanIoU(num_classes=2)
        >>> round(float(m([0, 0, 1, 1], [0, 1, 0, 1])), 4)
        0.3333
    """

    _direction = "up"

    def __init__(
        self,
        num_classes,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_true=True,
        sparse_y_pred=True,
        axis=-1,
    ):
        super().__init__(
            num_classes,
            list(range(num_classes)),
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self):
        config = super().get_config()
        del config["target_class_ids"]
        return config


class OneHotIoU(IoU):
    """IoU of one-hot labels (and, unless `sparse_y_pred`, scores) along `axis`."""

    def __init__(
        self,
        num_classes,
        target_class_ids,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_pred=False,
        axis=-1,
    ):
        super().__init__(
            num_classes,
            target_class_ids,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self):
        config = super().get_config()
        del config["sparse_y_true"]
        return config


class OneHotMeanIoU(MeanIoU):
    """MeanIoU of one-hot labels (and, unless `sparse_y_pred`, scores) along `axis`."""

    _direction = "up"

    def __init__(
        self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_pred=False, axis=-1
    ):
        super().__init__(
            num_classes,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self):
        config = super().get_config()
        del config["sparse_y_true"]
        return config
