"""Element structures of datasets: nests of tensors described by TensorSpecs.

Inside a pipeline an element is a flat tuple of values (NumPy arrays and scalars, or nested
Datasets for `window`) plus the dataset's structure, so batching, shuffling and slicing work on
plain arrays; `Structure.pack` turns the flat values into the user's nest of Tensors.

As in tf.data, tuples, namedtuples and dicts are structure and a list is a value: it becomes
one tensor (`from_tensor_slices([x, y])` stacks x and y).
"""

import numpy as np

from .._core import dtypes as _dt
from .._core import nest  # tf.nest; element templates hold tuples and dicts only
from .._core.errors import InvalidArgumentError
from .._core.state import state
from .._core.tensor import Tensor, TensorShape, string_array, to_array
from .._impl.function import TensorSpec
from .dataset import Dataset

__all__ = ["nest", "Structure", "DatasetSpec", "to_value", "structure_of", "spec_of",
           "most_specific"]


class DatasetSpec:
    """The spec of an element that is itself a Dataset (what `window` produces)."""

    __slots__ = ("element_spec", "dataset_shape")

    def __init__(self, element_spec, dataset_shape=()):
        self.element_spec = element_spec
        self.dataset_shape = TensorShape(dataset_shape)

    def __eq__(self, other):
        return isinstance(other, DatasetSpec) and other.element_spec == self.element_spec

    __hash__ = None

    def __repr__(self):
        return f"DatasetSpec({self.element_spec!r}, {self.dataset_shape!r})"


def _is_dataset(x):
    return isinstance(x, Dataset)


def to_value(x, what="element"):
    """One leaf as a NumPy value: tensors give their value; Python values follow
    TensorFlow's dtype rules (float32, int32, bytes for str)."""
    if type(x) is Tensor:
        for interpreter in state.interpreters:  # a traced tensor's value: not replayable
            interpreter.read_value(x)
        return x._value
    if _is_dataset(x):
        return x
    read = getattr(x, "_read", None)
    if read is not None:
        return read()._value
    if isinstance(x, (list, tuple)) and any(isinstance(v, Tensor) or hasattr(v, "_read")
                                            for v in nest.flatten(list(x))):
        # a list of tensors packs into one tensor, keeping their dtype (tf.stack's rule)
        try:
            return np.asarray([to_value(v) for v in x])
        except ValueError:
            raise ValueError(f"{what}: cannot pack {x!r} into one tensor: the shapes of its "
                             "items differ") from None
    try:
        return to_array(x)
    except ValueError:
        raise ValueError(f"{what}: can't convert the non-rectangular Python sequence {x!r} to "
                         "a tensor (its rows have different lengths)") from None


def structure_of(value):
    """`value` with lists turned into tensors, and its leaves as NumPy values: (template,
    flat values). The template keeps the tuples, namedtuples and dicts."""
    if isinstance(value, tuple) or isinstance(value, dict):
        leaves = []

        def walk(v):
            if isinstance(v, dict):
                return type(v)((k, walk(v[k])) for k in v)
            if isinstance(v, tuple):
                items = [walk(item) for item in v]
                return type(v)(*items) if hasattr(v, "_fields") else tuple(items)
            leaves.append(to_value(v))
            return len(leaves) - 1

        template = walk(value)
        # nest flattens dicts in sorted key order: reorder the leaves to match
        order = nest.flatten(template)
        return template, [leaves[i] for i in order]
    return 0, [to_value(value)]


def spec_of(value, batched=False):
    """The spec of one flat value (the leading dimension unknown when `batched`)."""
    if _is_dataset(value):
        return DatasetSpec(value.element_spec)
    arr = value if isinstance(value, (np.ndarray, np.generic)) else np.asarray(value)
    shape = arr.shape[1:] if batched else arr.shape
    return TensorSpec(((None,) + shape) if batched else shape, _dt.from_numpy(arr.dtype))


def most_specific(a, b):
    """The spec compatible with both `a` and `b` (dimensions that differ become None)."""
    if isinstance(a, DatasetSpec):
        return a
    if a.dtype != b.dtype:
        raise TypeError(f"incompatible element types: {a.dtype.name} and {b.dtype.name}")
    if a.shape.rank is None or b.shape.rank is None or len(a.shape) != len(b.shape):
        return TensorSpec(None, a.dtype)
    return TensorSpec([x if x == y else None for x, y in zip(a.shape, b.shape)], a.dtype)


