"""Transformations that reorder, select or buffer elements without a user function: shuffle,
repeat, take, skip, shard, cache, prefetch, with_options. Over an indexable input each stays
indexable (it rewrites the stream of row indices; see dataset.py)."""

import os
import pickle
import queue
import threading

import numpy as np

from .._core.errors import InvalidArgumentError
from .._impl import random_ops as tf_random
from .dataset import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset
from .options import Options

__all__ = ["IterationRng", "buffer_permutation", "_ShuffleDataset", "_RepeatDataset",
           "_TakeDataset", "_SkipDataset", "_ShardDataset", "_PrefetchDataset",
           "_CacheDataset", "_OptionsDataset", "cheap"]


class IterationRng:
    """Random generators for successive iterations of a dataset, as TensorFlow seeds them:
    repeatable with an op `seed` or after `tf.random.set_seed`, else different each run; a new
    stream each iteration when `reshuffle`, the same stream otherwise."""

    def __init__(self, seed, reshuffle):
        if seed is None:  # from the global stream: repeatable after tf.random.set_seed
            self._material = int(tf_random.generator().integers(2**63))
        else:
            global_seed = tf_random._global_seed  # noqa: SLF001 - the seed set by set_seed
            self._material = [87654321 if global_seed is None else global_seed, int(seed)]
        self._reshuffle = reshuffle
        self._count = 0
        self._lock = threading.Lock()

    def next(self):
        with self._lock:
            k = self._count if self._reshuffle else 0
            self._count += 1
        material = self._material if isinstance(self._material, list) else [self._material]
        return np.random.default_rng(material + [k])


def buffer_permutation(n, size, rng):
    """The output order of TensorFlow's shuffle buffer over n elements, vectorized.

    The buffer holds the first `size` elements; each step outputs one drawn uniformly from the
    buffer, and the next input element takes its place; when the input is exhausted, the
    buffer empties in uniformly random order. Output t < n - size is the element last written
    into the drawn slot r[t] (element size + t' for the last t' < t that drew the same slot),
    or the slot's initial element; the final buffer is then permuted.
    """
    if size >= n:
        return rng.permutation(n)
    m = n - size
    r = rng.integers(0, size, size=m)
    # a stable sort of small ints is a radix sort: 20x faster on uint16 than on int64
    order = np.argsort(r.astype(np.uint16) if size < 2**16 else r, kind="stable")
    sr = r[order]
    same = sr[1:] == sr[:-1]
    prev = np.full(m, -1, dtype=np.int64)
    prev[order[1:][same]] = order[:-1][same]
    out = np.where(prev >= 0, size + prev, r)
    final = np.arange(size, dtype=np.int64)
    last = np.append(sr[1:] != sr[:-1], True)
    final[sr[last]] = size + order[last]
    return np.concatenate([out, rng.permutation(final)])


def _chunks_as_array(chunks):
    parts = [np.arange(c.start, c.stop, dtype=np.int64) if isinstance(c, range) else c
             for c in chunks]
    return np.concatenate(parts) if parts else np.zeros(0, np.int64)


class _Passthrough(Dataset):
    """One input, the same elements structure; indexable when the input is."""

    _keeps_finiteness = True
    _pure = True

    def __init__(self, input_dataset):
        super().__init__(input_dataset._structure, (input_dataset,))
        self._indexable = input_dataset._indexable
        if self._indexable:
            self._gather = input_dataset._gather  # no call layer per batch

    def _card(self):
        return self._inputs[0]._card()

    def _orders(self):
        return self._inputs[0]._orders()

    def _elements(self):
        if self._indexable:
            return super()._elements()
        return self._inputs[0]._elements()


