"""Lion (evolved sign momentum), Keras 3's rule."""

import numpy as np

from .base import Optimizer
from .common import keras_cast


class Lion(Optimizer):
    """Steps by the sign of an interpolation of the momentum and the gradient.

        w -= lr * sign(beta_1 * m + (1 - beta_1) * g)
        m  = beta_2 * m + (1 - beta_2) * g

    Args:
        learning_rate: the step size (default 0.001).
        beta_1: the weight of the momentum in the step's direction, in (0, 1].
        beta_2: the decay of the momentum.
        **kwargs: the options shared by all optimizers, documented on `Optimizer`.

    Raises:
        ValueError: if `beta_1` is outside (0, 1] (Lion would be sign SGD).
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, **kwargs):
        super().__init__(learning_rate, **kwargs)
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError(
                "Lion: argument `beta_1` must be in the (0, 1] range, otherwise the optimizer "
                f"degenerates to SignSGD. Received: beta_1={beta_1}."
            )
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums = self.add_optimizer_variables(var_list, "momentum")

    def prepare(self, lr):
        t = lr.dtype.type
        beta_1, beta_2 = keras_cast(self.beta_1, t), keras_cast(self.beta_2, t)
        constants = (lr, beta_1, t(1) - beta_1, beta_2, t(1) - beta_2)
        return tuple(np.asarray(c) for c in constants)

    def update_step(self, gradient, variable, learning_rate):
        lr, beta_1, one_minus_beta_1, beta_2, one_minus_beta_2 = self._prepared(
            learning_rate, gradient.dtype
        )
        m = self._momentums[self._get_variable_index(variable)]
        old = np.asarray(m)
        self.assign_sub(variable, lr * np.sign(old * beta_1 + gradient * one_minus_beta_1))
        self.assign(m, old * beta_2 + gradient * one_minus_beta_2)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}
