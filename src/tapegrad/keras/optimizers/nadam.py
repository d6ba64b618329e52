"""Nadam (Adam with Nesterov momentum and Dozat's momentum schedule), Keras 3's rule."""

import numpy as np

from .base import Optimizer
from .common import keras_cast, scalar_pow


class Nadam(Optimizer):
    """Adam with Nesterov momentum; t is the step number, from 1.

        u_t     = beta_1 * (1 - 0.5 * 0.96 ** t)      # momentum schedule
        u_prod *= u_t                                 # the momentum cache, once per step
        m += (g - m) * (1 - beta_1)
        v += (g * g - v) * (1 - beta_2)
        m_hat = u_{t+1} * m / (1 - u_prod * u_{t+1}) + (1 - u_t) * g / (1 - u_prod)
        v_hat = v / (1 - beta_2 ** t)
        w -= m_hat * lr / (sqrt(v_hat) + epsilon)     # epsilon outside the root

    Args:
        learning_rate: the step size (default 0.001).
        beta_1: decay of the first moment.
        beta_2: decay of the second moment.
        epsilon: added to the root of the corrected second moment.
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
        dtype = var_list[0].dtype if var_list else None
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"]
        )
        # One product for all variables, in the first variable's dtype, listed last as Keras.
        self._u_product = self.add_variable((), "ones", dtype)

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        u = np.asarray(self._u_product)
        t, step = u.dtype.type, int(self.iterations) + 1
        self.assign(
            self._u_product, u * t(self.beta_1) * (t(1) - t(0.5) * scalar_pow(t(0.96), step))
        )
        super()._backend_update_step(grads, trainable_variables, learning_rate)

    def prepare(self, lr):
        t, step = lr.dtype.type, int(self.iterations) + 1
        beta_1, beta_2 = keras_cast(self.beta_1, t), keras_cast(self.beta_2, t)
        decay = keras_cast(0.96, t)
        one, half = t(1), t(0.5)
        u_t = beta_1 * (one - half * scalar_pow(decay, step))
        u_t_1 = beta_1 * (one - half * scalar_pow(decay, step + 1))
        u_product_t = t(np.asarray(self._u_product))
        constants = (
            lr,
            u_t_1,
            one - u_product_t * u_t_1,
            one - u_t,
            one - u_product_t,
            one - beta_1,
            one - beta_2,
            one - scalar_pow(beta_2, step),
            t(self.epsilon),
        )
        return tuple(np.asarray(c) for c in constants)

    def update_step(self, gradient, variable, learning_rate):
        (
            lr,
            u_t_1,
            m_denominator,
            g_factor,
            g_denominator,
            one_minus_beta_1,
            one_minus_beta_2,
            v_correction,
            epsilon,
        ) = self._prepared(learning_rate, gradient.dtype)
        i = self._get_variable_index(variable)
        m, v = self._momentums[i], self._velocities[i]
        self.assign_add(m, (gradient - np.asarray(m)) * one_minus_beta_1)
        self.assign_add(v, (gradient * gradient - np.asarray(v)) * one_minus_beta_2)
        m_hat = u_t_1 * np.asarray(m) / m_denominator + g_factor * gradient / g_denominator
        v_hat = np.asarray(v) / v_correction
        self.assign_sub(variable, m_hat * lr / (np.sqrt(v_hat) + epsilon))

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }
