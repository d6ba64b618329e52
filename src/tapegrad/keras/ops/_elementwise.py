"""`keras.ops` elementwise functions: arithmetic, powers, exponentials, trigonometry, rounding,
comparisons, logic and bit operations, with Keras 3's names and dtype rules (integer inputs of
float-valued functions become floatx; Python numbers adopt the other operand's type)."""

import math

import numpy as np

import tapegrad as tf

from ..promotion import result_type
from ._common import as_tensor, binary, cast_to, dtype_of, float_input, op

# -- values ----------------------------------------------------------------------------------


def array(x, dtype=None):
    """`x` as a tensor (of `dtype` if given)."""
    return as_tensor(x, dtype)


@op
def copy(x):
    """A copy of `x`."""
    return tf.identity(as_tensor(x))


def ndim(x):
    """The number of dimensions."""
    return len(x.shape) if hasattr(x, "shape") else np.ndim(x)


@op
def size(x):
    """The number of elements (int32)."""
    return tf.constant(np.int32(np.prod(as_tensor(x).shape, dtype=np.int64)))


@op
def real(x):
    """The real part."""
    x = as_tensor(x)
    return tf.constant(np.real(x.numpy())) if x.dtype.is_complex else x


@op
def imag(x):
    """The imaginary part (zeros for real values)."""
    x = as_tensor(x)
    return tf.constant(np.imag(x.numpy())) if x.dtype.is_complex else tf.zeros_like(x)


@op
def conjugate(x):
    """The complex conjugate (x itself for real values)."""
    x = as_tensor(x)
    return tf.constant(np.conj(x.numpy())) if x.dtype.is_complex else x


conj = conjugate


# -- arithmetic ------------------------------------------------------------------------------


@op
def add(x1, x2):
    """x1 + x2, elementwise with broadcasting."""
    return binary(tf.add, x1, x2)


@op
def subtract(x1, x2):
    """x1 - x2."""
    return binary(tf.subtract, x1, x2)


@op
def multiply(x1, x2):
    """x1 * x2."""
    return binary(tf.multiply, x1, x2)


@op
def divide(x1, x2):
    """x1 / x2 in a floating type (integers divide as floatx)."""
    return binary(tf.divide, x1, x2, float)


true_divide = divide


@op
def divide_no_nan(x1, x2):
    """x1 / x2, and 0 where x2 is 0."""
    dtype = result_type(dtype_of(x1), dtype_of(x2), float)
    return tf.math.divide_no_nan(cast_to(x1, dtype), cast_to(x2, dtype))


@op
def floor_divide(x1, x2):
    """floor(x1 / x2), in the operands' type."""
    return binary(tf.math.floordiv, x1, x2)


@op
def mod(x1, x2):
    """x1 modulo x2 with the sign of x2 (Python's %); bools compute as int32."""
    dtype = result_type(dtype_of(x1), dtype_of(x2))
    dtype = "int32" if dtype == "bool" else dtype
    return tf.math.floormod(cast_to(x1, dtype), cast_to(x2, dtype))


@op
def fmod(x1, x2):
    """The remainder of x1 / x2 with the sign of x1 (C's fmod)."""
    dtype = result_type(dtype_of(x1), dtype_of(x2))
    x1, x2 = cast_to(x1, dtype), cast_to(x2, dtype)
    if "float" not in dtype:  # integers: no gradient to keep
        return tf.constant(np.fmod(x1.numpy(), x2.numpy()))
    return tf.subtract(x1, tf.multiply(x2, trunc(tf.divide(x1, x2))))


@op
def power(x1, x2):
    """x1 ** x2 (integers stay integers)."""
    return binary(tf.pow, x1, x2)


@op
def negative(x):
    """-x."""
    return tf.negative(as_tensor(x))


@op
def positive(x):
    """+x (a copy)."""
    return tf.identity(as_tensor(x))


@op
def absolute(x):
    """|x|."""
    x = as_tensor(x)
    return x if x.dtype.name == "bool" or x.dtype.name.startswith("uint") else tf.abs(x)


abs = absolute
fabs = absolute


