"""The primitive table: importing this package registers every primitive.

Each module holds `defprimitive(...)` entries only (plus the named rule functions they use).
"""

from . import activations, control, elementwise, matrix, recurrent, reductions, shape  # noqa: F401
from . import tensor_array  # noqa: F401
