"""Keras 3's dtype promotion (`keras.backend.result_type`): the dtype an op on mixed inputs
computes in.

TensorFlow refuses to mix dtypes (int64 + float32 is an error); Keras 3's operations, merging
layers and the operators of symbolic tensors promote instead, on JAX's lattice: bool < ints <
floats, with signed and unsigned ints meeting in a wider int, and Python numbers "weak" (they
take the other operand's dtype when they can). As Keras's TensorFlow backend: int64 and float64
stay 64-bit, and a weak result resolves to the precision of `floatx()`.
"""

import functools

import tapegrad as tf

from ._settings import floatx

__all__ = ["result_type"]

_WEAK = ("int", "float")
# Each dtype's immediate successors on the lattice (Keras's _type_promotion_lattice).
_LATTICE = {
    "bool": ["int"],
    "uint8": ["int16", "uint16"],
    "uint16": ["int32", "uint32"],
    "uint32": ["int64", "uint64"],
    "uint64": ["float"],
    "int": ["uint8", "int8", "complex64"],
    "int8": ["int16"],
    "int16": ["int32"],
    "int32": ["int64"],
    "int64": ["float"],
    "float": ["bfloat16", "float16"],
    "bfloat16": ["float32"],
    "float16": ["float32"],
    "float32": ["float64", "complex64"],
    "float64": ["complex128"],
    "complex64": ["complex128"],
    "complex128": [],
}


def _upper_bounds():
    bounds = {}

    def above(node):
        if node not in bounds:
            bounds[node] = {node}.union(*(above(n) for n in _LATTICE[node]))
        return bounds[node]

    for node in _LATTICE:
        above(node)
    return bounds


_UPPER = _upper_bounds()


@functools.lru_cache(512)
def _least_upper_bound(nodes):
    common = set.intersection(*(_UPPER[n] for n in nodes))
    least = [c for c in common if common <= _UPPER[c]]
    return least[0]


def _parse(value):
    """(dtype name, weak) of a dtype, a dtype name, or Python's int / float / bool type."""
    if value is int or value is float:
        return ("int64" if value is int else "float32"), True
    if value is bool:
        return "bool", False
    if value is None:
        return floatx(), False
    name = getattr(value, "name", value)
    if not isinstance(name, str):
        name = tf.as_dtype(value).name
    if name not in _LATTICE or name in _WEAK:
        raise ValueError(
            f"result_type: {value!r} is not a dtype Keras promotes; expected one of "
            f"{', '.join(n for n in _LATTICE if n not in _WEAK)} or Python's int, float, bool."
        )
    return name, False


def result_type(*dtypes):
    """The dtype Keras 3 computes in for operands of `dtypes` (dtypes, their names, or
    Python's `int`, `float` and `bool` for Python numbers), as `keras.backend.result_type`.

    Example:
        >>> result_type("int64", "float32")
        'float32'
        >>> result_type("int32", float)        # a Python float with an int tensor
        'float32'
        >>> result_type("uint8", "int8")
        'int16'
    """
    if not dtypes:
        return floatx()
    parsed = [_parse(d) for d in dtypes]
    names = [name for name, _ in parsed]
    weaks = [weak for _, weak in parsed]
    if len(parsed) == 1:
        out, weak = names[0], weaks[0]
    elif len(set(names)) == 1 and not all(weaks):
        out, weak = names[0], False
    elif all(weaks):
        out, weak = _least_upper_bound(frozenset(names)), True
    else:
        out = _least_upper_bound(frozenset(_weak_node(n) if w else n for n, w in zip(names, weaks)))
        weak = out in _WEAK
    if weak and out != "bool":
        precision = floatx()[-2:]
        first = "f" if out == "bfloat16" else out[0]
        out = (
            f"int{precision}"
            if first == "i"
            else (f"uint{precision}" if first == "u" else f"float{precision}")
        )
    return _NARROWED.get(out, out)


# As Keras's TensorFlow backend: int64 and float64 stay, the others become 32-bit.
_NARROWED = {"uint64": "uint32", "complex128": "complex64"}


def _weak_node(name):
    if name == "bool":
        return name
    return "float" if "float" in name else "int" if "int" in name else name
