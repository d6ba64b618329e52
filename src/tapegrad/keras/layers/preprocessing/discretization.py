"""Discretization: numbers to the index of their bin, the bins given or learned by `adapt` from
quantiles, with Keras 3's quantile summaries (so adapted boundaries equal Keras's)."""

import numpy as np

import tapegrad as tf

from ..layer import Layer
from .adapt import adapt_by_batches
from .index_lookup import encode_categorical

__all__ = ["Discretization"]

_OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


class Discretization(Layer):
    """Buckets numbers by ranges: with `bin_boundaries=[0., 1., 2.]` the bins are (-inf, 0),
    [0, 1), [1, 2) and [2, inf), numbered 0 to 3 (NaN falls in the last, as TensorFlow's
    Bucketize puts it). Inputs are compared as the layer's float type (float32), as Keras's.

    Args:
        bin_boundaries: the sorted inner boundaries; then `adapt` must not be called.
        num_bins: the number of bins `adapt` learns from the data's quantiles.
        epsilon: the quantile summaries' error tolerance (smaller: more exact, more memory).
        output_mode: "int" (the bin indices, int32), "one_hot" (a last axis of size 1 is
            replaced), "multi_hot" or "count" (along the last axis), in the compute dtype.
        sparse: only False (tapegrad has no sparse tensors).

    Raises:
        ValueError: for both or neither of `bin_boundaries` and `num_bins`, a negative
            `num_bins`, an unknown `output_mode` or `sparse=True`; at call, before the layer
            has boundaries.
        InvalidArgumentError: at call, for boundaries that are not sorted.

    Example:
        >>> layer = Discretization(bin_boundaries=[0., 1., 2.])
        >>> layer([[-1.5, 1.0, 3.4, .5], [0.0, 3.0, 1.3, 0.0]]).numpy().tolist()
        [[0, 2, 3, 1], [1, 3, 2, 1]]
    """

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int",
                 sparse=False, dtype=None, name=None):
        super().__init__(name=name, dtype=dtype)
        if sparse and output_mode == "int":
            raise ValueError(
                "`sparse=True` may only be used if `output_mode` is `'one_hot'`, `'multi_hot'`, "
                f"or `'count'`. Received: sparse={sparse} and output_mode={output_mode}")
        if output_mode not in _OUTPUT_MODES:
            raise ValueError(
                "Unknown value for `output_mode` argument of Discretization. Allowed values "
                f"are: {_OUTPUT_MODES}. Received: output_mode={output_mode}")
        if sparse:
            raise ValueError(
                "Discretization: `sparse=True` needs sparse tensors, which tapegrad does not "
                "have; use the dense output (sparse=False).")
        if num_bins is not None and num_bins < 0:
            raise ValueError(
                f"`num_bins` must be greater than or equal to 0. Received: `num_bins={num_bins}`")
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError(
                "Both `num_bins` and `bin_boundaries` should not be set. Received: "
                f"`num_bins={num_bins}` and `bin_boundaries={bin_boundaries}`")
        if num_bins is None and bin_boundaries is None:
            raise ValueError("You need to set either `num_bins` or `bin_boundaries`.")
        self.bin_boundaries = None if bin_boundaries is None else list(bin_boundaries)
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = False
        self.summary = None if self.bin_boundaries else _EMPTY.copy()

    def adapt(self, data, steps=None):
        """Learns `num_bins - 1` boundaries from the quantiles of `data` (arrays, tensors,
        `tf.data` Datasets, iterables of batches; `steps` batches at most).

        Raises:
            ValueError: for a layer made with `bin_boundaries`, or with `num_bins=0`.
        """
        if self.num_bins is None:
            raise ValueError(
                "Cannot adapt a Discretization layer that has been initialized with "
                "`bin_boundaries`, use `num_bins` instead.")
        if self.num_bins == 0:  # Keras divides by it and fails with ZeroDivisionError
            raise ValueError(
                f"Discretization '{self.name}': adapt() learns num_bins - 1 boundaries and "
                "needs num_bins >= 1. Received: num_bins=0")
        adapt_by_batches(self, data, steps)

    def update_state(self, data):
        summary = _summarize(np.asarray(data).astype("float32"), self.epsilon)
        self.summary = _merge_summaries(summary, self.summary, self.epsilon)

    def finalize_state(self):
        if self.num_bins is not None:
            self.bin_boundaries = _compress_summary(self.summary, 1.0 / self.num_bins)[
                0, :-1].tolist()

    def reset_state(self):
        if self.num_bins is not None:
            self.summary = _EMPTY.copy()

    def _bins(self):
        if self.bin_boundaries is None:
            raise ValueError(
                f"Discretization '{self.name}': you need to either pass the `bin_boundaries` "
                "argument at construction time or call `adapt(dataset)` before you can start "
                "using the `Discretization` layer.")
        bins = np.asarray(self.bin_boundaries, np.float32).reshape(-1)
        if np.any(bins[1:] < bins[:-1]):
            raise tf.errors.InvalidArgumentError(
                f"Discretization '{self.name}': expected sorted boundaries, got "
                f"bin_boundaries={self.bin_boundaries}.")
        return bins

    def call(self, inputs):
        bins = self._bins()
        values = tf.cast(inputs, self.compute_dtype)
        # Bucketize's bins: x < bins[0] is 0, bins[i - 1] <= x < bins[i] is i (searchsorted on
        # the right side), in float64 so that a float32 and a float64 layer compare alike
        flat = tf.reshape(tf.cast(values, tf.float64), (1, -1))
        seq = tf.constant(bins.astype(np.float64)[None])
        indices = tf.reshape(tf.searchsorted(seq, flat, side="right"), tuple(values.shape))
        depth = len(bins) + 1
        if self.output_mode == "int":
            return indices
        if self.output_mode == "one_hot":
            if indices.ndim > 1 and indices.shape[-1] == 1:
                indices = tf.squeeze(indices, -1)
            return tf.one_hot(indices, depth, dtype=self.compute_dtype)
        return encode_categorical(indices.numpy(), self.output_mode, depth, self._np_dtype)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = (len(self.bin_boundaries) + 1 if self.bin_boundaries is not None
                 else self.num_bins)
        if self.output_mode == "one_hot":
            if input_shape and input_shape[-1] == 1 and len(input_shape) > 1:
                return input_shape[:-1] + (depth,)
            return input_shape + (depth,)
        if len(input_shape) >= 2:
            return (input_shape[0],) + input_shape[2:] + (depth,)
        return (depth,)

    def get_config(self):
        return {"bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins,
                "epsilon": self.epsilon, "output_mode": self.output_mode,
                "sparse": self.sparse, "name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """An adapted layer's config has both `bin_boundaries` and `num_bins` (as Keras's)."""
        if config.get("bin_boundaries") is not None and config.get("num_bins") is not None:
            config = dict(config)
            bins = config.pop("bin_boundaries")
            layer = cls(**config)
            layer.bin_boundaries = bins
            return layer
        return cls(**config)


# -- Keras 3's quantile summaries (keras/src/layers/preprocessing/discretization.py): a summary
# is a (2, n) float32 array of values and their weights ---------------------------------------

_EMPTY = np.array([[], []], dtype="float32")


def _summarize(values, epsilon):
    """About 1 / epsilon evenly spaced order statistics of `values`, each weighing the number
    of values it stands for."""
    values = np.sort(np.reshape(values, [-1]))
    step = max(np.size(values) / (1.0 / epsilon), 1)
    boundaries = values[int(step - 1)::int(step)]
    return np.stack([boundaries, np.ones_like(boundaries) * step])


def _merge_summaries(prev_summary, next_summary, epsilon):
    merged = np.concatenate((prev_summary, next_summary), axis=1)
    merged = np.take(merged, np.argsort(merged[0]), axis=1)
    return _compress_summary(merged, epsilon)


def _compress_summary(summary, epsilon):
    """The summary at the cumulative-weight fractions epsilon, 2 epsilon, ..., 1, interpolated
    (unchanged if it has fewer than 1 / epsilon entries)."""
    if summary.shape[1] * epsilon < 1:
        return summary
    percents = epsilon + np.arange(0.0, 1.0, epsilon)
    cum_weights = summary[1].cumsum()
    cum_weight_percents = cum_weights / cum_weights[-1]
    new_bins = np.interp(percents, cum_weight_percents, summary[0])
    cum_weights = np.interp(percents, cum_weight_percents, cum_weights)
    new_weights = cum_weights - np.concatenate((np.array([0]), cum_weights[:-1]))
    return np.stack((new_bins, new_weights)).astype("float32")
