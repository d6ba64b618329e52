"""The MNIST network's training step written out by hand in NumPy (the floor of `mnist_step`):
Conv2D(32, 3, relu) -> MaxPooling2D -> Flatten -> Dense(128, relu) -> Dense(10), sparse
softmax cross-entropy on logits (mean over the batch), one SGD update."""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = ["mnist_update"]


def mnist_update(weights, lr):
    """`update(x, labels)`: one SGD step on a batch of (n, 28, 28, 1) images, as one would
    write it in NumPy (the convolution as one product over 3x3 patches, the pool as a
    reshape); it updates `weights` (kernel, bias, dense kernels and biases, Keras's layouts)
    in place and returns the loss."""
    kernel, kernel_bias, w1, b1, w2, b2 = weights
    kh, kw, _, filters = kernel.shape

    def update(x, labels):
        n, height, width, _ = x.shape
        oh, ow = height - kh + 1, width - kw + 1
        patches = sliding_window_view(x[..., 0], (kh, kw), axis=(1, 2)).reshape(n * oh * ow,
                                                                                 kh * kw)
        conv = patches @ kernel.reshape(kh * kw, filters)
        conv += kernel_bias
        np.maximum(conv, 0.0, out=conv)
        windows = conv.reshape(n, oh // 2, 2, ow // 2, 2, filters)
        pooled = windows.max(axis=(2, 4))
        flat = pooled.reshape(n, -1)
        hidden = flat @ w1
        hidden += b1
        np.maximum(hidden, 0.0, out=hidden)
        logits = hidden @ w2 + b2
        shifted = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        rows = np.arange(n)
        loss = np.mean(np.log(total[:, 0]) - shifted[rows, labels])
        d_logits = exp / total
        d_logits[rows, labels] -= 1.0
        d_logits *= np.float32(1.0 / n)
        g_w2, g_b2 = hidden.T @ d_logits, d_logits.sum(axis=0)
        d_hidden = d_logits @ w2.T
        d_hidden *= hidden > 0
        g_w1, g_b1 = flat.T @ d_hidden, d_hidden.sum(axis=0)
        d_pooled = (d_hidden @ w1.T).reshape(n, oh // 2, 1, ow // 2, 1, filters)
        # The gradient goes where the window's maximum is; ties happen only among the zeros
        # of relu, whose gradient is zero anyway.
        d_conv = (windows == pooled[:, :, None, :, None, :]) * d_pooled
        d_conv = d_conv.reshape(n * oh * ow, filters)
        d_conv *= conv > 0
        g_kernel = (patches.T @ d_conv).reshape(kernel.shape)
        g_kernel_bias = d_conv.sum(axis=0)
        for w, g in zip(weights, (g_kernel, g_kernel_bias, g_w1, g_b1, g_w2, g_b2)):
            w -= lr * g
        return loss

    return update
