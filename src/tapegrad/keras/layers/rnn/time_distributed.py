"""`TimeDistributed`: a layer applied to every time step of a sequence."""

import inspect

import tapegrad as tf

from ..layer import Layer
from ..nested import deserialize_layer, serialize_layer

__all__ = ["TimeDistributed"]


class TimeDistributed(Layer):
    """Applies `layer` to each slice `inputs[:, t]` of a `(batch, timesteps, ...)` input.

    Args:
        layer: the layer (its weights are shared by all the steps).

    A layer whose call takes no `training` argument (Dense, Conv, Activation, ...) computes
    each sample on its own, so it runs once on the `(batch * timesteps, ...)` reshaped input;
    any other (BatchNormalization, Dropout, a model) runs once per step, as Keras 3 runs them,
    so that batch statistics are per step. A mask `(batch, timesteps)` is passed on, sliced.
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `TimeDistributed` layer with a `keras.layers.Layer` "
                f"instance. Received: {layer}"
            )
        super().__init__(**kwargs)
        self.layer = layer
        self.supports_masking = True

    def _child_shape(self, input_shape):
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) < 3:
            raise ValueError(
                "`TimeDistributed` Layer should be passed an `input_shape` with at least 3 "
                f"dimensions, received: {input_shape}"
            )
        return (input_shape[0], *input_shape[2:])

    def build(self, input_shape):
        if not self.layer.built:
            self.layer.build(self._child_shape(input_shape))
            self.layer.built = True
        self.built = True

    def compute_output_shape(self, input_shape):
        child = self.layer.compute_output_shape(self._child_shape(input_shape))
        return (child[0], input_shape[1], *child[1:])

    def call(self, inputs, training=None, mask=None):
        shape = tuple(inputs.shape)
        if mask is not None:
            mask_shape = tuple(mask.shape)
            if len(mask_shape) < 2 or mask_shape[:2] != shape[:2]:
                raise ValueError(
                    f"The `mask` passed to the `TimeDistributed` layer has a shape {mask_shape} "
                    f"that is incompatible with the input shape {shape}. The first two "
                    "dimensions of the mask (batch size and timesteps) must match the input's "
                    f"first two dimensions. Expected mask shape prefix: ({shape[0]}, {shape[1]})."
                )
        params = inspect.signature(self.layer.call).parameters
        kwargs = {}
        if "training" in params:
            kwargs["training"] = training
            steps = [
                self._step(inputs[:, t], None if mask is None else mask[:, t], params, kwargs)
                for t in range(shape[1])
            ]
            return tf.stack(steps, axis=1)
        flat = tf.reshape(inputs, (shape[0] * shape[1],) + shape[2:])
        flat_mask = None if mask is None else tf.reshape(
            mask, (shape[0] * shape[1],) + tuple(mask.shape[2:])
        )
        out = self._step(flat, flat_mask, params, kwargs)
        return tf.reshape(out, shape[:2] + tuple(out.shape[1:]))

    def _step(self, x, mask, params, kwargs):
        if "mask" in params and mask is not None:
            kwargs = {**kwargs, "mask": mask}
        return self.layer.call(x, **kwargs)

    def get_config(self):
        return {**super().get_config(), "layer": serialize_layer(self.layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        layer = deserialize_layer(config.pop("layer"), custom_objects)
        return cls(layer, **config)
