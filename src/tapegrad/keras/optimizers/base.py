"""The shared optimizer base: everything but the update rule.

A subclass names its slots and writes `update(w, g, lr, slots)` in plain NumPy, in place on `w`
(a private copy of the variable's value, which then replaces the value: tensors may still hold
the old array) and on its own slot arrays. Nothing is recorded on a tape.

Arithmetic follows Keras 3 with the TensorFlow backend op by op, in the variable's dtype: every
constant is cast to that dtype first, as Keras does, so float32 trajectories match Keras's.
"""

import collections
import os
import re
import sys
import warnings

import numpy as np

from ... import GradientTape, Tensor, Variable, errors
from ...function import effect
from . import schedules as _schedules
from .schedules import scalar_pow  # noqa: F401 - used by the update rules

_NAME_UIDS = collections.Counter()
_NO_SLOTS = {}


def _auto_name(cls_name):
    # Keras's `auto_name`: snake_case of the class name, then "_1", "_2", ... for later ones.
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", cls_name)
    name = re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()
    uid = _NAME_UIDS[name]
    _NAME_UIDS[name] += 1
    return f"{name}_{uid}" if uid else name


_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _warn(message, category=UserWarning):
    # Point the warning at the first caller outside tapegrad: the user's line is named, and a
    # DeprecationWarning raised from `__main__` is shown by Python's default filters.
    level, frame = 2, sys._getframe(1)
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


def keras_cast(value, t):
    """A Python float cast to NumPy type `t` as Keras's `ops.cast` does it: TensorFlow first
    makes the float a float32 tensor, so a float64 variable sees float32-rounded constants."""
    return t(np.float32(value))


def _is_number(value):
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


# The numeric hyperparameters of the built-in optimizers, as their configs name them.
_NUMERIC = frozenset(
    (
        "beta_1",
        "beta_2",
        "epsilon",
        "rho",
        "momentum",
        "initial_accumulator_value",
        "weight_decay",
        "clipnorm",
        "clipvalue",
        "global_clipnorm",
        "loss_scale_factor",
    )
)


