"""tapegrad: TensorFlow 2's GradientTape, Variables and a Keras subset, on NumPy alone.

    import tapegrad as tf
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = x ** 2
    tape.gradient(y, x)          # 6.0
"""

# The names of `tf.*`, each imported from the module that defines it: the engine (`_core/`) or
# the code behind the public ops (`_impl/`); `tf.math`, `tf.nn`, ... are lists like this one.
from . import errors, linalg, math, nest, nn, numeric, random
from ._core.custom import custom_gradient, recompute_grad
from ._core.indexed_slices import IndexedSlices
from ._core.dtypes import (
    DType, as_dtype, bool, complex64, complex128, double, float16, float32, float64, half,
    int8, int16, int32, int64, string, uint8, uint16, uint32, uint64,
)
from ._core.tape import GradientTape, UnconnectedGradients
from ._core.tensor import Tensor, TensorShape, constant, convert_to_tensor, is_tensor
from ._core.variable import Variable, VariableAggregation, VariableSynchronization
from ._impl.array_ops import (
    boolean_mask, broadcast_to, cast, concat, expand_dims, gather, gather_nd, identity, pad,
    reshape, reverse, split, squeeze, stack, tile, transpose, unstack, where,
)
from ._impl.clip_ops import clip_by_global_norm, clip_by_norm, clip_by_value, norm
from ._impl.control_ops import (
    control_dependencies, executing_eagerly, get_static_value, group, guarantee_const,
    identity_n, init_scope, inside_function, is_symbolic_tensor, no_op, stop_gradient, timestamp,
)
from ._impl.counting_ops import (
    histogram_fixed_width, histogram_fixed_width_bins, searchsorted, sequence_mask,
)
from ._impl.creation_ops import (
    eye, fill, linspace, one_hot, ones, ones_like, range, rank, shape, size, zeros, zeros_like,
)
from ._impl.dtype_ops import saturate_cast
from ._impl.grid_ops import meshgrid, repeat
from ._impl.linalg_ops import einsum, tensordot
from ._impl.math_ops import (
    abs, acos, add, add_n, argmax, argmin, asin, atan, atan2, cos, cosh, cumsum, divide, equal,
    exp, floor, greater, greater_equal, less, less_equal, logical_and, logical_not, logical_or,
    matmul, maximum, minimum, multiply, negative, not_equal, pow, reduce_all, reduce_any,
    reduce_logsumexp, reduce_max, reduce_mean, reduce_min, reduce_prod, reduce_sum, round,
    sigmoid, sign, sin, sinh, sqrt, square, subtract, tan, tanh, truediv,
)
from ._impl.slice_ops import roll, slice
from ._impl.sort_ops import argsort, sort, unique, unique_with_counts

newaxis = None

# The TensorFlow release whose API and behaviour tapegrad follows (and is tested against), so
# that programs checking `tf.__version__` take their TensorFlow 2 path; tapegrad's own version
# is `tf.version.TAPEGRAD_VERSION` (README, "Where tapegrad differs").
__version__ = "2.21.0"


# Names whose modules load on first use, and where (`tf.device` is tapegrad.config's): the
# subsystems a program may never touch (tf.function, control flow, TensorArray, scatter,
# py_function, tf.print, tf.Module, the assertions, check_grads), so that `import tapegrad`
# stays fast.
_LAZY_NAMES = {
    "device": "config._devices", "DeviceSpec": "config._devices",
    "RaggedTensor": "ragged", "SparseTensor": "sparse",
    "Assert": "_impl.check_ops",
    "assert_equal": "_impl.check_ops",
    "assert_less": "_impl.check_ops",
    "assert_rank": "_impl.check_ops",
    "ensure_shape": "_impl.check_ops",
    "case": "_impl.control_flow_ops",
    "cond": "_impl.control_flow_ops",
    "switch_case": "_impl.control_flow_ops",
    "while_loop": "_impl.control_flow_ops",
    "TensorSpec": "_impl.function",
    "function": "_impl.function",
    "foldl": "_impl.functional_ops",
    "foldr": "_impl.functional_ops",
    "map_fn": "_impl.functional_ops",
    "scan": "_impl.functional_ops",
    "vectorized_map": "_impl.functional_ops",
    "print": "_impl.logging_ops",
    "Module": "_impl.module",
    "name_scope": "_impl.module",
    "scatter_nd": "_impl.scatter_ops",
    "tensor_scatter_nd_add": "_impl.scatter_ops",
    "tensor_scatter_nd_max": "_impl.scatter_ops",
    "tensor_scatter_nd_min": "_impl.scatter_ops",
    "tensor_scatter_nd_sub": "_impl.scatter_ops",
    "tensor_scatter_nd_update": "_impl.scatter_ops",
    "numpy_function": "_impl.script_ops",
    "py_function": "_impl.script_ops",
    "TensorArray": "_impl.tensor_array_ops",
    "check_grads": "gradcheck",
    "get_logger": "_impl.logging_ops",
    "constant_initializer": "_impl.initializer_ops",
    "ones_initializer": "_impl.initializer_ops",
    "random_normal_initializer": "_impl.initializer_ops",
    "random_uniform_initializer": "_impl.initializer_ops",
    "zeros_initializer": "_impl.initializer_ops",
}
_SUBPACKAGES = (
    "keras", "test", "datasets", "autodiff", "config", "types", "version", "data", "io",
    "strings", "ragged", "train", "debug", "debugging", "tracing", "saved_model", "sparse",
    "sets", "queue", "dtypes", "autograph", "image", "summary", "audio", "signal",
)


def __getattr__(name):
    # Heavier sub-packages load on first use so that `import tapegrad` stays fast.
    import importlib

    if name in _SUBPACKAGES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _LAZY_NAMES:
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY_NAMES[name]}"), name)
        globals()[name] = value  # found by plain lookup from now on (a decorator, a loop)
        return value
    raise AttributeError(f"module 'tapegrad' has no attribute {name!r}")


def __dir__():
    # the names that load on first use too (tab completion, dir(tf))
    return sorted(set(globals()) | set(_LAZY_NAMES) | set(_SUBPACKAGES))
