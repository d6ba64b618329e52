"""Adagrad, Keras 3's rule."""

import numpy as np

from .base import Optimizer
from .common import constant_slots


class Adagrad(Optimizer):
    """Scales each coordinate's step by its accumulated squared gradient.

        acc += g * g
        w   -= lr * g / sqrt(acc + epsilon)     # epsilon inside the root

    Args:
        learning_rate: the step size (default 0.001).
        initial_accumulator_value: the accumulator's starting value.
        epsilon: added inside the root.
        **kwargs: the options shared by all optimizers, documented on `Optimizer`.
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        initializer = constant_slots(self.initial_accumulator_value)
        self._accumulators = self.add_optimizer_variables(var_list, "accumulator", initializer)

    def prepare(self, lr):
        return np.asarray(lr), np.asarray(self.epsilon, dtype=lr.dtype)

    def update_step(self, gradient, variable, learning_rate):
        lr, epsilon = self._prepared(learning_rate, gradient.dtype)
        accumulator = self._accumulators[self._get_variable_index(variable)]
        self.assign_add(accumulator, gradient * gradient)
        self.assign_sub(variable, lr * gradient / np.sqrt(np.asarray(accumulator) + epsilon))

    def sparse_update_step(self, gradient, variable, learning_rate):
        # Rows without a gradient do not change: only the given rows are touched.
        lr, epsilon = self._prepared(learning_rate, gradient.dtype)
        rows, g = gradient.indices, gradient.values
        accumulator = self._writable(self._accumulators[self._get_variable_index(variable)])
        acc = accumulator[rows] + g * g
        accumulator[rows] = acc
        w = self._writable(variable)
        w[rows] -= lr * g / np.sqrt(acc + epsilon)

    def get_config(self):
        return {
            **super().get_config(),
            "initial_accumulator_value": self.initial_accumulator_value,
            "epsilon": self.epsilon,
        }
