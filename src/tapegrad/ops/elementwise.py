"""Elementwise primitives: arithmetic, transcendental functions, activations, comparisons.

Python's arithmetic and comparison operators on Tensor and Variable are installed at the end,
next to the primitives they bind, so that a rule may write `g * y`.
"""

import math
import operator

import numpy as np

from .._core.bind import bind
from .._core.errors import UnimplementedError
from .._core.primitive import (
    ELEMENTWISE,
    LINEAR,
    MULTILINEAR,
    NONE,
    ZERO,
    defprimitive,
)
from .._core.tensor import Tensor
from .._core.variable import Variable
from ._util import plain as _plain
from ._util import times_mask

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def quiet(fn):
    """`fn` without NumPy's RuntimeWarnings: an overflow, a pole or a point outside the domain
    gives inf or NaN silently, as in TensorFlow. Costs about 0.6 us a call, so the arithmetic
    that rarely overflows (add, subtract, multiply, square) goes without it."""
    return np.errstate(all="ignore")(fn)


def floating_only(fn):
    """`fn`, refusing integer and bool inputs as TensorFlow does (NumPy would give float64),
    and `quiet`."""
    fn = quiet(fn)

    def forward(*xs, **params):
        for x in xs:
            if x.dtype.kind not in "fc":
                raise TypeError(
                    f"needs a floating-point input, got {x.dtype}; cast it first, e.g. "
                    "tf.cast(x, tf.float32)"
                )
        return fn(*xs, **params)

    forward.__name__ = getattr(fn, "__name__", "forward")
    return forward


def numeric_only(fn):
    """`fn`, `quiet`, refusing bool inputs as TensorFlow does (NumPy would compute on them)."""
    fn = quiet(fn)

    def forward(x, y):
        if x.dtype.kind == "b" or y.dtype.kind == "b":
            raise TypeError("needs number inputs, got bool; cast them first, e.g. "
                            "tf.cast(x, tf.float32)")
        return fn(x, y)

    return forward


# Arithmetic forwards are Python's operators: the same NumPy result and dtype as the ufunc, but
# about 70 ns instead of 550 ns on the NumPy scalars that 0-d results are.
add = defprimitive(
    "add", operator.add,
    vjp=(lambda g, out, x, y: g, lambda g, out, x, y: g),
    jvp=LINEAR, saves=(),
)

subtract = defprimitive(
    "subtract", operator.sub,
    vjp=(lambda g, out, x, y: g, lambda g, out, x, y: -g),
    jvp=LINEAR, saves=(),
)

multiply = defprimitive(
    "multiply", operator.mul,
    vjp=(lambda g, out, x, y: g * y, lambda g, out, x, y: g * x),
    jvp=MULTILINEAR, saves=(0, 1),
)

def _true_divide(x, y):
    # TensorFlow's truediv divides 8- and 16-bit integers in float32 (NumPy's in float64), and
    # 32- and 64-bit ones in float64, as NumPy
    if x.dtype.kind in "iu" and x.dtype.itemsize <= 2:
        return x.astype(np.float32) / y.astype(np.float32)
    return x / y


divide = defprimitive(
    "divide", numeric_only(_true_divide),
    vjp=(lambda g, out, x, y: g / y, lambda g, out, x, y: -g * out / y),
    jvp=ELEMENTWISE, saves=(1, "out"),
)


def integer_division(fn):
    """`fn` (floor division or remainder), `numeric_only`, refusing an integer divisor with a
    zero as TensorFlow does (InvalidArgumentError: Integer division by zero); NumPy gives 0."""
    fn = numeric_only(fn)

    def forward(x, y):
        if y.dtype.kind in "iu" and not np.all(_plain(y)):  # (_util.plain)
            raise ValueError(
                f"Integer division by zero: the {y.dtype} divisor has a zero entry. Guard the "
                "divisor (e.g. tf.where(y == 0, 1, y)) or divide floats, where x / 0 is inf."
            )
        return fn(x, y)

    return forward


def _floor_divide(x, y):
    # TensorFlow's kernel for floats is floor(x / y): 1 // 0.1 is 10 and inf // 3 is inf, where
    # NumPy's floor_divide (Python's semantics) gives 9 and NaN.
    if x.dtype.kind == "f":
        return np.floor(x / y)
    return operator.floordiv(x, y)


