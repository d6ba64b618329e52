"""`tf.RaggedTensor` of rank 2: rows of different lengths (what `tf.strings.split` returns).

Only what string splitting needs: the rows as `flat_values` cut at `row_splits`, indexing,
iteration, `to_list`, `numpy` and `to_tensor`. Values carry no gradient.
"""

import numpy as np

from .._core import dtypes as _dt
from .._core.tensor import Tensor, TensorShape, convert_to_tensor

__all__ = ["RaggedTensor"]


class RaggedTensor:
    """A matrix whose rows have different lengths, as TensorFlow's `tf.RaggedTensor`.

    Row `i` is `flat_values[row_splits[i]:row_splits[i + 1]]`.
    """

    __slots__ = ("_values", "_splits")

    def __init__(self, values, row_splits):
        self._values = np.asarray(values)
        self._splits = np.asarray(row_splits, dtype=np.int64)

    @classmethod
    def from_row_splits(cls, values, row_splits, name=None, validate=True):
        """Rows `values[row_splits[i]:row_splits[i + 1]]`."""
        values = convert_to_tensor(values)._value
        splits = np.asarray(convert_to_tensor(row_splits)._value, dtype=np.int64)
        if validate and (splits.ndim != 1 or splits.size == 0 or splits[0] != 0
                         or splits[-1] != len(values) or np.any(np.diff(splits) < 0)):
            raise ValueError(
                f"RaggedTensor.from_row_splits: row_splits {splits.tolist()} must start at 0, "
                f"never decrease and end at the number of values ({len(values)})"
            )
        return cls(values, splits)

    @classmethod
    def from_row_lengths(cls, values, row_lengths, name=None, validate=True):
        """Rows of the given lengths, taken from `values` in order."""
        lengths = np.asarray(convert_to_tensor(row_lengths)._value, dtype=np.int64)
        return cls.from_row_splits(values, np.concatenate([[0], np.cumsum(lengths)]),
                                   validate=validate)

    # -- inspection -----------------------------------------------------------------------
    @property
    def dtype(self):
        return _dt.from_numpy(self._values.dtype)

    @property
    def shape(self):
        return TensorShape((len(self._splits) - 1, None) + self._values.shape[1:])

    @property
    def ragged_rank(self):
        return 1

    @property
    def flat_values(self):
        return Tensor(self._values)

    values = flat_values

    @property
    def row_splits(self):
        return Tensor(self._splits)

    def row_lengths(self):
        return Tensor(np.diff(self._splits))

    def nrows(self):
        return Tensor(np.int64(len(self._splits) - 1))

    def _row(self, i):
        return self._values[self._splits[i]:self._splits[i + 1]]

    def __getitem__(self, key):
        n = len(self._splits) - 1
        if isinstance(key, slice):
            rows = range(n)[key]
            return RaggedTensor.from_row_lengths(
                np.concatenate([self._row(i) for i in rows]) if len(rows) else self._values[:0],
                [len(self._row(i)) for i in rows])
        i = int(key)
        if not -n <= i < n:
            raise IndexError(f"RaggedTensor: row {i} is out of range for {n} rows")
        return Tensor(self._row(i % n))

    def __iter__(self):
        return (Tensor(self._row(i)) for i in range(len(self._splits) - 1))

    def to_list(self):
        """The rows as nested Python lists."""
        return [self._row(i).tolist() for i in range(len(self._splits) - 1)]

    def numpy(self):
        """An object array holding one NumPy array per row."""
        out = np.empty(len(self._splits) - 1, dtype=object)
        for i in range(len(out)):
            out[i] = self._row(i)
        return out

    def to_tensor(self, default_value=None, name=None, shape=None):
        """A dense tensor, rows padded with `default_value` (zero or b'') to the longest row,
        or cut or padded to `shape`."""
        n = len(self._splits) - 1
        lengths = np.diff(self._splits)
        width = int(lengths.max()) if n else 0
        rows, cols = n, width
        if shape is not None:
            shape = list(shape)
            rows = n if shape[0] is None else int(shape[0])
            cols = width if shape[1] is None else int(shape[1])
        inner = self._values.shape[1:]
        if default_value is None:
            fill = b"" if self._values.dtype == object else 0
        else:
            fill = convert_to_tensor(default_value)._value
        out = np.empty((rows, cols) + inner, dtype=self._values.dtype)
        out[...] = fill
        for i in range(min(rows, n)):
            row = self._row(i)[:cols]
            out[i, :len(row)] = row
        return Tensor(out)

    def __str__(self):
        return f"<tapegrad.RaggedTensor {self.to_list()}>"

    __repr__ = __str__
