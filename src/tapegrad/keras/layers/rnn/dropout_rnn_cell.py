"""`DropoutRNNCell`: the dropout masks of a recurrent cell, drawn once per sequence."""

import numpy as np

import tapegrad as tf

from ... import backend

__all__ = ["DropoutRNNCell"]


class DropoutRNNCell:
    """Mixed into a cell with `dropout`, `recurrent_dropout` and `seed`: the same masks are used
    at every step of one call of the RNN layer (which resets them afterwards), as Keras 3's.

    A mask is `keep / (1 - rate)` with `keep` drawn per element of a step's input (or state);
    `dropout_mask_count` masks (one per gate) when the cell sets it.
    """

    def _dropout_rng(self):
        if getattr(self, "seed", None) is None:
            return backend.rng()
        rng = getattr(self, "_dropout_stream", None)
        if rng is None:
            rng = self._dropout_stream = np.random.default_rng(self.seed)
        return rng

    def _create_dropout_mask(self, step_input, rate):
        shape = tuple(step_input.shape)
        dtype = step_input.dtype.as_numpy_dtype

        def scale():  # drawn at each call, also of a traced step
            keep = self._dropout_rng().random(shape) >= rate
            return (keep / (1.0 - rate)).astype(dtype)

        def one():
            return tf.tracing.draw(scale)

        count = getattr(self, "dropout_mask_count", None)
        return one() if count is None else [one() for _ in range(count)]

    def get_dropout_mask(self, step_input):
        """The input dropout mask(s) of this sequence (None without dropout)."""
        if getattr(self, "_dropout_mask", None) is None and self.dropout > 0:
            self._dropout_mask = self._create_dropout_mask(step_input, self.dropout)
        return getattr(self, "_dropout_mask", None)

    def get_recurrent_dropout_mask(self, step_input):
        """The recurrent dropout mask(s) of this sequence (None without recurrent dropout)."""
        if getattr(self, "_recurrent_dropout_mask", None) is None and self.recurrent_dropout > 0:
            self._recurrent_dropout_mask = self._create_dropout_mask(
                step_input, self.recurrent_dropout
            )
        return getattr(self, "_recurrent_dropout_mask", None)

    def reset_dropout_mask(self):
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        self._recurrent_dropout_mask = None
