"""Stochastic gradient descent with optional (Nesterov) momentum, Keras 3's rule."""

import numpy as np

from .base import Optimizer, _is_number, keras_cast


class SGD(Optimizer):
    """Gradient descent, with momentum if `momentum > 0`.

        w -= lr * g                              # momentum == 0
        m  = momentum * m - lr * g               # otherwise
        w += m                                   # or, with nesterov:
        w += momentum * m - lr * g

    Args:
        learning_rate: the step size (default 0.01); `lr` is accepted with a DeprecationWarning.
        momentum: a float in [0, 1].
        nesterov: whether to use Nesterov momentum.
        **kwargs: the options shared by all optimizers, documented on `Optimizer`.

    Example:
        >>> x = tapegrad.Variable(1.0)
        >>> step = SGD(learning_rate=0.5).apply_gradients([(tapegrad.constant(1.0), x)])
        >>> float(x)
        0.5
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        if not _is_number(momentum) or not 0 <= momentum <= 1:
            raise ValueError(f"SGD: `momentum` must be a float between [0, 1], got {momentum!r}.")
        self.momentum = momentum
        self.nesterov = nesterov
        self.slots = ("momentum",) if momentum != 0 else ()

    def prepare(self, lr):
        if self.momentum == 0:
            return lr
        return lr, np.asarray(keras_cast(self.momentum, lr.dtype.type))

    def update(self, w, g, lr, slots):
        if not slots:
            w -= g * lr
            return
        lr, momentum = lr
        m = slots["momentum"]
        m *= momentum
        m -= g * lr
        if self.nesterov:
            w += m * momentum - g * lr
        else:
            w += m

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
