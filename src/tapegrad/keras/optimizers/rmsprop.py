"""RMSprop, optionally centered and with momentum, Keras 3's rule."""

import numpy as np

from .base import Optimizer


class RMSprop(Optimizer):
    """Divides each step by a moving root mean square of the gradient.

        v = rho * v + (1 - rho) * g * g
        a = rho * a + (1 - rho) * g             # centered only
        d = v - a * a + epsilon                 # centered; otherwise d = v + epsilon
        step = lr * g / sqrt(d)                 # epsilon inside the root
        m = momentum * m + step; w -= m         # momentum > 0; otherwise w -= step

    Args:
        learning_rate: the step size (default 0.001).
        rho: decay of the moving averages.
        momentum: the momentum (0 for none).
        epsilon: added inside the root.
        centered: whether to subtract the squared moving mean of the gradient.
        **kwargs: the options shared by all optimizers, documented on `Optimizer`.
    """

    def __init__(
        self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, **kwargs
    ):
        super().__init__(learning_rate, **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._velocities = self.add_optimizer_variables(var_list, "velocity")
        self._momentums = []
        if self.momentum > 0:
            self._momentums = self.add_optimizer_variables(var_list, "momentum")
        self._average_gradients = []
        if self.centered:
            self._average_gradients = self.add_optimizer_variables(var_list, "average_gradient")

    def prepare(self, lr):
        t = lr.dtype.type
        constants = (lr, self.rho, 1 - self.rho, self.epsilon, self.momentum)
        return tuple(np.asarray(c, dtype=t) for c in constants)

    def update_step(self, gradient, variable, learning_rate):
        lr, rho, one_minus_rho, epsilon, momentum = self._prepared(learning_rate, gradient.dtype)
        i = self._get_variable_index(variable)
        velocity = self._velocities[i]
        self.assign(velocity, rho * np.asarray(velocity) + one_minus_rho * (gradient * gradient))
        if self.centered:
            average = self._average_gradients[i]
            self.assign(average, rho * np.asarray(average) + one_minus_rho * gradient)
            average = np.asarray(average)
            denominator = np.asarray(velocity) - average * average + epsilon
        else:
            denominator = np.asarray(velocity) + epsilon
        increment = lr * gradient / np.sqrt(denominator)
        if self.momentum > 0:
            m = self._momentums[i]
            self.assign(m, momentum * np.asarray(m) + increment)
            self.assign_sub(variable, m)
        else:
            self.assign_sub(variable, increment)

    def get_config(self):
        return {
            **super().get_config(),
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
        }
