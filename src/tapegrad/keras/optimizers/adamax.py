"""Adamax (Adam with the infinity norm), Keras 3's rule."""

import numpy as np

from .base import Optimizer
from .common import keras_cast, scalar_pow


class Adamax(Optimizer):
    """Adam's variant with an exponentially weighted infinity norm; t is the step, from 1.

        m += (g - m) * (1 - beta_1)
        u  = max(beta_2 * u, |g|)
        w -= lr * m / ((1 - beta_1 ** t) * (u + epsilon))    # epsilon added to the norm

    Args:
        learning_rate: the step size (default 0.001).
        beta_1: decay of the first moment.
        beta_2: decay of the infinity norm.
        epsilon: added to the norm.
        **kwargs: the options shared by all optimizers, documented on `Optimizer`.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._m, self._u = self.add_optimizer_variables(var_list, ["momentum", "norm"])

    def prepare(self, lr):
        t, step = lr.dtype.type, int(self.iterations) + 1
        correction = t(1) - scalar_pow(keras_cast(self.beta_1, t), step)
        constants = (lr, correction, t(1 - self.beta_1), t(self.beta_2), t(self.epsilon))
        return tuple(np.asarray(c) for c in constants)

    def update_step(self, gradient, variable, learning_rate):
        lr, correction, one_minus_beta_1, beta_2, epsilon = self._prepared(
            learning_rate, gradient.dtype
        )
        i = self._get_variable_index(variable)
        m, u = self._m[i], self._u[i]
        self.assign_add(m, (gradient - np.asarray(m)) * one_minus_beta_1)
        self.assign(u, np.maximum(np.asarray(u) * beta_2, np.abs(gradient)))
        self.assign_sub(variable, lr * np.asarray(m) / (correction * (np.asarray(u) + epsilon)))

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }
