"""batch, padded_batch, unbatch, rebatch, window and group_by_window."""

import math

import numpy as np

from .._core import dtypes as _dt
from .._core.errors import InvalidArgumentError
from .._core.tensor import TensorShape
from .._impl.function import TensorSpec
from ._sources import _ElementsDataset
from ._structure import DatasetSpec, Structure, nest
from .dataset import UNKNOWN_CARDINALITY, Dataset, row_getter

__all__ = ["_BatchDataset", "_GroupByWindowDataset", "_PaddedBatchDataset", "_UnbatchDataset",
           "_WindowDataset"]


def _batch_card(c, size, drop):
    if c < 0:
        return c
    return c // size if drop else math.ceil(c / size)


def _positive(value, what):
    value = int(value)
    if value <= 0:
        raise InvalidArgumentError(f"{what} must be greater than zero, got {value}.")
    return value


def _stack(values, j):
    """Component j of a batch: the elements' values stacked, with TensorFlow's error."""
    first = np.shape(values[0])
    for i, v in enumerate(values):
        if np.shape(v) != first:
            raise InvalidArgumentError(
                f"Cannot batch tensors with different shapes in component {j}. First element "
                f"had shape {list(first)} and element {i} had shape {list(np.shape(v))}.")
    if not first and not isinstance(values[0], np.ndarray):
        return np.array(values)  # NumPy scalars: one conversion of the list
    return np.stack(values)


class _BatchDataset(Dataset):
    _pure = True

    def __init__(self, input_dataset, batch_size, drop_remainder, rebatch=False):
        self._size = _positive(batch_size, "Batch size")
        self._drop = bool(drop_remainder)
        self._rebatch = rebatch
        s = input_dataset._structure
        for spec in s.specs:
            if isinstance(spec, DatasetSpec):
                raise TypeError("batch: elements that are datasets cannot be batched; use "
                                "flat_map(lambda w: w.batch(n)) on windows")
        super().__init__(s.batched(self._size if self._drop else None), (input_dataset,))

    def _card(self):
        if self._rebatch:
            return UNKNOWN_CARDINALITY
        return _batch_card(self._inputs[0]._card(), self._size, self._drop)

    def _elements(self):
        source = self._inputs[0]
        if source._indexable:
            return self._gathered(source)
        return self._stacked(source)

    def _gathered(self, source):
        """One slice or fancy index of the source arrays per batch."""
        size, gather = self._size, source._gather
        carry = None
        for chunk in source._orders():
            if carry is None and isinstance(chunk, range):
                start, stop = chunk.start, chunk.stop
                while stop - start >= size:
                    yield gather(slice(start, start + size))
                    start += size
                if start < stop:
                    carry = np.arange(start, stop)
                continue
            idx = np.arange(chunk.start, chunk.stop) if isinstance(chunk, range) else chunk
            if carry is not None:
                idx = np.concatenate([carry, idx])
                carry = None
            full = len(idx) - len(idx) % size
            for a in range(0, full, size):
                yield gather(idx[a:a + size])
            if full < len(idx):
                carry = idx[full:]
        if carry is not None and len(carry) and not self._drop:
            yield gather(carry)

    def _stacked(self, source):
        buf = []
        n = self._structure.n
        for flat in source._elements():
            buf.append(flat)
            if len(buf) == self._size:
                yield [_stack([f[j] for f in buf], j) for j in range(n)]
                buf = []
        if buf and not self._drop:
            yield [_stack([f[j] for f in buf], j) for j in range(n)]


def _shapes_for(template, padded_shapes, specs):
    """One padded shape per component (a None dimension: padded to the batch's largest)."""
    if padded_shapes is None:
        return [(None,) * len(s.shape) for s in specs]
    flat = []

    def walk(t, p):
        if isinstance(t, dict):
            for k in sorted(t):
                walk(t[k], p[k])
        elif isinstance(t, tuple):
            if len(t) != len(p):
                raise ValueError(f"padded_batch: padded_shapes {padded_shapes} does not match "
                                 "the element structure")
            for a, b in zip(t, p):
                walk(a, b)
        else:
            shape = TensorShape(None if p is None else [
                None if d is None or int(d) == -1 else int(d) for d in p])
            flat.append(tuple(shape))

    walk(template, padded_shapes)
    return flat


class _PaddedBatchDataset(_BatchDataset):
    def __init__(self, input_dataset, batch_size, padded_shapes, padding_values,
                 drop_remainder):
        super().__init__(input_dataset, batch_size, drop_remainder)
        s = input_dataset._structure
        self._shapes = _shapes_for(s.template, padded_shapes, s.specs)
        for shape, spec in zip(self._shapes, s.specs):
            if len(shape) != len(spec.shape):
                raise ValueError(f"padded_batch: the padded shape {list(shape)} must have the "
                                 f"rank of the component's shape {spec.shape}")
        if padding_values is None:
            self._pads = [b"" if spec.dtype == _dt.string else 0 for spec in s.specs]
        else:
            pads = nest.flatten(padding_values) if isinstance(
                padding_values, (tuple, dict)) else [padding_values] * s.n
            self._pads = [np.asarray(p.numpy() if hasattr(p, "numpy") else p) for p in pads]
        self._structure = s.with_specs([
            TensorSpec((self._size if self._drop else None,) + tuple(
                d if d is not None else k for d, k in zip(shape, spec.shape)), spec.dtype)
            for shape, spec in zip(self._shapes, s.specs)])

    def _elements(self):
        buf = []
        for flat in self._inputs[0]._elements():
            buf.append(flat)
            if len(buf) == self._size:
                yield self._pad(buf)
                buf = []
        if buf and not self._drop:
            yield self._pad(buf)

    def _pad(self, buf):
        out = []
        for j, (shape, spec, pad) in enumerate(zip(self._shapes, self._structure.specs,
                                                   self._pads)):
            values = [np.asarray(f[j]) for f in buf]
            top = [max(v.shape[k] for v in values) for k in range(len(shape))]
            target = [t if d is None else d for d, t in zip(shape, top)]
            for v in values:
                if any(a > b for a, b in zip(v.shape, target)):
                    raise InvalidArgumentError(
                        f"padded_batch: attempted to pad to a smaller size than the input "
                        f"element: component {j} has shape {list(v.shape)}, padded shape "
                        f"{target}")
            arr = np.full([len(values)] + target, pad, dtype=spec.dtype._np)
            for i, v in enumerate(values):
                arr[(i,) + tuple(slice(0, d) for d in v.shape)] = v
            out.append(arr)
        return out


