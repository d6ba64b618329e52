"""Transformations with a user function (map, filter, flat_map, interleave, scan, reduce,
take_while), and enumerate, unique and the sampling of several datasets."""

import collections
import os

import numpy as np

from .._core import dtypes as _dt
from .._core.errors import InvalidArgumentError
from .._core.tensor import Tensor
from .._impl.function import TensorSpec
from ._function import StructuredFunction, _NotBatchable, _placeholder
from ._ordering import IterationRng
from ._structure import Structure, most_specific, nest, structure_of
from .dataset import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset

__all__ = ["_MapDataset", "_FilterDataset", "_FlatMapDataset", "_InterleaveDataset",
           "_EnumerateDataset", "_ScanDataset", "_TakeWhileDataset", "_UniqueDataset",
           "_DirectedInterleaveDataset", "reduce_dataset", "single_element"]


class _Lazy(Dataset):
    """A dataset whose element structure comes from its function's output: from a dry run on
    placeholder elements, or, when that fails (the function rejects zeros or empty strings),
    from the first real element."""

    def __init__(self, input_dataset, fn):
        self._fn = fn
        self._out = None
        super().__init__(None, (input_dataset,))
        try:
            self._out = self._output()
        except Exception:  # noqa: BLE001 - the first element decides (see the class docstring)
            self._out = None

    def _output(self):
        return self._fn.output_structure()

    @property
    def _structure(self):
        if self._out is None:
            first = next(iter(self._inputs[0]._elements()), None)
            if first is None:
                self._out = self._output()  # no element: the dry run's error is the answer
            else:
                self._out = self._from_element(first)
        return self._out

    @_structure.setter
    def _structure(self, value):
        self._out = value

    def _from_element(self, flat):
        self._fn.apply(flat)
        return self._fn.output_structure() if self._fn._output is None else self._fn._output


class _MapDataset(_Lazy):
    _keeps_finiteness = True

    def __init__(self, input_dataset, map_func, num_parallel_calls=None):
        super().__init__(input_dataset, StructuredFunction(map_func, input_dataset._structure,
                                                           "map"))
        workers = os.cpu_count() if num_parallel_calls == AUTOTUNE else num_parallel_calls
        self._workers = int(workers or 1)
        self._indexable = input_dataset._indexable and self._out is not None and (
            self._fn.batchable())
        self._identity = self._indexable and getattr(input_dataset, "_identity", False)

    @property
    def _pure(self):
        """A map that only rearranges (TensorFlow's make_csv_dataset packs columns into a
        dict) costs no Python work per element: prefetching it needs no thread."""
        return self._fn.restructures()

    def _card(self):
        return self._inputs[0]._card()

    def _orders(self):
        return self._inputs[0]._orders()

    def _gather(self, idx):
        cols = self._inputs[0]._gather(idx)
        try:
            return self._fn.apply_batch(cols)
        except _NotBatchable:  # cannot happen for elementwise programs; stay exact anyway
            rows = [self._fn.apply([c[i] for c in cols]) for i in range(len(cols[0]))]
            return [np.stack(col) for col in zip(*rows)]

    def _elements(self):
        if self._indexable:
            return super()._elements()
        source = self._inputs[0]._elements()
        if self._workers > 1:
            return _parallel(self._fn.apply, source, self._workers)
        return (tuple(self._fn.apply(flat)) for flat in source)


def _parallel(fn, source, workers):
    """fn over the items of `source` on a thread pool, in order; the pool stops with the
    generator (an early `break` included)."""
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(workers, thread_name_prefix="tapegrad-data-map")
    pending = collections.deque()
    try:
        for item in source:
            pending.append(pool.submit(fn, item))
            if len(pending) >= 2 * workers:
                yield tuple(pending.popleft().result())
        while pending:
            yield tuple(pending.popleft().result())
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=False, cancel_futures=True)


def _check_predicate(spec_or_value, what):
    dtype = getattr(spec_or_value, "dtype", None)
    shape = tuple(getattr(spec_or_value, "shape", ()))
    if dtype != _dt.bool or shape != ():
        raise ValueError(f"Invalid `predicate`. `predicate` must return a `tf.bool` scalar "
                         f"tensor, but its return type is {spec_or_value!r} ({what})")


