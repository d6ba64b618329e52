"""Confusion-matrix metrics: TruePositives ... FalseNegatives, Precision, Recall, AUC and the
operating-point metrics (SensitivityAtSpecificity, ...), on Keras 3's arithmetic.

Each counts, per threshold t, the (weighted) predictions above t against the boolean labels, as
Keras's `metrics_utils.update_confusion_matrix_variables` does: with evenly spaced thresholds
(AUC's, and any list Keras would call even) by bucketing each prediction once, otherwise by
comparing every prediction with every threshold. The counts live in float32 Variables.
"""

import numpy as np

import tapegrad as tf

from .. import backend
from ..metric import Metric, same_rank

__all__ = [
    "FalseNegatives",
    "FalsePositives",
    "Precision",
    "PrecisionAtRecall",
    "Recall",
    "RecallAtPrecision",
    "SensitivityAtSpecificity",
    "SpecificityAtSensitivity",
    "TrueNegatives",
    "TruePositives",
]

NEG_INF = -1e10
_CONDITIONS = ("tp", "fp", "tn", "fn")


def _to_list(x):
    return list(x) if isinstance(x, (list, tuple, np.ndarray)) else [x]


def parse_thresholds(owner, thresholds, default):
    """The thresholds as a list, each checked to lie in [0, 1]."""
    if thresholds is not None:
        bad = [t for t in _to_list(thresholds) if t is None or t < 0 or t > 1]
        if bad:
            raise ValueError(f"{owner}: threshold values must be in [0, 1]. Received: {bad}")
    return _to_list(default if thresholds is None else thresholds)


def evenly_distributed(thresholds):
    """Whether the thresholds are 0, 1/(n-1), ..., 1 (to within epsilon), as Keras decides."""
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(thresholds, even, atol=backend.epsilon()))


