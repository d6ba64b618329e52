"""The primitive table: importing this package registers every primitive.

Each module holds `defprimitive(...)` entries only (plus the named rule functions they use).
"""

from . import (  # noqa: F401
    activations, control, convolution, elementwise, matrix, pooling, recurrent, reductions,
    shape, tensor_array,
)
