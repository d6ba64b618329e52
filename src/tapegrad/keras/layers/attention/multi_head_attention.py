"""`MultiHeadAttention` (Vaswani et al., 2017), Keras 3's: EinsumDense projections into heads,
scaled dot-product attention with masks, an output projection."""

import math
import string

import numpy as np

import tapegrad as tf

from ... import constraints, initializers, regularizers
from ..activation_layers import Softmax
from ..core import Dropout
from ..einsum_dense import EinsumDense
from ..layer import Layer
from ..masking_utils import get_mask, set_mask

__all__ = ["MultiHeadAttention"]


def _letter(i):
    return string.ascii_lowercase[i]


def _attention_equations(rank, attn_axes):
    """Keras's `_build_attention_equation`: the einsum of the scores and of their
    combination with the values, and the rank of the scores."""
    target = "".join(_letter(i) for i in range(rank))
    batch_dims = tuple(np.delete(range(rank), attn_axes + (rank - 1,)))
    offset, source = rank, ""
    for i in range(rank):
        if i in batch_dims or i == rank - 1:
            source += target[i]
        else:
            source += _letter(offset)
            offset += 1
    product = "".join([target[i] for i in batch_dims] + [target[i] for i in attn_axes]
                      + [source[i] for i in attn_axes])
    return f"{source},{target}->{product}", f"{product},{source}->{target}", len(product)


def _projection(free_dims, bound_dims, output_dims):
    """Keras's `_build_proj_equation`: (equation, bias axes, output rank)."""
    letters = [_letter(i) for i in range(free_dims + bound_dims + output_dims)]
    free = "".join(letters[:free_dims])
    bound = "".join(letters[free_dims : free_dims + bound_dims])
    out = "".join(letters[free_dims + bound_dims :])
    return f"{free}{bound},{bound}{out}->{free}{out}", out, free_dims + output_dims


def _output_shape(rank, known_last_dims):
    return [None] * (rank - len(known_last_dims)) + list(known_last_dims)