class _FilterDataset(Dataset):
    _keeps_finiteness = True

    def __init__(self, input_dataset, predicate):
        super().__init__(input_dataset._structure, (input_dataset,))
        self._fn = StructuredFunction(predicate, input_dataset._structure, "filter")
        try:
            out = self._fn.output_structure()
        except Exception:  # noqa: BLE001 - checked on the real elements instead
            out = None
        if out is not None:
            if out.n != 1:
                raise ValueError(f"Invalid `predicate`. `predicate` must return a `tf.bool` "
                                 f"scalar tensor, but it returns {out}")
            _check_predicate(out.specs[0], "filter")
        self._indexable = input_dataset._indexable and out is not None and self._fn.batchable()

    def _orders(self):
        source = self._inputs[0]
        for chunk in source._orders():
            idx = np.arange(chunk.start, chunk.stop) if isinstance(chunk, range) else chunk
            keep = self._fn.apply_batch(source._gather(idx))[0]
            yield idx[keep]

    def _gather(self, idx):
        return self._inputs[0]._gather(idx)

    def _elements(self):
        if self._indexable:
            yield from super()._elements()
            return
        for flat in self._inputs[0]._elements():
            (keep,) = self._fn.apply(flat)
            if np.ndim(keep) != 0 or np.asarray(keep).dtype != np.bool_:
                _check_predicate(np.asarray(keep), "filter")
            if keep:
                yield flat


def _as_dataset(out, what):
    if not isinstance(out, Dataset):
        raise TypeError(f"{what}: the `map_func` argument must return a `Dataset` object. "
                        f"Got {type(out)}.")
    return out


class _FlatMapDataset(_Lazy):
    def __init__(self, input_dataset, map_func, what="flat_map"):
        self._what = what
        super().__init__(input_dataset, StructuredFunction(
            map_func, input_dataset._structure, what, trace=False))

    def _output(self):
        flat = [_placeholder(s, 1) for s in self._inputs[0]._structure.specs]
        return _as_dataset(self._fn(flat), self._what)._structure

    def _from_element(self, flat):
        return _as_dataset(self._fn(flat), self._what)._structure

    def _datasets(self):
        for flat in self._inputs[0]._elements():
            yield _as_dataset(self._fn(flat), self._what)

    def _elements(self):
        for d in self._datasets():
            yield from d._elements()


class _InterleaveDataset(_FlatMapDataset):
    def __init__(self, input_dataset, map_func, cycle_length, block_length):
        super().__init__(input_dataset, map_func, "interleave")
        if cycle_length in (None, AUTOTUNE):
            cycle_length = os.cpu_count() or 1  # TensorFlow's default: the CPU cores
        self._cycle = int(cycle_length)
        self._block = 1 if block_length in (None, AUTOTUNE) else int(block_length)
        if self._cycle <= 0 or self._block <= 0:
            raise InvalidArgumentError("interleave: cycle_length and block_length must be "
                                       "positive")

    def _elements(self):
        # TensorFlow's order: up to `block` elements from each of `cycle` open datasets in
        # turn; an exhausted slot opens the next input element's dataset.
        inputs = self._datasets()
        slots = [None] * self._cycle
        index = block = opened = 0
        end_of_input = False
        while not end_of_input or opened:
            it = slots[index]
            if it is not None:
                value = next(it, None)
                if value is not None:
                    yield value
                    block += 1
                    if block == self._block:
                        block, index = 0, (index + 1) % self._cycle
                    continue
                slots[index] = None
                opened -= 1
                block, index = 0, (index + 1) % self._cycle
            elif not end_of_input:
                d = next(inputs, None)
                if d is None:
                    end_of_input = True
                else:
                    slots[index] = d._elements()
                    opened += 1
            else:
                block, index = 0, (index + 1) % self._cycle


