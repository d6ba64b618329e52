"""`tapegrad.math`: elementwise math, reductions and comparisons under TensorFlow's names.

Thin wrappers: each binds one primitive (see `tapegrad/ops/`) or is a `@composite` of them, whose
derivatives come from the primitives it uses.
"""


import numpy as _np

from .._core.bind import bind as _bind
from .._core.dtypes import as_dtype as _as_dtype
from .._core.errors import InvalidArgumentError as _Invalid
from .._core.primitive import composite as _composite
from .._core.tensor import Tensor as _Tensor
from .._core.tensor import convert_to_tensor as _tensor
from .._core.tensor import is_tensor as _is_tensor
from .._core.variable import Variable as _Variable
from ..ops import activations as _n
from ..ops import elementwise as _e
from ..ops import matrix as _l
from ..ops import reductions as _r
from ..ops.elementwise import deferring as _deferring
from .arguments import axes as _axes
from .arguments import static as _static
from .ragged_tensor import RaggedTensor as _RaggedTensor
from .ragged_tensor import ragged_reduce as _ragged_reduce

__all__ = [
    "add", "subtract", "multiply", "divide", "truediv", "floordiv", "mod", "floormod", "pow",
    "negative", "abs", "sign", "square", "sqrt", "rsqrt", "exp", "log", "log1p", "expm1", "sin",
    "cos", "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh", "sigmoid",
    "softplus", "softsign", "erf", "floor", "ceil", "round", "maximum", "minimum",
    "squared_difference", "reciprocal", "add_n", "reduce_sum", "reduce_mean", "reduce_max",
    "reduce_min", "reduce_prod", "reduce_logsumexp", "reduce_variance", "reduce_std",
    "reduce_all", "reduce_any", "cumsum", "cumprod", "argmax", "argmin", "equal", "not_equal",
    "greater", "greater_equal", "less", "less_equal", "logical_and", "logical_or",
    "logical_not", "logical_xor", "is_nan", "is_finite", "softmax", "log_softmax", "matmul",
]

# -- arithmetic ---------------------------------------------------------------------------------

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


def abs(x, name=None):  # noqa: A001 - TensorFlow's name
    """Returns |x| elementwise; the gradient at 0 is 0, as in TensorFlow."""
    return _bind(_e.abs, x)


def sign(x, name=None):
    """Returns -1, 0 or 1 elementwise; its gradient is zero everywhere (not None)."""
    return _bind(_e.sign, x)


def square(x, name=None):
    """Returns x * x elementwise."""
    return _bind(_e.square, x)


def maximum(x, y, name=None):
    """Returns max(x, y) elementwise; at a tie the gradient goes to x, as in TensorFlow."""
    return _bind(_e.maximum, x, y)


def minimum(x, y, name=None):
    """Returns min(x, y) elementwise; at a tie the gradient goes to x, as in TensorFlow."""
    return _bind(_e.minimum, x, y)


@_composite
def squared_difference(x, y, name=None):
    """Returns (x - y) ** 2 elementwise."""
    diff = _bind(_e.subtract, x, y)
    return _bind(_e.multiply, diff, diff)


def reciprocal(x, name=None):
    """Returns 1 / x elementwise; a zero cotangent gives a zero gradient even at x = 0, as in
    TensorFlow."""
    return _bind(_e.reciprocal, x)


@_composite
def add_n(inputs, name=None):
    """Sums a list of tensors of one shape and dtype elementwise.

    As TensorFlow, a list of one tensor returns that tensor itself (a new one only when `name`
    is given), so a gradient with respect to the result is a gradient with respect to it.

    Raises:
        ValueError: if `inputs` is empty or not a list.
        InvalidArgumentError: if the shapes differ.
    """
    if not isinstance(inputs, (list, tuple)) or not inputs:
        raise ValueError(
            "add_n: inputs must be a non-empty list of tensors of the same shape and dtype, got "
            f"{inputs!r}"
        )
    xs = [_tensor(x) for x in inputs]
    shapes = {x._value.shape for x in xs}
    if len(shapes) > 1:
        raise _Invalid(
            f"add_n: all inputs must have the same shape, got {[list(x.shape) for x in xs]}",
            op="add_n",
        )
    if len(xs) == 1:
        return xs[0] if name is None else _bind(_e.identity, xs[0])
    total = xs[0]
    for x in xs[1:]:
        total = _bind(_e.add, total, x)
    return total


