"""`tapegrad.nn`: `tf.nn`'s names (their code: `_impl/nn_ops.py`, `_impl/math_ops.py`)."""

from ._impl.clip_ops import l2_normalize
from ._impl.conv_ops import (
    conv1d,
    conv1d_transpose,
    conv2d,
    conv2d_transpose,
    conv3d,
    conv3d_transpose,
    conv_transpose,
    convolution,
    depthwise_conv2d,
    separable_conv2d,
)
from ._impl.counting_ops import in_top_k
from ._impl.math_ops import (
    log_softmax,
    sigmoid,
    softmax,
    softplus,
    softsign,
    tanh,
)
from ._impl.nn_ops import (
    batch_normalization,
    bias_add,
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
from ._impl.pooling_ops import (
    avg_pool,
    avg_pool1d,
    avg_pool2d,
    avg_pool3d,
    local_response_normalization,
    max_pool,
    max_pool1d,
    max_pool2d,
    max_pool3d,
    pool,
)
from ._impl.sort_ops import top_k

lrn = local_response_normalization  # TensorFlow's alias

__all__ = [
    "avg_pool", "avg_pool1d", "avg_pool2d", "avg_pool3d", "conv1d", "conv1d_transpose", "conv2d",
    "conv2d_transpose", "conv3d", "conv3d_transpose", "conv_transpose", "convolution",
    "depthwise_conv2d", "local_response_normalization", "lrn", "max_pool", "max_pool1d",
    "max_pool2d", "max_pool3d", "pool", "separable_conv2d", "top_k", "in_top_k",
    "batch_normalization", "bias_add", "dropout", "elu", "embedding_lookup", "gelu", "l2_loss", "l2_normalize", "leaky_relu",
    "log_softmax", "moments", "relu", "relu6", "selu", "sigmoid",
    "sigmoid_cross_entropy_with_logits", "softmax", "softmax_cross_entropy_with_logits",
    "softplus", "softsign",
    "sparse_softmax_cross_entropy_with_logits", "tanh",
]
