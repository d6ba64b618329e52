"""`keras.optimizers`: update rules over one shared `Optimizer` base, and their lookup by name."""

from . import schedules
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .adamw import AdamW
from .base import Optimizer
from .ftrl import Ftrl
from .lion import Lion
from .loss_scale_optimizer import LossScaleOptimizer
from .nadam import Nadam
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = [
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Ftrl",
    "Lion",
    "LossScaleOptimizer",
    "Nadam",
    "Optimizer",
    "RMSprop",
    "deserialize",
    "get",
    "schedules",
    "serialize",
]

_BY_NAME = {
    cls.__name__.lower(): cls
    for cls in (SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, Nadam, Ftrl, Lion)
}


def serialize(optimizer):
    """Returns Keras's serialized form of `optimizer`: a dict with `module`, `class_name` and
    `config`."""
    from ..saving import serialize_keras_object

    return serialize_keras_object(optimizer)


def deserialize(config, custom_objects=None):
    """Builds an optimizer from `serialize`'s output; built-in class names match in any case,
    an optimizer class of the user's is found by its registered name or in `custom_objects`.

    Raises:
        ValueError: if the class name is unknown.
    """
    from ..saving.object_registration import registered_class

    name = config["class_name"]
    cls = registered_class(config, custom_objects) or _BY_NAME.get(name.lower())
    if cls is None:
        raise ValueError(f"Could not interpret optimizer identifier: {name}")
    return cls.from_config(config.get("config", {}), custom_objects=custom_objects)


def get(identifier):
    """Returns an optimizer for a name ("sgd", "adam", ...), a config dict or an optimizer.

    Example:
        >>> type(get("adam")).__name__
        'Adam'

    Raises:
        ValueError: if `identifier` names no optimizer.
    """
    if identifier is None or isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str) and identifier.lower() in _BY_NAME:
        return _BY_NAME[identifier.lower()]()
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")