# -- transcendental functions -------------------------------------------------------------------

def sqrt(x, name=None):
    """Returns the square root elementwise.

    As in TensorFlow, its gradient at 0 is inf, and 0 for a zero cotangent (so
    `tf.where(x > 0, tf.sqrt(x), 0.0)` has a finite gradient); in forward mode a zero tangent at
    0 gives NaN, as TensorFlow's forward mode and as reverse mode does when the zero cotangent
    comes from a non-zero one (`tf.math.reduce_std` of one element is NaN both ways).
    """
    return _bind(_e.sqrt, x)


def rsqrt(x, name=None):
    """Returns 1 / sqrt(x) elementwise (inf at 0, with gradient -inf, as in TensorFlow)."""
    return _bind(_e.rsqrt, x)


def exp(x, name=None):
    """Returns e ** x elementwise."""
    return _bind(_e.exp, x)


def log(x, name=None):
    """Returns the natural logarithm elementwise."""
    return _bind(_e.log, x)


def log1p(x, name=None):
    """Returns log(1 + x) elementwise, accurate for small x."""
    return _bind(_e.log1p, x)


def expm1(x, name=None):
    """Returns exp(x) - 1 elementwise, accurate for small x."""
    return _bind(_e.expm1, x)


def sin(x, name=None):
    """Returns sin(x) elementwise."""
    return _bind(_e.sin, x)


def cos(x, name=None):
    """Returns cos(x) elementwise."""
    return _bind(_e.cos, x)


def tan(x, name=None):
    """Returns tan(x) elementwise."""
    return _bind(_e.tan, x)


def asin(x, name=None):
    """Returns arcsin(x) elementwise (NaN outside [-1, 1])."""
    return _bind(_e.asin, x)


def acos(x, name=None):
    """Returns arccos(x) elementwise (NaN outside [-1, 1])."""
    return _bind(_e.acos, x)


def atan(x, name=None):
    """Returns arctan(x) elementwise."""
    return _bind(_e.atan, x)


def atan2(y, x, name=None):
    """Returns the angle of the point (x, y), arctan(y / x) with the quadrant, elementwise.

    At the origin the gradient is NaN (0 / 0), as in TensorFlow.
    """
    return _bind(_e.atan2, y, x)


def sinh(x, name=None):
    """Returns sinh(x) elementwise."""
    return _bind(_e.sinh, x)


def cosh(x, name=None):
    """Returns cosh(x) elementwise."""
    return _bind(_e.cosh, x)


def tanh(x, name=None):
    """Returns tanh(x) elementwise."""
    return _bind(_e.tanh, x)


def sigmoid(x, name=None):
    """Returns 1 / (1 + exp(-x)) elementwise, computed without overflow."""
    return _bind(_e.sigmoid, x)


def softplus(features, name=None):
    """Returns log(1 + exp(features)) elementwise, without overflow for large inputs."""
    return _bind(_n.softplus, features)


def softsign(features, name=None):
    """Returns features / (1 + |features|) elementwise."""
    return _bind(_n.softsign, features)


def erf(x, name=None):
    """Returns the error function 2 / sqrt(pi) * integral from 0 to x of exp(-t ** 2) dt."""
    return _bind(_e.erf, x)


def floor(x, name=None):
    """Rounds down elementwise. Its gradient is None, as in TensorFlow."""
    return _bind(_e.floor, x)


