"""Datasets made from values: tensor slices, tensors, ranges, generators; zip, concatenate."""

import numpy as np

from .._core import dtypes as _dt
from .._core.errors import InvalidArgumentError
from .._impl.function import TensorSpec
from ._structure import Structure, convert_leaf, most_specific, nest, to_value
from .dataset import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset

__all__ = ["_TensorSliceDataset", "_TensorDataset", "_RangeDataset", "_ZipDataset",
           "_ConcatenateDataset", "_GeneratorDataset"]


class _ArraySource(Dataset):
    """Rows of in-memory arrays: the indexable source (see dataset.py)."""

    _indexable = True
    _identity = True  # iteration order is row order: zips of sources stay indexable

    def __init__(self, structure, arrays, n):
        super().__init__(structure)
        self._arrays = arrays
        self._n = n
        if arrays is not None and all(isinstance(a, np.ndarray) for a in arrays):
            # take() copies rows 3x faster than fancy indexing for arrays of rank >= 2
            takes = [(lambda take: lambda idx: take(idx, 0))(a.take) if a.ndim > 1 else
                     a.__getitem__ for a in arrays]
            self._gather = lambda idx: [a[idx] for a in arrays] if type(idx) is slice else [
                t(idx) for t in takes]

    def _card(self):
        return self._n

    def _orders(self):
        yield range(self._n)

    def _gather(self, idx):
        return [a[idx] for a in self._arrays]


class _TensorSliceDataset(_ArraySource):
    def __init__(self, tensors):
        structure, flat = Structure.of(tensors)
        if not flat:
            raise ValueError("from_tensor_slices: `tensors` has no components")
        for v in flat:
            if isinstance(v, Dataset) or np.ndim(v) == 0:
                raise ValueError("Unbatching a tensor is only supported for rank >= 1")
        arrays = [np.asarray(v) for v in flat]
        n = arrays[0].shape[0]
        for a in arrays[1:]:
            if a.shape[0] != n:
                raise ValueError(f"from_tensor_slices: Dimensions {n} and {a.shape[0]} are not "
                                 "compatible (every component needs the same first dimension)")
        super().__init__(structure.unbatched("from_tensor_slices"), arrays, n)


class _TensorDataset(_ArraySource):
    def __init__(self, tensors):
        structure, flat = Structure.of(tensors)
        self._values = tuple(flat)
        super().__init__(structure, [v if isinstance(v, Dataset) else np.asarray(v)[None]
                                     for v in flat], 1)
        self._indexable = self._identity = not any(isinstance(v, Dataset) for v in flat)

    def _elements(self):
        yield self._values


class _RangeDataset(_ArraySource):
    def __init__(self, args, output_type):
        if not 1 <= len(args) <= 3:
            raise TypeError(f"Dataset.range: expected 1 to 3 arguments, got {len(args)}")
        self._range = range(*(int(a) for a in args))
        if self._range.step == 0:
            raise InvalidArgumentError("Dataset.range: step must not be 0")
        dtype = _dt.int64 if output_type is None else _dt.as_dtype(output_type)
        self._dtype = dtype._np
        super().__init__(Structure(0, [TensorSpec((), dtype)]), None, len(self._range))

    def _gather(self, idx):
        r = self._range
        if isinstance(idx, slice):
            idx = np.arange(idx.start, idx.stop, dtype=np.int64)
        return [(r.start + np.asarray(idx, np.int64) * r.step).astype(self._dtype, copy=False)]


class _ZipDataset(Dataset):
    def __init__(self, datasets):
        flat = nest.flatten(datasets)
        for d in flat:
            if not isinstance(d, Dataset):
                raise TypeError(f"Dataset.zip: expected a (nest of) Dataset, got "
                                f"{type(d).__name__}: {d!r}")
        if not flat:
            raise ValueError("Dataset.zip: no datasets given")
        template = nest.pack_sequence_as(datasets, [d._structure.template for d in flat])
        specs = [s for d in flat for s in d._structure.specs]
        super().__init__(Structure(template, specs), flat)
        self._n = min(d._card() if d._card() >= 0 else float("inf") for d in flat)
        self._indexable = all(getattr(d, "_identity", False) for d in flat)
        self._identity = self._indexable

    def _card(self):
        cards = [d._card() for d in self._inputs]
        if UNKNOWN_CARDINALITY in cards:
            return UNKNOWN_CARDINALITY
        known = [c for c in cards if c >= 0]
        return min(known) if known else INFINITE_CARDINALITY

    def _orders(self):
        yield range(int(self._n))

    def _gather(self, idx):
        return [v for d in self._inputs for v in d._gather(idx)]

    def _elements(self):
        if self._indexable:
            yield from super()._elements()
            return
        iterators = [d._elements() for d in self._inputs]
        while True:
            row = []
            for it in iterators:
                try:
                    row.extend(next(it))
                except StopIteration:
                    return
            yield tuple(row)


class _ConcatenateDataset(Dataset):
    _keeps_finiteness = True

    def __init__(self, first, second):
        a, b = first._structure, second._structure
        if not isinstance(second, Dataset):
            raise TypeError(f"concatenate: expected a Dataset, got {type(second).__name__}")
        same = nest.flatten(a.template) == nest.flatten(b.template) and repr(
            nest.map_structure(lambda _: 0, a.template)) == repr(
            nest.map_structure(lambda _: 0, b.template))
        if not same or a.n != b.n:
            raise TypeError(f"concatenate: incompatible dataset elements: {a} and {b}")
        try:
            specs = [most_specific(x, y) for x, y in zip(a.specs, b.specs)]
        except TypeError as err:
            raise TypeError(f"concatenate: incompatible dataset elements: {a} and {b} "
                            f"({err})") from None
        super().__init__(a.with_specs(specs), (first, second))

    def _card(self):
        cards = [d._card() for d in self._inputs]
        if INFINITE_CARDINALITY in cards:
            return INFINITE_CARDINALITY
        if UNKNOWN_CARDINALITY in cards:
            return UNKNOWN_CARDINALITY
        return sum(cards)

    def _elements(self):
        for d in self._inputs:
            yield from d._elements()


def _flatten_as(template, value, spec):
    """The leaves of a generator's `value`, which must have the spec's structure."""
    if isinstance(template, dict):
        if not isinstance(value, dict) or set(value) != set(template):
            raise TypeError
        return [v for k in sorted(template) for v in _flatten_as(template[k], value[k], spec)]
    if isinstance(template, tuple):
        if not isinstance(value, tuple) or len(value) != len(template):
            raise TypeError
        return [v for t, x in zip(template, value) for v in _flatten_as(t, x, spec)]
    return [value]


def _signature(output_types, output_shapes):
    """TensorSpecs from the older `output_types` / `output_shapes` arguments."""
    def walk(types, shapes):
        if isinstance(types, dict):
            return {k: walk(types[k], None if shapes is None else shapes[k]) for k in types}
        if isinstance(types, (tuple, list)):
            return tuple(walk(t, None if shapes is None else shapes[i])
                         for i, t in enumerate(types))
        return TensorSpec(None if shapes is None else tuple(shapes), types)

    return walk(output_types, output_shapes)


class _GeneratorDataset(Dataset):
    def __init__(self, generator, output_types, output_shapes, args, output_signature):
        if not callable(generator):
            raise TypeError("from_generator: `generator` must be a callable that returns an "
                            f"iterator, got {generator!r}")
        if output_signature is None:
            if output_types is None:
                raise TypeError("from_generator: pass `output_signature` (a TensorSpec nest), "
                                "or the older `output_types`")
            output_signature = _signature(output_types, output_shapes)
        elif output_types is not None or output_shapes is not None:
            raise TypeError("from_generator: give `output_signature` or `output_types` and "
                            "`output_shapes`, not both")
        for spec in nest.flatten(output_signature):
            if not isinstance(spec, TensorSpec):
                raise TypeError(f"from_generator: `output_signature` must contain TensorSpecs, "
                                f"got {spec!r}")
        template = nest.map_structure(lambda _: 0, output_signature)
        super().__init__(Structure(template, nest.flatten(output_signature)))
        self._generator = generator
        self._args = None if args is None else [
            v[()] if isinstance(v, np.ndarray) and v.ndim == 0 else v
            for v in (to_value(a, "from_generator args") for a in args)]

    def _elements(self):
        structure = self._structure
        template, specs = structure.template, structure.specs
        it = self._generator() if self._args is None else self._generator(*self._args)
        for value in it:
            try:
                leaves = _flatten_as(template, value, specs)
            except TypeError:
                raise InvalidArgumentError(
                    f"from_generator: `generator` yielded an element that did not match the "
                    f"expected structure. The expected structure was {structure}, but the "
                    f"yielded element was {value!r}.") from None
            yield tuple(convert_leaf(v, s, "from_generator") for v, s in zip(leaves, specs))


class _ElementsDataset(Dataset):
    """Stored flat elements (the windows of `window`)."""

    _pure = True

    def __init__(self, structure, elements):
        super().__init__(structure)
        self._stored = elements

    def _card(self):
        return len(self._stored)

    def _elements(self):
        return iter(self._stored)