@op
def sign(x):
    """-1, 0 or 1 by the sign of x."""
    return tf.sign(as_tensor(x))


@op
def square(x):
    """x * x (bools as int32)."""
    x = as_tensor(x)
    return tf.square(tf.cast(x, "int32") if x.dtype.name == "bool" else x)


@op
def sqrt(x):
    """The square root."""
    return tf.sqrt(float_input(x))


@op
def rsqrt(x):
    """1 / sqrt(x)."""
    return tf.math.rsqrt(float_input(x))


@op
def cbrt(x):
    """The real cube root."""
    x = float_input(x)
    return tf.multiply(tf.sign(x), tf.pow(tf.abs(x), 1.0 / 3.0))


@op
def reciprocal(x):
    """1 / x."""
    return tf.math.reciprocal(float_input(x))


@op
def exp(x):
    """e ** x."""
    return tf.exp(float_input(x))


@op
def exp2(x):
    """2 ** x."""
    return tf.exp(tf.multiply(float_input(x), math.log(2.0)))


@op
def expm1(x):
    """e ** x - 1, accurate near 0."""
    return tf.math.expm1(float_input(x))


@op
def log(x):
    """The natural logarithm."""
    return tf.math.log(float_input(x))


@op
def log1p(x):
    """log(1 + x), accurate near 0."""
    return tf.math.log1p(float_input(x))


@op
def log2(x):
    """The base-2 logarithm."""
    return tf.divide(tf.math.log(float_input(x)), math.log(2.0))


@op
def log10(x):
    """The base-10 logarithm."""
    return tf.divide(tf.math.log(float_input(x)), math.log(10.0))


@op
def logaddexp(x1, x2):
    """log(exp(x1) + exp(x2)), without overflow."""
    dtype = result_type(dtype_of(x1), dtype_of(x2), float)
    x1, x2 = cast_to(x1, dtype), cast_to(x2, dtype)
    big = tf.maximum(x1, x2)
    return tf.add(big, tf.math.log1p(tf.exp(tf.negative(tf.abs(tf.subtract(x1, x2))))))


@op
def hypot(x1, x2):
    """sqrt(x1 ** 2 + x2 ** 2)."""
    dtype = result_type(dtype_of(x1), dtype_of(x2), float)
    return tf.sqrt(tf.add(tf.square(cast_to(x1, dtype)), tf.square(cast_to(x2, dtype))))


def _unary_float(tf_fn, name, doc):
    def fn(x):
        return tf_fn(float_input(x))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return op(fn)


sin = _unary_float(tf.sin, "sin", "The sine.")
cos = _unary_float(tf.cos, "cos", "The cosine.")
tan = _unary_float(tf.tan, "tan", "The tangent.")
arcsin = _unary_float(tf.asin, "arcsin", "The inverse sine.")
arccos = _unary_float(tf.acos, "arccos", "The inverse cosine.")
arctan = _unary_float(tf.atan, "arctan", "The inverse tangent.")
sinh = _unary_float(tf.sinh, "sinh", "The hyperbolic sine.")
cosh = _unary_float(tf.cosh, "cosh", "The hyperbolic cosine.")
tanh = _unary_float(tf.tanh, "tanh", "The hyperbolic tangent.")


@op
def arcsinh(x):
    """The inverse hyperbolic sine, log(x + sqrt(x ** 2 + 1))."""
    x = float_input(x)
    return tf.multiply(
        tf.sign(x), tf.math.log(tf.add(tf.abs(x), tf.sqrt(tf.add(tf.square(x), 1.0))))
    )


@op
def arccosh(x):
    """The inverse hyperbolic cosine, log(x + sqrt(x ** 2 - 1))."""
    x = float_input(x)
    return tf.math.log(tf.add(x, tf.sqrt(tf.subtract(tf.square(x), 1.0))))


@op
def arctanh(x):
    """The inverse hyperbolic tangent, log((1 + x) / (1 - x)) / 2."""
    x = float_input(x)
    return tf.multiply(tf.subtract(tf.math.log1p(x), tf.math.log1p(tf.negative(x))), 0.5)


