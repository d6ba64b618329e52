"""Global pooling over every spatial axis, as reductions: GlobalAveragePooling1D (masked steps
left out of the mean), GlobalMaxPooling1D, and their 2-D and 3-D versions."""

import tapegrad as tf

from .arguments import check_data_format, check_rank
from .layer import Layer
from .masking_utils import propagates_only

__all__ = [
    "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D",
    "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
]


class _GlobalPooling(Layer):
    """The reduction over the `rank` spatial axes of `(batch, *spatial, channels)` (or
    channels first); `keepdims` keeps them, of size 1."""

    rank = 1

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = check_data_format(data_format)
        self.keepdims = bool(keepdims)

    def _spatial_axes(self, inputs):
        check_rank(self, inputs, self.rank + 2)
        start = 1 if self.data_format == "channels_last" else 2
        return list(range(start, start + self.rank))

    def compute_output_shape(self, input_shape):
        ones = (1,) * self.rank if self.keepdims else ()
        if self.data_format == "channels_last":
            return (input_shape[0], *ones, input_shape[-1])
        return (input_shape[0], input_shape[1], *ones)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format,
                "keepdims": self.keepdims}


class GlobalAveragePooling1D(_GlobalPooling):
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
        (axis,) = self._spatial_axes(inputs)
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


class _GlobalMax(_GlobalPooling):
    def call(self, inputs):
        return tf.reduce_max(inputs, axis=self._spatial_axes(inputs), keepdims=self.keepdims)


class GlobalMaxPooling1D(_GlobalMax):
    """The maximum over the steps of `(batch, steps, features)` (`channels_first`: `(batch,
    features, steps)`). As in Keras, a mask is not applied.

    Args:
        data_format: "channels_last" (default) or "channels_first".
        keepdims: keep the steps axis, of size 1.
    """


class _GlobalAverage(_GlobalPooling):
    def call(self, inputs):
        return tf.reduce_mean(inputs, axis=self._spatial_axes(inputs), keepdims=self.keepdims)


class GlobalAveragePooling2D(_GlobalAverage):
    """The mean over height and width: `(batch, h, w, c)` -> `(batch, c)`.

    Args:
        data_format: "channels_last" (default: the backend's) or "channels_first".
        keepdims: keep the spatial axes, of size 1.
    """

    rank = 2


class GlobalAveragePooling3D(_GlobalAverage):
    """The mean over depth, height and width. Arguments as `GlobalAveragePooling2D`'s."""

    rank = 3


class GlobalMaxPooling2D(_GlobalMax):
    """The maximum over height and width (a tie's gradient is split evenly, as
    `tf.reduce_max`). Arguments as `GlobalAveragePooling2D`'s."""

    rank = 2


class GlobalMaxPooling3D(_GlobalMax):
    """The maximum over depth, height and width. Arguments as `GlobalAveragePooling2D`'s."""

    rank = 3