# TensorFlow registers FloorDiv as not differentiable: None for both arguments.
floordiv = defprimitive("floordiv", integer_division(_floor_divide), vjp=NONE)

mod = defprimitive(
    "mod", integer_division(operator.mod),
    vjp=(lambda g, out, x, y: g, lambda g, out, x, y: -g * floordiv(x, y)),
    jvp=ELEMENTWISE,
)

negative = defprimitive("negative", operator.neg, vjp=lambda g, out, x: -g, jvp=LINEAR, saves=())


def _pow_vjp_y(g, out, x, y):
    # As TensorFlow: log(x) is taken as 0 where x <= 0, so a zero base gives a zero, not NaN.
    positive = greater(x, 0.0)
    safe_x = where(positive, x, 1.0)
    log_x = where(positive, log(safe_x), 0.0)
    return g * out * log_x


pow = defprimitive(  # noqa: A001 - TensorFlow's name
    "pow", numeric_only(np.power),  # not operator.pow: its float scalar path rounds differently
    vjp=(lambda g, out, x, y: g * y * x ** (y - 1.0), _pow_vjp_y),
    jvp=ELEMENTWISE,
)

square = defprimitive("square", np.square, vjp=lambda g, out, x: g * (2.0 * x), saves=(0,))

def _zero_cotangent_rule(rule):
    """`rule(g, y)` made a kernel that gives 0 wherever the cotangent g is 0.

    TensorFlow's SqrtGrad, RsqrtGrad and ReciprocalGrad kernels never turn a zero cotangent
    into NaN (0 * inf), so that `tf.where(x > 0, tf.sqrt(x), 0.0)` has gradient 0, not NaN, at
    x <= 0. As their kernels, these are primitives: the test reads g's value, so written with
    `where` on a tape it would cut the derivative with respect to g (a Hessian-vector product
    through `tf.norm` at an exact zero would lose its terms).
    """

    def forward(g, y):
        return np.where(g == 0, np.zeros((), g.dtype), rule(g, y)).astype(g.dtype, copy=False)

    return quiet(forward)


# TensorFlow's SqrtGrad: 0.5 * g / y, and 0 where g is 0. Its derivatives are TensorFlow's
# _SqrtGradGrad, with no zero test (so 0.5 / y with respect to g).
sqrt_grad = defprimitive(
    "sqrt_grad", _zero_cotangent_rule(lambda g, y: 0.5 * g / y),
    vjp=(lambda gg, out, g, y: gg * 0.5 / y, lambda gg, out, g, y: -(gg / y) * out),
    jvp=ELEMENTWISE,
)

# sqrt's gradient at 0 is inf (0 with a zero cotangent: see sqrt_grad). Its JVP is TensorFlow's
# forward mode, the transposed _SqrtGradGrad, 0.5 * t / y, with no zero test: at sqrt(0) a zero
# tangent gives NaN, as a zero cotangent arriving from a non-zero one does in reverse mode
# (tf.math.reduce_std of one element is NaN both ways).
sqrt = defprimitive(
    "sqrt", floating_only(np.sqrt), vjp=lambda g, out, x: sqrt_grad(g, out),
    jvp=lambda t, out, x: t * 0.5 / out, saves=("out",),
)

# TensorFlow's ReciprocalGrad: -g * y * y, and 0 where g is 0 (also its derivative in g, which
# is ReciprocalGrad again, hence the JVP of reciprocal keeps the zero test).
reciprocal_grad = defprimitive(
    "reciprocal_grad", _zero_cotangent_rule(lambda g, y: -g * y * y),
    vjp=(lambda gg, out, g, y: reciprocal_grad(gg, y), lambda gg, out, g, y: gg * -2.0 * g * y),
    jvp=ELEMENTWISE,
)

reciprocal = defprimitive(
    "reciprocal", floating_only(np.reciprocal), vjp=lambda g, out, x: reciprocal_grad(g, out),
    saves=("out",),
)

# TensorFlow's RsqrtGrad: -0.5 * g * y ** 3, and 0 where g is 0; derivative in g RsqrtGrad.
rsqrt_grad = defprimitive(
    "rsqrt_grad", _zero_cotangent_rule(lambda g, y: -0.5 * g * (y * y * y)),
    vjp=(lambda gg, out, g, y: rsqrt_grad(gg, y), lambda gg, out, g, y: gg * -1.5 * g * (y * y)),
    jvp=ELEMENTWISE,
)