@op
def arctan2(x1, x2):
    """The angle of the point (x2, x1)."""
    dtype = result_type(dtype_of(x1), dtype_of(x2), float)
    return tf.atan2(cast_to(x1, dtype), cast_to(x2, dtype))


@op
def deg2rad(x):
    """Degrees to radians."""
    return tf.multiply(float_input(x), math.pi / 180.0)


@op
def rad2deg(x):
    """Radians to degrees."""
    return tf.multiply(float_input(x), 180.0 / math.pi)


@op
def sinc(x):
    """sin(pi x) / (pi x), 1 at 0."""
    x = float_input(x)
    zero = tf.equal(x, 0.0)
    safe = tf.where(zero, tf.ones_like(x), x)
    return tf.where(
        zero,
        tf.ones_like(x),
        tf.divide(tf.sin(tf.multiply(safe, math.pi)), tf.multiply(safe, math.pi)),
    )


# -- rounding and clipping ------------------------------------------------------------------


@op
def floor(x):
    """Rounds down (integers become floatx, as Keras)."""
    return tf.floor(float_input(x))


@op
def ceil(x):
    """Rounds up (integers become floatx)."""
    return tf.math.ceil(float_input(x))


@op
def trunc(x):
    """Rounds towards zero."""
    x = as_tensor(x)
    if not x.dtype.is_floating:
        return x
    return tf.where(tf.less(x, 0.0), tf.math.ceil(x), tf.floor(x))


@op
def round(x, decimals=0):
    """Rounds half to even, to `decimals` places."""
    x = as_tensor(x)
    if not decimals:
        return tf.round(x) if x.dtype.is_floating else x
    if not x.dtype.is_floating:
        if decimals > 0:
            return x
        factor = 10.0**decimals
        return tf.cast(
            tf.multiply(tf.round(tf.divide(tf.cast(x, "float32"), factor)), factor), x.dtype
        )
    factor = 10.0**decimals
    return tf.divide(tf.round(tf.multiply(x, factor)), factor)


@op
def clip(x, x_min, x_max):
    """x limited to [x_min, x_max] (bools as int32)."""
    x = as_tensor(x)
    if x.dtype.name == "bool":
        x = tf.cast(x, "int32")
    return tf.clip_by_value(x, x_min, x_max)


@op
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """NaN replaced by `nan`, infinities by `posinf` / `neginf` (default the dtype's largest
    finite values)."""
    x = as_tensor(x)
    if not x.dtype.is_floating:
        return x
    info = np.finfo(x.dtype.as_numpy_dtype)
    x = tf.where(tf.math.is_nan(x), tf.cast(nan, x.dtype), x)
    x = tf.where(tf.equal(x, np.inf), tf.cast(info.max if posinf is None else posinf, x.dtype), x)
    return tf.where(
        tf.equal(x, -np.inf), tf.cast(info.min if neginf is None else neginf, x.dtype), x
    )


@op
def maximum(x1, x2):
    """The larger of x1 and x2, elementwise."""
    return binary(tf.maximum, x1, x2)


@op
def minimum(x1, x2):
    """The smaller of x1 and x2, elementwise."""
    return binary(tf.minimum, x1, x2)


fmax = maximum
fmin = minimum


@op
def heaviside(x1, x2):
    """0 where x1 < 0, x2 where x1 == 0, 1 where x1 > 0."""
    dtype = result_type(dtype_of(x1), dtype_of(x2))
    dtype = (
        "float32"
        if dtype in ("int8", "int16", "int32", "uint8", "uint16", "uint32")
        else ("float64" if dtype in ("int64", "uint64") else dtype)
    )
    x1, x2 = cast_to(x1, dtype), cast_to(x2, dtype)
    one, zero = tf.ones_like(x1), tf.zeros_like(x1)
    return tf.where(tf.greater(x1, 0), one, tf.where(tf.less(x1, 0), zero, tf.add(zero, x2)))


# -- comparisons and logic -------------------------------------------------------------------


def _compare(tf_fn, name, doc):
    def fn(x1, x2):
        return binary(tf_fn, x1, x2)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return op(fn)