class _EnumerateDataset(Dataset):
    _keeps_finiteness = True

    def __init__(self, input_dataset, start):
        s = input_dataset._structure
        specs = [TensorSpec((), _dt.int64)] + list(s.specs)
        super().__init__(Structure((0, s.template), specs), (input_dataset,))
        self._start = int(start)
        self._indexable = self._identity = getattr(input_dataset, "_identity", False)

    def _card(self):
        return self._inputs[0]._card()

    def _orders(self):
        return self._inputs[0]._orders()

    def _gather(self, idx):
        rows = np.arange(idx.start, idx.stop) if isinstance(idx, slice) else np.asarray(idx)
        return [(rows + self._start).astype(np.int64)] + self._inputs[0]._gather(idx)

    def _elements(self):
        if self._indexable:
            yield from super()._elements()
            return
        for i, flat in enumerate(self._inputs[0]._elements(), self._start):
            yield (np.int64(i),) + tuple(flat)


def _state_structure(initial_state, element_structure, what):
    state, flat = Structure.of(initial_state)
    template = (state.template, element_structure.template)
    return state, flat, Structure(template, list(state.specs) + list(element_structure.specs))


class _ScanDataset(_Lazy):
    _keeps_finiteness = True

    def __init__(self, input_dataset, initial_state, scan_func):
        self._state, self._init, both = _state_structure(
            initial_state, input_dataset._structure, "scan")
        super().__init__(input_dataset, StructuredFunction(scan_func, both, "scan"))

    def _output(self):
        return self._split_structure(self._fn.output_structure())

    def _from_element(self, flat):
        self._fn.apply(tuple(self._init) + tuple(flat))
        return self._split_structure(self._fn._output)

    def _split_structure(self, out):
        template = out.template
        if not (isinstance(template, tuple) and len(template) == 2):
            raise TypeError("scan: `scan_func` must return a pair (new_state, output)")
        n = len(nest.flatten(template[0]))
        if n != self._state.n:
            raise TypeError(f"scan: the new state {template[0]} does not match the initial "
                            f"state {self._state}")
        return Structure(template[1], out.specs[n:])

    def _card(self):
        return self._inputs[0]._card()

    def _elements(self):
        state = tuple(self._init)
        n = self._state.n
        for flat in self._inputs[0]._elements():
            out = self._fn.apply(state + tuple(flat))
            state, value = tuple(out[:n]), tuple(out[n:])
            yield value


class _TakeWhileDataset(Dataset):
    _keeps_finiteness = True

    def __init__(self, input_dataset, predicate):
        super().__init__(input_dataset._structure, (input_dataset,))
        self._fn = StructuredFunction(predicate, input_dataset._structure, "take_while")

    def _elements(self):
        for flat in self._inputs[0]._elements():
            (keep,) = self._fn.apply(flat)
            if np.ndim(keep) != 0 or np.asarray(keep).dtype != np.bool_:
                _check_predicate(np.asarray(keep), "take_while")
            if not keep:
                return
            yield flat


class _UniqueDataset(Dataset):
    _keeps_finiteness = True

    def __init__(self, input_dataset):
        s = input_dataset._structure
        ok = s.n == 1 and not isinstance(s.template, (tuple, dict)) and s.specs[0].dtype in (
            _dt.int32, _dt.int64, _dt.string) and s.specs[0].shape == ()
        if not ok:
            raise TypeError(f"unique: only datasets of int32, int64 or string scalars are "
                            f"supported, got {s}")
        super().__init__(s, (input_dataset,))

    def _elements(self):
        seen = set()
        for flat in self._inputs[0]._elements():
            key = flat[0][()] if isinstance(flat[0], np.ndarray) else flat[0]
            if key not in seen:
                seen.add(key)
                yield flat


def _merged_structure(datasets, what):
    first = datasets[0]._structure
    specs = list(first.specs)
    for d in datasets[1:]:
        s = d._structure
        if s.n != first.n or repr(nest.map_structure(lambda _: 0, s.template)) != repr(
                nest.map_structure(lambda _: 0, first.template)):
            raise TypeError(f"{what}: all datasets must have the same element structure; got "
                            f"{first} and {s}")
        specs = [most_specific(a, b) for a, b in zip(specs, s.specs)]
    return first.with_specs(specs)