class MultiHeadAttention(Layer):
    """Multi-head attention: `query`, `value` (and `key`, default `value`) are projected
    into `num_heads` heads, attend with scaled dot products, and are projected back.

    Args:
        num_heads: the number of heads.
        key_dim: the size of each head for query and key.
        value_dim: the size of each head for value (default key_dim).
        dropout: the fraction of attention weights dropped in training.
        use_bias: whether the projections have biases.
        output_shape: the output's last dimensions (default the query's last).
        attention_axes: the axes attention runs over (default all but batch, heads and
            features).
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
        activity_regularizer, kernel_constraint, bias_constraint: of the projections.
        use_gate: gate the heads' outputs by a sigmoid projection of the query.
        seed: an integer for the dropout's random stream.

    Weights (Keras's layout): `query/kernel` (query_dim, num_heads, key_dim), `query/bias`
    (num_heads, key_dim), the same for `key` and `value`, `attention_output/kernel`
    (num_heads, value_dim, output_dim) and its bias.

    Call arguments: `query`, `value`, `key`, `attention_mask` (batch, T, S) booleans
    (True attends), `return_attention_scores`, `training`, `use_causal_mask`; the masks of
    `query`, `value` and `key` (Embedding(mask_zero=True)) combine with it, and the output
    carries the query's mask.
    """

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True,
                 output_shape=None, attention_axes=None, sliding_window=None,
                 flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 use_gate=False, seed=None, **kwargs):
        for name, value, allow_none in (("num_heads", num_heads, False),
                                        ("key_dim", key_dim, False),
                                        ("value_dim", value_dim, True)):
            if (value is None and allow_none) or (
                    isinstance(value, int) and not isinstance(value, bool) and value > 0):
                continue
            raise ValueError(
                f"Received an invalid value for argument `{name}`, expected a positive "
                f"integer{' or `None`' if allow_none else ''}. Received: {name}={value}")
        if flash_attention:
            raise ValueError("Flash attention is not supported by tapegrad.")
        if sliding_window is not None and (
                not isinstance(sliding_window, int) or sliding_window <= 0):
            raise ValueError(
                "`sliding_window` must be `None` or a positive integer. Received: "
                f"sliding_window={sliding_window}")
        super().__init__(**kwargs)
        self.supports_masking = True
        if output_shape:
            output_shape = (output_shape,) if isinstance(output_shape, int) else tuple(
                output_shape)
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes and not isinstance(attention_axes, (list, tuple)):
            raise ValueError(
                "`attention_axes` must be an int, list, or tuple."
                f"Received: attention_axes={attention_axes}")
        self._num_heads = num_heads
        self._key_dim = key_dim
        self._value_dim = value_dim or key_dim
        self._dropout = dropout
        self._use_bias = use_bias
        self._use_gate = use_gate
        self._output_shape = output_shape
        self._attention_axes = attention_axes
        self._sliding_window = sliding_window
        self.seed = seed
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self._kernel_regularizer = regularizers.get(kernel_regularizer)
        self._bias_regularizer = regularizers.get(bias_regularizer)
        self._activity_regularizer = regularizers.get(activity_regularizer)
        self._kernel_constraint = constraints.get(kernel_constraint)
        self._bias_constraint = constraints.get(bias_constraint)
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(key_dim))
        self._query_dense = None

    num_heads = property(lambda self: self._num_heads)
    key_dim = property(lambda self: self._key_dim)
    value_dim = property(lambda self: self._value_dim)
    dropout = property(lambda self: self._dropout)
    use_bias = property(lambda self: self._use_bias)
    attention_axes = property(lambda self: self._attention_axes)
    query_dense = property(lambda self: self._query_dense)
    key_dense = property(lambda self: self._key_dense)
    value_dense = property(lambda self: self._value_dense)
    output_dense = property(lambda self: self._output_dense)

    # -- building -------------------------------------------------------------------------
    def _sublayer_kwargs(self):
        return dict(
            kernel_regularizer=self._kernel_regularizer,
            bias_regularizer=self._bias_regularizer,
            activity_regularizer=self._activity_regularizer,
            kernel_constraint=self._kernel_constraint,
            bias_constraint=self._bias_constraint,
            dtype=self.dtype,
            kernel_initializer=type(self._kernel_initializer).from_config(
                self._kernel_initializer.get_config()),
            bias_initializer=type(self._bias_initializer).from_config(
                self._bias_initializer.get_config()),
        )

    def _projection_layer(self, rank, heads_dim, name, activation=None):
        equation, bias_axes, out_rank = _projection(rank - 1, bound_dims=1, output_dims=2)
        return EinsumDense(
            equation, output_shape=_output_shape(out_rank - 1, [self._num_heads, heads_dim]),
            bias_axes=bias_axes if self._use_bias else None, name=name, activation=activation,
            **self._sublayer_kwargs())

    def build(self, query_shape, value_shape=None, key_shape=None):
        if value_shape is None:
            return  # built on the first call, which knows the value's shape too
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(
                "All dimensions of `value` and `key`, except the last one, must be equal. "
                f"Received: value_shape={value_shape} and key_shape={key_shape}")
        self._query_dense = self._projection_layer(len(query_shape), self._key_dim, "query")
        self._query_dense.build(query_shape)
        self._key_dense = self._projection_layer(len(key_shape), self._key_dim, "key")
        self._key_dense.build(key_shape)
        if self._use_gate:
            self._gate_dense = self._projection_layer(len(query_shape), self._value_dim, "gate",
                                                      activation="sigmoid")
            self._gate_dense.build(query_shape)
        self._value_dense = self._projection_layer(len(value_shape), self._value_dim, "value")
        self._value_dense.build(value_shape)
        rank = len(value_shape) + 1
        axes = tuple(range(1, rank - 2)) if self._attention_axes is None else tuple(
            a if a >= 0 else (rank - 1) + a for a in self._attention_axes)
        self._attention_axes = axes
        dot, combine, scores_rank = _attention_equations(rank, axes)
        self._dot_product_equation = dot
        self._combine_equation = combine
        self._softmax = Softmax(axis=tuple(range(scores_rank - len(axes), scores_rank)),
                                dtype=self.dtype)
        self._dropout_layer = Dropout(rate=self._dropout, dtype=self.dtype, seed=self.seed)
        out_shape = self._output_shape or [query_shape[-1]]
        equation, bias_axes, out_rank = _projection(len(query_shape) - 1, bound_dims=2,
                                                    output_dims=len(out_shape))
        self._output_dense = EinsumDense(
            equation, output_shape=_output_shape(out_rank - 1, out_shape),
            bias_axes=bias_axes if self._use_bias else None, name="attention_output",
            **self._sublayer_kwargs())
        inner = list(self._query_dense.compute_output_shape(query_shape))
        inner[-1] = self._value_dim
        self._output_dense.build(tuple(inner))
        self.built = True

    # -- attention ------------------------------------------------------------------------
    def _masked_softmax(self, scores, attention_mask=None):
        if attention_mask is not None:
            axis = -len(self._attention_axes) * 2 - 1
            for _ in range(scores.ndim - attention_mask.ndim):
                attention_mask = tf.expand_dims(attention_mask, axis)
        return self._softmax(scores, mask=attention_mask)

    def _compute_attention(self, query, key, value, attention_mask=None, training=None,
                           return_attention_scores=False, use_causal_mask=False):
        if not (self._dropout > 0.0 or return_attention_scores or query.ndim != 4):
            from ...ops import nn as ops_nn

            if attention_mask is not None:
                for _ in range(4 - attention_mask.ndim):
                    attention_mask = tf.expand_dims(attention_mask, -len(
                        self._attention_axes) * 2 - 1)
                attention_mask = tf.cast(attention_mask, tf.bool)
            out = ops_nn.dot_product_attention(
                query, key, value, mask=attention_mask, scale=self._inverse_sqrt_key_dim,
                is_causal=use_causal_mask and attention_mask is None)
            return out, None
        if use_causal_mask:
            causal = self._causal_mask(query, value)
            attention_mask = causal if attention_mask is None else tf.logical_and(
                tf.cast(attention_mask, tf.bool), causal)
        query = query * tf.cast(self._inverse_sqrt_key_dim, query.dtype)
        scores = tf.einsum(self._dot_product_equation, key, query)
        scores = self._masked_softmax(scores, attention_mask)
        weights = self._dropout_layer(scores, training=training) if self._dropout > 0.0 else (
            scores)
        return tf.einsum(self._combine_equation, weights, value), scores

    @staticmethod
    def _causal_mask(query, value=None):
        t = query.shape[1]
        s = t if value is None else value.shape[1]
        return tf.constant(np.tril(np.ones((1, t, s), bool)))

    def _attention_mask(self, query, value, query_mask=None, value_mask=None, key_mask=None,
                        attention_mask=None, use_causal_mask=False):
        auto = None
        if query_mask is not None:
            auto = tf.expand_dims(tf.cast(query_mask, tf.bool), -1)  # (B, T, 1)
        for m in (value_mask, key_mask):
            if m is not None:
                m = tf.expand_dims(tf.cast(m, tf.bool), -2)  # (B, 1, S)
                auto = m if auto is None else tf.logical_and(auto, m)
        if use_causal_mask:
            m = self._causal_mask(query, value)
            auto = m if auto is None else tf.logical_and(auto, m)
        if self._sliding_window is not None:
            t, s = query.shape[1], value.shape[1]
            rows, cols = np.arange(t)[None, :, None], np.arange(s)[None, None, :]
            m = tf.constant(np.abs(rows - cols) < self._sliding_window)
            auto = m if auto is None else tf.logical_and(auto, m)
        if attention_mask is not None:
            attention_mask = tf.cast(attention_mask, tf.bool)
        if auto is not None:
            attention_mask = auto if attention_mask is None else tf.logical_and(
                attention_mask, auto)
        return attention_mask

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None,
             use_causal_mask=False):
        if key is None:
            key = value
        if self._query_dense is None:
            self.build(tuple(query.shape), tuple(value.shape), tuple(key.shape))
        query_mask = get_mask(query)  # Keras reads it from the query
        causal_only = (use_causal_mask and query_mask is None and value_mask is None
                       and key_mask is None and attention_mask is None
                       and self._sliding_window is None
                       and type(self)._compute_attention is MultiHeadAttention._compute_attention)
        if not causal_only:
            attention_mask = self._attention_mask(
                query, value, query_mask=query_mask, value_mask=value_mask, key_mask=key_mask,
                attention_mask=attention_mask, use_causal_mask=use_causal_mask)
        gate = self._gate_dense(query) if self._use_gate else None
        q, k, v = self._query_dense(query), self._key_dense(key), self._value_dense(value)
        extra = {"use_causal_mask": True} if causal_only else {}
        output, scores = self._compute_attention(
            q, k, v, None if causal_only else attention_mask, training,
            return_attention_scores, **extra)
        output = self._output_dense(output * gate if gate is not None else output)
        if query_mask is not None:
            set_mask(output, query_mask)
        return (output, scores) if return_attention_scores else output

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        query_shape = tuple(query_shape)
        if self._output_shape:
            return query_shape[:-1] + tuple(self._output_shape)
        return query_shape

    def get_config(self):
        return {
            **super().get_config(),
            "num_heads": self._num_heads,
            "key_dim": self._key_dim,
            "value_dim": self._value_dim,
            "dropout": self._dropout,
            "use_bias": self._use_bias,
            "use_gate": self._use_gate,
            "output_shape": self._output_shape,
            "attention_axes": self._attention_axes,
            "sliding_window": self._sliding_window,
            "kernel_initializer": initializers.serialize(self._kernel_initializer),
            "bias_initializer": initializers.serialize(self._bias_initializer),
            "kernel_regularizer": regularizers.serialize(self._kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self._bias_regularizer),
            "activity_regularizer": regularizers.serialize(self._activity_regularizer),
            "kernel_constraint": constraints.serialize(self._kernel_constraint),
            "bias_constraint": constraints.serialize(self._bias_constraint),
            "seed": self.seed,
        }
