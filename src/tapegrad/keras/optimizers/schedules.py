"""`keras.optimizers.schedules`: learning rates as a function of the optimizer's step.

Each schedule computes in the dtype of its initial learning rate (float32 for a Python number),
op by op in the order Keras 3 uses, so that an optimizer driven by a schedule follows Keras's
trajectory. A schedule returns a scalar tensor; an optimizer calls it with its `iterations`.
"""

import math

import numpy as np

from ... import Tensor
from .common import scalar_pow

__all__ = [
    "CosineDecay",
    "CosineDecayRestarts",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LearningRateSchedule",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "deserialize",
    "serialize",
]


def _dtype_of(value):
    # Keras converts a Python number to floatx (float32); a NumPy value keeps its dtype.
    if isinstance(value, (np.ndarray, np.generic)) and value.dtype.kind == "f":
        return value.dtype.type
    return np.float32


def _cos(x):
    # TensorFlow's scalar float32 cos agrees with the float64 cosine rounded once.
    return type(x)(math.cos(float(x)))


def _step(step, dtype):
    return np.asarray(step).astype(dtype)[()]


class LearningRateSchedule:
    """Base class of the schedules: a subclass defines `__call__(step)` and `get_config()`.

    Example:
        >>> class InverseStep(LearningRateSchedule):
        ...     def __init__(self, initial_learning_rate):
        ...         self.initial_learning_rate = initial_learning_rate
        ...     def __call__(self, step):
        ...         return self.initial_learning_rate / (float(step) + 1)
        ...     def get_config(self):
        ...         return {"initial_learning_rate": self.initial_learning_rate}
    """

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `__call__(self, step)`."
        )

    def get_config(self):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `get_config()` in "
            "order to be serializable."
        )

    @classmethod
    def from_config(cls, config):
        """Builds the schedule from the output of `get_config()`."""
        return cls(**config)


def _check_steps(name, value):
    if value <= 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={value}")