class _UnbatchDataset(Dataset):
    _pure = True
    _keeps_finiteness = True

    def __init__(self, input_dataset):
        super().__init__(input_dataset._structure.unbatched(), (input_dataset,))

    def _elements(self):
        for flat in self._inputs[0]._elements():
            n = len(flat[0])
            if any(len(v) != n for v in flat):
                raise InvalidArgumentError(
                    f"unbatch: the components of an element have different first dimensions "
                    f"{[len(v) for v in flat]}")
            getters = [row_getter(c) for c in flat]
            for i in range(n):
                yield tuple(g(i) for g in getters)


class _WindowDataset(Dataset):
    _pure = True

    def __init__(self, input_dataset, size, shift, stride, drop_remainder):
        self._size = _positive(size, "Window size")
        self._shift = self._size if shift is None else _positive(shift, "Window shift")
        self._stride = _positive(stride, "Window stride")
        self._drop = bool(drop_remainder)
        s = input_dataset._structure
        super().__init__(s.with_specs([DatasetSpec(spec) for spec in s.specs]),
                         (input_dataset,))
        self._parts = [Structure(0, [spec]) for spec in s.specs]

    def _card(self):
        c = self._inputs[0]._card()
        if c < 0:
            return c
        if not self._drop:
            return math.ceil(c / self._shift)
        span = (self._size - 1) * self._stride + 1
        return 0 if c < span else (c - span) // self._shift + 1

    def _elements(self):
        span = (self._size - 1) * self._stride + 1
        it = self._inputs[0]._elements()
        buf, exhausted, skip = [], False, 0
        while True:
            while skip and not exhausted:  # a shift longer than the buffer drops inputs
                if next(it, None) is None:
                    exhausted = True
                skip -= 1
            while len(buf) < span and not exhausted:
                flat = next(it, None)
                if flat is None:
                    exhausted = True
                else:
                    buf.append(flat)
            window = buf[::self._stride][:self._size]
            if not window or (self._drop and len(window) < self._size):
                return
            yield tuple(_ElementsDataset(part, [(w[j],) for w in window])
                        for j, part in enumerate(self._parts))
            skip = max(0, self._shift - len(buf))
            buf = buf[self._shift:]
            if exhausted and not buf:
                return


class _GroupByWindowDataset(Dataset):
    """`group_by_window`: elements gathered by key; each full window (and, at the end, each
    partial one, by ascending key, as TensorFlow's) becomes `reduce_func(key, window)`'s
    elements."""

    def __init__(self, input_dataset, key_func, reduce_func, window_size, window_size_func):
        from ._function import StructuredFunction

        if (window_size is None) == (window_size_func is None):
            raise ValueError("group_by_window: either the `window_size` argument or the "
                             "`window_size_func` argument must be specified (not both).")
        if window_size is not None:
            size = _positive(window_size, "group_by_window: window_size")
            window_size_func = lambda key: size  # noqa: E731 - one constant size
        if not callable(reduce_func):
            raise TypeError(f"group_by_window: expected a callable `reduce_func`, got "
                            f"{reduce_func!r}")
        self._key = StructuredFunction(key_func, input_dataset._structure, "group_by_window")
        self._reduce, self._size = reduce_func, window_size_func
        self._window = input_dataset._structure
        empty = self._reduced(0, [])  # a dry run on an empty window gives the structure
        super().__init__(empty._structure, (input_dataset,))

    def _card(self):
        return UNKNOWN_CARDINALITY

    def _reduced(self, key, window):
        from .._core.tensor import Tensor

        out = self._reduce(Tensor(np.int64(key)), _ElementsDataset(self._window, window))
        if not isinstance(out, Dataset):
            raise TypeError("group_by_window: `reduce_func` must return a single "
                            f"`tf.data.Dataset` object, got {type(out).__name__}")
        return out

    def _key_of(self, flat):
        (key,) = self._key.apply(flat)
        arr = np.asarray(key)
        if arr.ndim != 0 or arr.dtype != np.int64:
            raise InvalidArgumentError(
                "group_by_window: `key_func` must return a single tf.int64 scalar tensor, got "
                f"dtype {_dt.from_numpy(arr.dtype).name} and shape {list(arr.shape)}; cast it "
                "with tf.cast(key, tf.int64)")
        return int(arr)

    def _elements(self):
        groups = {}
        for flat in self._inputs[0]._elements():
            key = self._key_of(flat)
            group = groups.setdefault(key, [])
            group.append(flat)
            if len(group) >= int(np.asarray(self._size(np.int64(key)))):
                del groups[key]
                yield from self._reduced(key, group)._elements()
        for key in sorted(groups):
            yield from self._reduced(key, groups[key])._elements()