# A primitive, not reciprocal(sqrt(x)), for TensorFlow's forward mode at 0: a zero tangent
# gives 0 there (RsqrtGrad's zero test), where the composite would give NaN (see sqrt).
rsqrt = defprimitive(
    "rsqrt", floating_only(lambda x: np.reciprocal(np.sqrt(x))),
    vjp=lambda g, out, x: rsqrt_grad(g, out), saves=("out",),
)

exp = defprimitive("exp", floating_only(np.exp), vjp=lambda g, out, x: g * out, saves=("out",))

log = defprimitive("log", floating_only(np.log), vjp=lambda g, out, x: g / x)

sin = defprimitive("sin", floating_only(np.sin), vjp=lambda g, out, x: g * cos(x))

cos = defprimitive("cos", floating_only(np.cos), vjp=lambda g, out, x: -g * sin(x))

def _tanh_grad(g, y):
    """g * (1 - y * y), as `g * (1.0 - y * y)` computes it, with one temporary array."""
    t = y * y
    if isinstance(t, np.ndarray) and t.shape == np.shape(g) and t.dtype == g.dtype:
        np.subtract(1, t, out=t)
        return np.multiply(g, t, out=t)
    return g * (1 - t)


# TensorFlow's TanhGrad: one op (and one temporary) instead of three in tanh's backward pass.
tanh_grad = defprimitive(
    "tanh_grad", _tanh_grad,
    vjp=(lambda gg, out, g, y: tanh_grad(gg, y), lambda gg, out, g, y: gg * g * (-2.0 * y)),
    jvp=ELEMENTWISE,
)

tanh = defprimitive(
    "tanh", floating_only(np.tanh), vjp=lambda g, out, x: tanh_grad(g, out), saves=("out",),
)


log1p = defprimitive(
    "log1p", floating_only(np.log1p), vjp=lambda g, out, x: g / (x + 1.0),
)

expm1 = defprimitive("expm1", floating_only(np.expm1), vjp=lambda g, out, x: g * (out + 1.0))

tan = defprimitive(
    "tan", floating_only(np.tan), vjp=lambda g, out, x: g * (1.0 + out * out),
)

asin = defprimitive(
    "asin", floating_only(np.arcsin), vjp=lambda g, out, x: g / sqrt(1.0 - x * x),
)

acos = defprimitive(
    "acos", floating_only(np.arccos), vjp=lambda g, out, x: -g / sqrt(1.0 - x * x),
)

atan = defprimitive("atan", floating_only(np.arctan), vjp=lambda g, out, x: g / (1.0 + x * x))

atan2 = defprimitive(
    "atan2", floating_only(np.arctan2),
    vjp=(lambda g, out, y, x: g * x / (x * x + y * y),
         lambda g, out, y, x: -g * y / (x * x + y * y)),
    jvp=ELEMENTWISE,
)

sinh = defprimitive("sinh", floating_only(np.sinh), vjp=lambda g, out, x: g * cosh(x))

cosh = defprimitive("cosh", floating_only(np.cosh), vjp=lambda g, out, x: g * sinh(x))

# NumPy has no erf ufunc; math.erf is exact (the C library's) at about 0.15 us an element.
_erf_scalar = np.frompyfunc(math.erf, 1, 1)


def _erf(x):
    return np.asarray(_erf_scalar(x), dtype=x.dtype)


erf = defprimitive(
    "erf", floating_only(_erf), vjp=lambda g, out, x: g * (_TWO_OVER_SQRT_PI * exp(-(x * x))),
)

# TensorFlow registers no gradient for Floor, Ceil and Round: None, not zeros.
floor = defprimitive("floor", floating_only(np.floor), vjp=NONE)
ceil = defprimitive("ceil", floating_only(np.ceil), vjp=NONE)
round = defprimitive("round", np.round, vjp=NONE)  # noqa: A001 - half to even, as TensorFlow

def _sigmoid(x):
    # 0.5 * tanh(x / 2) + 0.5 is exact and never overflows, unlike 1 / (1 + exp(-x)).
    return np.tanh(x * 0.5) * 0.5 + 0.5


sigmoid = defprimitive(
    "sigmoid", floating_only(_sigmoid), vjp=lambda g, out, x: g * (out * (1.0 - out)),
    saves=("out",),
)

