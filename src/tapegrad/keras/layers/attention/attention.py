"""Attention (Luong's dot-product, or concat) and AdditiveAttention (Bahdanau's), Keras 3's."""

import numpy as np

import tapegrad as tf

from ... import backend
from ..layer import Layer
from ..masking_utils import propagates_only

__all__ = ["AdditiveAttention", "Attention"]


class Attention(Layer):
    """Dot-product attention: `softmax(query @ key^T) @ value`, on `[query, value]` or
    `[query, value, key]` of shapes (batch, Tq, dim), (batch, Tv, dim), (batch, Tv, dim).

    Args:
        use_scale: learn a scalar that multiplies the scores.
        score_mode: "dot" (query . key) or "concat" (sum(tanh(query + key))).
        dropout: the fraction of attention weights dropped in training.
        seed: an integer for a private random stream.

    Call arguments: `inputs` (the list), `mask` ([query_mask, value_mask]: padding steps of
    the value get no weight and those of the query give zeros; taken from the inputs' masks),
    `training`, `return_attention_scores`, `use_causal_mask` (step i attends to steps <= i).
    """

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.use_scale = use_scale
        self.score_mode = score_mode
        self.dropout = dropout
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)
        if score_mode not in ("dot", "concat"):
            raise ValueError(
                "Invalid value for argument score_mode. Expected one of {'dot', 'concat'}. "
                f"Received: score_mode={score_mode}")
        self.supports_masking = True

    def _validate_inputs(self, inputs, mask=None):
        name = type(self).__name__
        if not isinstance(inputs, list):
            raise ValueError(
                f"{name} layer must be called on a list of inputs, namely [query, value] or "
                f"[query, value, key]. Received: inputs={inputs}.")
        if not 2 <= len(inputs) <= 3:
            raise ValueError(
                f"{name} layer accepts inputs list of length 2 or 3, namely [query, value] or "
                f"[query, value, key]. Received length: {len(inputs)}.")
        if mask is not None:
            if not isinstance(mask, list):
                raise ValueError(
                    f"{name} layer mask must be a list, namely [query_mask, value_mask]. "
                    f"Received: mask={mask}.")
            if not 2 <= len(mask) <= 3:
                raise ValueError(
                    f"{name} layer accepts mask list of length 2 or 3. Received: "
                    f"inputs={inputs}, mask={mask}.")

    def build(self, input_shape):
        self._validate_inputs(list(input_shape))
        self.scale = self.add_weight(name="scale", shape=(), initializer="ones") if (
            self.use_scale) else None
        self.concat_score_weight = self.add_weight(
            name="concat_score_weight", shape=(), initializer="ones") if (
            self.score_mode == "concat") else None
        self.built = True

    def _calculate_scores(self, query, key):
        if self.score_mode == "dot":
            scores = tf.matmul(query, key, transpose_b=True)
            return scores if self.scale is None else scores * self.scale
        q, k = tf.expand_dims(query, -2), tf.expand_dims(key, -3)
        summed = q + k if self.scale is None else self.scale * (q + k)
        return self.concat_score_weight * tf.reduce_sum(tf.tanh(summed), axis=-1)

    def _apply_scores(self, scores, value, scores_mask=None, training=False):
        if scores_mask is not None:
            padding = tf.logical_not(scores_mask)
            large = 65504.0 if scores.dtype == tf.float16 else 1.0e9
            if padding.ndim == 2:
                padding = tf.expand_dims(padding, -2)
            scores = tf.where(padding, scores - large, scores)
        weights = tf.nn.softmax(scores, axis=-1)
        if training and self.dropout > 0:
            shape, rate = tuple(weights.shape), self.dropout
            dtype = weights.dtype.as_numpy_dtype

            def scale():  # drawn at each call, also of a traced step
                keep = (self._rng or backend.rng()).random(shape) >= rate
                return (keep / (1.0 - rate)).astype(dtype)

            weights = weights * tf.tracing.draw(scale)
        return tf.matmul(weights, value), weights

    def _calculate_score_mask(self, scores, v_mask, use_causal_mask):
        if not use_causal_mask:
            return v_mask
        tq, tv = scores.shape[-2], scores.shape[-1]
        causal = tf.constant(np.tril(np.ones((1, tq, tv), bool)))
        if v_mask is not None:
            return tf.logical_and(tf.expand_dims(tf.cast(v_mask, tf.bool), -2), causal)
        return causal

    def call(self, inputs, mask=None, training=False, return_attention_scores=False,
             use_causal_mask=False):
        self._validate_inputs(inputs, mask)
        q, v = inputs[0], inputs[1]
        k = inputs[2] if len(inputs) > 2 else v
        q_mask = mask[0] if mask else None
        v_mask = mask[1] if mask else None
        scores = self._calculate_scores(q, k)
        scores_mask = self._calculate_score_mask(
            scores, None if v_mask is None else tf.cast(v_mask, tf.bool), use_causal_mask)
        output, weights = self._apply_scores(scores, v, scores_mask, training)
        if q_mask is not None:
            output = tf.where(tf.expand_dims(tf.cast(q_mask, tf.bool), -1), output,
                              tf.zeros_like(output))
        return (output, weights) if return_attention_scores else output

    @propagates_only
    def compute_mask(self, inputs, previous_mask=None):
        self._validate_inputs(inputs, previous_mask)
        if previous_mask is None or previous_mask[0] is None:
            return None
        return previous_mask[0]

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape[0])[:-1], tuple(input_shape[1])[-1])

    def get_config(self):
        return {**super().get_config(), "use_scale": self.use_scale,
                "score_mode": self.score_mode, "dropout": self.dropout, "seed": self.seed}


class AdditiveAttention(Attention):
    """Additive (Bahdanau-style) attention: scores `sum(scale * tanh(query + key))` over the
    features, `scale` a learned vector (with `use_scale`, the default).

    Args:
        use_scale: learn the per-feature scale (glorot-uniform initialized).
        dropout: the fraction of attention weights dropped in training.
    """

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape):
        self._validate_inputs(list(input_shape))
        dim = input_shape[0][-1]
        self.scale = self.add_weight(name="scale", shape=(dim,),
                                     initializer="glorot_uniform") if self.use_scale else None
        self.built = True

    def _calculate_scores(self, query, key):
        q, k = tf.expand_dims(query, -2), tf.expand_dims(key, -3)
        scale = self.scale if self.use_scale else 1.0
        return tf.reduce_sum(scale * tf.tanh(q + k), axis=-1)

    def get_config(self):
        config = super().get_config()
        del config["score_mode"]
        return config