class _DirectedInterleaveDataset(Dataset):
    """Elements taken from `datasets` in the order a selector says (sample and choose)."""

    def __init__(self, datasets, selector, stop_on_empty, what):
        datasets = list(datasets)
        if not datasets or not all(isinstance(d, Dataset) for d in datasets):
            raise TypeError(f"{what}: `datasets` must be a non-empty list of datasets")
        super().__init__(_merged_structure(datasets, what), datasets)
        self._selector = selector
        self._stop = stop_on_empty
        self._what = what

    def _card(self):
        if self._what == "sample_from_datasets" and all(
                d._card() == INFINITE_CARDINALITY for d in self._inputs):
            return INFINITE_CARDINALITY
        return UNKNOWN_CARDINALITY

    def _elements(self):
        iterators = [d._elements() for d in self._inputs]
        live = [True] * len(iterators)
        for i in self._selector(live):
            if not 0 <= i < len(iterators):
                raise InvalidArgumentError(f"{self._what}: selector index {i} out of range for "
                                           f"{len(iterators)} datasets")
            if not live[i]:
                continue
            value = next(iterators[i], None)
            if value is None:
                live[i] = False
                if self._stop or not any(live):
                    return
                continue
            yield value


def SampleDataset(datasets, weights, seed, stop_on_empty_dataset, rerandomize):
    datasets = list(datasets)
    p = np.full(len(datasets), 1.0 / max(len(datasets), 1)) if weights is None else np.asarray(
        weights.numpy() if isinstance(weights, Tensor) else weights, dtype=np.float64)
    if p.shape != (len(datasets),) or (p < 0).any() or p.sum() <= 0:
        raise ValueError(f"sample_from_datasets: `weights` must hold one non-negative weight "
                         f"per dataset ({len(datasets)}), got {weights!r}")
    rng = IterationRng(seed, bool(rerandomize))

    def selector(live):
        gen = rng.next()
        while any(live):
            q = p * live
            if q.sum() == 0:
                return
            yield from gen.choice(len(p), size=256, p=q / q.sum()).tolist()

    return _DirectedInterleaveDataset(datasets, selector, stop_on_empty_dataset,
                                      "sample_from_datasets")


def ChooseDataset(datasets, choice_dataset, stop_on_empty_dataset):
    s = choice_dataset._structure if isinstance(choice_dataset, Dataset) else None
    if s is None or s.n != 1 or s.specs[0].dtype != _dt.int64 or s.specs[0].shape != ():
        raise TypeError("choose_from_datasets: `choice_dataset` must be a dataset of scalar "
                        f"tf.int64 tensors, got {s}")

    def selector(live):
        for flat in choice_dataset._elements():
            yield int(flat[0])

    return _DirectedInterleaveDataset(datasets, selector, stop_on_empty_dataset,
                                      "choose_from_datasets")


def reduce_dataset(dataset, initial_state, reduce_func):
    """`Dataset.reduce`: the final state, as a nest of tensors."""
    state, flat, both = _state_structure(initial_state, dataset._structure, "reduce")
    fn = StructuredFunction(reduce_func, both, "reduce")
    values = tuple(flat)
    result = None
    for element in dataset._elements():
        result = fn(values + tuple(element))
        template, new = structure_of(result)
        if len(new) != state.n:
            raise TypeError(f"reduce: `reduce_func` returned {result!r}, which does not match "
                            f"the initial state {state}")
        for a, b in zip(new, values):
            if np.asarray(a).dtype != np.asarray(b).dtype:
                raise TypeError(f"reduce: the new state has dtype {np.asarray(a).dtype}, the "
                                f"initial state {np.asarray(b).dtype}; they must match")
        values = tuple(new)
    return state.pack(values)


def single_element(dataset):
    it = dataset._elements()
    first = next(it, None)
    if first is None:
        raise InvalidArgumentError("get_single_element: Dataset was empty.")
    if next(it, None) is not None:
        raise InvalidArgumentError("get_single_element: Dataset had more than one element.")
    return dataset._structure.pack(first)
