"""The primitive table: importing this package registers every primitive.

Each module holds `defprimitive(...)` entries only (plus the named rule functions they use).
"""

from . import (  # noqa: F401
    activations, control, convolution, counting, elementwise, guarded, matrix, pooling,
    recurrent, reductions, segments, shape, tensor_array,
)
