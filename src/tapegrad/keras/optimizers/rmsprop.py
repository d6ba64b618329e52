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
        self.slots = (
            ("velocity",)
            + (("momentum",) if momentum > 0 else ())
            + (("average_gradient",) if centered else ())
        )

    def prepare(self, lr):
        t = lr.dtype.type
        constants = (lr, self.rho, 1 - self.rho, self.epsilon, self.momentum)
        return tuple(np.asarray(c, dtype=t) for c in constants)

    def update(self, w, g, lr, slots):
        lr, rho, one_minus_rho, epsilon, momentum = lr
        v = slots["velocity"]
        v *= rho
        v += one_minus_rho * (g * g)
        if self.centered:
            a = slots["average_gradient"]
            a *= rho
            a += one_minus_rho * g
            denominator = v - a * a
            denominator += epsilon
        else:
            denominator = v + epsilon
        increment = lr * g / np.sqrt(denominator)
        if self.momentum > 0:
            m = slots["momentum"]
            m *= momentum
            m += increment
            w -= m
        else:
            w -= increment

    def get_config(self):
        return {
            **super().get_config(),
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
        }
