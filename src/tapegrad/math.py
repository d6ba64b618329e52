"""`tapegrad.math`: elementwise math, reductions and comparisons under TensorFlow's names."""

from ._checks import axes as _axes
from ._core.registry import bind as _bind
from ._core.registry import composite as _composite
from ._core.tensor import convert_to_tensor as _tensor
from .ops import elementwise as _e
from .ops import linalg as _l
from .ops import reductions as _r

__all__ = [
    "add", "subtract", "multiply", "divide", "truediv", "floordiv", "mod", "floormod", "pow",
    "negative", "square", "sqrt", "exp", "log", "sin", "cos", "tanh", "sigmoid", "abs", "sign",
    "maximum", "minimum", "reduce_sum", "reduce_mean", "equal", "not_equal", "less",
    "less_equal", "greater", "greater_equal", "matmul",
]


def add(x, y, name=None):
    """Returns x + y elementwise, with broadcasting."""
    return _bind(_e.add, x, y)


def subtract(x, y, name=None):
    """Returns x - y elementwise, with broadcasting."""
    return _bind(_e.subtract, x, y)


def multiply(x, y, name=None):
    """Returns x * y elementwise, with broadcasting."""
    return _bind(_e.multiply, x, y)


def divide(x, y, name=None):
    """Returns x / y elementwise (integers are divided as floats, as `tf.math.divide`)."""
    return _bind(_e.divide, x, y)


def truediv(x, y, name=None):
    """Returns x / y elementwise, integer inputs giving a float result."""
    return _bind(_e.divide, x, y)


def floordiv(x, y, name=None):
    """Returns floor(x / y) elementwise. Not differentiable: gradients are None."""
    return _bind(_e.floordiv, x, y)


def mod(x, y, name=None):
    """Returns the remainder of floor division, with the sign of y (`tf.math.floormod`)."""
    return _bind(_e.mod, x, y)


floormod = mod


def pow(x, y, name=None):  # noqa: A001 - TensorFlow's name
    """Returns x ** y elementwise."""
    return _bind(_e.pow, x, y)


def negative(x, name=None):
    """Returns -x elementwise."""
    return _bind(_e.negative, x)


def square(x, name=None):
    """Returns x * x elementwise."""
    return _bind(_e.square, x)


def sqrt(x, name=None):
    """Returns the square root elementwise; its gradient at 0 is inf, as in TensorFlow."""
    return _bind(_e.sqrt, x)


def exp(x, name=None):
    """Returns e ** x elementwise."""
    return _bind(_e.exp, x)


def log(x, name=None):
    """Returns the natural logarithm elementwise."""
    return _bind(_e.log, x)


def sin(x, name=None):
    """Returns sin(x) elementwise."""
    return _bind(_e.sin, x)


def cos(x, name=None):
    """Returns cos(x) elementwise."""
    return _bind(_e.cos, x)


def tanh(x, name=None):
    """Returns tanh(x) elementwise."""
    return _bind(_e.tanh, x)


def sigmoid(x, name=None):
    """Returns 1 / (1 + exp(-x)) elementwise, computed without overflow."""
    return _bind(_e.sigmoid, x)


def abs(x, name=None):  # noqa: A001 - TensorFlow's name
    """Returns |x| elementwise; the gradient at 0 is 0, as in TensorFlow."""
    return _bind(_e.abs, x)


def sign(x, name=None):
    """Returns -1, 0 or 1 elementwise; its gradient is zero everywhere."""
    return _bind(_e.sign, x)


def maximum(x, y, name=None):
    """Returns max(x, y) elementwise; at a tie the gradient goes to x, as in TensorFlow."""
    return _bind(_e.maximum, x, y)


def minimum(x, y, name=None):
    """Returns min(x, y) elementwise; at a tie the gradient goes to x, as in TensorFlow."""
    return _bind(_e.minimum, x, y)


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    """Sums over `axis` (all axes when None), keeping reduced axes of size 1 if `keepdims`."""
    x = _tensor(input_tensor)
    return _bind(_r.reduce_sum, x, axis=_axes("reduce_sum", axis, x.ndim), keepdims=bool(keepdims))


@_composite(cases=[(((2, 3),), dict(axis=a, keepdims=k)) for a in (None, 0, -1)
                   for k in (False, True)])
def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    """Averages over `axis` (all axes when None); integer inputs give a truncated integer mean."""
    x = _tensor(input_tensor)
    axis = _axes("reduce_mean", axis, x.ndim)
    total = _bind(_r.reduce_sum, x, axis=axis, keepdims=bool(keepdims))
    count = x._value.size // max(total._value.size, 1) if x._value.size else 0
    if x.dtype.is_integer:
        return _bind(_e.floordiv, total, count) if count else total
    return _bind(_e.divide, total, float(count))


def equal(x, y, name=None):
    """Returns x == y elementwise, as a bool tensor."""
    return _bind(_e.equal, x, y)


def not_equal(x, y, name=None):
    """Returns x != y elementwise, as a bool tensor."""
    return _bind(_e.not_equal, x, y)


def less(x, y, name=None):
    """Returns x < y elementwise, as a bool tensor."""
    return _bind(_e.less, x, y)


def less_equal(x, y, name=None):
    """Returns x <= y elementwise, as a bool tensor."""
    return _bind(_e.less_equal, x, y)


def greater(x, y, name=None):
    """Returns x > y elementwise, as a bool tensor."""
    return _bind(_e.greater, x, y)


def greater_equal(x, y, name=None):
    """Returns x >= y elementwise, as a bool tensor."""
    return _bind(_e.greater_equal, x, y)


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, output_type=None, name=None):
    """Matrix product of the last two axes, broadcasting the leading (batch) axes.

    Raises:
        InvalidArgumentError: if an input has rank below 2 or the inner dimensions differ.
    """
    from .array import matrix_transpose

    a, b = _tensor(a), _tensor(b, dtype_hint=_tensor(a).dtype)
    if a.ndim < 2 or b.ndim < 2:
        raise _e_invalid(
            f"matmul: both inputs need rank >= 2, got shapes {a.shape} and {b.shape}; for "
            "vectors use tf.tensordot or tf.linalg.matvec, or reshape to a matrix."
        )
    if transpose_a or adjoint_a:
        a = matrix_transpose(a)
    if transpose_b or adjoint_b:
        b = matrix_transpose(b)
    if a._value.shape[-1] != b._value.shape[-2]:
        raise _e_invalid(
            f"matmul: inner dimensions differ: a has shape {a.shape} and b has shape {b.shape} "
            f"({a._value.shape[-1]} != {b._value.shape[-2]}); transpose one of them "
            "(transpose_a / transpose_b) or fix the shapes."
        )
    return _bind(_l.matmul, a, b)


def _e_invalid(message):
    from ._core.errors import InvalidArgumentError

    return InvalidArgumentError(message, op="matmul")
