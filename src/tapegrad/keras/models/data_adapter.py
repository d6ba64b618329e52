"""How `fit`, `evaluate` and `predict` read their data, as Keras 3's data adapters and
`EpochIterator`: NumPy arrays (sliced here), `tf.data.Dataset`s, Python generators and
`keras.utils.PyDataset`s (which bring their own batches).

An epoch runs `steps_per_epoch` batches when given (continuing the same iterator from one
epoch to the next, as Keras), else the whole input; an input whose size is unknown is read
until it runs out, and that count is its size from then on.
"""

import itertools
import math
import random
import types
import warnings

import numpy as np

from .. import backend
from .._data_utils import unpack_x_y_sample_weight as unpack
from ..tree import flatten
from . import data_checks

__all__ = ["EpochIterator", "is_dataset", "length", "to_arrays", "unpack", "validation_parts"]

_RAN_OUT = (
    "Your input ran out of data; interrupting training. Make sure that your dataset or "
    "generator can generate at least `steps_per_epoch * epochs` batches. You may need to use "
    "the `.repeat()` function when building your dataset."
)


def to_arrays(x, dtype):
    """Data as NumPy arrays, floats cast once to the model's float type."""
    if x is None:
        return None
    if isinstance(x, (list, tuple)) and x and not np.isscalar(x[0]) and not isinstance(
            x[0], (list, tuple)):
        return type(x)(to_arrays(v, dtype) for v in x)
    if isinstance(x, dict):
        return {k: to_arrays(v, dtype) for k, v in x.items()}
    try:
        arr = np.asarray(x)
    except ValueError:
        raise ValueError(
            f"Model data (x, y or sample_weight) must be arrays of numbers; got a "
            f"{type(x).__name__} that is not rectangular (ragged nested lists?)."
        ) from None
    if arr.dtype.kind == "f" and arr.dtype != dtype:
        arr = arr.astype(dtype)
    return arr


def is_dataset(x):
    """True for a tf.data.Dataset (without importing tapegrad.data when it is not loaded)."""
    import sys

    data = sys.modules.get("tapegrad.data.dataset")
    return data is not None and isinstance(x, data.Dataset)


def length(x):
    """The number of samples of array data (the first array's length)."""
    return len(flatten(x)[0])


def _take(x, idx):
    if x is None:
        return None
    if isinstance(x, (list, tuple)):
        return type(x)(_take(v, idx) for v in x)
    if isinstance(x, dict):
        return {k: _take(v, idx) for k, v in x.items()}
    return x[idx]


def class_weights(y, class_weight, dtype):
    """Per-sample weights from a {class: weight} dict (1 for unlisted classes), as Keras:
    the class of a one-hot row is its argmax, of a single column its rounded value."""
    labels = np.asarray(y)
    if labels.ndim > 1:
        labels = labels.argmax(axis=-1) if labels.shape[-1] != 1 else labels[..., 0]
    labels = np.round(labels).astype(np.int64).reshape(-1)
    return np.array([class_weight.get(int(c), 1.0) for c in labels], dtype=dtype)


class _Arrays:
    """NumPy data, batched here; shuffled each epoch with Keras's seeded generator."""

    def __init__(self, x, y, sample_weight, batch_size, shuffle, class_weight, dtype, where,
                 text=False):
        self.x, self.y = to_arrays(x, dtype), to_arrays(y, dtype)
        self.sample_weight = to_arrays(sample_weight, dtype)
        data_checks.check_cardinality(where, self.x, self.y, self.sample_weight, text=text)
        if class_weight is not None:
            cw = class_weights(self.y, class_weight, dtype)
            self.sample_weight = cw if self.sample_weight is None else self.sample_weight * cw
        self.batch_size = 32 if batch_size is None else int(batch_size)
        self.shuffle = shuffle
        self.n = length(self.x)
        self.num_batches = max(1, math.ceil(self.n / self.batch_size))

    def epoch(self, steps):
        """`steps` batches, wrapping around the data when there are more steps than rows."""
        n, size = self.n, self.batch_size
        order = backend.rng().permutation(n) if self.shuffle else None
        for step in range(steps):
            start = (step * size) % n
            idx = slice(start, start + size) if order is None else order[start:start + size]
            data = (_take(self.x, idx), _take(self.y, idx))
            if self.sample_weight is not None:
                data += (self.sample_weight[idx],)
            yield step, data

    def split(self, validation_split):
        """(training part, validation data): the last rows, taken before shuffling."""
        split = math.floor(self.n * (1.0 - validation_split))
        head, tail = np.arange(split), np.arange(split, self.n)
        validation = (_take(self.x, tail), _take(self.y, tail)) + (
            () if self.sample_weight is None else (_take(self.sample_weight, tail),))
        self.x, self.y = _take(self.x, head), _take(self.y, head)
        self.sample_weight = _take(self.sample_weight, head)
        self.n = split
        self.num_batches = max(1, math.ceil(self.n / self.batch_size))
        return validation