equal = _compare(tf.equal, "equal", "x1 == x2, elementwise (bool).")
not_equal = _compare(tf.not_equal, "not_equal", "x1 != x2, elementwise (bool).")
greater = _compare(tf.greater, "greater", "x1 > x2, elementwise (bool).")
greater_equal = _compare(tf.greater_equal, "greater_equal", "x1 >= x2, elementwise (bool).")
less = _compare(tf.less, "less", "x1 < x2, elementwise (bool).")
less_equal = _compare(tf.less_equal, "less_equal", "x1 <= x2, elementwise (bool).")


def _as_bool(x):
    return cast_to(x, "bool")


@op
def logical_and(x1, x2):
    """x1 and x2, elementwise (bool)."""
    return tf.logical_and(_as_bool(x1), _as_bool(x2))


@op
def logical_or(x1, x2):
    """x1 or x2, elementwise (bool)."""
    return tf.logical_or(_as_bool(x1), _as_bool(x2))


@op
def logical_xor(x1, x2):
    """x1 xor x2, elementwise (bool)."""
    return tf.math.logical_xor(_as_bool(x1), _as_bool(x2))


@op
def logical_not(x):
    """not x, elementwise (bool)."""
    return tf.logical_not(_as_bool(x))


@op
def isnan(x):
    """Whether each value is NaN."""
    x = as_tensor(x)
    return tf.math.is_nan(x) if x.dtype.is_floating else tf.zeros_like(x, dtype="bool")


@op
def isfinite(x):
    """Whether each value is finite."""
    x = as_tensor(x)
    return tf.math.is_finite(x) if x.dtype.is_floating else tf.ones_like(x, dtype="bool")


@op
def isinf(x):
    """Whether each value is +inf or -inf."""
    x = as_tensor(x)
    if not x.dtype.is_floating:
        return tf.zeros_like(x, dtype="bool")
    return tf.equal(tf.abs(x), np.inf)


@op
def isposinf(x):
    """Whether each value is +inf."""
    x = as_tensor(x)
    return tf.equal(x, np.inf) if x.dtype.is_floating else tf.zeros_like(x, dtype="bool")


@op
def isneginf(x):
    """Whether each value is -inf."""
    x = as_tensor(x)
    return tf.equal(x, -np.inf) if x.dtype.is_floating else tf.zeros_like(x, dtype="bool")


@op
def signbit(x):
    """Whether the sign bit is set (true for -0.0)."""
    value = np.signbit(np.asarray(as_tensor(x).numpy()))
    return tf.constant(value)


@op
def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """|x1 - x2| <= atol + rtol * |x2|, elementwise."""
    dtype = result_type(dtype_of(x1), dtype_of(x2))
    a, b = cast_to(x1, dtype).numpy(), cast_to(x2, dtype).numpy()
    return tf.constant(np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


@op
def allclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """Whether all of `isclose(x1, x2)` hold."""
    return tf.reduce_all(isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan))


# -- bits (integers and bools; no gradient) --------------------------------------------------


def _bits(np_fn, name, doc):
    def fn(*args):
        values = [as_tensor(a).numpy() if not isinstance(a, (int, bool)) else a for a in args]
        return tf.convert_to_tensor(np.asarray(np_fn(*values)))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return op(fn)


bitwise_and = _bits(np.bitwise_and, "bitwise_and", "x & y of integers or bools.")
bitwise_or = _bits(np.bitwise_or, "bitwise_or", "x | y of integers or bools.")
bitwise_xor = _bits(np.bitwise_xor, "bitwise_xor", "x ^ y of integers or bools.")
bitwise_invert = _bits(np.invert, "bitwise_invert", "~x of integers or bools.")
bitwise_not = bitwise_invert
bitwise_left_shift = _bits(np.left_shift, "bitwise_left_shift", "x << y of integers.")
bitwise_right_shift = _bits(np.right_shift, "bitwise_right_shift", "x >> y of integers.")
left_shift = bitwise_left_shift
right_shift = bitwise_right_shift
gcd = _bits(np.gcd, "gcd", "The greatest common divisor of integers.")
lcm = _bits(np.lcm, "lcm", "The least common multiple of integers.")
