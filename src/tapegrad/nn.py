"""`tapegrad.nn`: `tf.nn`'s names (their code: `_impl/nn_ops.py`, `_impl/math_ops.py`)."""

from ._impl.clip_ops import l2_normalize
from ._impl.math_ops import (
    log_softmax,
    sigmoid,
    softmax,
    softplus,
    softsign,
    tanh,
)
from ._impl.nn_ops import (
    dropout,
    elu,
    embedding_lookup,
    gelu,
    l2_loss,
    leaky_relu,
    moments,
    relu,
    relu6,
    selu,
    sigmoid_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits,
    sparse_softmax_cross_entropy_with_logits,
)

from ._impl.sort_ops import top_k

__all__ = [
    "top_k",
    "dropout", "elu", "embedding_lookup", "gelu", "l2_loss", "l2_normalize", "leaky_relu",
    "log_softmax", "moments", "relu", "relu6", "selu", "sigmoid",
    "sigmoid_cross_entropy_with_logits", "softmax", "softmax_cross_entropy_with_logits",
    "softplus", "softsign",
    "sparse_softmax_cross_entropy_with_logits", "tanh",
]