def _unsupported(arg, what, kind):
    raise ValueError(f"When providing `x` as a {kind}, `{arg}` should not be passed. Instead, "
                     f"{what} should be included as part of the {kind}.")


class _Batches:
    """Data that brings its own batches: a Dataset, a generator or a PyDataset."""

    def __init__(self, x, y, sample_weight, shuffle, class_weight, dtype):
        from ..utils import PyDataset

        self.dtype = dtype
        self.class_weight = class_weight
        self.source = x
        if is_dataset(x):
            kind = "tf.data.Dataset"
            card = int(x.cardinality())
            self.num_batches = card if card >= 0 else None
        elif isinstance(x, PyDataset):
            kind = "PyDataset"
            self.num_batches = x.num_batches
            self.shuffle = shuffle and self.num_batches is not None
        elif isinstance(x, types.GeneratorType):
            kind = "generator"
            if class_weight is not None:
                raise ValueError("Argument `class_weight` is not supported for Python generator "
                                 f"inputs. Received: class_weight={class_weight}")
            first = list(itertools.islice(x, 2))  # as Keras: replayed at each epoch's start
            if not first:
                raise ValueError("When passing a Python generator to a Keras model, the "
                                 "generator must yield at least one batch. Received an empty "
                                 "generator.")
            if not isinstance(first[0], tuple):
                raise ValueError("When passing a Python generator to a Keras model, the "
                                 "generator must return a tuple, either (input,) or (inputs, "
                                 "targets) or (inputs, targets, sample_weights). Received: "
                                 f"{str(first[0])[:100]}")
            self.first = first
            self.num_batches = None
        else:
            raise ValueError(f"Unrecognized data type: x={str(x)[:100]} (of type "
                             f"{type(x).__name__}); pass NumPy arrays, a tf.data.Dataset, a "
                             "Python generator or a keras.utils.PyDataset")
        self.kind = kind
        if y is not None:
            _unsupported("y", "the targets", kind)
        if sample_weight is not None:
            _unsupported("sample_weights", "the sample weights", kind)
        if shuffle and kind in ("tf.data.Dataset", "generator"):
            warnings.warn(f"`shuffle=True` was passed, but will be ignored since the data `x` "
                          f"was provided as a {kind}. " + (
                              "The Dataset is expected to already be shuffled (via "
                              "`.shuffle(buffer_size)`)." if kind[0] == "t" else
                              "The generator is expected to yield already-shuffled data."),
                          stacklevel=4)

    def on_epoch_begin(self):
        if self.kind == "PyDataset":
            self.source.on_epoch_begin()

    def on_epoch_end(self):
        if self.kind == "PyDataset":
            self.source.on_epoch_end()

    def batches(self):
        if self.kind == "generator":
            raw = itertools.chain(self.first, self.source)
        elif self.kind == "PyDataset":
            raw = _py_dataset_batches(self.source, self.shuffle)
        else:
            raw = iter(self.source)
        return (self._standardize(b) for b in raw)

    def _standardize(self, batch):
        if isinstance(batch, dict):
            return to_arrays(batch, self.dtype)
        if isinstance(batch, list):
            batch = tuple(batch)
        if not isinstance(batch, tuple):
            batch = (batch,)
        if len(batch) not in (1, 2, 3):
            raise ValueError(f"A {self.kind} must yield (inputs,), (inputs, targets) or "
                             f"(inputs, targets, sample_weights); got {len(batch)} items")
        batch = tuple(to_arrays(v, self.dtype) for v in batch)
        if self.class_weight is not None:
            if len(batch) == 3:
                raise ValueError("You cannot `class_weight` and `sample_weight` at the same "
                                 "time.")
            if len(batch) == 2:
                if isinstance(batch[1], (list, tuple, dict)):
                    raise ValueError("`class_weight` is only supported for Models with a "
                                     "single output.")
                batch += (class_weights(batch[1], self.class_weight, self.dtype),)
        return batch


