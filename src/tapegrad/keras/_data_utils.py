"""`keras.utils` for data: `PyDataset` (and its older name `Sequence`), `pad_sequences`,
`split_dataset`. tf.data is imported only when a function needs it."""

import random
import warnings

import numpy as np

__all__ = [
    "PyDataset", "Sequence", "pack_x_y_sample_weight", "pad_sequences", "split_dataset",
    "unpack_x_y_sample_weight",
]


class PyDataset:
    """Base class of a dataset written in Python: `__getitem__(index)` returns one whole
    batch and `__len__` the number of batches (or the `num_batches` property; None for an
    infinite dataset). `fit`, `evaluate` and `predict` read it in order (shuffling the batch
    order with `fit(shuffle=True)`), calling `on_epoch_begin` / `on_epoch_end` around each
    epoch.

    Args:
        workers: with more than 1, `fit` computes batches ahead on a thread pool.
        use_multiprocessing: compute them in processes instead (the dataset must pickle).
        max_queue_size: the most batches computed ahead.

    Example:
        >>> class Squares(keras.utils.PyDataset):
        ...     def __len__(self):
        ...         return 3
        ...     def __getitem__(self, i):
        ...         x = np.full((4, 1), float(i))
        ...         return x, x ** 2
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    def _setting(self, name, default):
        if not hasattr(self, name):
            warnings.warn(
                "Your `PyDataset` class should call `super().__init__(**kwargs)` in its "
                "constructor. `**kwargs` can include `workers`, `use_multiprocessing`, "
                "`max_queue_size`. Do not pass these arguments to `fit()`, as they will be "
                "ignored.", stacklevel=3)
            setattr(self, name, default)
        return getattr(self, name)

    @property
    def workers(self):
        return self._setting("_workers", 1)

    @workers.setter
    def workers(self, value):
        self._workers = value

    @property
    def use_multiprocessing(self):
        return self._setting("_use_multiprocessing", False)

    @use_multiprocessing.setter
    def use_multiprocessing(self, value):
        self._use_multiprocessing = value

    @property
    def max_queue_size(self):
        return self._setting("_max_queue_size", 10)

    @max_queue_size.setter
    def max_queue_size(self, value):
        self._max_queue_size = value

    def __getitem__(self, index):
        """The batch at position `index`."""
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(index)")

    @property
    def num_batches(self):
        """The number of batches (from `__len__`), or None for an infinite dataset."""
        if hasattr(self, "__len__"):
            return len(self)
        raise NotImplementedError("You need to implement the `num_batches` property:\n\n"
                                  "@property\ndef num_batches(self):\n  return ...")

    def __iter__(self):
        n = self.num_batches
        for index in range(n) if n is not None else iter(int, 1):
            yield self[index]

    def on_epoch_begin(self):
        """Called at the start of every epoch."""

    def on_epoch_end(self):
        """Called at the end of every epoch."""


Sequence = PyDataset


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre",
                  value=0.0):
    """Pads (or truncates) sequences to one length: a NumPy array (samples, maxlen, ...).

    Args:
        sequences: a list of sequences (lists or arrays).
        maxlen: the length (default: the longest sequence's).
        dtype: the output dtype (`object` for variable-length strings).
        padding, truncating: "pre" or "post": where to pad, and where to cut long sequences.
        value: the padding value.
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError("`sequences` must be iterable.")
    lengths, sample_shape, found = [], (), False
    for x in sequences:
        try:
            lengths.append(len(x))
        except TypeError:
            raise ValueError(f"`sequences` must be a list of iterables. Found non-iterable: "
                             f"{x!r}") from None
        if not found and len(x):
            sample_shape, found = np.asarray(x).shape[1:], True
    if maxlen is None:
        maxlen = max(lengths) if lengths else 0
    is_text = np.issubdtype(dtype, np.str_) or np.issubdtype(dtype, np.bytes_)
    if isinstance(value, str) and dtype is not object and not is_text:
        raise ValueError(f"`dtype` {dtype} is not compatible with `value`'s type: "
                         f"{type(value)}\nYou should set `dtype=object` for variable length "
                         "strings.")
    if padding not in ("pre", "post") or truncating not in ("pre", "post"):
        raise ValueError(f'padding and truncating must be "pre" or "post"; got {padding!r} and '
                         f"{truncating!r}")
    out = np.full((len(lengths), maxlen) + sample_shape, value, dtype=dtype)
    for i, s in enumerate(sequences):
        if not len(s) or not maxlen:
            continue
        trunc = np.asarray(s[-maxlen:] if truncating == "pre" else s[:maxlen], dtype=dtype)
        if trunc.shape[1:] != sample_shape:
            raise ValueError(f"Shape of sample {trunc.shape[1:]} of sequence at position {i} is "
                             f"different from expected shape {sample_shape}")
        if padding == "post":
            out[i, :len(trunc)] = trunc
        else:
            out[i, -len(trunc):] = trunc
    return out


def _split_sizes(left_size, right_size, total):
    """Keras's rules: a float is a fraction, an int a count, None the complement."""
    for name, size in (("left_size", left_size), ("right_size", right_size)):
        if size is not None and type(size) not in (int, float):
            raise TypeError(f"Invalid `{name}` Type. Expected: int or float or None, "
                            f"Received: type({name})={type(size)}.")
        if (type(size) is int and not 0 < size < total) or (
                type(size) is float and not 0 < size < 1):
            raise ValueError(f"`{name}` should be either a positive integer smaller than "
                             f"{total}, or a float within the range `[0, 1]`. Received: "
                             f"{name}={size}")
    if left_size is None and right_size is None:
        raise ValueError("At least one of the `left_size` or `right_size` must be specified. "
                         "Received: left_size=None and right_size=None")
    if type(left_size) is float and type(right_size) is float and left_size + right_size > 1:
        raise ValueError("The sum of `left_size` and `right_size` is greater than 1. It must "
                         "be less than or equal to 1.")
    left = round(left_size * total) if type(left_size) is float else left_size
    right = round(right_size * total) if type(right_size) is float else right_size
    left = total - right if left is None else left
    right = total - left if right is None else right
    if left + right > total:
        raise ValueError(f"The sum of `left_size` and `right_size` should be smaller than the "
                         f"{total}. Received: left_size + right_size = {left + right}")
    for side, size in (("left", left), ("right", right)):
        if size == 0:
            raise ValueError(f"With `dataset` of length={total}, `left_size`={left} and "
                             f"`right_size`={right}. Resulting {side} side dataset split will "
                             "be empty. Adjust any of the aforementioned parameters")
    return int(left), int(right)


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None):
    """Splits a dataset (a tf.data.Dataset, or an array or tuple/list of arrays) into two
    tf.data Datasets, e.g. training and validation data, as Keras's `split_dataset`.

    Args:
        left_size, right_size: a fraction (float) or a number of samples (int) for each side;
            None takes what the other leaves.
        shuffle: shuffle the samples first (with Python's `random`, seeded by `seed`).
        seed: the shuffling seed.

    Returns:
        (left, right) Datasets, batched as the input was when it was a `batch()` dataset.
    """
    from .. import data as tf_data
    from .. import nest

    batch_size = None
    if isinstance(dataset, tf_data.Dataset):
        if isinstance(dataset, type(tf_data.Dataset.range(1).batch(1))):
            # A `batch()` dataset (Keras reads TensorFlow's private `_batch_size`): its first
            # batch has the batch size's rows, or all of them when there are fewer, which
            # batches either split into one batch just the same.
            first = next(iter(dataset), None)
            if first is not None:
                batch_size = int(np.shape(nest.flatten(first)[0])[0])
            dataset = dataset.unbatch()
        samples = [nest.map_structure(np.asarray, s) for s in dataset.as_numpy_iterator()]
    elif isinstance(dataset, (list, tuple)):
        if not dataset or not all(isinstance(a, np.ndarray) for a in dataset):
            raise ValueError(f"Expected a non-empty {type(dataset).__name__} of "
                             "`numpy.ndarray` objects")
        if len({len(a) for a in dataset}) != 1:
            raise ValueError(f"Received a {type(dataset).__name__} of NumPy arrays with "
                             "different lengths.")
        samples = list(zip(*dataset))
    elif isinstance(dataset, np.ndarray):
        samples = list(dataset)
    else:
        raise TypeError("The `dataset` argument must be either a `tf.data.Dataset` object, or "
                        f"a list/tuple of arrays. Received: dataset={dataset!r} of type "
                        f"{type(dataset)}")
    if not samples:
        raise ValueError("Received an empty dataset. Argument `dataset` must be a non-empty "
                         "list/tuple of `numpy.ndarray` objects or `tf.data.Dataset` objects.")
    if shuffle:
        random.Random(random.randint(0, int(1e6)) if seed is None else seed).shuffle(samples)
    left, right = _split_sizes(left_size, right_size, len(samples))

    def restore(part):
        first = part[0]
        columns = [np.array(c) for c in zip(*[nest.flatten(s) for s in part])]
        packed = nest.pack_sequence_as(first, columns)
        return tuple(packed) if isinstance(packed, list) else packed

    out = []
    for part in (samples[:left], samples[-right:]):
        ds = tf_data.Dataset.from_tensor_slices(restore(part))
        if batch_size is not None:
            ds = ds.batch(batch_size)
        out.append(ds.prefetch(tf_data.AUTOTUNE))
    return tuple(out)


def unpack_x_y_sample_weight(data):
    """(x, y, sample_weight) of a batch given as x, (x,), (x, y) or (x, y, sample_weight), as
    Keras's (fit, evaluate and predict take their batches apart with it).

    Raises:
        ValueError: for a tuple or list of more than three items.
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data[0], data[1], data[2]
    raise ValueError("Data is expected to be in format `x`, `(x,)`, `(x, y)`, or "
                     f"`(x, y, sample_weight)`, found: {data}")


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """A batch as `unpack_x_y_sample_weight` takes it apart, as Keras's: x alone (a tuple or
    list x as `(x,)`), (x, y) or (x, y, sample_weight)."""
    if y is None:
        return (x,) if isinstance(x, (tuple, list)) else x
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)
