"""`tf.queue`: FIFOQueue, PaddingFIFOQueue, PriorityQueue and RandomShuffleQueue.

Thread-safe: one lock and two conditions per queue. As TensorFlow's, an enqueue to a full
queue waits for room, a dequeue from an empty one waits for an element, and closing the queue
wakes them: a waiting enqueue then raises CancelledError, and a dequeue that cannot be served
from what is left raises OutOfRangeError.
"""

import collections
import heapq
import itertools
import threading

import numpy as np

from .._core import dtypes as _dt
from .._core.errors import CancelledError, InvalidArgumentError, OutOfRangeError
from .._core.tensor import Tensor
from .._core.tensor import convert_to_tensor as _tensor

__all__ = ["FIFOQueue", "PaddingFIFOQueue", "PriorityQueue", "QueueBase", "RandomShuffleQueue"]

_IDS = itertools.count(1)


class QueueBase:
    """What the queues share: components, shapes, blocking, closing. A subclass keeps the
    elements (`_put`, `_take`, `_len`) and may pad a batch (`_batch`)."""

    _kind = "Queue"

    def __init__(self, capacity, dtypes, shapes=None, names=None, shared_name=None, name=None):
        self._single = not isinstance(dtypes, (list, tuple))
        self._dtypes = [_dt.as_dtype(d) for d in ([dtypes] if self._single else dtypes)]
        if shapes is not None:
            shapes = list(shapes)
            if not any(isinstance(d, (list, tuple)) or d is None and len(self._dtypes) > 1
                       for d in shapes):
                shapes = [shapes]  # one shape, for the one component
            if len(shapes) != len(self._dtypes):
                raise ValueError(f"{self._kind}: {len(shapes)} shapes for "
                                 f"{len(self._dtypes)} dtypes; give one shape per dtype")
            shapes = [tuple(None if d is None else int(d) for d in s) for s in shapes]
        self._shapes = shapes
        if names is not None:
            names = [names] if isinstance(names, str) else list(names)
            if len(names) != len(self._dtypes):
                raise ValueError(f"{self._kind}: {len(names)} names for {len(self._dtypes)} "
                                 "dtypes; give one name per dtype")
        self._names = names
        self._capacity = int(capacity)
        self._name = name or f"{self._kind.lower()}_{next(_IDS)}"
        self._lock = threading.Lock()
        self._not_empty = threading.Condition(self._lock)
        self._not_full = threading.Condition(self._lock)
        self._closed = False

    # -- description ------------------------------------------------------------------------
    @property
    def name(self):
        return self._name

    @property
    def dtypes(self):
        return list(self._dtypes)

    @property
    def shapes(self):
        return None if self._shapes is None else [list(s) for s in self._shapes]

    @property
    def names(self):
        return self._names

    # -- components ---------------------------------------------------------------------------
    def _components(self, vals, many):
        """`vals` as a list of NumPy arrays, one per component, checked."""
        if self._names is not None:
            if not isinstance(vals, dict) or set(vals) != set(self._names):
                raise ValueError(f"{self._kind} '{self._name}': expected a dict with keys "
                                 f"{self._names}, got {vals!r}")
            vals = [vals[k] for k in self._names]
        elif not isinstance(vals, (list, tuple)):  # TensorFlow's reading: a list is components
            vals = [vals]
        if len(vals) != len(self._dtypes):
            raise ValueError(f"{self._kind} '{self._name}': expected {len(self._dtypes)} "
                             f"components, got {len(vals)}")
        out = []
        for i, (v, dtype) in enumerate(zip(vals, self._dtypes)):
            arr = np.asarray(_tensor(v, dtype=None if isinstance(v, Tensor) else dtype)._value)
            if arr.dtype != dtype._np:
                raise InvalidArgumentError(
                    f"{self._kind} '{self._name}': component {i} has dtype {arr.dtype} but the "
                    f"queue holds {dtype.name}", op="enqueue")
            shape = arr.shape[1:] if many else arr.shape
            if self._shapes is not None and not _fits(shape, self._shapes[i]):
                raise ValueError(f"{self._kind} '{self._name}': shape mismatch in component "
                                 f"{i}: expected {list(self._shapes[i])}, got {list(shape)}")
            out.append(arr)
        if many and len({a.shape[0] if a.ndim else -1 for a in out}) != 1 or (
                many and out[0].ndim == 0):
            raise ValueError(f"{self._kind} '{self._name}': enqueue_many needs components with "
                             f"one leading dimension of the same size, got shapes "
                             f"{[list(a.shape) for a in out]}")
        return out

    def _result(self, parts):
        tensors = [Tensor(p) for p in parts]
        if self._names is not None:
            return dict(zip(self._names, tensors[len(tensors) - len(self._names):]))
        return tensors[0] if self._single and len(tensors) == 1 else tensors

    # -- enqueue ------------------------------------------------------------------------------
    def _closed_error(self):
        return CancelledError(f"{self._kind} '{self._name}' is closed.", op="enqueue")

    def _put_all(self, elements):
        with self._not_full:
            for element in elements:
                while not self._closed and self._len() >= self._capacity:
                    self._not_full.wait()
                if self._closed:
                    raise self._closed_error()
                self._put(element)
                self._not_empty.notify()

    def enqueue(self, vals, name=None):
        """Adds one element (a value, a list of one value per component, or a dict by name),
        waiting while the queue is full.

        Raises:
            CancelledError: if the queue is closed.
            ValueError: if a component's shape does not fit the queue's shapes.
        """
        self._put_all([tuple(self._components(vals, False))])

    def enqueue_many(self, vals, name=None):
        """Adds the elements that `vals` holds along its first dimension, in order."""
        parts = self._components(vals, True)
        self._put_all([tuple(p[i] for p in parts) for i in range(parts[0].shape[0])])

    # -- dequeue ------------------------------------------------------------------------------
    def _short(self, n):
        return OutOfRangeError(f"{self._kind} '{self._name}' is closed and has insufficient "
                               f"elements (requested {n}, current size {self._len()})",
                               op="dequeue")

    def _take_n(self, n, up_to):
        with self._not_empty:
            while not self._closed and self._len() < n + self._reserve():
                self._not_empty.wait()
            available = self._len()
            if available < n and not (up_to and available):
                raise self._short(n)
            elements = [self._take() for _ in range(min(n, available))]
            self._not_full.notify_all()
        return elements

    def _reserve(self):
        return 0

    def dequeue(self, name=None):
        """Removes and returns one element, waiting while the queue is empty.

        Raises:
            OutOfRangeError: if the queue is closed and empty.
        """
        return self._result(list(self._take_n(1, False)[0]))

    def _needs_shapes(self, op):
        if self._shapes is None or any(None in s for s in self._shapes) and not isinstance(
                self, PaddingFIFOQueue):
            raise InvalidArgumentError(f"{self._kind} '{self._name}': {op} requires the "
                                       "components to have specified shapes.", op=op)

    def dequeue_many(self, n, name=None):
        """Removes `n` elements and returns them stacked along a new first dimension, waiting
        until there are `n`.

        Raises:
            OutOfRangeError: if the queue is closed with fewer than `n` elements.
            InvalidArgumentError: if the queue has no fully defined shapes.
        """
        self._needs_shapes("dequeue_many")
        return self._result(self._batch(self._take_n(int(n), False)))

    def dequeue_up_to(self, n, name=None):
        """As `dequeue_many`, but a closed queue gives what it has left (at least one)."""
        self._needs_shapes("dequeue_up_to")
        return self._result(self._batch(self._take_n(int(n), True)))

    def _batch(self, elements):
        k = len(elements[0]) if elements else len(self._dtypes) + self._extra
        return [np.stack([e[i] for e in elements]) if elements else np.zeros(
            (0,), np.int64) for i in range(k)]

    _extra = 0

    def size(self, name=None):
        """The number of elements in the queue (int32)."""
        with self._lock:
            return Tensor(np.int32(self._len()))

    def close(self, cancel_pending_enqueues=False, name=None):
        """Closes the queue: later enqueues fail, dequeues take what is left. Waiting calls
        wake up."""
        with self._lock:
            self._closed = True
            self._not_empty.notify_all()
            self._not_full.notify_all()

    def is_closed(self, name=None):
        with self._lock:
            return Tensor(np.bool_(self._closed))