# TensorFlow's ReluGrad: g where x > 0, else 0 (so 0 at 0). Its kernel multiplies by the mask
# (unlike maximum's gradient, which selects), so an inf or NaN cotangent at x <= 0 gives NaN:
# tf.sqrt(tf.nn.relu(x)) has gradient NaN at x <= 0 in TensorFlow, and here. Its own gradient
# is zeros, not None, for x: relu's second derivative is zeros, as in TensorFlow.
# A replay donates no array (times_mask's in-place case is the backward walk's): g * mask.
relu_grad = defprimitive(
    "relu_grad", lambda g, x: times_mask(g, x > 0),
    vjp=(lambda g, out, dy, x: relu_grad(g, x), ZERO), jvp=ELEMENTWISE,
    saves=(1,), specialize=lambda specs: lambda g, x: g * (x > 0),
)

# The mask is read from the output, as TensorFlow's ReluGrad (out > 0 exactly where x > 0), so
# a tape keeps what the next layer keeps anyway, not the pre-activation too.
relu = defprimitive(
    "relu", lambda x: np.maximum(x, 0), vjp=lambda g, out, x: relu_grad(g, out),
    saves=("out",),
)

def _abs_vjp(g, out, x):
    # Real x: gradient 0 at 0 (sign(0) = 0), and second derivative zeros (sign's), as
    # TensorFlow. A multiply, as TensorFlow's AbsGrad: an inf cotangent at 0 gives NaN
    # (tf.sqrt(tf.abs(x)) at 0). Complex x: TensorFlow's ComplexAbsGrad, the complex cotangent
    # g * x / |x|, 0 where |x| is 0 (its div_no_nan).
    if x._value.dtype.kind != "c":
        return g * sign(x)
    dtype = x._value.dtype
    return where(equal(out, 0.0), 0.0, cast(g, dtype=dtype) * x / cast(out, dtype=dtype))


def _abs_jvp(t, out, x):
    if x._value.dtype.kind == "c":
        raise UnimplementedError(
            "abs: forward-mode derivatives through the magnitude of a complex tensor are not "
            "implemented; differentiate it in reverse mode (tf.GradientTape)", op="abs")
    return t * sign(x)


abs = defprimitive(  # noqa: A001 - TensorFlow's name
    "abs", np.abs, vjp=_abs_vjp, jvp=_abs_jvp,
)

sign = defprimitive("sign", np.sign, vjp=ZERO)

# As TensorFlow's _MaximumMinimumGrad: the cotangent is selected, where(x >= y, g, 0), not
# multiplied by a 0/1 mask, so an inf or NaN cotangent never reaches the unselected argument
# (tf.sqrt(tf.maximum(x, 0.0)) has gradient 0 at x < 0). A tie goes to x; a NaN x (x >= y
# false) sends the gradient to y.
maximum = defprimitive(
    "maximum", np.maximum,
    vjp=(lambda g, out, x, y: where(greater_equal(x, y), g, 0.0),
         lambda g, out, x, y: where(greater_equal(x, y), 0.0, g)),
    jvp=ELEMENTWISE, saves=(0, 1),
)

# As maximum, with less_equal: a tie goes to x.
minimum = defprimitive(
    "minimum", np.minimum,
    vjp=(lambda g, out, x, y: where(less_equal(x, y), g, 0.0),
         lambda g, out, x, y: where(less_equal(x, y), 0.0, g)),
    jvp=ELEMENTWISE, saves=(0, 1),
)

# The untaken branch receives zeros, as TensorFlow's SelectV2 gradient.
where = defprimitive(
    "where", np.where,
    vjp=(NONE, lambda g, out, c, x, y: where(c, g, 0.0), lambda g, out, c, x, y: where(c, 0.0, g)),
    jvp=LINEAR, dtype_args=(1, 2), saves=(0,),
)


def _cast(x, dtype):
    return x.astype(dtype, copy=False)


# TensorFlow: the gradient is cast back to the source dtype; integer ends give None (the
# engine never records integer outputs).
cast = defprimitive(
    "cast", _cast, vjp=lambda g, out, x, dtype: cast(g, dtype=x._value.dtype), jvp=LINEAR, saves=(),
)

identity = defprimitive("identity", lambda x: x, vjp=lambda g, out, x: g, jvp=LINEAR, saves=())

