"""Installs Python's operators on Tensor and Variable, in terms of the public ops."""

from . import array, math
from ._core.tensor import Tensor
from ._core.variable import Variable


def _reflect(fn):
    return lambda self, other: fn(other, self)


def _eq(self, other):
    return False if other is None else math.equal(self, other)


def _ne(self, other):
    return True if other is None else math.not_equal(self, other)


_BINARY = {
    "add": math.add, "sub": math.subtract, "mul": math.multiply, "truediv": math.truediv,
    "floordiv": math.floordiv, "mod": math.mod, "pow": math.pow, "matmul": math.matmul,
}

for _cls in (Tensor, Variable):
    for _name, _fn in _BINARY.items():
        setattr(_cls, f"__{_name}__", _fn)
        setattr(_cls, f"__r{_name}__", _reflect(_fn))
    _cls.__neg__ = math.negative
    _cls.__pos__ = lambda self: self
    _cls.__abs__ = math.abs
    _cls.__lt__ = math.less
    _cls.__le__ = math.less_equal
    _cls.__gt__ = math.greater
    _cls.__ge__ = math.greater_equal
    _cls.__eq__ = _eq
    _cls.__ne__ = _ne
    _cls.__hash__ = object.__hash__
    _cls.__getitem__ = array.getitem
    # Bool tensors only (as TensorFlow's logical ops); integer bitwise ops are not provided.
    for _name, _fn in (("and", math.logical_and), ("or", math.logical_or),
                       ("xor", math.logical_xor)):
        setattr(_cls, f"__{_name}__", _fn)
        setattr(_cls, f"__r{_name}__", _reflect(_fn))
    _cls.__invert__ = math.logical_not