class _ShuffleDataset(_Passthrough):
    def __init__(self, input_dataset, buffer_size, seed, reshuffle_each_iteration):
        super().__init__(input_dataset)
        size = int(buffer_size)
        if size <= 0 and size != UNKNOWN_CARDINALITY:
            raise InvalidArgumentError(
                f"shuffle: buffer_size must be greater than zero or UNKNOWN_CARDINALITY, got "
                f"{size}")
        self._size = float("inf") if size == UNKNOWN_CARDINALITY else size
        self._rng = IterationRng(seed, bool(reshuffle_each_iteration))
        self._indexable = input_dataset._indexable and input_dataset._finite()

    def _orders(self):
        order = _chunks_as_array(self._inputs[0]._orders())
        rng = self._rng.next()
        yield order[buffer_permutation(len(order), min(self._size, len(order)), rng)]

    def _elements(self):
        if self._indexable:
            yield from Dataset._elements(self)
            return
        rng = self._rng.next()
        draws, used = rng.random(1024), 0
        buf = []
        for flat in self._inputs[0]._elements():
            if len(buf) < self._size:
                buf.append(flat)
                continue
            if used == len(draws):
                draws, used = rng.random(1024), 0
            i = int(draws[used] * len(buf))
            used += 1
            yield buf[i]
            buf[i] = flat
        while buf:
            if used == len(draws):
                draws, used = rng.random(1024), 0
            i = int(draws[used] * len(buf))
            used += 1
            buf[i], buf[-1] = buf[-1], buf[i]
            yield buf.pop()


class _RepeatDataset(_Passthrough):
    def __init__(self, input_dataset, count):
        super().__init__(input_dataset)
        count = None if count is None else int(count)
        self._count = None if count is None or count < 0 else count

    def _card(self):
        c = self._inputs[0]._card()
        if self._count is None:
            return 0 if c == 0 else INFINITE_CARDINALITY
        if self._count == 0 or c == 0:
            return 0
        return c * self._count if c >= 0 else c

    def _finite(self):
        return self._count is not None and self._inputs[0]._finite() or self._card() == 0

    def _epochs(self, source, size):
        epoch = 0
        while self._count is None or epoch < self._count:
            empty = True
            for item in source():
                empty = empty and size(item) == 0
                yield item
            if empty:  # repeating an empty dataset ends, as TensorFlow
                return
            epoch += 1

    def _orders(self):
        return self._epochs(self._inputs[0]._orders, len)

    def _elements(self):
        if self._indexable:
            return Dataset._elements(self)
        return self._epochs(self._inputs[0]._elements, lambda _: 1)


class _TakeDataset(_Passthrough):
    def __init__(self, input_dataset, count):
        super().__init__(input_dataset)
        self._count = int(count)

    def _card(self):
        c = self._inputs[0]._card()
        if self._count < 0:
            return c
        if c == UNKNOWN_CARDINALITY:
            return c
        return self._count if c == INFINITE_CARDINALITY else min(c, self._count)

    def _finite(self):
        return self._count >= 0 or self._inputs[0]._finite()

    def _orders(self):
        left = self._count
        if left < 0:
            yield from self._inputs[0]._orders()
            return
        if left == 0:
            return
        for chunk in self._inputs[0]._orders():
            part = chunk[:left]
            left -= len(part)
            yield part
            if left <= 0:
                return

    def _elements(self):
        if self._indexable:
            yield from Dataset._elements(self)
            return
        left = self._count
        if left == 0:
            return
        for flat in self._inputs[0]._elements():
            yield flat
            left -= 1
            if left == 0:
                return


class _SkipDataset(_Passthrough):
    def __init__(self, input_dataset, count):
        super().__init__(input_dataset)
        self._count = int(count)

    def _card(self):
        c = self._inputs[0]._card()
        if c < 0:
            return c
        return 0 if self._count < 0 else max(c - self._count, 0)

    def _orders(self):
        left = self._count
        for chunk in self._inputs[0]._orders():
            if left < 0:
                continue
            if left >= len(chunk):
                left -= len(chunk)
                continue
            yield chunk[left:]
            left = 0

    def _elements(self):
        if self._indexable:
            yield from Dataset._elements(self)
            return
        left = self._count
        for flat in self._inputs[0]._elements():
            if left != 0:
                left -= 1 if left > 0 else 0
                continue
            yield flat


class _ShardDataset(_Passthrough):
    def __init__(self, input_dataset, num_shards, index):
        super().__init__(input_dataset)
        self._n, self._index = int(num_shards), int(index)
        if self._n <= 0 or not 0 <= self._index < self._n:
            raise InvalidArgumentError(f"shard: index {index} must be in [0, num_shards) and "
                                       f"num_shards ({num_shards}) positive")

    def _card(self):
        c = self._inputs[0]._card()
        if c < 0:
            return c
        return c // self._n + (1 if self._index < c % self._n else 0)

    def _orders(self):
        position = 0
        for chunk in self._inputs[0]._orders():
            idx = np.arange(chunk.start, chunk.stop) if isinstance(chunk, range) else chunk
            keep = (position + np.arange(len(idx))) % self._n == self._index
            position += len(idx)
            yield idx[keep]

    def _elements(self):
        if self._indexable:
            yield from Dataset._elements(self)
            return
        for i, flat in enumerate(self._inputs[0]._elements()):
            if i % self._n == self._index:
                yield flat


