"""Global pooling over the steps of a sequence: GlobalAveragePooling1D (masked steps left out
of the mean) and GlobalMaxPooling1D, as reductions."""

import tapegrad as tf

from .arguments import check_data_format, check_rank
from .layer import Layer
from .masking_utils import propagates_only

__all__ = ["GlobalAveragePooling1D", "GlobalMaxPooling1D"]


class _GlobalPooling1D(Layer):
    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = check_data_format(data_format)
        self.keepdims = bool(keepdims)

    def _steps_axis(self, inputs):
        check_rank(self, inputs, 3)
        return 1 if self.data_format == "channels_last" else 2

    def compute_output_shape(self, input_shape):
        if self.data_format == "channels_last":
            kept = input_shape[-1]
            return (input_shape[0], 1, kept) if self.keepdims else (input_shape[0], kept)
        kept = input_shape[1]
        return (input_shape[0], kept, 1) if self.keepdims else (input_shape[0], kept)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format,
                "keepdims": self.keepdims}


class GlobalAveragePooling1D(_GlobalPooling1D):
    """The mean over the steps of `(batch, steps, features)` (`channels_first`: `(batch,
    features, steps)`); with a mask, the mean of the unmasked steps only.

    Args:
        data_format: "channels_last" (default) or "channels_first".
        keepdims: keep the steps axis, of size 1.
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        axis = self._steps_axis(inputs)
        if mask is None:
            return tf.reduce_mean(inputs, axis=axis, keepdims=self.keepdims)
        keep = tf.expand_dims(tf.cast(mask, tf.bool), 2 if axis == 1 else 1)
        total = tf.reduce_sum(tf.where(keep, inputs, tf.zeros_like(inputs)), axis=axis,
                              keepdims=self.keepdims)
        return total / tf.reduce_sum(tf.cast(keep, inputs.dtype), axis=axis,
                                     keepdims=self.keepdims)

    @propagates_only
    def compute_mask(self, inputs, previous_mask=None):
        return None


class GlobalMaxPooling1D(_GlobalPooling1D):
    """The maximum over the steps of `(batch, steps, features)` (`channels_first`: `(batch,
    features, steps)`). As in Keras, a mask is not applied.

    Args:
        data_format: "channels_last" (default) or "channels_first".
        keepdims: keep the steps axis, of size 1.
    """

    def call(self, inputs):
        return tf.reduce_max(inputs, axis=self._steps_axis(inputs), keepdims=self.keepdims)
