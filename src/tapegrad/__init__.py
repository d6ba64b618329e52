"""tapegrad: TensorFlow 2's GradientTape, Variables and a Keras subset, on NumPy alone.

    import tapegrad as tf
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = x ** 2
    tape.gradient(y, x)          # 6.0
"""

from . import errors, linalg, math, nest, nn, numeric
from ._core.dtypes import (
    DType, as_dtype, bool, complex64, complex128, double, float16, float32, float64, half,
    int8, int16, int32, int64, string, uint8, uint16, uint32, uint64,
)
from ._core.tape import GradientTape, UnconnectedGradients
from ._core.tensor import Tensor, TensorShape, constant, convert_to_tensor, is_tensor
from ._core.variable import Variable
from .control import custom_gradient, init_scope, recompute_grad, stop_gradient
from .gradcheck import check_grads
from .module import Module, name_scope

# -- shapes, creation, indexing (owned by array.py / linalg.py / random.py) ---------------------
from . import random
from .array import (
    boolean_mask, broadcast_to, cast, concat, expand_dims, gather, gather_nd, identity, pad,
    reshape, reverse, split, squeeze, stack, tile, transpose, unstack, where,
)
from .creation import (
    eye, fill, linspace, one_hot, ones, ones_like, range, rank, shape, size, zeros, zeros_like,
)
from .function import TensorSpec, function
from .linalg import einsum, tensordot
from .script_ops import numpy_function, py_function
from .slicing import slice

# -- math (owned by math.py / nn.py) ------------------------------------------------------------
from .math import (
    abs, acos, add, add_n, argmax, argmin, asin, atan, atan2, clip_by_norm, clip_by_value, cos,
    cosh, cumsum, divide, equal, exp, floor, greater, greater_equal, less, less_equal,
    logical_and, logical_not, logical_or, matmul, maximum, minimum, multiply, negative, norm,
    not_equal, pow, reduce_all, reduce_any, reduce_logsumexp, reduce_max, reduce_mean,
    reduce_min, reduce_prod, reduce_sum, round, sigmoid, sign, sin, sinh, sqrt, square,
    subtract, tan, tanh, truediv,
)

# -- end of op exports -------------------------------------------------------------------------

newaxis = None

# The TensorFlow release whose API and behaviour tapegrad follows (and is tested against), so
# that programs checking `tf.__version__` take their TensorFlow 2 path; tapegrad's own version
# is `tf.version.TAPEGRAD_VERSION` (README, "Where tapegrad differs").
__version__ = "2.21.0"


# Names of modules loaded on first use, and where: `tf.device` is tapegrad.config's.
_LAZY_NAMES = {"device": "config._devices", "DeviceSpec": "config._devices",
               "RaggedTensor": "ragged"}


def __getattr__(name):
    # Heavier sub-packages load on first use so that `import tapegrad` stays fast.
    import importlib

    if name in ("keras", "test", "datasets", "autodiff", "config", "types", "version", "data",
                "io", "strings", "ragged", "train"):
        return importlib.import_module(f"{__name__}.{name}")
    if name in _LAZY_NAMES:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY_NAMES[name]}"), name)
    raise AttributeError(f"module 'tapegrad' has no attribute {name!r}")