def ceil(x, name=None):
    """Rounds up elementwise. Its gradient is None, as in TensorFlow."""
    return _bind(_e.ceil, x)


def round(x, name=None):  # noqa: A001 - TensorFlow's name
    """Rounds to the nearest integer, halves to even (banker's rounding); gradient None."""
    return _bind(_e.round, x)


# -- reductions ---------------------------------------------------------------------------------



def _numeric(op, x):
    """`x`, refusing a bool tensor as TensorFlow's arithmetic does (NumPy would count or OR)."""
    if x._value.dtype.kind == "b":
        raise _Invalid(f"{op}: input must be a number tensor, got dtype bool; cast it first, "
                       "e.g. tf.cast(x, tf.int32) to count the True values", op=op)
    return x


def _reduce(prim, op, input_tensor, axis, keepdims, logical=False):
    if isinstance(input_tensor, _RaggedTensor):
        return _ragged_reduce(input_tensor, op, axis, keepdims)
    x = _tensor(input_tensor)
    if (x._value.dtype.kind == "b") is not logical:
        if not logical:
            _numeric(op, x)
        raise _Invalid(f"{op}: input must be a bool tensor, got dtype {x.dtype.name}; compare "
                       "first (e.g. x > 0) or cast with tf.cast(x, tf.bool)", op=op)
    return _bind(prim, x, axis=_axes(op, axis, x._value.ndim), keepdims=bool(keepdims))


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    """Sums over `axis` (all axes when None), keeping reduced axes of size 1 if `keepdims`.

    Raises:
        InvalidArgumentError: if an axis is out of range for the input's rank.
    """
    return _reduce(_r.reduce_sum, "reduce_sum", input_tensor, axis, keepdims)


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    """Averages over `axis` (all axes when None); integer inputs give a truncated integer mean."""
    return _reduce(_r.reduce_mean, "reduce_mean", input_tensor, axis, keepdims)


def reduce_max(input_tensor, axis=None, keepdims=False, name=None):
    """The maximum over `axis`; tied maxima share the gradient evenly, as in TensorFlow."""
    return _reduce(_r.reduce_max, "reduce_max", input_tensor, axis, keepdims)


def reduce_min(input_tensor, axis=None, keepdims=False, name=None):
    """The minimum over `axis`; tied minima share the gradient evenly, as in TensorFlow."""
    return _reduce(_r.reduce_min, "reduce_min", input_tensor, axis, keepdims)


def reduce_prod(input_tensor, axis=None, keepdims=False, name=None):
    """The product over `axis`; the gradient is exact where inputs are zero."""
    return _reduce(_r.reduce_prod, "reduce_prod", input_tensor, axis, keepdims)


def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None):
    """log(sum(exp(x))) over `axis`, computed without overflow (the maximum is factored out)."""
    return _reduce(_r.reduce_logsumexp, "reduce_logsumexp", input_tensor, axis, keepdims)


def _floating_input(op, input_tensor):
    x = _tensor(input_tensor)
    if not x.dtype.is_floating:
        raise TypeError(f"{op}: input must be a floating-point tensor, got {x.dtype.name}")
    return x


@_composite
def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """The (biased) variance over `axis`: the mean of the squared deviations from the mean."""
    x = _floating_input("reduce_variance", input_tensor)
    axis = _axes("reduce_variance", axis, x._value.ndim)
    means = reduce_mean(x, axis=axis, keepdims=True)
    return reduce_mean(squared_difference(x, means), axis=axis, keepdims=keepdims)


@_composite
def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """The standard deviation over `axis`. Its gradient is NaN where all values are equal
    (sqrt at 0), as in TensorFlow."""
    x = _floating_input("reduce_std", input_tensor)
    return _bind(_e.sqrt, reduce_variance(x, axis=axis, keepdims=keepdims))