def _py_dataset_batches(dataset, shuffle):
    n = dataset.num_batches
    indices = itertools.count() if n is None else list(range(n))
    if shuffle and n is not None:
        random.shuffle(indices)
    workers = dataset.workers
    if workers > 1 or (workers > 0 and dataset.use_multiprocessing):
        yield from _ordered_pool(dataset, indices, workers, dataset.use_multiprocessing,
                                 dataset.max_queue_size)
        return
    for i in indices:
        yield dataset[i]


def _get_item(dataset, i):
    return dataset[i]


def _ordered_pool(dataset, indices, workers, processes, queue_size):
    """dataset[i] for each i, computed ahead by a pool of threads (or processes, which need a
    picklable dataset), in order; the pool stops with the generator."""
    import collections
    from concurrent import futures

    pool = (futures.ProcessPoolExecutor if processes else futures.ThreadPoolExecutor)(workers)
    pending = collections.deque()
    try:
        for i in indices:
            pending.append(pool.submit(_get_item, dataset, i))
            if len(pending) >= max(queue_size, workers):
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for f in pending:
            f.cancel()
        pool.shutdown(wait=False, cancel_futures=True)


def validation_parts(validation_data):
    """(x, y, sample_weight) of fit's `validation_data` (a Dataset, generator or PyDataset is
    x alone)."""
    from ..utils import PyDataset

    if is_dataset(validation_data) or isinstance(validation_data, (types.GeneratorType,
                                                                   PyDataset)):
        return validation_data, None, None
    return data_checks.validation_tuple(validation_data)


class EpochIterator:
    """The batches of each epoch of `fit` (or of an `evaluate` / `predict` pass)."""

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, steps_per_epoch=None,
                 shuffle=False, class_weight=None, dtype=np.float32, where="fit", text=False):
        self.steps_per_epoch = steps_per_epoch
        if x is not None and (is_dataset(x) or not _is_array_data(x)):
            self.adapter = _Batches(x, y, sample_weight, shuffle, class_weight, dtype)
        else:
            self.adapter = _Arrays(x, y, sample_weight, batch_size, shuffle, class_weight,
                                   dtype, where, text)
        self._num_batches = self.adapter.num_batches
        self._current = None
        self._seen = 0

    @property
    def num_samples(self):
        """The number of samples of array data; None for data that brings its batches."""
        return self.adapter.n if isinstance(self.adapter, _Arrays) else None

    @property
    def num_batches(self):
        """Batches per epoch: steps_per_epoch, else the data's, else None (unknown yet)."""
        return self.steps_per_epoch or self._num_batches

    def epoch(self):
        """Yields (step, batch) for one epoch."""
        adapter = self.adapter
        if isinstance(adapter, _Arrays):
            yield from adapter.epoch(self.steps_per_epoch or adapter.num_batches)
            return
        adapter.on_epoch_begin()
        steps = self.steps_per_epoch or self._num_batches
        if steps:
            if self._current is None or self.steps_per_epoch is None:
                self._current, self._seen = adapter.batches(), 0
            for step in range(steps):
                if self._num_batches and self._seen >= self._num_batches:
                    if self.steps_per_epoch:
                        warnings.warn(_RAN_OUT, stacklevel=3)
                    break
                batch = next(self._current, None)
                if batch is None:
                    self._ran_out()
                    break
                self._seen += 1
                yield step, batch
            if self._num_batches and self._seen >= self._num_batches:
                self._current = None
        else:
            self._seen = 0
            for step, batch in enumerate(adapter.batches()):
                self._seen = step + 1
                yield step, batch
            self._ran_out()
        adapter.on_epoch_end()

    def _ran_out(self):
        if self._num_batches is None:
            self._num_batches = self._seen
        self._current = None
        warnings.warn(_RAN_OUT, stacklevel=4)

    def split(self, validation_split):
        if not isinstance(self.adapter, _Arrays):
            raise ValueError("Argument `validation_split` is only supported for tensors or "
                             "NumPy arrays. Found incompatible type in the input: "
                             f"[{type(self.adapter.source)}]")
        validation = self.adapter.split(validation_split)
        self._num_batches = self.adapter.num_batches
        return validation


def _is_array_data(x):
    """Arrays, tensors, or lists, tuples and dicts of them (not a generator or PyDataset)."""
    from ..utils import PyDataset

    if isinstance(x, (types.GeneratorType, PyDataset)) or is_dataset(x):
        return False
    if isinstance(x, dict):
        return all(_is_array_data(v) for v in x.values())
    if isinstance(x, (list, tuple)):
        return all(_is_array_data(v) for v in x)
    return True
