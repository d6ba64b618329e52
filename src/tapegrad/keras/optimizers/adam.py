"""Adam, optionally AMSGrad, Keras 3's rule."""

import numpy as np

from .base import Optimizer, keras_cast, scalar_pow


class Adam(Optimizer):
    """Adaptive moment estimation; t is the step number, from 1.

        m += (g - m) * (1 - beta_1)
        v += (g * g - v) * (1 - beta_2)
        v_hat = max(v_hat, v)                   # amsgrad only; then v_hat replaces v below
        alpha = lr * sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        w -= m * alpha / (sqrt(v) + epsilon)    # epsilon outside the root, after correction

    Args:
        learning_rate: the step size (default 0.001).
        beta_1: decay of the first moment.
        beta_2: decay of the second moment.
        epsilon: added to the root of the second moment.
        amsgrad: whether to use the running maximum of the second moment.
        **kwargs: the options shared by all optimizers, documented on `Optimizer`.
    """

    def __init__(
        self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **kwargs
    ):
        super().__init__(learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad
        self.slots = (
            ("momentum", "velocity", "velocity_hat") if amsgrad else ("momentum", "velocity")
        )

    def prepare(self, lr):
        t = lr.dtype.type
        beta_1, beta_2 = keras_cast(self.beta_1, t), keras_cast(self.beta_2, t)
        alpha = (
            lr
            * np.sqrt(t(1) - scalar_pow(beta_2, self._step))
            / (t(1) - scalar_pow(beta_1, self._step))
        )
        return tuple(
            np.asarray(c) for c in (alpha, t(1 - self.beta_1), t(1 - self.beta_2), t(self.epsilon))
        )

    def update(self, w, g, lr, slots):
        alpha, one_minus_beta_1, one_minus_beta_2, epsilon = lr
        m, v = slots["momentum"], slots["velocity"]
        m += (g - m) * one_minus_beta_1
        v += (g * g - v) * one_minus_beta_2
        if self.amsgrad:
            v = slots["velocity_hat"]
            np.maximum(v, slots["velocity"], out=v)
        w -= m * alpha / (np.sqrt(v) + epsilon)

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "amsgrad": self.amsgrad,
        }