def reduce_all(input_tensor, axis=None, keepdims=False, name=None):
    """Logical AND over `axis` of a bool tensor."""
    return _reduce(_r.reduce_all, "reduce_all", input_tensor, axis, keepdims, logical=True)


def reduce_any(input_tensor, axis=None, keepdims=False, name=None):
    """Logical OR over `axis` of a bool tensor."""
    return _reduce(_r.reduce_any, "reduce_any", input_tensor, axis, keepdims, logical=True)


def _one_axis(op, axis, ndim):
    axis = _static(axis)
    if not isinstance(axis, (int, _np.integer)):
        raise TypeError(f"{op}: axis must be a single integer, got {axis!r}")
    return _axes(op, axis, ndim)


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative sum along `axis`; `exclusive` leaves out the current element, `reverse`
    sums from the end."""
    x = _numeric("cumsum", _tensor(x))
    axis = _one_axis("cumsum", axis, x._value.ndim)
    return _bind(_r.cumsum, x, axis=axis, exclusive=bool(exclusive), reverse=bool(reverse))


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative product along `axis`. As in TensorFlow, the gradient is 0 (not the exact
    value) at inputs equal to zero."""
    x = _numeric("cumprod", _tensor(x))
    axis = _one_axis("cumprod", axis, x._value.ndim)
    return _bind(_r.cumprod, x, axis=axis, exclusive=bool(exclusive), reverse=bool(reverse))


def _arg(prim, op, input, axis, output_type):
    x = _tensor(input)
    out = _as_dtype(output_type)
    if out.name not in ("int32", "int64", "int16", "uint16"):  # TensorFlow's list
        raise _Invalid(f"{op}: output_type must be int16, uint16, int32 or int64, got "
                       f"{out.name}", op=op)
    if x._value.ndim == 0:
        raise _Invalid(f"{op}: input must have rank >= 1, got a scalar", op=op)
    axis = 0 if axis is None else _one_axis(op, axis, x._value.ndim)
    if x._value.shape[axis] == 0:
        raise _Invalid(f"{op}: axis {axis} of the input's shape {x.shape} is empty: there is "
                       "no element to pick", op=op)
    return _bind(prim, x, axis=axis, output_type=out._np)


def argmax(input, axis=None, output_type="int64", name=None):  # noqa: A002 - TF's name
    """The index of the largest value along `axis` (0 when None); not differentiable."""
    return _arg(_r.argmax, "argmax", input, axis, output_type)


def argmin(input, axis=None, output_type="int64", name=None):  # noqa: A002 - TF's name
    """The index of the smallest value along `axis` (0 when None); not differentiable."""
    return _arg(_r.argmin, "argmin", input, axis, output_type)


# -- comparisons and logic ----------------------------------------------------------------------

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


def _logical(prim, *args):
    for a in args:
        a = _tensor(a)
        if a._value.dtype != _np.bool_:
            raise _Invalid(
                f"{prim.name}: inputs must be bool tensors, got dtype {a.dtype.name}; compare "
                "first (e.g. x > 0) or cast with tf.cast(x, tf.bool).",
                op=prim.name,
            )
    return _bind(prim, *args)


def logical_and(x, y, name=None):
    """Elementwise AND of two bool tensors."""
    return _logical(_e.logical_and, x, y)


def logical_or(x, y, name=None):
    """Elementwise OR of two bool tensors."""
    return _logical(_e.logical_or, x, y)


def logical_xor(x, y, name="LogicalXor"):
    """Elementwise exclusive OR of two bool tensors."""
    return _logical(_e.logical_xor, x, y)


def logical_not(x, name=None):
    """Elementwise NOT of a bool tensor."""
    return _logical(_e.logical_not, x)


def is_nan(x, name=None):
    """True where x is NaN."""
    return _bind(_e.is_nan, x)


def is_finite(x, name=None):
    """True where x is neither inf nor NaN."""
    return _bind(_e.is_finite, x)


