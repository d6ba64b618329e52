"""LossScaleOptimizer: dynamic loss scaling around another optimizer, Keras 3's rule.

loss is multiplied by `scale` (scale_loss), so its gradients are too;
finite gradients:     inner update with g / scale; after `dynamic_growth_steps` such steps
                      in a row, scale *= 2
non-finite gradients: no update; scale /= 2
"""

import numpy as np

from ...tracing import effect
from . import common
from .base import Optimizer
from .variables import assign_state

__all__ = ["LossScaleOptimizer"]

_BASE_DEFAULTS = {
    "weight_decay": None,
    "clipnorm": None,
    "global_clipnorm": None,
    "clipvalue": None,
    "use_ema": False,
    "ema_momentum": 0.99,
    "ema_overwrite_frequency": None,
    "loss_scale_factor": None,
    "gradient_accumulation_steps": None,
}


class LossScaleOptimizer(Optimizer):
    """Scales the loss to keep float16 gradients from underflowing, and unscales the
    gradients before `inner_optimizer` applies them; `Model.compile` wraps the optimizer in one
    under the "mixed_float16" policy.

    Args:
        inner_optimizer: the optimizer that updates the variables.
        initial_scale: the first loss scale (2 ** 15).
        dynamic_growth_steps: the scale doubles after this many steps with finite gradients.
        name: the optimizer's name ("loss_scale_optimizer").

    Raises:
        ValueError: for an option of the inner optimizer given here (clipping, weight decay),
            or `dynamic=False`.
    """

    def __init__(
        self, inner_optimizer, initial_scale=2.0**15, dynamic_growth_steps=2000, name=None, **kwargs
    ):
        if not kwargs.pop("dynamic", True):
            raise ValueError(
                "LossScaleOptimizer no longer supports `dynamic=False`. Instead, simply set "
                "`loss_scale_factor` directly on the `inner_optimizer`."
            )
        for arg_name, default in _BASE_DEFAULTS.items():
            if arg_name in kwargs and kwargs.pop(arg_name) != default:
                raise ValueError(
                    f"LossScaleOptimizer does not support `{arg_name}`. Instead, set "
                    f"`{arg_name}` on the `inner_optimizer`."
                )
        if kwargs:
            raise ValueError(
                f"LossScaleOptimizer does not support arguments: `{'`, `'.join(kwargs)}`."
            )
        if not isinstance(inner_optimizer, Optimizer):
            raise TypeError(
                "LossScaleOptimizer: `inner_optimizer` must be a keras.optimizers.Optimizer, "
                f"got {inner_optimizer!r} of type {type(inner_optimizer).__name__}"
            )
        super().__init__(learning_rate=0.0, name=name)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = initial_scale
        self.dynamic_growth_steps = dynamic_growth_steps
        self.inner_optimizer.loss_scale_factor = None

    # The rate and the step count are the inner optimizer's (the base constructor still makes
    # this optimizer's own, unused, as Keras's does).
    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        if "inner_optimizer" not in self.__dict__:
            Optimizer.learning_rate.fset(self, value)
        else:
            self.inner_optimizer.learning_rate = value

    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    @property
    def variables(self):
        """This optimizer's `step_counter` and `dynamic_scale` (after its own iteration and
        rate), then the inner optimizer's variables, as Keras 3 lists them."""
        return self._variables[:] + self.inner_optimizer.variables

    def build(self, var_list):
        if self.built:
            return
        self.step_counter = self.add_variable((), "zeros", "int64", name="step_counter")
        self.dynamic_scale = self.add_variable(
            (), lambda shape, dtype: np.float32(self.initial_scale), "float32", name="dynamic_scale"
        )
        self.inner_optimizer.build(var_list)
        super().build(var_list)

    def scale_loss(self, loss):
        """`loss` times the current scale (the initial one before the first step)."""
        scale = float(np.asarray(self.dynamic_scale)) if self.built else self.initial_scale
        return loss * scale

    @effect
    def apply_gradients(self, grads_and_vars):
        """Applies the unscaled gradients with the inner optimizer if they are all finite, and
        updates the scale; skips the step and halves the scale otherwise."""
        pairs = list(grads_and_vars)
        if not self.built:
            self.build([v for _, v in pairs])
        finite = all(g is None or bool(np.all(np.isfinite(np.asarray(g)))) for g, _ in pairs)
        if not finite:
            self.step_counter.assign(0)
            self.dynamic_scale.assign(np.asarray(self.dynamic_scale) * np.float32(0.5))
            return self.iterations
        scale = np.asarray(self.dynamic_scale)
        unscaled = [
            (None if g is None else np.asarray(g) / scale.astype(np.asarray(g).dtype), v)
            for g, v in pairs
        ]
        self.inner_optimizer.apply_gradients(unscaled)
        if int(np.asarray(self.step_counter)) == self.dynamic_growth_steps - 1:
            self.step_counter.assign(0)
            self.dynamic_scale.assign(scale * np.float32(2.0))
        else:
            self.step_counter.assign_add(1)
        return self.iterations

    def finalize_variable_values(self, var_list):
        self.inner_optimizer.finalize_variable_values(var_list)

    def save_own_variables(self, store):
        for i, variable in enumerate(self.variables):
            store[str(i)] = np.array(variable)

    def load_own_variables(self, store):
        variables = self.variables
        if len(store.keys()) != len(variables):
            common.warn(
                f"Skipping variable loading for optimizer '{self.name}', because it has "
                f"{len(variables)} variables whereas the saved optimizer has "
                f"{len(store.keys())} variables."
            )
            return
        assign_state(variables, [store[str(i)] for i in range(len(variables))], self.name)

    def get_config(self):
        from ..saving import serialize_keras_object

        return {
            "name": self.name,
            "inner_optimizer": serialize_keras_object(self.inner_optimizer),
            "initial_scale": self.initial_scale,
            "dynamic_growth_steps": self.dynamic_growth_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from ..saving import deserialize_keras_object

        config = dict(config)
        inner = deserialize_keras_object(config.pop("inner_optimizer"), custom_objects)
        return cls(inner, **config)

    def _check_hyperparameters(self):
        pass