class Optimizer:
    """Base class of the optimizers: `apply_gradients`, `minimize` and the shared options.

    Args:
        learning_rate: a float, a `LearningRateSchedule` (called with `iterations`) or a
            callable of no arguments returning the rate.
        weight_decay: if set, decoupled weight decay before each update, at the current rate:
            `w -= w * weight_decay * lr`.
        clipnorm: if set, each gradient is scaled so that its L2 norm is at most this.
        clipvalue: if set, each gradient is clipped elementwise to [-clipvalue, clipvalue].
        global_clipnorm: if set, all gradients are scaled together so that their global L2 norm
            is at most this. At most one of the three clipping options may be set.
        loss_scale_factor: if set, gradients are divided by it (`scale_loss` multiplies).
        name: the optimizer's name (Keras's snake_case of the class name by default).
        use_ema, ema_momentum, ema_overwrite_frequency, gradient_accumulation_steps: accepted
            at their defaults, for configs written by Keras; other values are not supported.
        lr: the old name of `learning_rate`, accepted with a DeprecationWarning.

    Raises:
        ValueError: if two clipping options are given, or an argument is unknown.
    """

    slots = ()

    def __init__(
        self,
        learning_rate=0.001,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        if "lr" in kwargs:
            _warn(
                "The `lr` argument is deprecated, use `learning_rate` instead.", DeprecationWarning
            )
            learning_rate = kwargs.pop("lr")
        if kwargs.pop("decay", None) is not None:
            _warn("Argument `decay` is no longer supported and will be ignored.")
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        if use_ema or gradient_accumulation_steps:
            raise NotImplementedError(
                f"{type(self).__name__}: `use_ema` and `gradient_accumulation_steps` are not "
                "supported by tapegrad."
            )
        if sum(c is not None for c in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: "
                f"clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}"
            )
        self.name = _auto_name(type(self).__name__) if name is None else name
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self._iterations = Variable(0, dtype="int64", trainable=False, name="iteration")
        self._learning_rate = None
        self.learning_rate = learning_rate
        self._slots = {}  # id(variable) -> (variable, {slot name: array})
        self._exclude_ids = set()
        self._exclude_pattern = None
        self.built = False

    # -- state ----------------------------------------------------------------------------
    @property
    def iterations(self):
        """The number of steps applied so far: an int64 Variable."""
        return self._iterations

    @property
    def learning_rate(self):
        """The rate: a float32 Variable, or a schedule's value at `iterations`.

        Setting it to a number assigns the Variable; a schedule or callable replaces it.

        Raises:
            TypeError: on setting a number when the optimizer was built with a schedule, or on
                setting something that is not a number, schedule or callable.
        """
        lr = self._learning_rate
        if isinstance(lr, _schedules.LearningRateSchedule):
            return lr(self._iterations)
        if isinstance(lr, Variable):
            return lr
        return lr()

    @learning_rate.setter
    def learning_rate(self, value):
        if isinstance(value, _schedules.LearningRateSchedule) or callable(value):
            self._learning_rate = value
            return
        if isinstance(value, (Tensor, Variable)):
            value = value.numpy()
        if not _is_number(value) and not (
            isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf"
        ):
            # Keras: a ValueError from the constructor, a TypeError from the setter.
            error = ValueError if self._learning_rate is None else TypeError
            raise error(
                f"{type(self).__name__}: argument `learning_rate` should be float, or an instance "
                "of LearningRateSchedule, or a callable (that takes no arguments and returns the "
                f"learning rate). Received instead: learning_rate={value!r}"
            )
        if isinstance(self._learning_rate, _schedules.LearningRateSchedule):
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` object as its "
                "`learning_rate` constructor argument, hence its learning rate is not settable. "
                "If you need the learning rate to be settable, you should instantiate the "
                "optimizer with a float `learning_rate` argument."
            )
        if isinstance(self._learning_rate, Variable):
            self._learning_rate.assign(float(value))
        else:
            self._learning_rate = Variable(
                float(value), dtype="float32", trainable=False, name="learning_rate"
            )

    def _current_lr(self):
        """The rate for this step as a 0-d array (float32 unless a callable says otherwise)."""
        lr = self._learning_rate
        if isinstance(lr, Variable):
            lr = lr._value
            return lr if type(lr) is np.ndarray else np.asarray(lr)
        value = lr(self._iterations) if isinstance(lr, _schedules.LearningRateSchedule) else lr()
        value = np.asarray(value)
        if value.ndim != 0 or value.dtype.kind not in "fiu":
            raise TypeError(f"The learning rate must be a real scalar, got {value!r}")
        return value

    @property
    def variables(self):
        """The optimizer's state: `iterations`, the rate Variable, then a snapshot of each slot."""
        out = [self._iterations]
        if isinstance(self._learning_rate, Variable):
            out.append(self._learning_rate)
        for v, slots in self._slots.values():
            base = v.name.replace(":", "_").replace("/", "_")
            out.extend(Variable(a, trainable=False, name=f"{base}_{s}") for s, a in slots.items())
        return out

    # -- what a subclass defines ----------------------------------------------------------
    def init_slot(self, name, w):
        """The initial value of slot `name` for a variable whose value is `w`: zeros."""
        return np.zeros_like(w)

    def prepare(self, lr):
        """The per-step constants `update` receives as `lr`, made once per step and dtype.

        `lr` is the step's rate as a 0-d array of the variables' dtype; the default returns it.
        A subclass computes its scalars here (bias corrections, cast hyperparameters), in
        Keras's order of operations, and returns them as 0-d arrays too: NumPy multiplies an
        array by a 0-d array faster than by a NumPy scalar.
        """
        return lr

    def update(self, w, g, lr, slots):
        """Updates `w` and `slots` in place from gradient `g` (both of w's dtype); `lr` is what
        `prepare` returned for this step."""
        raise NotImplementedError

    def _begin_step(self, step, dtype):
        """Per-step state shared by all variables (Nadam's momentum cache); may not raise."""

    # -- the update -----------------------------------------------------------------------
    def build(self, variables):
        """Creates the slots of `variables` now (otherwise each is made on first use); `apply`
        without variables then updates these."""
        self._check_hyperparameters()
        self._built_with = list(variables)
        for v in self._built_with:
            self._slots_of(v)
        self.built = True

    def apply(self, grads, trainable_variables=None):
        """Keras 3's form of `apply_gradients`: gradients and variables as two lists.

        Raises:
            ValueError: if `trainable_variables` is None and `build` was not called with as
                many variables as there are gradients.
        """
        if trainable_variables is None:
            trainable_variables = getattr(self, "_built_with", None)
            if trainable_variables is None or len(trainable_variables) != len(grads):
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be "
                    "built on a list of as many variables: call `optimizer.build(variables)`."
                )
        return self.apply_gradients(zip(grads, trainable_variables))

    def _slots_of(self, v):
        entry = self._slots.get(id(v))
        if entry is None:
            w = np.asarray(v._value)
            slots = {s: np.array(self.init_slot(s, w), dtype=w.dtype) for s in self.slots}
            entry = self._slots[id(v)] = (v, slots)
        return entry[1]

    def _checked_pairs(self, grads_and_vars):
        """(gradient array in the variable's dtype, variable) pairs; raises before any change."""
        pairs, missing = [], []
        for pair in grads_and_vars:
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise TypeError(
                    f"{type(self).__name__}.apply_gradients: expected (gradient, variable) pairs, "
                    "such as zip(grads, model.trainable_variables); got an item of type "
                    f"{type(pair).__name__}. For separate lists, use apply(grads, variables)."
                )
            g, v = pair
            if type(v) is not Variable and not isinstance(v, Variable):
                raise TypeError(
                    f"{type(self).__name__}.apply_gradients: expected a tapegrad Variable, got "
                    f"{type(v).__name__}"
                )
            if type(g) is Tensor:
                g = g._value
            elif g is None:
                missing.append(v.name)
                continue
            elif isinstance(g, Variable):
                g = g._value
            else:
                g = np.asarray(g)
            w = v._value
            if g.shape != w.shape or g.dtype != w.dtype or w.dtype.kind != "f":
                g = self._checked_gradient(g, v)
            pairs.append((g, v))
        if not pairs:
            raise ValueError(f"No gradients provided for any variable: {missing}.")
        if missing:
            _warn(
                f"Gradients do not exist for variables {missing} when minimizing the loss. If "
                "using `model.compile()`, did you forget to provide a `loss` argument?"
            )
        return pairs

    def _checked_gradient(self, g, v):
        w, where = v._value, f"{type(self).__name__}.apply_gradients"
        if w.dtype.kind != "f":
            raise TypeError(
                f"{where}: variable '{v.name}' has dtype {w.dtype}; only floating-point "
                "variables can be trained."
            )
        if g.shape != w.shape:
            raise errors.InvalidArgumentError(
                f"{where}: gradient of shape {list(g.shape)} does not match variable "
                f"'{v.name}' of shape {list(w.shape)}; nothing was updated.",
                op="apply_gradients",
            )
        if g.dtype.kind not in "fiu":
            raise TypeError(
                f"{where}: gradient of dtype {g.dtype} cannot update variable '{v.name}' of "
                f"dtype {w.dtype}"
            )
        return g.astype(w.dtype)

    @effect  # one instruction of a traced program (tapegrad.function)
    def apply_gradients(self, grads_and_vars):
        """Applies one update to each variable and advances `iterations`.

        Everything is checked before anything changes: on an error no variable, slot or
        iteration count has moved.

        Args:
            grads_and_vars: a list, zip or any iterable of (gradient, variable) pairs. A None
                gradient is skipped with a warning naming its variable.

        Returns:
            `iterations`.

        Raises:
            InvalidArgumentError: (a ValueError) if a gradient's shape differs from its
                variable's.
            ValueError: if all gradients are None.
            TypeError: if an item is not a (gradient, variable) pair, a variable is not a
                floating-point tapegrad Variable, or a gradient is not real.
        """
        if not self.built:
            self._check_hyperparameters()
        pairs = self._checked_pairs(grads_and_vars)
        lr = self._current_lr()
        step = int(self._iterations._value) + 1
        if self.loss_scale_factor is not None or (
            self.clipnorm or self.global_clipnorm or self.clipvalue
        ):
            pairs = list(zip(self._clip([g for g, _ in pairs]), [v for _, v in pairs]))
        self._step = step
        self._begin_step(step, pairs[0][1]._value.dtype)
        rates = {}  # dtype -> (rate as a 0-d array of that dtype, what `prepare` made of it)
        decay = self.weight_decay
        for g, v in pairs:
            w = v._value
            w = w.copy() if type(w) is np.ndarray else np.array(w)
            rate = rates.get(w.dtype)
            if rate is None:
                typed = lr if lr.dtype == w.dtype else lr.astype(w.dtype)
                rate = rates[w.dtype] = (typed, self.prepare(typed))
            if decay is not None and self._decays(v):
                w -= w * keras_cast(decay, w.dtype.type) * rate[0]
            self.update(w, g, rate[1], self._slots_of(v) if self.slots else _NO_SLOTS)
            v._value = w
        self.built = True
        self._iterations._value = np.array(step, dtype=np.int64)
        return self._iterations

    def _check_hyperparameters(self):
        """Refuses a non-numeric hyperparameter before the first update can half-happen."""
        for name, value in self.get_config().items():
            if name in _NUMERIC and value is not None and not _is_number(value):
                if isinstance(value, (Tensor, Variable, np.ndarray)) and np.ndim(value) == 0:
                    continue
                raise ValueError(
                    f"{type(self).__name__}: hyperparameter `{name}` must be a number, got "
                    f"{value!r} of type {type(value).__name__}"
                )

    def _clip(self, grads):
        # Keras's order of precedence and its TensorFlow-backend arithmetic.
        if self.loss_scale_factor is not None:
            grads = [g / g.dtype.type(self.loss_scale_factor) for g in grads]
        if self.clipnorm and self.clipnorm > 0:
            out = []
            for g in grads:
                c = g.dtype.type(self.clipnorm)
                l2sum = np.sum(g * g)
                norm = np.sqrt(l2sum) if l2sum > 0 else l2sum
                out.append(g * c / np.maximum(norm, c))
            return out
        if self.global_clipnorm and self.global_clipnorm > 0:
            t = grads[0].dtype.type
            norm = np.sqrt(np.sum(np.array([np.sum(np.square(g)) for g in grads], dtype=t)))
            with np.errstate(divide="ignore"):
                scale = t(self.global_clipnorm) * np.minimum(
                    t(1) / norm, t(1.0 / self.global_clipnorm)
                )
            scale = scale + (norm - norm)  # NaN for a non-finite norm, as Keras
            return [g * scale.astype(g.dtype) for g in grads]
        if self.clipvalue and self.clipvalue > 0:
            return [
                np.clip(g, g.dtype.type(-self.clipvalue), g.dtype.type(self.clipvalue))
                for g in grads
            ]
        return grads

    # -- weight decay ---------------------------------------------------------------------
    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exempts variables from weight decay: those in `var_list`, and those whose name
        contains one of the strings in `var_names`."""
        self._exclude_ids = {id(v) for v in var_list or ()}
        self._exclude_pattern = re.compile("|".join(set(var_names))) if var_names else None

    def _decays(self, v):
        if id(v) in self._exclude_ids:
            return False
        return self._exclude_pattern is None or self._exclude_pattern.search(v.name) is None

    # -- minimize -------------------------------------------------------------------------
    def scale_loss(self, loss):
        """Returns `loss * loss_scale_factor`, or `loss` when no factor is set."""
        return loss if self.loss_scale_factor is None else loss * self.loss_scale_factor

    def minimize(self, loss, var_list, tape=None):
        """Computes the gradients of `loss` with respect to `var_list` and applies them.

        Args:
            loss: a callable of no arguments returning the loss, or a loss tensor recorded by
                `tape`.
            var_list: a list of Variables, or a callable returning one (called after `loss`).
            tape: the GradientTape that recorded a tensor `loss`.

        Returns:
            `iterations`.

        Raises:
            ValueError: if `loss` is a tensor and no `tape` is given.
        """
        if not callable(loss) and tape is None:
            raise ValueError("`tape` is required when a `Tensor` loss is passed.")
        tape = GradientTape() if tape is None else tape
        if callable(loss):
            with tape:
                if not callable(var_list):
                    tape.watch(var_list)
                loss = loss()
        if callable(var_list):
            var_list = var_list()
        var_list = list(var_list)
        grads = tape.gradient(loss, var_list)
        return self.apply_gradients(zip(grads, var_list))

    # -- configuration --------------------------------------------------------------------
    def get_config(self):
        """The constructor arguments as a dict (a schedule as its serialized dict), as Keras."""
        lr = self._learning_rate
        if isinstance(lr, _schedules.LearningRateSchedule):
            lr = _schedules.serialize(lr)
        elif isinstance(lr, Variable):
            lr = float(lr._value)
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