def _fits(shape, want):
    return len(shape) == len(want) and all(w is None or s == w for s, w in zip(shape, want))


class FIFOQueue(QueueBase):
    """A queue that gives its elements back in the order they came (`tf.queue.FIFOQueue`)."""

    _kind = "FIFOQueue"

    def __init__(self, capacity, dtypes, shapes=None, names=None, shared_name=None,
                 name="fifo_queue"):
        super().__init__(capacity, dtypes, shapes, names, shared_name, name)
        self._items = collections.deque()

    def _put(self, element):
        self._items.append(element)

    def _take(self):
        return self._items.popleft()

    def _len(self):
        return len(self._items)


class PaddingFIFOQueue(FIFOQueue):
    """A FIFOQueue whose shapes may have unknown (None) dimensions: `dequeue_many` pads each
    batch with zeros (b'' for strings) to its largest element (`tf.queue.PaddingFIFOQueue`)."""

    _kind = "PaddingFIFOQueue"

    def __init__(self, capacity, dtypes, shapes, names=None, shared_name=None,
                 name="padding_fifo_queue"):
        super().__init__(capacity, dtypes, shapes, names, shared_name, name)

    def _batch(self, elements):
        out = []
        for i, dtype in enumerate(self._dtypes):
            parts = [e[i] for e in elements]
            top = tuple(max(p.shape[d] for p in parts) for d in range(parts[0].ndim))
            fill = b"" if dtype._np == np.dtype(object) else 0
            batch = np.full((len(parts),) + top, fill, dtype=dtype._np)
            for j, p in enumerate(parts):
                batch[(j,) + tuple(slice(0, s) for s in p.shape)] = p
            out.append(batch)
        return out