def _leaf_tensor(v):
    if isinstance(v, np.ndarray) and v.ndim == 0 and v.dtype != object:
        v = v[()]  # a NumPy scalar, as tf.constant makes: scalar arithmetic is faster
    elif not isinstance(v, (np.ndarray, np.generic)):
        return v  # a nested Dataset
    return Tensor(v)


class Structure:
    """A dataset's element structure: the template of its nest and the spec of each leaf."""

    __slots__ = ("template", "specs", "pack", "n")

    def __init__(self, template, specs):
        self.template = template
        self.specs = tuple(specs)
        self.n = len(self.specs)
        self.pack = self._packer()

    @classmethod
    def of(cls, value, batched=False):
        """The structure of a Python value (its leaves' specs from their current values)."""
        template, flat = structure_of(value)
        return cls(template, [spec_of(v, batched) for v in flat]), flat

    def _packer(self):
        """A fast function from flat values to the nest of Tensors (the user's element)."""
        template = self.template
        # leaves of known rank >= 1 are arrays: Tensor() needs no checks (batches)
        leaf = Tensor if all(isinstance(s, TensorSpec) and (s.shape.rank or 0) >= 1
                             for s in self.specs) else _leaf_tensor
        if not isinstance(template, (tuple, dict)):
            return lambda flat: leaf(flat[0])
        if type(template) is tuple and all(isinstance(t, int) for t in template):
            if len(template) == 2:  # (x, y): the commonest element, packed without map()
                return lambda flat: (leaf(flat[0]), leaf(flat[1]))
            return lambda flat: tuple(map(leaf, flat))
        pack = nest.packer(template)
        return lambda flat: pack(list(map(_leaf_tensor, flat)))

    def pack_values(self, flat):
        """The nest with the flat values themselves as leaves (NumPy, for as_numpy_iterator)."""
        if not isinstance(self.template, (tuple, dict)):
            return flat[0]
        return nest.pack_sequence_as(self.template, list(flat))

    @property
    def element_spec(self):
        if not isinstance(self.template, (tuple, dict)):
            return self.specs[0]
        return nest.pack_sequence_as(self.template, list(self.specs))

    def flatten(self, value, what):
        """The flat values of `value`, which must have this structure."""
        template, flat = structure_of(value)
        if nest.flatten(template) != nest.flatten(self.template) or nest.structure_key(
                template) != nest.structure_key(self.template):
            raise TypeError(f"{what}: the structure of {value!r} does not match the expected "
                            f"structure {self.element_spec}")
        return flat

    def with_specs(self, specs):
        return Structure(self.template, specs)

    def batched(self, batch_size):
        return self.with_specs(
            [TensorSpec((batch_size,) + tuple(s.shape), s.dtype) for s in self.specs])

    def unbatched(self, what="unbatch"):
        for s in self.specs:
            if isinstance(s, DatasetSpec) or s.shape.rank is None or s.shape.rank == 0:
                raise ValueError(f"{what}: unbatching is only supported for components of "
                                 f"rank >= 1, got {s}")
        return self.with_specs([TensorSpec(s.shape[1:], s.dtype) for s in self.specs])

    def __repr__(self):
        return repr(self.element_spec)


def convert_leaf(value, spec, what):
    """A generator's output leaf as a value of `spec`: converted as NumPy casts (as TensorFlow
    does: 1.5 yielded for int32 becomes 1), its shape checked."""
    if isinstance(value, Tensor):
        value = value._value
    try:
        if spec.dtype == _dt.string:
            arr = string_array(value)
        else:
            arr = np.asarray(value, dtype=spec.dtype._np)
            if arr.dtype == object:
                raise TypeError
    except (TypeError, ValueError, OverflowError):
        raise InvalidArgumentError(
            f"{what}: `generator` yielded an element that could not be converted to the "
            f"expected type. The expected type was {spec.dtype.name}, but the yielded element "
            f"was {value!r}.") from None
    if not spec.shape.is_compatible_with(arr.shape):
        raise InvalidArgumentError(
            f"{what}: `generator` yielded an element of shape {TensorShape(arr.shape)} where an "
            f"element of shape {spec.shape} was expected.")
    return arr