def divide_no_nan(x, y):
    """x / y, and 0 where y is 0 (Keras's ops.divide_no_nan)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(y == 0, np.zeros_like(x), x / np.where(y == 0, np.ones_like(y), y))


def _filter_top_k(x, k):
    # Keep the k largest values of the last axis (the lower index first on a tie, as
    # tf.math.top_k), the others become NEG_INF.
    top = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    mask = np.zeros_like(x)
    np.put_along_axis(mask, top, 1.0, axis=-1)
    return x * mask + x.dtype.type(NEG_INF) * (1 - mask)


def _checked_pair(owner, y_true, y_pred, dtype):
    y_true = owner._array("y_true", y_true).astype(dtype, copy=False)
    y_pred = owner._array("y_pred", y_pred).astype(dtype, copy=False)
    y_pred, y_true = same_rank(y_pred, y_true)
    if y_true.shape != y_pred.shape:
        raise tf.errors.InvalidArgumentError(
            f"{type(owner).__name__} '{owner.name}': y_true and y_pred must have the same shape "
            f"(after matching ranks), got {y_true.shape} and {y_pred.shape}.",
            op="update_state",
        )
    return y_true, y_pred


def update_confusion_matrix(
    owner,
    variables,
    y_true,
    y_pred,
    thresholds,
    top_k=None,
    class_id=None,
    sample_weight=None,
    multi_label=False,
    label_weights=None,
    evenly=False,
):
    """Adds the weighted counts of each condition ("tp", "fp", "tn", "fn") at each threshold to
    `variables[condition]`.

    Raises:
        InvalidArgumentError: if the shapes do not match; nothing is updated then.
        ValueError: for `class_id` with rank-1 predictions.
    """
    dtype = variables[next(iter(variables))].dtype.as_numpy_dtype
    y_true, y_pred = _checked_pair(owner, y_true, y_pred, dtype)
    thresholds = np.asarray(thresholds, dtype=dtype)
    if sample_weight is not None:
        sw = owner._array("sample_weight", sample_weight).astype(dtype, copy=False)[..., None]
        _, sw = same_rank(y_true, sw, expand_rank_1=False)
        sample_weight = owner._broadcast_weights(
            sw, y_pred.shape, "y_pred's", given_shape=np.shape(sample_weight)
        )
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError(
                "When class_id is provided, y_pred must be a 2D array with shape (num_samples, "
                f"num_classes), found shape: {y_pred.shape}"
            )
        y_true, y_pred = y_true[..., class_id, None], y_pred[..., class_id, None]
        if sample_weight is not None:
            sample_weight = sample_weight[..., class_id, None]
    weights = None if sample_weight is None else sample_weight
    if label_weights is not None and not multi_label:
        lw = np.broadcast_to(np.asarray(label_weights, dtype)[None], y_pred.shape)
        weights = lw if weights is None else weights * lw
    if evenly:
        counts = _counts_bucketed(y_true, y_pred, thresholds, weights, multi_label)
    else:
        counts = _counts_compared(y_true, y_pred, thresholds, weights, multi_label)
    for key, var in variables.items():
        var.assign(np.asarray(var.numpy() + counts[key], dtype=dtype))


def _counts_compared(y_true, y_pred, thresholds, weights, multi_label):
    if multi_label:
        pred = y_pred[None] > thresholds.reshape((-1,) + (1,) * y_pred.ndim)
        label = np.broadcast_to(y_true.astype(bool)[None], pred.shape)
        w = None if weights is None else np.broadcast_to(weights[None], pred.shape)
    else:
        pred = y_pred.reshape(1, -1) > thresholds[:, None]
        label = np.broadcast_to(y_true.astype(bool).reshape(1, -1), pred.shape)
        w = None if weights is None else np.broadcast_to(weights.reshape(1, -1), pred.shape)
    dtype = y_pred.dtype

    def count(a, b):
        both = a & b
        if w is None:
            return both.sum(axis=1, dtype=dtype)
        return np.where(both, w, dtype.type(0)).sum(axis=1, dtype=dtype)

    return {
        "tp": count(label, pred),
        "fp": count(~label, pred),
        "tn": count(~label, ~pred),
        "fn": count(label, ~pred),
    }


def _counts_bucketed(y_true, y_pred, thresholds, weights, multi_label):
    # Keras's optimized path: bucket(p) = ceil(p * (T - 1)) - 1 is the last threshold below p,
    # so the count above threshold i is the reversed cumulative sum of the buckets from i on.
    dtype = y_pred.dtype
    n = len(thresholds)
    w = dtype.type(1) if weights is None else weights
    y_pred = np.clip(y_pred, 0, 1)
    y_true = y_true.astype(bool).astype(dtype)
    true_w = np.broadcast_to(y_true * w, y_pred.shape)
    false_w = np.broadcast_to((1 - y_true) * w, y_pred.shape)
    bucket = np.ceil(y_pred * dtype.type(n - 1)) - 1
    if thresholds[0] < 0 or thresholds[-1] > 1:  # thresholds padded by epsilon (AUC's)
        bucket = np.maximum(bucket, 0)
    bucket = bucket.astype(np.int64)
    if multi_label:  # one column of buckets per label
        labels = y_pred.shape[-1]
        bucket = bucket.reshape(-1, labels)
        offsets = bucket + n * np.arange(labels)
        valid = bucket >= 0

        def buckets(values):
            flat = np.bincount(
                offsets[valid], weights=values.reshape(-1, labels)[valid], minlength=n * labels
            )
            return flat.reshape(labels, n).T.astype(dtype)

        totals = (true_w.reshape(-1, labels).sum(0), false_w.reshape(-1, labels).sum(0))
    else:
        bucket = bucket.reshape(-1)
        valid = bucket >= 0  # a prediction of exactly 0 lies above no threshold

        def buckets(values):
            return np.bincount(
                bucket[valid], weights=values.reshape(-1)[valid], minlength=n
            ).astype(dtype)

        totals = (true_w.sum(dtype=dtype), false_w.sum(dtype=dtype))
    tp = np.flip(np.cumsum(np.flip(buckets(true_w), 0), axis=0, dtype=dtype), 0)
    fp = np.flip(np.cumsum(np.flip(buckets(false_w), 0), axis=0, dtype=dtype), 0)
    return {"tp": tp, "fp": fp, "tn": totals[1] - fp, "fn": totals[0] - tp}


class _ConfusionMetric(Metric):
    """Holds one float32 Variable per condition it counts, of one entry per threshold."""

    _conditions = ()
    top_k = None
    class_id = None

    def _counters(self, shape):
        names = {
            "tp": "true_positives",
            "fp": "false_positives",
            "tn": "true_negatives",
            "fn": "false_negatives",
        }
        for key in self._conditions:
            setattr(self, names[key], self.add_variable(shape, "zeros", name=names[key]))
        self._vars = {key: getattr(self, names[key]) for key in self._conditions}

    def _value(self, key):
        return self._vars[key].numpy()

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the (weighted) counts of a batch at every threshold: labels in {0, 1},
        predictions in [0, 1]."""
        update_confusion_matrix(
            self,
            self._vars,
            y_true,
            y_pred,
            self.thresholds,
            top_k=self.top_k,
            class_id=self.class_id,
            sample_weight=sample_weight,
            evenly=self._evenly,
        )


class _ConditionCount(_ConfusionMetric):
    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = parse_thresholds(type(self).__name__, thresholds, 0.5)
        self._evenly = evenly_distributed(self.thresholds)
        self.accumulator = self.add_variable((len(self.thresholds),), "zeros", name="accumulator")
        self._vars = {self._conditions[0]: self.accumulator}

    def result(self):
        value = self.accumulator.numpy()
        return tf.constant(value[0] if len(self.thresholds) == 1 else value)

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConditionCount):
    """The (weighted) number of positive labels predicted above the threshold(s).

    Args:
        thresholds: a float or list of floats in [0, 1] (default 0.5); the result has one
            count per threshold.
    """

    _conditions = ("tp",)


