"""Embedding (integer ids to dense vectors) and Masking (a mask from a padding value)."""

import tapegrad as tf

from .. import constraints, initializers, regularizers
from .arguments import check_integer
from .layer import Layer
from .masking_utils import set_mask

__all__ = ["Embedding", "Masking"]


class Embedding(Layer):
    """Maps non-negative integer ids to rows of a trainable `(input_dim, output_dim)` matrix.

    Args:
        input_dim: the vocabulary size (largest id + 1).
        output_dim: the size of each vector.
        embeddings_initializer: how the matrix starts ("uniform": U(-0.05, 0.05)).
        embeddings_regularizer: a penalty on the matrix, added to `losses`.
        embeddings_constraint: a constraint on the matrix.
        mask_zero: whether id 0 is padding: the output then carries a mask (`ids != 0`) that
            recurrent layers, attention and losses honour, and id 0 must not be a real token.
        weights: initial value of the matrix (a list of one array, or the array).

    Input shape: `(batch, ...)` integers (floats are cast). Output shape: `(batch, ...,
    output_dim)`. A negative id counts from the end (as Keras's `take`); an id of `input_dim`
    or more is an InvalidArgumentError naming it.
    """

    def __init__(
        self,
        input_dim,
        output_dim,
        embeddings_initializer="uniform",
        embeddings_regularizer=None,
        embeddings_constraint=None,
        mask_zero=False,
        weights=None,
        lora_rank=None,
        lora_alpha=None,
        quantization_config=None,
        **kwargs,
    ):
        input_dim = check_integer("Embedding", "input_dim", input_dim, minimum=1)
        output_dim = check_integer("Embedding", "output_dim", output_dim, minimum=1)
        if lora_rank or quantization_config:
            raise NotImplementedError(
                "Embedding: LoRA and quantization (`lora_rank`, `quantization_config`) are not "
                "supported by tapegrad."
            )
        kwargs.pop("input_length", None)  # deprecated in Keras 3, which warns and ignores it
        super().__init__(**kwargs)
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self.autocast = False
        if weights is not None:
            self.build()
            if not (isinstance(weights, list) and len(weights) == 1):
                weights = [weights]
            self.set_weights(weights)

    def build(self, input_shape=None):
        if self.built:
            return
        self._embeddings = self.add_weight(
            shape=(self.input_dim, self.output_dim),
            initializer=self.embeddings_initializer,
            name="embeddings",
            regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint,
        )
        self.built = True

    @property
    def embeddings(self):
        """The `(input_dim, output_dim)` matrix."""
        if not self.built:
            raise AttributeError("You must build the layer before accessing `embeddings`.")
        return self._embeddings

    def call(self, inputs):
        if inputs.dtype not in (tf.int32, tf.int64):
            inputs = tf.cast(inputs, tf.int32)
        # Keras's `take` counts negative ids from the end.
        inputs = tf.where(inputs < 0, inputs + self.input_dim, inputs)
        try:
            return tf.gather(self._embeddings, inputs)
        except tf.errors.InvalidArgumentError as err:
            raise tf.errors.InvalidArgumentError(
                f"Embedding '{self.name}' (input_dim={self.input_dim}): an input id is outside "
                f"[0, {self.input_dim}): {err}. Ids must be below input_dim; make input_dim the "
                "vocabulary size."
            ) from None

    def compute_mask(self, inputs, previous_mask=None):
        if not self.mask_zero:
            return None
        return tf.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return (*input_shape, self.output_dim)

    def get_config(self):
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
            "quantization_config": None,
        }


class Masking(Layer):
    """Masks the timesteps whose features all equal `mask_value`: their outputs are zeros and
    the output carries a mask (False at those steps) that later layers honour.

    Args:
        mask_value: the padding value (default 0.0).

    Input shape: `(batch, timesteps, features)`; the mask has shape `(batch, timesteps)`.
    """

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True

    def compute_mask(self, inputs, previous_mask=None):
        return tf.reduce_any(tf.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        keep = tf.reduce_any(tf.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        outputs = tf.where(keep, inputs, tf.zeros_like(inputs))
        set_mask(outputs, tf.squeeze(keep, axis=-1))
        return outputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}
