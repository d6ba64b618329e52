"""`keras.ops`: Keras 3's backend-neutral operations on tapegrad tensors.

The NumPy-like functions (`keras.ops.numpy`), the neural-network functions (`keras.ops.nn`),
linear algebra (`keras.ops.linalg`), image transforms (`keras.ops.image`), math and core
functions, under Keras's names and argument
conventions and with its dtype rules. Each is a composition of tapegrad ops, differentiable to
any order, and each also takes Keras tensors of the functional API (`keras.Input`), becoming a
node of the model's graph.

    >>> from tapegrad.keras import ops
    >>> ops.softmax(ops.array([1.0, 2.0, 3.0])).shape
    (3,)
"""

from . import core, image, linalg, math, nn, numpy
from .core import *
from .linalg import *
from .math import *
from .nn import *
from .numpy import *

__all__ = [  # noqa: PLE0604 - the names of the submodules, each listed once
    *core.__all__,
    *linalg.__all__,
    *math.__all__,
    *nn.__all__,
    *(name for name in numpy.__all__ if name not in linalg.__all__ and name not in math.__all__),
]
