"""`keras.optimizers`: update rules over one shared `Optimizer` base."""

from .base import Optimizer
from .sgd import SGD

__all__ = ["Optimizer", "SGD"]
