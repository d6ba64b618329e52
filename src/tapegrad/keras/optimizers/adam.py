"""Adam, optionally AMSGrad, Keras 3's rule."""

import numpy as np

from .base import Optimizer
from .common import keras_cast, scalar_pow


class Adam(Optimizer):
    """Adaptive moment estimation; t is the step number, from 1.

        m += (g - m) * (1 - beta_1)
        v += (g * g - v) * (1 - beta_2)
        v_hat = max(v_hat, v)                   # amsgrad only; then v_hat replaces v below
        alpha = lr * sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        w -= m * alpha / (sqrt(v) + epsilon)    # epsilon outside the root, after correction

    Args:
        learning_rate: the step size (default 0.001).
        beta_1: decay of the first moment.
        beta_2: decay of the second moment.
        epsilon: added to the root of the second moment.
        amsgrad: whether to use the running maximum of the second moment.
        **kwargs: the options shared by all optimizers, documented on `Optimizer`.
    """

    def __init__(
        self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **kwargs
    ):
        super().__init__(learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"]
        )
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(var_list, "velocity_hat")

    def prepare(self, lr):
        t, step = lr.dtype.type, int(self.iterations) + 1
        beta_1, beta_2 = keras_cast(self.beta_1, t), keras_cast(self.beta_2, t)
        alpha = lr * np.sqrt(t(1) - scalar_pow(beta_2, step)) / (t(1) - scalar_pow(beta_1, step))
        return tuple(
            np.asarray(c) for c in (alpha, t(1 - self.beta_1), t(1 - self.beta_2), t(self.epsilon))
        )

    def update_step(self, gradient, variable, learning_rate):
        alpha, one_minus_beta_1, one_minus_beta_2, epsilon = self._prepared(
            learning_rate, gradient.dtype
        )
        i = self._get_variable_index(variable)
        m, v = self._momentums[i], self._velocities[i]
        self.assign_add(m, (gradient - np.asarray(m)) * one_minus_beta_1)
        self.assign_add(v, (gradient * gradient - np.asarray(v)) * one_minus_beta_2)
        if self.amsgrad:
            v_hat = self._velocity_hats[i]
            self.assign(v_hat, np.maximum(np.asarray(v_hat), np.asarray(v)))
            v = v_hat
        self.assign_sub(variable, np.asarray(m) * alpha / (np.sqrt(np.asarray(v)) + epsilon))

    def sparse_update_step(self, gradient, variable, learning_rate):
        # The moments decay in every row and every row moves (Keras 3's result, which its
        # TensorFlow backend gets by densifying); done in place, with the dense rule's
        # arithmetic (g = 0 outside the given rows), without making the gradient dense.
        if self.amsgrad:
            return super().sparse_update_step(gradient, variable, learning_rate)
        alpha, one_minus_beta_1, one_minus_beta_2, epsilon = self._prepared(
            learning_rate, gradient.dtype
        )
        i = self._get_variable_index(variable)
        rows, g = gradient.indices, gradient.values
        tmp, root = self._scratch(variable)
        for slot, target, c in ((self._momentums[i], g, one_minus_beta_1),
                                (self._velocities[i], g * g, one_minus_beta_2)):
            s = self._writable(slot)
            old = s[rows]
            s -= np.multiply(s, c, out=tmp)
            s[rows] = old + (target - old) * c
        m, v = np.asarray(self._momentums[i]), np.asarray(self._velocities[i])
        step = np.multiply(m, alpha, out=tmp)
        np.add(np.sqrt(v, out=root), epsilon, out=root)
        step /= root
        w = self._writable(variable)
        w -= step

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "amsgrad": self.amsgrad,
        }
