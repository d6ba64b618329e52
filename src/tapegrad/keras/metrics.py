"""`keras.metrics`: stateful running averages of losses and accuracies.

`update_state` accumulates, `result` reads, `reset_state` (or the older `reset_states`) starts
over, and calling a metric updates it and returns its result. Metrics are not differentiated:
their state lives in non-trainable Variables updated from NumPy values, so a metric update costs
no tape records.
"""

import numpy as np

import tapegrad as tf

from . import _metrics, backend
from . import losses as _losses
from ._metrics import *
from .metric import (
    Mean,
    MeanMetricWrapper,
    Metric,
    Sum,
    _np_accuracy,
    _np_binary_accuracy,
    _np_categorical_accuracy,
    _np_mae,
    _np_mse,
    _np_sparse_categorical_accuracy,
)

__all__ = [
    "Accuracy",
    "BinaryAccuracy",
    "BinaryCrossentropy",
    "CategoricalAccuracy",
    "CategoricalCrossentropy",
    "Mean",
    "MeanAbsoluteError",
    "MeanMetricWrapper",
    "MeanSquaredError",
    "Metric",
    "RootMeanSquaredError",
    "SparseCategoricalAccuracy",
    "SparseCategoricalCrossentropy",
    "Sum",
    "deserialize",
    "get",
    "serialize",
]


class MeanSquaredError(MeanMetricWrapper):
    """The mean of (y_true - y_pred) ** 2."""

    _direction = "down"

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(_np_mse, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """The mean of |y_true - y_pred|."""

    _direction = "down"

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(_np_mae, name=name, dtype=dtype)


class RootMeanSquaredError(MeanMetricWrapper):
    """sqrt of the mean of (y_true - y_pred) ** 2."""

    _direction = "down"

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(_np_mse, name=name, dtype=dtype)

    def result(self):
        return tf.constant(np.sqrt(np.asarray(super().result())))


class Accuracy(MeanMetricWrapper):
    """How often y_pred equals y_true exactly."""

    _direction = "up"

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(_np_accuracy, name=name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often (y_pred > threshold) equals the 0/1 label."""

    _direction = "up"

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(_np_binary_accuracy, name=name, dtype=dtype, threshold=threshold)


class CategoricalAccuracy(MeanMetricWrapper):
    """How often argmax(y_pred) equals argmax(y_true) (one-hot labels)."""

    _direction = "up"

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(_np_categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often argmax(y_pred) equals the integer label."""

    _direction = "up"

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(_np_sparse_categorical_accuracy, name=name, dtype=dtype)


class BinaryCrossentropy(MeanMetricWrapper):
    """The mean binary cross-entropy (`keras.losses.binary_crossentropy`) of all samples seen."""

    _direction = "down"

    def __init__(
        self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0
    ):
        super().__init__(
            _losses.binary_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing


class CategoricalCrossentropy(MeanMetricWrapper):
    """The mean categorical cross-entropy (`keras.losses.categorical_crossentropy`) of all
    samples seen."""

    _direction = "down"

    def __init__(
        self,
        name="categorical_crossentropy",
        dtype=None,
        from_logits=False,
        label_smoothing=0,
        axis=-1,
    ):
        super().__init__(
            _losses.categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """The mean sparse categorical cross-entropy
    (`keras.losses.sparse_categorical_crossentropy`) of all samples seen."""

    _direction = "down"

    def __init__(
        self,
        name="sparse_categorical_crossentropy",
        dtype=None,
        from_logits=False,
        ignore_class=None,
        axis=-1,
    ):
        super().__init__(
            _losses.sparse_categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis


_CLASSES = {
    c.__name__: c
    for c in (
        BinaryCrossentropy,
        CategoricalCrossentropy,
        SparseCategoricalCrossentropy,
        Mean,
        Sum,
        MeanSquaredError,
        MeanAbsoluteError,
        RootMeanSquaredError,
        Accuracy,
        BinaryAccuracy,
        CategoricalAccuracy,
        SparseCategoricalAccuracy,
    )
}
_BY_NAME = {
    "mse": MeanSquaredError,
    "mean_squared_error": MeanSquaredError,
    "mae": MeanAbsoluteError,
    "mean_absolute_error": MeanAbsoluteError,
    "rmse": RootMeanSquaredError,
    "root_mean_squared_error": RootMeanSquaredError,
    "binary_accuracy": BinaryAccuracy,
    "categorical_accuracy": CategoricalAccuracy,
    "sparse_categorical_accuracy": SparseCategoricalAccuracy,
}


__all__ += _metrics.__all__
_CLASSES.update(_metrics.CLASSES)
# Keras looks classes up by their snake_case names too ("auc", "precision", "f1_score", ...).
_BY_NAME.update(
    (backend.to_snake_case(name), cls)
    for name, cls in _CLASSES.items()
    if backend.to_snake_case(name) not in _BY_NAME
)
_BY_NAME.update(
    bce=BinaryCrossentropy,
    BCE=BinaryCrossentropy,
    MSE=MeanSquaredError,
    MAE=MeanAbsoluteError,
    mape=_metrics.MeanAbsolutePercentageError,
    MAPE=_metrics.MeanAbsolutePercentageError,
    msle=_metrics.MeanSquaredLogarithmicError,
    MSLE=_metrics.MeanSquaredLogarithmicError,
)


def get(identifier):
    """A metric from a name ("mse", "mae", "binary_accuracy", a loss function's name, ...), a
    Metric, a class or a function `fn(y_true, y_pred)`; a name becomes the metric's name.
    ("accuracy" needs the data's shapes: `Model.compile` resolves it.)

    Raises:
        ValueError: for an unknown name.
    """
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if isinstance(identifier, str):
        if identifier in _BY_NAME:
            return _BY_NAME[identifier](name=identifier)
        if identifier in _CLASSES:
            return _CLASSES[identifier]()
        try:
            fn = _losses.get(identifier)
        except ValueError:
            raise ValueError(
                f"Unknown metric {identifier!r}; known: {', '.join(sorted(_BY_NAME))}, "
                "'accuracy' and the loss names"
            ) from None
        return MeanMetricWrapper(fn, name=identifier)
    if callable(identifier):
        return MeanMetricWrapper(identifier)
    raise ValueError(f"Could not interpret metric identifier: {identifier!r}")


def serialize(metric):
    return {"class_name": type(metric).__name__, "config": metric.get_config()}


def deserialize(config, custom_objects=None):
    """A metric from `serialize`'s dict (`class_name` and `config`).

    Raises:
        ValueError: if the class name is unknown.
    """
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or _CLASSES.get(name)
    if cls is None:
        raise ValueError(f"Could not interpret metric identifier: {name!r}")
    return cls.from_config(config.get("config", {}))
