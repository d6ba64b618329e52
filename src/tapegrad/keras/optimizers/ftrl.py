"""FTRL-Proximal (Follow The Regularized Leader), Keras 3's rule."""

import numpy as np

from .base import Optimizer
from .common import constant_slots


class Ftrl(Optimizer):
    """Follow the regularized leader, with L1, L2 and L2-shrinkage penalties (p is
    `learning_rate_power`, n the accumulator, z the linear term):

        l2  = l2_regularization_strength + beta / (2 * lr)
        n'  = n + g * g
        z  += g + 2 * l2_shrinkage * w - (n'**-p - n**-p) / lr * w
        w   = (clip(z, -l1, l1) - z) / (n'**-p / lr + 2 * l2)
        n   = n'

    Args:
        learning_rate: the step size (default 0.001).
        learning_rate_power: how the rate falls as gradients accumulate, <= 0 (-0.5).
        initial_accumulator_value: the accumulator's starting value, >= 0.
        l1_regularization_strength, l2_regularization_strength,
        l2_shrinkage_regularization_strength: the penalties, each >= 0.
        beta: added to the L2 penalty as beta / (2 * lr).
        **kwargs: the options shared by all optimizers, documented on `Optimizer`.

    Raises:
        ValueError: if a penalty or the initial accumulator is negative, or the power positive.
    """

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5,
                 initial_accumulator_value=0.1, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, l2_shrinkage_regularization_strength=0.0,
                 beta=0.0, **kwargs):
        super().__init__(learning_rate, **kwargs)
        for name, value in (
            ("initial_accumulator_value", initial_accumulator_value),
            ("l1_regularization_strength", l1_regularization_strength),
            ("l2_regularization_strength", l2_regularization_strength),
            ("l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength),
        ):
            if value < 0.0:
                raise ValueError(
                    f"Ftrl: `{name}` needs to be positive or zero. Received: {name}={value}.")
        if learning_rate_power > 0.0:
            raise ValueError("Ftrl: `learning_rate_power` needs to be negative or zero. "
                             f"Received: learning_rate_power={learning_rate_power}.")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        initializer = constant_slots(self.initial_accumulator_value)
        self._accumulators, self._linears = self.add_optimizer_variables(
            var_list, ["accumulator", "linear"], [initializer, "zeros"])

    def prepare(self, lr):
        t = lr.dtype.type
        # Python numbers meet the rate as Keras's ops meet them: weakly typed, so in its dtype.
        l2 = t(self.l2_regularization_strength + t(self.beta / (2.0 * lr)))
        constants = (lr, t(-self.learning_rate_power), t(2 * l2),
                     t(2 * self.l2_shrinkage_regularization_strength),
                     t(self.l1_regularization_strength))
        return tuple(np.asarray(c) for c in constants)

    def update_step(self, gradient, variable, learning_rate):
        lr, power, two_l2, two_shrinkage, l1 = self._prepared(learning_rate, gradient.dtype)
        i = self._get_variable_index(variable)
        accumulator, linear = self._accumulators[i], self._linears[i]
        w, n = np.asarray(variable), np.asarray(accumulator)
        new_n = n + np.square(gradient)
        new_n_power = np.power(new_n, power)
        self.assign_add(linear, (gradient + two_shrinkage * w)
                        - (new_n_power - np.power(n, power)) / lr * w)
        z = np.asarray(linear)
        self.assign(variable, (np.clip(z, -l1, l1) - z) / (new_n_power / lr + two_l2))
        self.assign(accumulator, new_n)

    def get_config(self):
        return {
            **super().get_config(),
            "learning_rate_power": self.learning_rate_power,
            "initial_accumulator_value": self.initial_accumulator_value,
            "l1_regularization_strength": self.l1_regularization_strength,
            "l2_regularization_strength": self.l2_regularization_strength,
            "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
            "beta": self.beta,
        }