# -- softmax ------------------------------------------------------------------------------------

def _softmax_axis(op, logits, axis):
    x = _tensor(logits)
    if x._value.ndim == 0:
        raise _Invalid(f"{op}: logits must have rank >= 1, got a scalar", op=op)
    if axis is None or axis == -1:
        return x, -1
    return x, _one_axis(op, axis, x._value.ndim)


def softmax(logits, axis=None, name=None):
    """exp(logits) / sum(exp(logits)) along `axis` (the last when None), without overflow."""
    x, axis = _softmax_axis("softmax", logits, axis)
    return _bind(_n.softmax, x, axis=axis)


def log_softmax(logits, axis=None, name=None):
    """logits - log(sum(exp(logits))) along `axis` (the last when None), without overflow."""
    x, axis = _softmax_axis("log_softmax", logits, axis)
    return _bind(_n.log_softmax, x, axis=axis)


def _batches_broadcast(a, b):
    pairs = zip(a._value.shape[-3::-1], b._value.shape[-3::-1])
    return all(m == n or m == 1 or n == 1 for m, n in pairs)


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, output_type=None, name=None):
    """Matrix product of the last two axes, broadcasting the leading (batch) axes.

    Raises:
        InvalidArgumentError: if an input has rank below 2 or the inner dimensions differ.
    """
    a = _tensor(a)
    b = _tensor(b) if _is_tensor(b) else _tensor(b, dtype_hint=a.dtype)
    if a._value.dtype.kind == "b":
        _numeric("matmul", a)
    if a._value.ndim < 2 or b._value.ndim < 2:
        raise _Invalid(
            f"matmul: both inputs need rank >= 2, got shapes {a.shape} and {b.shape}; for "
            "vectors use tf.tensordot or tf.linalg.matvec, or reshape to a matrix.",
            op="matmul",
        )
    ta, tb = bool(transpose_a or adjoint_a), bool(transpose_b or adjoint_b)
    inner_a = a._value.shape[-2 if ta else -1]
    inner_b = b._value.shape[-1 if tb else -2]
    if inner_a != inner_b:
        raise _Invalid(
            f"matmul: inner dimensions differ: a has shape {a.shape}"
            f"{' (transposed)' if ta else ''} and b has shape {b.shape}"
            f"{' (transposed)' if tb else ''} ({inner_a} != {inner_b}); transpose one of them "
            "(transpose_a / transpose_b) or fix the shapes.",
            op="matmul",
        )
    if a._value.ndim > 2 and b._value.ndim > 2 and not _batches_broadcast(a, b):
        batch_a, batch_b = a._value.shape[:-2], b._value.shape[:-2]
        raise _Invalid(
            f"matmul: the batch dimensions {list(batch_a)} of a (shape {a.shape}) and "
            f"{list(batch_b)} of b (shape {b.shape}) do not broadcast: each must be 1 or equal "
            "to the other's, counted from the last.",
            op="matmul",
        )
    if ta or tb:
        return _bind(_l.matmul, a, b, transpose_a=ta, transpose_b=tb)
    return _bind(_l.matmul, a, b)


# `@` and the logical operators: installed with their functions, which check the arguments (the
# arithmetic operators are installed with their primitives, in ops/elementwise.py). Logical
# operators take bool tensors only, as TensorFlow's; integer bitwise ops are not provided.
def _reflected(fn):
    return lambda self, other: fn(other, self)


for _cls in (_Tensor, _Variable):
    _cls.__matmul__ = _deferring(matmul, "matmul")
    _cls.__rmatmul__ = _reflected(matmul)
    for _name, _fn in (("and", logical_and), ("or", logical_or), ("xor", logical_xor)):
        setattr(_cls, f"__{_name}__", _deferring(_fn, _name))
        setattr(_cls, f"__r{_name}__", _reflected(_fn))
    _cls.__invert__ = logical_not