def cheap(dataset):
    """Whether producing the elements is only array indexing (no user code, no files): then
    a prefetch thread would cost more than it saves."""
    return dataset._indexable or (getattr(dataset, "_pure", False) and all(
        cheap(d) for d in dataset._inputs))


class _Failure:
    __slots__ = ("error",)

    def __init__(self, error):
        self.error = error


_DONE = object()


def _background(make_iterator, size):
    """The items of `make_iterator()`, produced up to `size` ahead in a daemon thread. The
    thread stops (and closes the upstream iterator) when this generator is closed."""
    items = queue.Queue(maxsize=size)
    stop = threading.Event()

    def put(item):
        while not stop.is_set():
            try:
                items.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce():
        source = make_iterator()
        try:
            for item in source:
                if not put(item):
                    return
            put(_DONE)
        except BaseException as err:  # noqa: BLE001 - re-raised in the consumer
            put(_Failure(err))
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=produce, name="tapegrad-data-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            item = items.get()
            if item is _DONE:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item
    finally:
        stop.set()


class _PrefetchDataset(_Passthrough):
    def __init__(self, input_dataset, buffer_size):
        super().__init__(input_dataset)
        size = int(buffer_size)
        if size < 0 and size != AUTOTUNE:
            raise InvalidArgumentError(f"prefetch: buffer_size must be >= 0 or AUTOTUNE, got "
                                       f"{buffer_size}")
        self._size = 4 if size == AUTOTUNE else size

    def _elements(self):
        source = self._inputs[0]
        if self._size == 0 or cheap(source):
            return super()._elements()
        return _background(source._elements, self._size)


class _CacheDataset(_Passthrough):
    def __init__(self, input_dataset, filename):
        super().__init__(input_dataset)
        self._file = os.fspath(filename) if filename else ""
        if self._file:
            self._indexable = False
        self._memory = None  # the orders (indexable) or elements of a complete iteration

    def _orders(self):
        if self._memory is not None:
            yield from self._memory
            return
        seen = []
        for chunk in self._inputs[0]._orders():
            seen.append(chunk)
            yield chunk
        self._memory = seen

    def _elements(self):
        if self._indexable:
            yield from Dataset._elements(self)
            return
        if self._memory is None and self._file:
            self._memory = _read_cache(self._file)
        if self._memory is not None:
            yield from self._memory
            return
        seen = []
        for flat in self._inputs[0]._elements():
            seen.append(flat)
            yield flat
        if self._file:
            _write_cache(self._file, seen)
        self._memory = seen


_CACHE_MAGIC = b"tapegrad-cache-v1\n"


def _read_cache(filename):
    index = filename + ".index"
    if not os.path.exists(index):
        return None
    with open(index, "rb") as f:
        if f.read(len(_CACHE_MAGIC)) != _CACHE_MAGIC:
            raise InvalidArgumentError(
                f"cache: {index} was not written by tapegrad (TensorFlow's cache files cannot "
                "be read); delete it or cache to another filename")
    with open(filename + ".data-00000-of-00001", "rb") as f:
        return pickle.load(f)


def _write_cache(filename, elements):
    folder = os.path.dirname(filename)
    if folder:
        os.makedirs(folder, exist_ok=True)
    data = filename + ".data-00000-of-00001"
    with open(data + ".tmp", "wb") as f:
        pickle.dump(elements, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(data + ".tmp", data)
    with open(filename + ".index", "wb") as f:  # written last: marks the cache complete
        f.write(_CACHE_MAGIC)


class _OptionsDataset(_Passthrough):
    def __init__(self, input_dataset, options):
        if not isinstance(options, Options):
            raise TypeError(f"with_options: expected a tf.data.Options, got {options!r}")
        super().__init__(input_dataset)
        self._own_options = options