# Python's operators, as the arithmetic forwards above.
_COMPARE = dict(vjp=NONE, differentiable=False)
equal = defprimitive("equal", operator.eq, **_COMPARE)
not_equal = defprimitive("not_equal", operator.ne, **_COMPARE)
less = defprimitive("less", operator.lt, **_COMPARE)
less_equal = defprimitive("less_equal", operator.le, **_COMPARE)
greater = defprimitive("greater", operator.gt, **_COMPARE)
greater_equal = defprimitive("greater_equal", operator.ge, **_COMPARE)


_LOGICAL = dict(vjp=NONE, differentiable=False)
logical_and = defprimitive("logical_and", np.logical_and, **_LOGICAL)
logical_or = defprimitive("logical_or", np.logical_or, **_LOGICAL)
logical_xor = defprimitive("logical_xor", np.logical_xor, **_LOGICAL)
logical_not = defprimitive("logical_not", np.logical_not, vjp=NONE, differentiable=False)
is_nan = defprimitive("is_nan", np.isnan, vjp=NONE, differentiable=False)
is_finite = defprimitive("is_finite", np.isfinite, vjp=NONE, differentiable=False)


# -- Python's operators on Tensor and Variable ----------------------------------------------------
# They bind their primitive directly (the public function only adds a `name` argument). A
# variable is read first, as TensorFlow's variable operators convert it, so that `bind` takes
# its fast path. `@`, `[]` and the logical operators are installed with their public functions,
# which check their arguments (math_ops / array_ops).

_REFLECTED = {"lt": "__gt__", "le": "__ge__", "gt": "__lt__", "ge": "__le__"}


def deferred(err, self, other, name):
    """TensorFlow's binary operators: when `other` cannot be converted, an object that
    implements the reflected operator (a Keras symbolic tensor) computes the result; otherwise
    the conversion error `err` stands."""
    reflected = getattr(type(other), _REFLECTED.get(name, f"__r{name}__"), None)
    if reflected is None or isinstance(other, (Tensor, Variable)):
        raise err
    try:
        out = reflected(other, self)
    except (TypeError, ValueError):
        raise err from None
    if out is NotImplemented:
        raise err
    return out


def deferring(fn, name):
    """`fn(self, other)` as an operator that defers to `other` (see `deferred`)."""

    def op(self, other):
        try:
            return fn(self, other)
        except (TypeError, ValueError) as err:
            return deferred(err, self, other, name)

    return op


def _operators(prim, name, read):
    def op(self, other):
        try:
            return bind(prim, self._read() if read else self, other)
        except (TypeError, ValueError) as err:
            return deferred(err, self, other, name)

    def rop(self, other):
        return bind(prim, other, self._read() if read else self)

    return op, rop


def _power(read):
    def op(self, other):
        x = self._read() if read else self
        # x ** 2 is square(x): the same value and gradient as pow(x, 2) (2 * x is exact), in
        # two backward ops instead of four; the commonest power in the programs we run.
        if (type(other) is int or type(other) is float) and other == 2:
            return bind(square, x)
        try:
            return bind(pow, x, other)
        except (TypeError, ValueError) as err:
            return deferred(err, self, other, "pow")

    return op


def _unary(prim, read):
    if read:
        return lambda self: bind(prim, self._read())
    return lambda self: bind(prim, self)


def _equality(prim, read, none):
    # `x == None` is False and `x != None` True, as for any Python object
    def op(self, other):
        if other is None:
            return none
        return bind(prim, self._read() if read else self, other)

    return op


_ARITHMETIC = {
    "add": add, "sub": subtract, "mul": multiply, "truediv": divide, "floordiv": floordiv,
    "mod": mod, "pow": pow,
}
_ORDER = {"lt": less, "le": less_equal, "gt": greater, "ge": greater_equal}

for _cls, _read in ((Tensor, False), (Variable, True)):
    for _name, _prim in _ARITHMETIC.items():
        _op, _rop = _operators(_prim, _name, _read)
        setattr(_cls, f"__{_name}__", _op)
        setattr(_cls, f"__r{_name}__", _rop)
    for _name, _prim in _ORDER.items():  # Python reflects comparisons itself
        setattr(_cls, f"__{_name}__", _operators(_prim, _name, _read)[0])
    _cls.__pow__ = _power(_read)
    _cls.__neg__ = _unary(negative, _read)
    _cls.__abs__ = _unary(abs, _read)
    _cls.__pos__ = lambda self: self
    _cls.__eq__ = _equality(equal, _read, False)
    _cls.__ne__ = _equality(not_equal, _read, True)
    _cls.__hash__ = object.__hash__
