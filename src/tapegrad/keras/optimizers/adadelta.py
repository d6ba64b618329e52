"""Adadelta, Keras 3's rule."""

import numpy as np

from .base import Optimizer


class Adadelta(Optimizer):
    """Steps by the ratio of moving RMS of past steps to moving RMS of gradients.

        acc_g  = rho * acc_g + (1 - rho) * g * g
        delta  = -sqrt(acc_dw + epsilon) * g / sqrt(acc_g + epsilon)   # epsilon inside roots
        acc_dw = rho * acc_dw + (1 - rho) * delta * delta
        w     += lr * delta

    Args:
        learning_rate: the step size (default 0.001; Keras's own examples use 1.0).
        rho: decay of the moving averages.
        epsilon: added inside both roots.
        **kwargs: the options shared by all optimizers, documented on `Optimizer`.
    """

    slots = ("accumulated_grad", "accumulated_delta_var")

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def prepare(self, lr):
        constants = (lr, self.rho, 1 - self.rho, self.epsilon)
        return tuple(np.asarray(c, dtype=lr.dtype) for c in constants)

    def update(self, w, g, lr, slots):
        lr, rho, one_minus_rho, eps = lr
        acc_g, acc_dw = slots["accumulated_grad"], slots["accumulated_delta_var"]
        acc_g *= rho
        acc_g += one_minus_rho * (g * g)
        delta = -(np.sqrt(acc_dw + eps) * g / np.sqrt(acc_g + eps))
        acc_dw *= rho
        acc_dw += one_minus_rho * (delta * delta)
        w += lr * delta

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
