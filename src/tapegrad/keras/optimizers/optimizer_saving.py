"""How an optimizer saves and describes itself, as Keras 3's: its variables in a weights store
(`save_own_variables` / `load_own_variables`, `set_weights`) and its config (`get_config` /
`from_config`), which also checks the hyperparameters before a first update."""

import numpy as np

from ... import Tensor, Variable
from . import schedules as _schedules
from .common import is_number, warn
from .variables import assign_state

__all__ = ["OptimizerSaving"]

# The numeric hyperparameters of the built-in optimizers, as their configs name them.
_NUMERIC = frozenset(
    ("beta_1", "beta_2", "epsilon", "rho", "momentum", "initial_accumulator_value")
    + ("weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "loss_scale_factor")
)


class OptimizerSaving:
    """The saving and config methods of `Optimizer`, and the check of its hyperparameters
    through its config."""

    # -- saving ---------------------------------------------------------------------------
    def save_own_variables(self, store):
        """Writes the values of `variables` into `store` (a dict-like) under "0", "1", ..., as
        Keras's saving does."""
        for i, variable in enumerate(self._variables):
            store[str(i)] = np.array(variable)

    def load_own_variables(self, store):
        """Sets `variables` from a `store` that `save_own_variables` filled.

        As Keras, a store holding another number of variables is skipped with a warning (the
        optimizer may not be built yet). Every value is checked before any is assigned.

        Raises:
            ValueError: if a stored value's shape differs from its variable's.
        """
        if len(store.keys()) != len(self._variables):
            message = (
                f"Skipping variable loading for optimizer '{self.name}', because it has "
                f"{len(self._variables)} variables whereas the saved optimizer has "
                f"{len(store.keys())} variables. "
            )
            if not self.built:
                message += "This is likely because the optimizer has not been called/built yet."
            warn(message)
            return
        self.set_weights([store[str(i)] for i in range(len(self._variables))])

    def set_weights(self, weights):
        """Assigns `weights` (arrays, in the order of `variables`) to the optimizer's state.

        Raises:
            ValueError: if the optimizer is not built, or the number of weights or a shape
                differs; nothing is assigned then.
        """
        if not self.built:
            raise ValueError(
                "You are calling `set_weights()` on an optimizer that has not yet been built. "
                "Please call `optimizer.build(trainable_variables)` to create the optimizer "
                "weights before calling `set_weights()`."
            )
        assign_state(self._variables, weights, f"Optimizer '{self.name}'")

    # -- configuration --------------------------------------------------------------------
    def get_config(self):
        """The constructor arguments as a dict (a schedule as its serialized dict), as Keras."""
        lr = self._learning_rate
        if isinstance(lr, _schedules.LearningRateSchedule):
            lr = _schedules.serialize(lr)
        elif isinstance(lr, Variable):
            lr = float(lr)
        return {
            "name": self.name,
            "learning_rate": lr,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Builds a fresh optimizer (no slots, step 0) from `get_config()`'s output."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = _schedules.deserialize(
                config["learning_rate"], custom_objects
            )
        return cls(**config)

    def _check_hyperparameters(self):
        """Refuses a non-numeric hyperparameter before the first update can half-happen."""
        for name, value in self.get_config().items():
            if name in _NUMERIC and value is not None and not is_number(value):
                if isinstance(value, (Tensor, Variable, np.ndarray)) and np.ndim(value) == 0:
                    continue
                raise ValueError(
                    f"{type(self).__name__}: hyperparameter `{name}` must be a number, got "
                    f"{value!r} of type {type(value).__name__}"
                )