class _RateDecay(LearningRateSchedule):
    """The arguments and the decay progress shared by ExponentialDecay and InverseTimeDecay."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name=None):
        _check_steps("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name or type(self).__name__

    def _progress(self, step):
        """(the rate's dtype, step / decay_steps, floored if staircase)."""
        t = _dtype_of(self.initial_learning_rate)
        p = _step(step, t) / t(self.decay_steps)
        return t, (np.floor(p) if self.staircase else p)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class ExponentialDecay(_RateDecay):
    """`initial_learning_rate * decay_rate ** (step / decay_steps)`.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: a positive number of steps.
        decay_rate: the factor applied every `decay_steps` steps.
        staircase: if True, `step / decay_steps` is floored (the rate falls in steps).
        name: the schedule's name.
    """

    def __call__(self, step):
        t, p = self._progress(step)
        return Tensor(np.asarray(t(self.initial_learning_rate) * scalar_pow(t(self.decay_rate), p)))


class PiecewiseConstantDecay(LearningRateSchedule):
    """`values[0]` while `step <= boundaries[0]`, then `values[1]` up to `boundaries[1]`, ...

    Args:
        boundaries: increasing step numbers (compared in the step's integer dtype).
        values: one more value than boundaries.
        name: the schedule's name.

    Raises:
        ValueError: if `len(values) != len(boundaries) + 1`.
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. Received: "
                f"boundaries={boundaries} of length {len(boundaries)}, and values={values} of "
                f"length {len(values)}."
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        step = np.asarray(step)[()]
        index = len(self.boundaries)
        for i, b in enumerate(self.boundaries):
            # Keras casts each boundary to the step's dtype before comparing.
            if step <= np.asarray(b).astype(np.asarray(step).dtype):
                index = i
                break
        t = _dtype_of(self.values[0])
        return Tensor(np.asarray(t(self.values[index])))

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """From `initial_learning_rate` to `end_learning_rate` along a power of the remaining steps.

        step = min(step, decay_steps)   # with cycle: decay_steps *= ceil(step / decay_steps)
        lr = (initial - end) * (1 - step / decay_steps) ** power + end

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: a positive number of steps.
        end_learning_rate: the final rate.
        power: the polynomial's power.
        cycle: whether to restart past `decay_steps`, with a longer period each time.
        name: the schedule's name.
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        end_learning_rate=0.0001,
        power=1.0,
        cycle=False,
        name="PolynomialDecay",
    ):
        _check_steps("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step):
        t = _dtype_of(self.initial_learning_rate)
        initial, end = t(self.initial_learning_rate), t(self.end_learning_rate)
        step = _step(step, t)
        decay_steps = t(self.decay_steps)
        if self.cycle:
            multiplier = t(1.0) if step == 0 else np.ceil(step / t(self.decay_steps))
            decay_steps = decay_steps * multiplier
        else:
            step = np.minimum(step, decay_steps)
        p = step / decay_steps
        return Tensor(np.asarray((initial - end) * scalar_pow(t(1) - p, t(self.power)) + end))

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


class InverseTimeDecay(_RateDecay):
    """`initial_learning_rate / (1 + decay_rate * step / decay_steps)`.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: a positive number of steps.
        decay_rate: how fast the rate falls.
        staircase: if True, `step / decay_steps` is floored.
        name: the schedule's name.
    """

    def __call__(self, step):
        t, p = self._progress(step)
        return Tensor(np.asarray(t(self.initial_learning_rate) / (t(1) + t(self.decay_rate) * p)))


class CosineDecay(LearningRateSchedule):
    """A cosine decay, after an optional linear warmup (Keras 3's arguments).

        warmup (step < warmup_steps):  initial + (warmup_target - initial) * step / warmup_steps
        decay:  start * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decay_steps)) + alpha)

    where `s = min(step - warmup_steps, decay_steps)` and `start` is `warmup_target`, or
    `initial_learning_rate` when `warmup_target` is None (no warmup).

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: a positive number of steps to decay over.
        alpha: the final rate as a fraction of the decay's start.
        name: the schedule's name.
        warmup_target: the rate reached at the end of the warmup, or None for no warmup.
        warmup_steps: the warmup's length in steps.
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        alpha=0.0,
        name="CosineDecay",
        warmup_target=None,
        warmup_steps=0,
    ):
        _check_steps("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target

    def _decay(self, step, decay_steps, start, t):
        cosine = t(0.5) * (t(1) + _cos(t(math.pi) * (step / decay_steps)))
        return start * (t(1 - self.alpha) * cosine + t(self.alpha))

    def __call__(self, step):
        t = _dtype_of(self.initial_learning_rate)
        initial = t(self.initial_learning_rate)
        decay_steps = t(self.decay_steps)
        step = _step(step, t)
        if self.warmup_target is None:
            return Tensor(
                np.asarray(self._decay(np.minimum(step, decay_steps), decay_steps, initial, t))
            )
        target, warmup_steps = t(self.warmup_target), t(self.warmup_steps)
        step = np.minimum(step, decay_steps + warmup_steps)
        if step < warmup_steps:
            value = (target - initial) * (step / warmup_steps) + initial
        else:
            value = self._decay(step - warmup_steps, decay_steps, target, t)
        return Tensor(np.asarray(value))

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


class CosineDecayRestarts(LearningRateSchedule):
    """A cosine decay with warm restarts (SGDR), as Keras 3's.

    The first period lasts `first_decay_steps`; each next one is `t_mul` times longer and
    starts from `m_mul` times the previous start. Within a period at fraction `f` of it:
    `initial * ((1 - alpha) * 0.5 * m_mul**i * (1 + cos(pi * f)) + alpha)`.

    Args:
        initial_learning_rate: the rate at step 0.
        first_decay_steps: the first period's length in steps.
        t_mul: how much longer each period is than the one before.
        m_mul: how much lower each period starts than the one before.
        alpha: the lowest rate, as a fraction of `initial_learning_rate`.
        name: the schedule's name.
    """

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0,
                 alpha=0.0, name="SGDRDecay"):
        _check_steps("first_decay_steps", first_decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step):
        t = _dtype_of(self.initial_learning_rate)
        t_mul, m_mul, alpha = t(self._t_mul), t(self._m_mul), t(self.alpha)
        fraction = _step(step, t) / t(self.first_decay_steps)
        if t_mul == 1:
            restart = np.floor(fraction)
            fraction = fraction - restart
        else:  # periods growing geometrically: which one `fraction` falls in, by logarithms
            restart = np.floor(np.log(t(1) - fraction * (t(1) - t_mul)) / np.log(t_mul))
            done = (t(1) - t_mul ** restart) / (t(1) - t_mul)
            fraction = (fraction - done) / t_mul ** restart
        cosine = t(0.5) * m_mul ** restart * (t(1) + _cos(t(math.pi) * fraction))
        return Tensor(np.asarray(t(self.initial_learning_rate) * ((t(1) - alpha) * cosine + alpha)))

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }


_SCHEDULES = {
    cls.__name__: cls
    for cls in (
        ExponentialDecay,
        PiecewiseConstantDecay,
        PolynomialDecay,
        InverseTimeDecay,
        CosineDecay,
        CosineDecayRestarts,
    )
}


def serialize(learning_rate_schedule):
    """Returns Keras's serialized form of a schedule: a dict with `module`, `class_name` and
    `config` (a schedule of the user's is named by its registered name)."""
    from ..saving import serialize_keras_object

    return serialize_keras_object(learning_rate_schedule)


def deserialize(config, custom_objects=None):
    """Rebuilds a schedule from `serialize`'s output. A class of the user's is found by its
    registered name (`keras.saving.register_keras_serializable`), or by its class name in
    `custom_objects` or a `custom_object_scope`.

    Raises:
        ValueError: if the class name is unknown.
    """
    from ..saving.object_registration import registered_class

    name = config["class_name"]
    cls = registered_class(config, custom_objects) or _SCHEDULES.get(name)
    if cls is None:
        raise ValueError(f"Unknown decay: '{name}'. Pass it in `custom_objects`.")
    return cls.from_config(config["config"])
