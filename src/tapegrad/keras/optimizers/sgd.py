"""Stochastic gradient descent with optional (Nesterov) momentum, Keras 3's rule."""

import numpy as np

from .base import Optimizer
from .common import is_number, keras_cast


class SGD(Optimizer):
    """Gradient descent, with momentum if `momentum > 0`.

        w -= lr * g                              # momentum == 0
        m  = momentum * m - lr * g               # otherwise
        w += m                                   # or, with nesterov:
        w += momentum * m - lr * g

    Args:
        learning_rate: the step size (default 0.01); `lr` is accepted with a DeprecationWarning.
        momentum: a float in [0, 1].
        nesterov: whether to use Nesterov momentum.
        **kwargs: the options shared by all optimizers, documented on `Optimizer`.

    Example:
        >>> x = tapegrad.Variable(1.0)
        >>> step = SGD(learning_rate=0.5).apply_gradients([(tapegrad.constant(1.0), x)])
        >>> float(x)
        0.5
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        if not is_number(momentum) or not 0 <= momentum <= 1:
            raise ValueError(f"SGD: `momentum` must be a float between [0, 1], got {momentum!r}.")
        self.momentum = momentum
        self.nesterov = nesterov

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.momentums = []
        if self.momentum != 0:
            self.momentums = self.add_optimizer_variables(var_list, "momentum")

    def prepare(self, lr):
        return lr, np.asarray(keras_cast(self.momentum, lr.dtype.type))

    def update_step(self, gradient, variable, learning_rate):
        if self.momentum == 0:
            # the rate's dtype is the gradient's unless a variable is not float32: no lookup
            # (`is` first: NumPy's dtypes are singletons, and a dtype compare costs 0.05 us)
            dtype = gradient.dtype
            if learning_rate.dtype is not dtype and learning_rate.dtype != dtype:
                learning_rate = self._rate(learning_rate, dtype)
            self.assign_sub(variable, gradient * learning_rate)
            return
        lr, momentum = self._prepared(learning_rate, gradient.dtype)
        m = self.momentums[self._get_variable_index(variable)]
        self.assign(m, np.asarray(m) * momentum - gradient * lr)
        if self.nesterov:
            self.assign_add(variable, np.asarray(m) * momentum - gradient * lr)
        else:
            self.assign_add(variable, m)

    def sparse_update_step(self, gradient, variable, learning_rate):
        # Rows without a gradient: w unchanged, or m *= momentum and w += m (with nesterov
        # w += m * momentum), the dense rule's arithmetic with g = 0.
        rows, g = gradient.indices, gradient.values
        w = self._writable(variable)
        if self.momentum == 0:
            w[rows] -= g * self._rate(learning_rate, g.dtype)
            return
        lr, momentum = self._prepared(learning_rate, g.dtype)
        m = self._writable(self.momentums[self._get_variable_index(variable)])
        m *= momentum
        m[rows] -= g * lr
        if self.nesterov:
            step = m * momentum
            step[rows] -= g * lr
            w += step
        else:
            w += m

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
