"""Adagrad, Keras 3's rule."""

import numpy as np

from .base import Optimizer, keras_cast


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

    slots = ("accumulator",)

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def init_slot(self, name, w):
        return np.full_like(w, keras_cast(self.initial_accumulator_value, w.dtype.type))

    def prepare(self, lr):
        return np.asarray(lr), np.asarray(self.epsilon, dtype=lr.dtype)

    def update(self, w, g, lr, slots):
        lr, epsilon = lr
        acc = slots["accumulator"]
        acc += g * g
        w -= lr * g / np.sqrt(acc + epsilon)

    def get_config(self):
        return {
            **super().get_config(),
            "initial_accumulator_value": self.initial_accumulator_value,
            "epsilon": self.epsilon,
        }
