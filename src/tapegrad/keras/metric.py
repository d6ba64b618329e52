"""The base of `keras.metrics`: `Metric`, the running means (`Mean`, `Sum`) and
`MeanMetricWrapper`, with the NumPy forms of the simplest metric functions. `keras.metrics`
names them all; the metrics themselves are built on these.

Metrics are not differentiated: their state lives in non-trainable Variables updated from
NumPy values, so a metric update costs no tape records.
"""

import numpy as np

import tapegrad as tf

from ..tracing import effect
from . import backend, initializers
from . import losses as _losses
from .loss import apply_mask, squeeze_or_expand_to_same_rank
from .variables import KerasVariable

__all__ = ["Mean", "MeanMetricWrapper", "Metric", "Sum"]


class Metric:
    """Base class: subclass it with `update_state`, `result` and the weights it needs.

    Args:
        name: the metric's name (default: the class name in snake case).
        dtype: the dtype of its state and result (default floatx).

    Example:
        >>> class Count(keras.metrics.Metric):
        ...     def __init__(self, **kwargs):
        ...         super().__init__(**kwargs)
        ...         self.n = self.add_weight(name="n", initializer="zeros")
        ...     def update_state(self, values):
        ...         self.n.assign_add(float(tf.size(values)))
        ...     def result(self):
        ...         return self.n.read_value()
    """

    # Whether a larger result is better ("up") or worse ("down"), as Keras 3's `_direction`:
    # the monitoring callbacks' mode="auto" reads it. None: not known.
    _direction = None

    def __init_subclass__(cls, **kwargs):
        # A traced step (fit's) records a metric's update as one instruction, replayed on
        # NumPy values: metric state is not differentiated (see the module docstring).
        super().__init_subclass__(**kwargs)
        update = cls.__dict__.get("update_state")
        if update is not None and not hasattr(update, "__wrapped__"):
            cls.update_state = effect(update)

    def __init__(self, name=None, dtype=None):
        # Unique like Keras's auto names ("precision", "precision_1", ...); a name given, or a
        # class's own default ("mean"), is kept as it is.
        self.name = name or backend.unique_name(backend.to_snake_case(type(self).__name__))
        self._dtype = tf.as_dtype(dtype or backend.floatx())
        self._np_dtype = np.dtype(self._dtype.as_numpy_dtype)
        self._variables = []

    def add_weight(
        self, name=None, shape=(), initializer="zeros", dtype=None, aggregation="sum", **kwargs
    ):
        """Creates a non-trainable state Variable (zeros by default) owned by the metric."""
        if isinstance(name, (tuple, list)) and not isinstance(shape, (tuple, list)):
            name, shape = None, name
        dtype = tf.as_dtype(dtype or self._dtype)
        value = initializers.get(initializer)(tuple(shape), dtype=dtype)
        # Named as Keras 3 names them: "total", with the path "mean_absolute_error/total".
        name = "variable" if name is None else str(name)
        v = KerasVariable(value, dtype, name, f"{self.name}/{name}", trainable=False,
                          autocast=False)
        self._variables.append(v)
        return v

    def add_variable(self, shape, initializer, dtype=None, aggregation="sum", name=None):
        """Keras 3's name for `add_weight`: a non-trainable state Variable of the metric."""
        return self.add_weight(name=name, shape=shape, initializer=initializer, dtype=dtype)

    @property
    def variables(self):
        return list(self._variables)

    def _array(self, what, value):
        """`value` as a NumPy array of the metric's dtype, or a clear error."""
        try:
            return np.asarray(value, self._np_dtype)
        except (ValueError, TypeError):
            raise ValueError(
                f"{type(self).__name__} '{self.name}': {what} must be a rectangular array of "
                f"numbers, got a {type(value).__name__} that is not (ragged nested lists, or "
                "non-numeric entries)."
            ) from None

    def _broadcast_weights(self, weights, shape, target, given_shape=None):
        """`weights` broadcast to `shape`, that of `target` ("y_pred's"), or a clear error
        naming the metric and the shapes (`given_shape`: the weights' shape as given)."""
        try:
            return np.broadcast_to(weights, shape)
        except ValueError:
            given = np.shape(weights) if given_shape is None else given_shape
            raise tf.errors.InvalidArgumentError(
                f"{type(self).__name__} '{self.name}': sample_weight of shape {given} does not "
                f"broadcast to {target} shape {shape}.",
                op="update_state",
            ) from None

    @property
    def dtype(self):
        return self._dtype.name

    def update_state(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must implement update_state")

    def result(self):
        raise NotImplementedError(f"{type(self).__name__} must implement result")

    def reset_state(self):
        """Sets every state variable back to zeros."""
        for v in self._variables:
            v.assign(np.zeros(tuple(v.shape), dtype=v.dtype.as_numpy_dtype))

    def reset_states(self):
        """The tf.keras 2 name of `reset_state`."""
        self.reset_state()

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


class _Reduce(Metric):
    """Accumulates a (weighted) total and count; subclasses say what `result` reads."""

    def __init__(self, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_weight(name="total")
        self.count = self.add_weight(name="count")

    def update_state(self, values, sample_weight=None):
        values = self._array("values", values)
        if sample_weight is None:
            total, count = values.sum(), values.size
        else:
            sw = self._array("sample_weight", sample_weight)
            if sw.ndim == values.ndim + 1 and sw.shape[-1] == 1:
                sw = sw[..., 0]
            elif values.ndim == sw.ndim + 1 and values.shape[-1] == 1:
                values = values[..., 0]
            sw = self._broadcast_weights(sw, values.shape, "the values'")
            total, count = (values * sw).sum(), sw.sum()
        self.total.assign_add(self._np_dtype.type(total))
        self.count.assign_add(self._np_dtype.type(count))

    def _scalar_update(self, values, sample_weight=None):
        """`update_state`'s replay in a traced step (`tracing.effect`) for a scalar tensor
        and no weight or a Python number (fit's loss, weighted by the batch size): the same
        arithmetic on 0-d arrays, with the weight's array and the count made once. None for
        other arguments, which replay through `update_state`."""
        if type(values) is not tf.Tensor or values.shape.rank != 0:
            return None
        if sample_weight is not None and (
                isinstance(sample_weight, bool) or not isinstance(sample_weight, (int, float))):
            return None
        dtype = self._np_dtype
        count = dtype.type(1)
        if sample_weight is not None:
            weight = self._array("sample_weight", sample_weight)
            count = dtype.type(weight.sum())
        total, counted, update = self.total, self.count, _Reduce.update_state.__wrapped__

        def replay(value):
            value = np.asarray(value, dtype)
            if value.ndim:  # (a scalar when traced: never, but then the general update)
                update(self, tf.constant(value), sample_weight)
                return
            total.assign_add(dtype.type(value if sample_weight is None else value * weight))
            counted.assign_add(count)

        return replay

    # One instruction of a traced step (see Metric.__init_subclass__), replayed by
    # `_scalar_update`'s form where it has one.
    update_state = effect(update_state, replay=_scalar_update)


class Mean(_Reduce):
    """The (weighted) mean of all values seen: total / count."""

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def result(self):
        # tensor ops, so that a traced step computes it; total / count exactly where
        # count > 0, and 0 / tiny = 0 where nothing was counted (total is 0 then)
        count = tf.maximum(self.count, np.finfo(self._np_dtype).tiny)
        return tf.divide(self.total, count)


class Sum(_Reduce):
    """The (weighted) sum of all values seen."""

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def result(self):
        return self.total.read_value()


def same_rank(x1, x2, expand_rank_1=True):
    """Keras's squeeze_or_expand_to_same_rank on NumPy arrays."""
    if x1.ndim == x2.ndim + 1 and x1.shape[-1] == 1:
        if x2.ndim == 1 and expand_rank_1:
            x2 = x2[..., None]
        else:
            x1 = x1[..., 0]
    elif x2.ndim == x1.ndim + 1 and x2.shape[-1] == 1:
        if x1.ndim == 1 and expand_rank_1:
            x1 = x1[..., None]
        else:
            x2 = x2[..., 0]
    return x1, x2


def _mean_last(x):
    if not x.ndim:
        return x
    return x[..., 0] if x.shape[-1] == 1 else x.mean(axis=-1, dtype=x.dtype)


def _np_mse(y_true, y_pred):
    d = y_pred - y_true
    return _mean_last(d * d)


def _np_mae(y_true, y_pred):
    return _mean_last(np.abs(y_pred - y_true))


def _np_accuracy(y_true, y_pred):
    return (y_true == y_pred).astype(y_pred.dtype)


def _np_binary_accuracy(y_true, y_pred, threshold=0.5):
    return (y_true == (y_pred > threshold)).astype(y_pred.dtype)


def _np_categorical_accuracy(y_true, y_pred):
    return (np.argmax(y_true, axis=-1) == np.argmax(y_pred, axis=-1)).astype(y_pred.dtype)


def _np_sparse_categorical_accuracy(y_true, y_pred):
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    return (y_true == np.argmax(y_pred, axis=-1)).astype(y_pred.dtype)


# The built-in metric functions: they take NumPy arrays, already rank-matched.
_NUMPY_FNS = frozenset(
    (
        _np_mse,
        _np_mae,
        _np_accuracy,
        _np_binary_accuracy,
        _np_categorical_accuracy,
        _np_sparse_categorical_accuracy,
    )
)


# The loss functions that metrics wrap by name ("binary_crossentropy", ...).
_LOSS_FNS = frozenset(
    (
        _losses.binary_crossentropy,
        _losses.categorical_crossentropy,
        _losses.sparse_categorical_crossentropy,
        _losses.mean_squared_error,
        _losses.mean_absolute_error,
        _losses.mean_absolute_percentage_error,
        _losses.mean_squared_logarithmic_error,
        _losses.huber,
    )
)


class MeanMetricWrapper(Mean):
    """The mean of `fn(y_true, y_pred, **kwargs)` over all samples seen.

    `fn` may be any loss-like function of tensors; the built-in metrics pass NumPy versions.
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", "mean_metric_wrapper"), dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs
        self._numpy_fn = fn in _NUMPY_FNS

    def update_state(self, y_true, y_pred, sample_weight=None):
        # As Keras: the mask a layer attached to the predictions weighs out masked entries.
        mask = getattr(y_pred, "_keras_mask", None)
        if mask is not None:
            sample_weight = apply_mask(sample_weight, mask, self._dtype, "sum")
        if self._numpy_fn:
            y_pred = self._array("y_pred", y_pred)
            y_true = self._array("y_true", y_true)
            y_true, y_pred = same_rank(y_true, y_pred)
            try:
                values = self._fn(y_true, y_pred, **self._fn_kwargs)
            except ValueError:
                raise tf.errors.InvalidArgumentError(
                    f"{type(self).__name__} '{self.name}': incompatible shapes: y_true has shape "
                    f"{y_true.shape} and y_pred has shape {y_pred.shape}.",
                    op="update_state",
                ) from None
        else:
            if backend.logits_of(y_pred) is None:
                # A copy off any tape; softmax and sigmoid outputs stay themselves, so that a
                # cross-entropy reads their logits, as in Keras.
                y_pred = tf.convert_to_tensor(self._array("y_pred", y_pred))
            y_true = self._array("y_true", y_true)
            if self._fn in _LOSS_FNS:
                # tapegrad matches (n,) labels to (n, 1) predictions here too, as the Loss
                # classes do; Keras 3's metric forms raise instead.
                y_true, y_pred = squeeze_or_expand_to_same_rank(
                    tf.convert_to_tensor(y_true), y_pred
                )
            values = self._fn(y_true, y_pred, **self._fn_kwargs)
        super().update_state(values, sample_weight)

    def get_config(self):
        from .saving.serialization_lib import with_function

        return with_function({**super().get_config(), **self._fn_kwargs}, type(self), self._fn)

    @classmethod
    def from_config(cls, config):
        from .saving.serialization_lib import revive_function

        return cls(**revive_function(config))
