"""Stochastic gradient descent with optional (Nesterov) momentum, Keras 3's rule."""

from .base import Optimizer


class SGD(Optimizer):
    """Gradient descent, with momentum if `momentum > 0`.

        w -= lr * g                              # momentum == 0
        m  = momentum * m - lr * g               # otherwise
        w += m                                   # or, with nesterov:
        w += momentum * m - lr * g

    Args:
        learning_rate: the step size (default 0.01); `lr` is accepted with a DeprecationWarning.
        momentum: in [0, 1].
        nesterov: whether to use Nesterov momentum.
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, name="SGD", **kwargs):
        super().__init__(learning_rate, name=name, **kwargs)
        if not 0 <= momentum <= 1:
            raise ValueError(f"SGD: momentum must be in [0, 1], got {momentum}")
        self.momentum = momentum
        self.nesterov = nesterov
        self.slots = ("momentum",) if momentum else ()

    def update(self, w, g, lr, slots):
        if not self.momentum:
            w -= g * lr
            return
        m = slots["momentum"]
        m *= self.momentum
        m -= g * lr
        if self.nesterov:
            w += m * self.momentum - g * lr
        else:
            w += m

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