class FalsePositives(_ConditionCount):
    """The (weighted) number of negative labels predicted above the threshold(s)."""

    _conditions = ("fp",)


class TrueNegatives(_ConditionCount):
    """The (weighted) number of negative labels predicted at or below the threshold(s)."""

    _conditions = ("tn",)


class FalseNegatives(_ConditionCount):
    """The (weighted) number of positive labels predicted at or below the threshold(s)."""

    _conditions = ("fn",)


class _PrecisionRecall(_ConfusionMetric):
    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default = 0.5 if top_k is None else NEG_INF
        self.thresholds = parse_thresholds(type(self).__name__, thresholds, default)
        self._evenly = evenly_distributed(self.thresholds)
        self._counters((len(self.thresholds),))

    def result(self):
        tp, other = self._value("tp"), self._value(self._conditions[1])
        value = divide_no_nan(tp, tp + other)
        return tf.constant(value[0] if len(self.thresholds) == 1 else value)

    def get_config(self):
        return {
            **super().get_config(),
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }


class Precision(_PrecisionRecall):
    """TP / (TP + FP): how many of the predicted positives are positive.

    Args:
        thresholds: a float or list in [0, 1] above which a prediction is positive (0.5); a
            list gives one precision per threshold.
        top_k: count only the k highest predictions of each sample as positive.
        class_id: the one class (last-axis index) to compute it for.
        name, dtype: as every metric.

    Example:
        >>> m = keras.metrics.Precision()
        >>> round(float(m([0, 1, 1, 1], [1, 0, 1, 1])), 4)
        0.6667
    """

    _direction = "up"

    _conditions = ("tp", "fp")


class Recall(_PrecisionRecall):
    """TP / (TP + FN): how many of the positives are predicted positive (arguments as
    Precision's)."""

    _direction = "up"

    _conditions = ("tp", "fn")


class _AtOperatingPoint(_ConfusionMetric):
    """Sensitivity / specificity / precision / recall at the best threshold meeting a bound."""

    _conditions = ("tp", "fp", "tn", "fn")
    _bound = ""

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        if not 0 <= value <= 1:
            raise ValueError(
                f"Argument `{self._bound}` must be in the range [0, 1]. Received: "
                f"{self._bound}={value}"
            )
        if num_thresholds <= 0:
            raise ValueError(
                "Argument `num_thresholds` must be an integer > 0. Received: "
                f"num_thresholds={num_thresholds}"
            )
        super().__init__(name=name, dtype=dtype)
        setattr(self, self._bound, value)
        self.value = value
        self.num_thresholds = num_thresholds
        self.class_id = class_id
        if num_thresholds == 1:
            self.thresholds, self._evenly = [0.5], False
        else:
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self.thresholds, self._evenly = [0.0, *inner, 1.0], True
        self._counters((len(self.thresholds),))

    def _rates(self):
        tp, fp, tn, fn = (self._value(k) for k in _CONDITIONS)
        return {
            "sensitivity": divide_no_nan(tp, tp + fn),
            "recall": divide_no_nan(tp, tp + fn),
            "specificity": divide_no_nan(tn, tn + fp),
            "precision": divide_no_nan(tp, tp + fp),
        }

    def result(self):
        rates = self._rates()
        feasible = rates[self._bound] >= self.value
        dependent = rates[self._target]
        return tf.constant(np.max(np.where(feasible, dependent, 0), initial=0).astype(np.float32))

    def get_config(self):
        return {
            **super().get_config(),
            "class_id": self.class_id,
            "num_thresholds": self.num_thresholds,
            self._bound: self.value,
        }


class SensitivityAtSpecificity(_AtOperatingPoint):
    """The best sensitivity (recall) among the thresholds whose specificity is at least
    `specificity`."""

    _direction = "up"

    _bound, _target = "specificity", "sensitivity"

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(specificity, num_thresholds, class_id, name, dtype)


class SpecificityAtSensitivity(_AtOperatingPoint):
    """The best specificity among the thresholds whose sensitivity is at least
    `sensitivity`."""

    _direction = "up"

    _bound, _target = "sensitivity", "specificity"

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)


class PrecisionAtRecall(_AtOperatingPoint):
    """The best precision among the thresholds whose recall is at least `recall`."""

    _direction = "up"

    _bound, _target = "recall", "precision"

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds, class_id, name, dtype)


class RecallAtPrecision(_AtOperatingPoint):
    """The best recall among the thresholds whose precision is at least `precision`."""

    _direction = "up"

    _bound, _target = "precision", "recall"

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds, class_id, name, dtype)
