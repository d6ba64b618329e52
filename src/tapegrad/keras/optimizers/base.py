"""The shared optimizer base: everything but the update rule.

A subclass names its slots and writes `update(w, g, lr, slots)` in plain NumPy, in place on
`w` (a private copy of the variable's value, assigned back afterwards) and on its slot arrays.
Nothing is recorded on a tape.
"""

import warnings

import numpy as np

from ... import _core
from ..._core.variable import Variable


class Optimizer:
    """Base class of the optimizers.

    Args:
        learning_rate: a number, or a schedule (a callable of the step number).
        weight_decay: if set, decoupled weight decay `w -= lr * weight_decay * w` before each
            update.
        clipnorm: clip each gradient to this L2 norm.
        clipvalue: clip each gradient elementwise to [-clipvalue, clipvalue].
        global_clipnorm: clip all gradients together to this global L2 norm.
        name: the optimizer's name.
        lr: the old name of `learning_rate` (deprecated, still accepted).
    """

    slots = ()

    def __init__(self, learning_rate=0.001, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, name=None, **kwargs):
        if "lr" in kwargs:
            warnings.warn(
                "The `lr` argument is deprecated, use `learning_rate` instead.",
                DeprecationWarning, stacklevel=3,
            )
            learning_rate = kwargs.pop("lr")
        for key in ("use_ema", "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor",
                    "gradient_accumulation_steps", "decay", "amsgrad_unused"):
            kwargs.pop(key, None)
        if kwargs:
            raise TypeError(
                f"{type(self).__name__}: unexpected argument(s) {', '.join(sorted(kwargs))}"
            )
        if sum(c is not None for c in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set; got "
                f"clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}."
            )
        self._learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.name = name or type(self).__name__.lower()
        self.iterations = Variable(0, dtype="int64", trainable=False, name="iteration")
        self._slots = {}

    # -- learning rate --------------------------------------------------------------------
    @property
    def learning_rate(self):
        """The current learning rate as a float32 tensor (a schedule is evaluated at the step)."""
        return _core.tensor.constant(self._current_lr(), dtype="float32")

    @learning_rate.setter
    def learning_rate(self, value):
        self._learning_rate = value

    lr = learning_rate

    def _current_lr(self):
        lr = self._learning_rate
        if callable(lr):
            lr = lr(int(self.iterations._value))
        return float(np.asarray(lr))

    # -- the update -----------------------------------------------------------------------
    def init_slot(self, name, w):
        """The initial value of slot `name` for a variable whose value is `w`: zeros."""
        return np.zeros_like(w)

    def update(self, w, g, lr, slots):
        raise NotImplementedError

    def apply_gradients(self, grads_and_vars, name=None, skip_gradients_aggregation=False,
                        **kwargs):
        """Applies one update to each variable; returns the iteration count before the step.

        Args:
            grads_and_vars: a list, zip or any iterable of (gradient, variable) pairs. A None
                gradient is skipped with a warning naming its variable.

        Raises:
            ValueError / TypeError: before any variable is changed, if a gradient's shape or
                dtype does not match its variable's.
        """
        pairs = []
        for g, v in list(grads_and_vars):
            if g is None:
                warnings.warn(
                    f"Gradients do not exist for variable '{v.name}' when applying "
                    f"{type(self).__name__}: it does not affect the loss; it is skipped.",
                    stacklevel=2,
                )
                continue
            if not isinstance(v, Variable):
                raise TypeError(
                    f"{type(self).__name__}.apply_gradients: expected a tapegrad Variable, got "
                    f"{type(v).__name__}"
                )
            g = np.asarray(g)
            if g.shape != v._value.shape:
                raise ValueError(
                    f"{type(self).__name__}.apply_gradients: gradient of shape {list(g.shape)} "
                    f"does not match variable '{v.name}' of shape {list(v._value.shape)}"
                )
            pairs.append((g.astype(v._value.dtype, copy=False), v))
        grads = self._clip([g for g, _ in pairs])
        lr = self._current_lr()
        for g, v in zip(grads, pairs):
            v = v[1]
            slots = self._slots.get(id(v))
            if slots is None:
                slots = self._slots[id(v)] = (v, {s: self.init_slot(s, v._value) for s in self.slots})
            w = np.array(v._value)
            if self.weight_decay:
                w -= w * np.asarray(lr * self.weight_decay, dtype=w.dtype)
            self.update(w, g, np.asarray(lr, dtype=w.dtype), slots[1])
            v._value = w
        self.iterations._value = self.iterations._value + 1
        return self.iterations

    def _clip(self, grads):
        if self.clipvalue is not None:
            return [np.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        if self.clipnorm is not None:
            out = []
            for g in grads:
                norm = np.sqrt(np.sum(g * g))
                out.append(g * (self.clipnorm / max(norm, self.clipnorm)) if norm > 0 else g)
            return out
        if self.global_clipnorm is not None:
            norm = np.sqrt(sum(float(np.sum(g * g)) for g in grads))
            if norm > self.global_clipnorm:
                return [g * (self.global_clipnorm / norm) for g in grads]
        return grads

    def minimize(self, loss, var_list, tape=None):
        """Computes the gradients of `loss` (a callable, or a tensor with `tape`) and applies them."""
        from ..._core.tape import GradientTape

        if callable(loss):
            with GradientTape() as tape:
                value = loss()
        elif tape is None:
            raise ValueError("minimize: a tensor loss needs the `tape` that recorded it")
        else:
            value = loss
        if callable(var_list):
            var_list = var_list()
        grads = tape.gradient(value, var_list)
        return self.apply_gradients(zip(grads, var_list))

    # -- configuration --------------------------------------------------------------------
    def get_config(self):
        lr = self._learning_rate
        return {
            "name": self.name,
            "learning_rate": lr if callable(lr) else float(np.asarray(lr)),
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "clipvalue": self.clipvalue,
            "global_clipnorm": self.global_clipnorm,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def variables(self):
        return [self.iterations] + [
            _core.tensor.constant(a) for _, slots in self._slots.values() for a in slots.values()
        ]
