"""`tf.data.Dataset`: the API. The sources and transformations live in `_sources.py`,
`_transforms.py`, `_batching.py`, `_ordering.py` and `_readers.py`.

Each dataset yields flat tuples of NumPy values (`_elements`); iterating it in Python packs
them into its element structure of Tensors. Sources over arrays and the transformations that
only reorder or select elements (shuffle, take, skip, repeat, cache, elementwise `map`) are
*indexable*: they describe an iteration as a stream of row indices into the source arrays
(`_orders`) and fetch rows with one slice or fancy index per chunk (`_gather`), so that
`from_tensor_slices(...).shuffle(...).batch(...)` copies each batch once and never touches
single elements.
"""

import numpy as np

from .._core.errors import OutOfRangeError
from .._core.state import impure
from .._core.tensor import Tensor
from .options import Options

__all__ = ["Dataset", "Iterator", "AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY"]

AUTOTUNE = -1
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2
_CHUNK = 256  # rows fetched at a time when an indexable dataset yields single elements


def row_getter(col):
    """col[i] for i, a 0-d array for a string (so that it stays a tensor value)."""
    if col.dtype.kind == "O" and col.ndim == 1:
        return lambda i: col[i, ...]
    return col.__getitem__


class Dataset:
    """A sequence of elements (nests of tensors), built from sources and transformations
    and iterated in Python, as TensorFlow's `tf.data.Dataset`.

    Example:
        >>> ds = tapegrad.data.Dataset.from_tensor_slices([1, 2, 3]).map(lambda x: 2 * x)
        >>> [int(x) for x in ds]
        [2, 4, 6]
    """

    _indexable = False  # yields rows of its source arrays: see the module docstring

    def __init__(self, structure, inputs=()):
        self._structure = structure
        self._inputs = tuple(inputs)
        self._own_options = None

    # -- what subclasses provide --------------------------------------------------------------
    def _card(self):
        """The cardinality: a count, INFINITE_CARDINALITY or UNKNOWN_CARDINALITY."""
        return UNKNOWN_CARDINALITY

    def _finite(self):
        """True if an iteration surely ends (a conservative answer where unknown)."""
        card = self._card()
        return card >= 0 or (card == UNKNOWN_CARDINALITY and bool(self._inputs) and all(
            d._finite() for d in self._inputs) and self._keeps_finiteness)

    _keeps_finiteness = False  # True for transformations that end when their input does

    def _orders(self):
        """Indexable datasets: the row indices of one iteration, as a stream of chunks (int
        arrays, or `range`s for runs of consecutive rows)."""
        raise NotImplementedError

    def _gather(self, idx):
        """Indexable datasets: the flat values of the rows `idx` (an int array or a slice),
        each with a leading dimension."""
        raise NotImplementedError

    def _elements(self):
        """An iterator over the flat values of the elements of one iteration."""
        for chunk in self._orders():
            for start in range(0, len(chunk), _CHUNK):
                part = chunk[start:start + _CHUNK]
                cols = self._gather(slice(part.start, part.stop) if isinstance(
                    part, range) else part)
                getters = [row_getter(c) for c in cols]
                for i in range(len(part)):
                    yield tuple(g(i) for g in getters)

    # -- inspection ---------------------------------------------------------------------------
    @property
    def element_spec(self):
        """The TensorSpec nest of one element."""
        return self._structure.element_spec

    def __iter__(self):
        impure("a tf.data.Dataset was iterated inside the function")  # (no program replays it)
        return Iterator(self)

    def as_numpy_iterator(self):
        """An iterator over the elements as NumPy values (arrays, scalars and bytes)."""
        structure = self._structure

        def numpy(v):
            if not isinstance(v, np.ndarray):
                return v
            if v.ndim == 0:
                return v[()]
            out = v.view()
            out.flags.writeable = False
            return out

        for flat in self._elements():
            yield structure.pack_values([numpy(v) for v in flat])

    def cardinality(self):
        """The number of elements as an int64 tensor, or `tf.data.INFINITE_CARDINALITY` (-1),
        or `tf.data.UNKNOWN_CARDINALITY` (-2) when it cannot be known without iterating."""
        return Tensor(np.int64(self._card()))

    def __len__(self):
        card = self._card()
        if card == INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite.")
        if card == UNKNOWN_CARDINALITY:
            raise TypeError("The dataset length is unknown.")
        return card

    def __bool__(self):
        return True  # never len(): a dataset of unknown length is still a dataset

    def __repr__(self):
        return f"<{type(self).__name__} element_spec={self.element_spec}>"

    def options(self):
        """The Options of this dataset and its inputs, merged."""
        merged = Options()
        for d in self._inputs:
            merged = merged.merge(d.options())
        return merged.merge(self._own_options) if self._own_options is not None else merged

    def with_options(self, options, name=None):
        """The same dataset with `options` (a `tf.data.Options`) set."""
        return _o._OptionsDataset(self, options)

    # -- sources ------------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors, name=None):
        """The slices of `tensors` along their first dimension: one element per row.

        `tensors` is an array, tensor, or a tuple or dict (nested) of them, all with the same
        first dimension; a Python list is one tensor (`[x, y]` is stacked).
        """
        return _s._TensorSliceDataset(tensors)

    @staticmethod
    def from_tensors(tensors, name=None):
        """One element: `tensors` itself (a tensor or a nest of them)."""
        return _s._TensorDataset(tensors)

    @staticmethod
    def range(*args, output_type=None, name=None):
        """`range(stop)`, `range(start, stop[, step])` as int64 scalars (or `output_type`)."""
        return _s._RangeDataset(args, output_type)

    @staticmethod
    def zip(*args, datasets=None, name=None):
        """Elements of several datasets side by side: `zip((a, b))`, `zip(a, b)` or a dict;
        as long as the shortest."""
        if datasets is None:
            datasets = args[0] if len(args) == 1 else args
        return _s._ZipDataset(datasets)

    @staticmethod
    def from_generator(generator, output_types=None, output_shapes=None, args=None,
                       output_signature=None, name=None):
        """The elements a Python generator yields, converted to `output_signature`.

        Args:
            generator: a callable returning an iterator; called again for each iteration,
                with `args` (as NumPy values) if given.
            output_signature: a TensorSpec nest describing each element.
            output_types, output_shapes: the older way to describe elements (dtypes and
                shapes nests); shapes default to unknown.
        """
        return _s._GeneratorDataset(generator, output_types, output_shapes, args,
                                   output_signature)

    @staticmethod
    def list_files(file_pattern, shuffle=None, seed=None, name=None):
        """The files matching a glob pattern (or list of patterns), shuffled unless
        `shuffle=False` (then sorted)."""
        return _r.list_files(file_pattern, shuffle, seed)

    @staticmethod
    def sample_from_datasets(datasets, weights=None, seed=None, stop_on_empty_dataset=False,
                             rerandomize_each_iteration=None):
        """Elements drawn at random from `datasets`, dataset `i` with probability
        `weights[i]` (uniform by default)."""
        return _t.SampleDataset(datasets, weights, seed, stop_on_empty_dataset,
                                rerandomize_each_iteration)

    @staticmethod
    def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True):
        """The next element of `datasets[i]` for each `i` of `choice_dataset` (int64)."""
        return _t.ChooseDataset(datasets, choice_dataset, stop_on_empty_dataset)

    # -- transformations ----------------------------------------------------------------------
    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):
        """`map_func` applied to each element (a tuple's parts as separate arguments).

        The function is traced once, as TensorFlow's; with `num_parallel_calls` elements
        are mapped by a thread pool, in order. An elementwise function over an indexable
        dataset is applied to whole chunks of elements at once.
        """
        return _t._MapDataset(self, map_func, num_parallel_calls)

    def filter(self, predicate, name=None):
        """The elements for which `predicate` returns True (a scalar bool tensor)."""
        return _t._FilterDataset(self, predicate)

    def flat_map(self, map_func, name=None):
        """The elements of the datasets that `map_func` returns for each element, in turn."""
        return _t._FlatMapDataset(self, map_func)

    def interleave(self, map_func, cycle_length=None, block_length=None,
                   num_parallel_calls=None, deterministic=None, name=None):
        """Elements of the datasets `map_func` makes, `block_length` at a time from each of
        `cycle_length` open datasets in turn (TensorFlow's order)."""
        return _t._InterleaveDataset(self, map_func, cycle_length, block_length)

    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None,
              deterministic=None, name=None):
        """Consecutive elements stacked into batches of `batch_size` (the last one smaller
        unless `drop_remainder`)."""
        return _b._BatchDataset(self, batch_size, drop_remainder)

    def padded_batch(self, batch_size, padded_shapes=None, padding_values=None,
                     drop_remainder=False, name=None):
        """Batches of elements padded to a common shape (`padded_shapes`; by default each
        batch's largest) with `padding_values` (0, or b"" for strings)."""
        return _b._PaddedBatchDataset(self, batch_size, padded_shapes, padding_values,
                                     drop_remainder)

    def unbatch(self, name=None):
        """The rows of each element (the inverse of `batch`)."""
        return _b._UnbatchDataset(self)

    def rebatch(self, batch_size, drop_remainder=False, name=None):
        """The rows regrouped into batches of `batch_size` (`unbatch().batch(batch_size)`)."""
        return _b._BatchDataset(_b._UnbatchDataset(self), batch_size, drop_remainder,
                               rebatch=True)

    def window(self, size, shift=None, stride=1, drop_remainder=False, name=None):
        """Windows of `size` elements every `shift` (default `size`), taking every
        `stride`-th; each window is a dataset (a nest of datasets for nested elements)."""
        return _b._WindowDataset(self, size, shift, stride, drop_remainder)

    def group_by_window(self, key_func, reduce_func, window_size=None, window_size_func=None,
                        name=None):
        """Gathers elements by `key_func(element)` (an int64 scalar); each window of
        `window_size` elements of one key (or `window_size_func(key)`) is replaced by the
        elements of `reduce_func(key, window_dataset)`. The windows left at the end follow,
        by ascending key."""
        return _b._GroupByWindowDataset(self, key_func, reduce_func, window_size,
                                        window_size_func)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=True, name=None):
        """The elements in random order: each output is drawn uniformly from a buffer of the
        next `buffer_size` elements (a full shuffle when the buffer holds the whole data).
        A new order each iteration unless `reshuffle_each_iteration=False`."""
        return _o._ShuffleDataset(self, buffer_size, seed, reshuffle_each_iteration)

    def repeat(self, count=None, name=None):
        """The dataset `count` times (forever when None or -1)."""
        return _o._RepeatDataset(self, count)

    def take(self, count, name=None):
        """The first `count` elements (all when -1)."""
        return _o._TakeDataset(self, count)

    def skip(self, count, name=None):
        """All but the first `count` elements (none when -1)."""
        return _o._SkipDataset(self, count)

    def shard(self, num_shards, index, name=None):
        """Every `num_shards`-th element, starting at `index`."""
        return _o._ShardDataset(self, num_shards, index)

    def prefetch(self, buffer_size, name=None):
        """Produces up to `buffer_size` elements ahead in a background thread (a no-op over
        in-memory arrays, whose batches cost less than a thread hand-off)."""
        return _o._PrefetchDataset(self, buffer_size)

    def cache(self, filename="", name=None):
        """Keeps the elements of the first complete iteration (in memory, or in files named
        `filename`) and replays them afterwards."""
        return _o._CacheDataset(self, filename)

    def concatenate(self, dataset, name=None):
        """This dataset's elements, then `dataset`'s (the same element structure)."""
        return _s._ConcatenateDataset(self, dataset)

    def enumerate(self, start=0, name=None):
        """(index, element) pairs, the index an int64 counting from `start`."""
        return _t._EnumerateDataset(self, start)

    def scan(self, initial_state, scan_func, name=None):
        """A running state: `scan_func(state, element)` returns (new_state, output)."""
        return _t._ScanDataset(self, initial_state, scan_func)

    def take_while(self, predicate, name=None):
        """The elements until `predicate` first returns False."""
        return _t._TakeWhileDataset(self, predicate)

    def unique(self, name=None):
        """The first occurrence of each element (int or string scalars)."""
        return _t._UniqueDataset(self)

    def apply(self, transformation_func):
        """`transformation_func(self)`, which must return a dataset."""
        out = transformation_func(self)
        if not isinstance(out, Dataset):
            raise TypeError(f"Dataset.apply: `transformation_func` must return a Dataset, "
                            f"got {type(out).__name__}")
        return out

    def reduce(self, initial_state, reduce_func, name=None):
        """Folds the elements: `reduce_func(state, element)` returns the new state; the
        final state is returned."""
        return _t.reduce_dataset(self, initial_state, reduce_func)

    def get_single_element(self, name=None):
        """The only element (InvalidArgumentError when there are none or more than one)."""
        return _t.single_element(self)


class Iterator:
    """An iterator over a dataset (what `iter(dataset)` returns)."""

    __slots__ = ("_dataset", "_pack", "_it")

    def __init__(self, dataset):
        self._dataset = dataset
        self._pack = dataset._structure.pack
        self._it = dataset._elements()

    def __iter__(self):
        return self

    def __next__(self):
        return self._pack(next(self._it))

    next = __next__

    def get_next(self):
        """The next element; `tf.errors.OutOfRangeError` at the end."""
        try:
            return next(self)
        except StopIteration:
            raise OutOfRangeError("End of sequence") from None

    @property
    def element_spec(self):
        return self._dataset.element_spec


# The datasets the methods above build subclass Dataset, in modules that import this one. The
# package's __init__ hands those modules over (`use`), so that no import goes both ways.
_b = _o = _r = _s = _t = None


def use(batching, ordering, readers, sources, transforms):
    """Gives the methods of Dataset the modules of the datasets they build."""
    global _b, _o, _r, _s, _t
    _b, _o, _r, _s, _t = batching, ordering, readers, sources, transforms
