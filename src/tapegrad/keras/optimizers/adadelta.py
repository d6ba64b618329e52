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

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            var_list, ["accumulated_grad", "accumulated_delta_var"]
        )

    def prepare(self, lr):
        constants = (lr, self.rho, 1 - self.rho, self.epsilon)
        return tuple(np.asarray(c, dtype=lr.dtype) for c in constants)

    def update_step(self, gradient, variable, learning_rate):
        lr, rho, one_minus_rho, eps = self._prepared(learning_rate, gradient.dtype)
        i = self._get_variable_index(variable)
        acc_g, acc_dw = self._accumulated_grads[i], self._accumulated_delta_vars[i]
        self.assign(acc_g, rho * np.asarray(acc_g) + one_minus_rho * (gradient * gradient))
        delta = -(np.sqrt(np.asarray(acc_dw) + eps) * gradient / np.sqrt(np.asarray(acc_g) + eps))
        self.assign(acc_dw, rho * np.asarray(acc_dw) + one_minus_rho * (delta * delta))
        self.assign_add(variable, lr * delta)

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
