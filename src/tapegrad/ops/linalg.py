"""Linear-algebra primitives."""

import numpy as np

from .._core.registry import MULTILINEAR, defprimitive
from .shape import transpose


def _swap(t):
    n = t._value.ndim
    return transpose(t, perm=tuple(range(n - 2)) + (n - 1, n - 2))


matmul = defprimitive(
    "matmul", np.matmul,
    vjp=(lambda g, out, a, b: matmul(g, _swap(b)), lambda g, out, a, b: matmul(_swap(a), g)),
    jvp=MULTILINEAR,
    cases=[(((2, 3), (3, 4)), {}), (((2, 2, 3), (3, 4)), {}), (((3, 2, 3), (1, 3, 2)), {})],
)
