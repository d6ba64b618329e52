"""Installs Python's operators on Tensor and Variable.

Arithmetic operators bind their primitive directly (one call less than the public wrapper, which
only adds a `name` argument); `@`, `[]` and the logical operators go through the public ops for
their argument checks.
"""

from . import array, math
from ._core.bind import bind
from ._core.tensor import Tensor
from ._core.variable import Variable
from .ops import elementwise as _e

_REFLECTED = {"lt": "__gt__", "le": "__ge__", "gt": "__lt__", "ge": "__le__"}


def _deferred(err, self, other, name):
    """TensorFlow's binary operators: when `other` cannot be converted, an object that
    implements the reflected operator (a Keras symbolic tensor) computes the result; otherwise
    the conversion error stands."""
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


def _binary(prim, name):
    def op(self, other):
        try:
            return bind(prim, self, other)
        except (TypeError, ValueError) as err:
            return _deferred(err, self, other, name)

    def rop(self, other):
        return bind(prim, other, self)

    return op, rop


def _deferring(fn, name):
    def op(self, other):
        try:
            return fn(self, other)
        except (TypeError, ValueError) as err:
            return _deferred(err, self, other, name)

    return op


def _pow(self, other):
    # x ** 2 is square(x): the same values, value and gradient, as pow(x, 2) (2 * x is exact),
    # in two backward ops instead of four; the commonest power in the programs we run.
    if (type(other) is int or type(other) is float) and other == 2:
        return bind(_e.square, self)
    try:
        return bind(_e.pow, self, other)
    except (TypeError, ValueError) as err:
        return _deferred(err, self, other, "pow")


def _reflect(fn):
    return lambda self, other: fn(other, self)


def _neg(self):
    return bind(_e.negative, self)


def _eq(self, other):
    return False if other is None else bind(_e.equal, self, other)


def _ne(self, other):
    return True if other is None else bind(_e.not_equal, self, other)


_BINARY = {
    "add": _e.add, "sub": _e.subtract, "mul": _e.multiply, "truediv": _e.divide,
    "floordiv": _e.floordiv, "mod": _e.mod, "pow": _e.pow,
    "lt": _e.less, "le": _e.less_equal, "gt": _e.greater, "ge": _e.greater_equal,
}

for _cls in (Tensor, Variable):
    for _name, _prim in _BINARY.items():
        _op, _rop = _binary(_prim, _name)
        setattr(_cls, f"__{_name}__", _op)
        if _name not in ("lt", "le", "gt", "ge"):  # Python reflects comparisons itself
            setattr(_cls, f"__r{_name}__", _rop)
    _cls.__pow__ = _pow
    _cls.__matmul__ = _deferring(math.matmul, "matmul")
    _cls.__rmatmul__ = _reflect(math.matmul)
    _cls.__neg__ = _neg
    _cls.__pos__ = lambda self: self
    _cls.__abs__ = math.abs
    _cls.__eq__ = _eq
    _cls.__ne__ = _ne
    _cls.__hash__ = object.__hash__
    _cls.__getitem__ = array.getitem
    # Bool tensors only (as TensorFlow's logical ops); integer bitwise ops are not provided.
    for _name, _fn in (("and", math.logical_and), ("or", math.logical_or),
                       ("xor", math.logical_xor)):
        setattr(_cls, f"__{_name}__", _deferring(_fn, _name))
        setattr(_cls, f"__r{_name}__", _reflect(_fn))
    _cls.__invert__ = math.logical_not