class PriorityQueue(QueueBase):
    """A queue that gives back the element of the lowest priority first
    (`tf.queue.PriorityQueue`): each element is (an int64 priority, then the components);
    dequeues return the priority as the first component."""

    _kind = "PriorityQueue"
    _extra = 1

    def __init__(self, capacity, types, shapes=None, names=None, shared_name=None,
                 name="priority_queue"):
        super().__init__(capacity, list(types), shapes, names, shared_name, name)
        self._heap = []
        self._order = itertools.count()

    def _components(self, vals, many):
        if not isinstance(vals, (list, tuple)) or len(vals) != len(self._dtypes) + 1:
            raise ValueError(f"PriorityQueue '{self._name}': expected (priority, "
                             f"{len(self._dtypes)} components), got {vals!r}")
        priority = np.asarray(_tensor(vals[0], dtype=_dt.int64)._value)
        if priority.dtype != np.int64:
            raise InvalidArgumentError(f"PriorityQueue '{self._name}': the priority must be "
                                       f"int64, got {priority.dtype}", op="enqueue")
        self._names, names = None, self._names
        try:
            rest = super()._components(list(vals[1:]), many)
        finally:
            self._names = names
        return [priority] + rest

    def _put(self, element):
        heapq.heappush(self._heap, (int(element[0]), next(self._order), element))

    def _take(self):
        return heapq.heappop(self._heap)[2]

    def _len(self):
        return len(self._heap)

    def _result(self, parts):
        tensors = [Tensor(p) for p in parts]
        if self._names is not None:
            return {"priority": tensors[0], **dict(zip(self._names, tensors[1:]))}
        return tensors


class RandomShuffleQueue(QueueBase):
    """A queue that gives back a random element, and dequeues only while more than
    `min_after_dequeue` elements remain (or it is closed) (`tf.queue.RandomShuffleQueue`)."""

    _kind = "RandomShuffleQueue"

    def __init__(self, capacity, min_after_dequeue, dtypes, shapes=None, names=None, seed=None,
                 shared_name=None, name="random_shuffle_queue"):
        super().__init__(capacity, dtypes, shapes, names, shared_name, name)
        self._min_after_dequeue = int(min_after_dequeue)
        self._items = []
        self._rng = np.random.default_rng(seed)

    def _reserve(self):
        return self._min_after_dequeue

    def _put(self, element):
        self._items.append(element)

    def _take(self):
        i = int(self._rng.integers(len(self._items)))
        self._items[i], self._items[-1] = self._items[-1], self._items[i]
        return self._items.pop()

    def _len(self):
        return len(self._items)
