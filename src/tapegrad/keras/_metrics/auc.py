"""`keras.metrics.AUC`: the area under the ROC or precision-recall curve, from the confusion
counts at evenly spaced thresholds (Keras 3's arithmetic)."""

import numpy as np

import tapegrad as tf

from .. import backend
from .confusion import (
    _CONDITIONS,
    _ConfusionMetric,
    divide_no_nan,
    evenly_distributed,
    parse_thresholds,
    update_confusion_matrix,
)

__all__ = ["AUC"]

_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "majoring", "minoring")


class AUC(_ConfusionMetric):
    """The area under the ROC or precision-recall curve, by a Riemann sum over thresholds.

    Args:
        num_thresholds: the number of thresholds, evenly spaced over [0, 1] (200).
        curve: "ROC" (true-positive rate against false-positive rate), "PR" (precision against
            recall) or "PRGAIN".
        summation_method: "interpolation" (trapezoids; for PR, Davis & Goadrich's
            interpolation), "minoring" or "majoring".
        thresholds: an explicit list of thresholds instead of `num_thresholds`.
        multi_label: one curve per label (the last axis), averaged (or weighted by
            `label_weights`); otherwise all labels are pooled.
        num_labels: the number of labels, to create the counters before the first update.
        label_weights: per-label weights of the pooled or averaged curves.
        from_logits: apply a sigmoid to the predictions first.
        name, dtype: as every metric.

    Example:
        >>> m = keras.metrics.AUC(num_thresholds=3)
        >>> float(m([0, 0, 1, 1], [0.0, 0.5, 0.3, 0.9]))
        0.75
    """

    _direction = "up"

    _conditions = _CONDITIONS

    def __init__(
        self,
        num_thresholds=200,
        curve="ROC",
        summation_method="interpolation",
        name=None,
        dtype=None,
        thresholds=None,
        multi_label=False,
        num_labels=None,
        label_weights=None,
        from_logits=False,
    ):
        curve_key = str(curve).lower()
        if curve_key not in _CURVES:
            raise ValueError(
                f'Invalid AUC curve value: "{curve}". Expected values are ["PR", "ROC", "PRGAIN"]'
            )
        if str(summation_method).lower() not in _SUMMATIONS:
            raise ValueError(
                f'Invalid AUC summation method value: "{summation_method}". Expected values are '
                '["interpolation", "majoring", "minoring"]'
            )
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            thresholds = sorted(parse_thresholds("AUC", thresholds, 0.5))
            self.num_thresholds = len(thresholds) + 2
            self._evenly = evenly_distributed(np.array([0.0, *thresholds, 1.0]))
        else:
            if num_thresholds <= 1:
                raise ValueError(
                    "Argument `num_thresholds` must be an integer > 1. Received: "
                    f"num_thresholds={num_thresholds}"
                )
            self.num_thresholds = num_thresholds
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly = True
        eps = backend.epsilon()
        self._thresholds = np.array([0.0 - eps, *thresholds, 1.0 + eps])
        self.curve = _CURVES[curve_key]
        self.summation_method = str(summation_method).lower()
        super().__init__(name=name, dtype=dtype)
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = (
            None if label_weights is None else np.asarray(label_weights, self._np_dtype)
        )
        self._from_logits = from_logits
        self._built = False
        if multi_label:
            if num_labels:
                self._build((None, num_labels))
        elif num_labels:
            raise ValueError("`num_labels` is needed only when `multi_label` is True.")
        else:
            self._build(None)

    @property
    def thresholds(self):
        """The thresholds, including the two just outside [0, 1]."""
        return list(self._thresholds)

    def _build(self, shape):
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(
                    f"`y_pred` must have rank 2 when `multi_label=True`. Found rank {len(shape)}."
                    f" Full shape received for `y_pred`: {tuple(shape)}"
                )
            self._num_labels = shape[1]
            self._counters((self.num_thresholds, self._num_labels))
        else:
            self._counters((self.num_thresholds,))
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the four counts of a batch at every threshold."""
        if not self._built:
            self._build(np.shape(y_pred))
        if self._from_logits:
            y_pred = 1.0 / (1.0 + np.exp(-self._array("y_pred", y_pred)))
        update_confusion_matrix(
            self,
            self._vars,
            y_true,
            y_pred,
            self._thresholds,
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
            evenly=self._evenly,
        )

    def _by_label(self, terms):
        if not self.multi_label:
            return np.sum(terms, dtype=self._np_dtype)
        by_label = np.sum(terms, axis=0, dtype=self._np_dtype)
        if self.label_weights is None:
            return np.mean(by_label, dtype=self._np_dtype)
        return divide_no_nan(np.sum(by_label * self.label_weights), np.sum(self.label_weights))

    def _interpolate_pr_auc(self, tp, fp, fn):
        # Davis & Goadrich (2006): precision interpolated along the curve between thresholds.
        n = self.num_thresholds
        dtp = tp[: n - 1] - tp[1:]
        p = tp + fp
        dp = p[: n - 1] - p[1:]
        slope = divide_no_nan(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        both = (p[: n - 1] > 0) & (p[1:] > 0)
        ratio = np.where(both, divide_no_nan(p[: n - 1], np.maximum(p[1:], 0)), 1)
        with np.errstate(divide="ignore"):
            log_ratio = np.log(ratio.astype(self._np_dtype))
        terms = divide_no_nan(slope * (dtp + intercept * log_ratio), np.maximum(tp[1:] + fn[1:], 0))
        return self._by_label(terms)

    def result(self):
        if not self._built:
            return tf.constant(self._np_dtype.type(0))
        tp, fp, tn, fn = (self._value(k) for k in _CONDITIONS)
        if self.curve == "PR" and self.summation_method == "interpolation":
            return tf.constant(np.asarray(self._interpolate_pr_auc(tp, fp, fn), self._np_dtype))
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = divide_no_nan(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, divide_no_nan(tp, tp + fp)
        else:
            scale = divide_no_nan(tp + fn, tn + fp)
            recall_gain = np.maximum(np.where(tp == 0, 0, 1 - scale * divide_no_nan(fn, tp)), 0)
            precision_gain = np.where(tp == 0, 1, 1 - scale * divide_no_nan(fp, tp))
            x, y = recall_gain.astype(self._np_dtype), precision_gain.astype(self._np_dtype)
        n = self.num_thresholds
        if self.summation_method == "interpolation":
            heights = (y[: n - 1] + y[1:]) / self._np_dtype.type(2)
        elif self.summation_method == "minoring":
            heights = np.minimum(y[: n - 1], y[1:])
        else:
            heights = np.maximum(y[: n - 1], y[1:])
        value = self._by_label((x[: n - 1] - x[1:]) * heights)
        return tf.constant(np.asarray(value, self._np_dtype))

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        config = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": None if self.label_weights is None else self.label_weights.tolist(),
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config
