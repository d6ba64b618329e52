"""`tf.RaggedTensor` with one ragged dimension: rows of different lengths.

Row `i` is `flat_values[row_splits[i]:row_splits[i + 1]]`; `flat_values` may have further
uniform dimensions. The row partition is NumPy (it carries no gradient); the values are a
tensor, and every op here reaches them through gathers, slices and scatters, so gradients flow
through ragged math, `to_tensor` and the reductions. `tf.reduce_*` and `tf.concat` hand a
RaggedTensor to the functions at the end of this module.
"""

import numpy as np

from .._core import dtypes as _dt
from .._core.bind import bind as _bind
from .._core.errors import InvalidArgumentError
from .._core.primitive import Primitive
from .._core.primitive import composite as _composite
from .._core.tensor import Tensor, TensorShape, convert_to_tensor
from ..ops import activations as _activations
from ..ops import elementwise as _elementwise_ops
from ..ops import guarded as _guarded_ops
from ..ops import reductions as _r
from ..ops import shape as _s

__all__ = ["RaggedTensor", "boolean_mask", "constant", "map_flat_values", "ragged_range"]


def _invalid(op, message):
    return InvalidArgumentError(f"RaggedTensor.{op}: {message}", op=op)


def _ints(value):
    return np.asarray(convert_to_tensor(value)._value).astype(np.int64).reshape(-1)


class RaggedTensor:
    """Rows of different lengths, as TensorFlow's `tf.RaggedTensor` (ragged_rank 1).

    Make one with `tf.ragged.constant` or the `from_*` class methods; it supports row
    indexing, `+ - * / **` and comparisons with scalars, dense tensors of shape [nrows, 1] and
    RaggedTensors of the same row lengths, every elementwise op (`tf.add`, `tf.math.square`,
    `tf.where`, `tf.cast`, ...: `bind_override`), `tf.reduce_sum` / `reduce_mean` /
    `reduce_max` / `reduce_min`, `tf.concat`, `to_tensor` and `to_list`.

    Example:
        >>> rt = tapegrad.ragged.constant([[1.0, 2.0], [3.0]])
        >>> tapegrad.reduce_sum(rt, axis=1).numpy().tolist()
        [3.0, 3.0]
    """

    __slots__ = ("_splits", "_values")

    def __init__(self, values, row_splits):
        self._values = values if isinstance(values, Tensor) else Tensor(np.asarray(values))
        self._splits = np.asarray(row_splits, dtype=np.int64)

    # -- construction -----------------------------------------------------------------------
    @classmethod
    def from_row_splits(cls, values, row_splits, name=None, validate=True):
        """Rows `values[row_splits[i]:row_splits[i + 1]]`.

        Raises:
            ValueError: if `row_splits` does not start at 0, decreases, or does not end at the
                number of values.
        """
        values = convert_to_tensor(values)
        splits = _ints(row_splits)
        n = values._value.shape[0] if values._value.ndim else -1
        if validate and (splits.size == 0 or splits[0] != 0 or splits[-1] != n
                         or np.any(np.diff(splits) < 0)):
            raise ValueError(
                f"RaggedTensor.from_row_splits: row_splits {splits.tolist()} must start at 0, "
                f"never decrease and end at the number of values ({n})"
            )
        return cls(values, splits)

    @classmethod
    def from_row_lengths(cls, values, row_lengths, name=None, validate=True):
        """Rows of the given lengths, taken from `values` in order."""
        lengths = _ints(row_lengths)
        if validate and (lengths < 0).any():
            raise ValueError(f"RaggedTensor.from_row_lengths: negative row length in "
                             f"{lengths.tolist()}")
        return cls.from_row_splits(values, np.concatenate([[0], np.cumsum(lengths)]),
                                   validate=validate)

    @classmethod
    def from_value_rowids(cls, values, value_rowids, nrows=None, name=None, validate=True):
        """Value `k` goes to row `value_rowids[k]` (non-decreasing); `nrows` rows in all
        (one past the last row id by default), so trailing rows may be empty."""
        rowids = _ints(value_rowids)
        n = int(rowids[-1]) + 1 if nrows is None and rowids.size else int(nrows or 0)
        if validate and (np.any(np.diff(rowids) < 0) or (rowids.size and (
                rowids[0] < 0 or rowids[-1] >= n))):
            raise ValueError(f"RaggedTensor.from_value_rowids: value_rowids "
                             f"{rowids.tolist()} must be non-decreasing and in [0, {n})")
        return cls.from_row_lengths(values, np.bincount(rowids, minlength=n), validate=validate)

    @classmethod
    def from_tensor(cls, tensor, lengths=None, padding=None, ragged_rank=1, name=None):
        """The rows of a dense tensor, cut to `lengths`, or with trailing `padding` values
        dropped (whole inner items equal to it, for rank > 2), or kept whole."""
        t = convert_to_tensor(tensor)
        if t._value.ndim < 2 or ragged_rank != 1:
            raise ValueError(f"RaggedTensor.from_tensor: needs a tensor of rank >= 2 and "
                             f"ragged_rank 1, got shape {t.shape}, ragged_rank {ragged_rank}")
        rows, width = t._value.shape[:2]
        if lengths is not None:
            keep = np.minimum(_ints(lengths), width)
        elif padding is not None:
            pad = convert_to_tensor(padding, dtype_hint=t.dtype)._value
            same = (t._value == pad).reshape(rows, width, -1).all(axis=2)
            tail = np.cumprod(same[:, ::-1], axis=1).sum(axis=1)  # trailing padding per row
            keep = width - tail
        else:
            keep = np.full(rows, width)
        positions = np.concatenate([i * width + np.arange(k) for i, k in enumerate(keep)]
                                   ) if rows else np.zeros(0, np.int64)
        flat = _bind(_s.reshape, t, shape=(rows * width,) + t._value.shape[2:])
        values = _bind(_s.gather_rows, flat, positions.astype(np.int64))
        return cls(values, np.concatenate([[0], np.cumsum(keep)]))

    # -- inspection -----------------------------------------------------------------------
    @property
    def dtype(self):
        return self._values.dtype

    @property
    def shape(self):
        return TensorShape((len(self._splits) - 1, None) + self._values._value.shape[1:])

    @property
    def ragged_rank(self):
        return 1

    @property
    def flat_values(self):
        """All the values, rows after one another."""
        return self._values

    values = flat_values

    @property
    def row_splits(self):
        return Tensor(self._splits)

    def row_lengths(self, axis=1, name=None):
        return Tensor(np.diff(self._splits))

    def value_rowids(self, name=None):
        """The row of each value."""
        return Tensor(self._rowids())

    def nrows(self, out_type=None, name=None):
        return Tensor(np.int64(len(self._splits) - 1))

    def with_flat_values(self, new_values):
        """The same rows holding other values (as many)."""
        new_values = convert_to_tensor(new_values)
        if new_values._value.shape[:1] != self._values._value.shape[:1]:
            raise _invalid("with_flat_values", f"{new_values._value.shape[:1]} values for "
                                               f"{self._values._value.shape[0]} positions")
        return RaggedTensor(new_values, self._splits)

    with_values = with_flat_values

    def _rowids(self):
        return np.repeat(np.arange(len(self._splits) - 1), np.diff(self._splits))

    def _cols(self):
        return np.arange(self._splits[-1]) - np.repeat(self._splits[:-1], np.diff(self._splits))

    # -- rows -----------------------------------------------------------------------------
    def _row(self, i):
        return _bind(_s.getitem, self._values, key=(slice(int(self._splits[i]),
                                                          int(self._splits[i + 1])),))

    def _rows(self, rows):
        lengths = np.diff(self._splits)[rows]
        take = np.concatenate([np.arange(self._splits[i], self._splits[i + 1]) for i in rows]
                              ) if len(rows) else np.zeros(0, np.int64)
        values = _bind(_s.gather_rows, self._values, take.astype(np.int64))
        return RaggedTensor(values, np.concatenate([[0], np.cumsum(lengths)]))

    def _within_rows(self, key):
        """`rt[:, key]` for a slice `key`: each row sliced as a Python list is."""
        starts, take = [], []
        for a, b in zip(self._splits[:-1], self._splits[1:]):
            picked = range(a, b)[key]
            starts.append(len(picked))
            take.extend(picked)
        values = _bind(_s.gather_rows, self._values, np.asarray(take, np.int64))
        return RaggedTensor(values, np.concatenate([[0], np.cumsum(starts)]).astype(np.int64))

    def _tiled(self, multiples):
        """`tf.tile(rt, multiples)` ([rows, values] multiples): the rows repeated `multiples[0]`
        times, each row's values `multiples[1]` times."""
        multiples = [int(m) for m in np.asarray(multiples).reshape(-1)]
        if len(multiples) != 1 + self._values._value.ndim or min(multiples) < 0:
            raise _invalid("tile", f"multiples {multiples} must have one non-negative entry per "
                                   f"axis of the ragged tensor of shape {self.shape}")
        take, lengths = [], []
        for _ in range(multiples[0]):
            for a, b in zip(self._splits[:-1], self._splits[1:]):
                take.extend(list(range(a, b)) * multiples[1])
                lengths.append((b - a) * multiples[1])
        if any(m != 1 for m in multiples[2:]):
            raise _invalid("tile", "only the rows and the ragged axis can be tiled; tile "
                                   "rt.flat_values for the values' inner axes")
        values = _bind(_s.gather_rows, self._values, np.asarray(take, np.int64))
        return RaggedTensor(values, np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64))

    def bounding_shape(self, axis=None, name=None, out_type=None):
        """[nrows, the longest row's length] (and the values' inner sizes), int64, or its entry
        at `axis`."""
        lengths = np.diff(self._splits)
        shape = [len(lengths), int(lengths.max()) if len(lengths) else 0]
        shape += list(self._values._value.shape[1:])
        out = np.asarray(shape if axis is None else shape[axis], dtype=np.int64)
        return Tensor(out if out_type is None else out.astype(_dt.as_dtype(out_type)._np))

    def __getitem__(self, key):
        """`rt[i]` (a Tensor), `rt[i:j]` and `rt[i:j, k:l]` (RaggedTensors) or `rt[i, j]` (a
        value)."""
        n = len(self._splits) - 1
        rest = ()
        if isinstance(key, tuple):
            key, rest = key[0], key[1:]
        if isinstance(key, slice):
            rows = self._rows(np.arange(n)[key])
            if not rest:
                return rows
            if len(rest) > 1 or not isinstance(rest[0], slice):
                raise _invalid("__getitem__", "inside the rows of a row slice only a slice is "
                                              "supported (rt[:, :2]); index the rows one by one")
            return rows._within_rows(rest[0])
        
        i = int(np.asarray(key))
        if not -n <= i < n:  # IndexError, as TensorFlow's
            raise IndexError(f"RaggedTensor: row {i} is out of range for {n} rows")
        row = self._row(i % n)
        return row[rest] if rest else row

    def __iter__(self):
        return (self._row(i) for i in range(len(self._splits) - 1))

    def __len__(self):
        return len(self._splits) - 1

    def to_list(self):
        """The rows as nested Python lists."""
        values = self._values._value
        return [values[self._splits[i]:self._splits[i + 1]].tolist()
                for i in range(len(self._splits) - 1)]

    def numpy(self):
        """An object array holding one NumPy array per row."""
        out = np.empty(len(self._splits) - 1, dtype=object)
        for i in range(len(out)):
            out[i] = self._values._value[self._splits[i]:self._splits[i + 1]]
        return out

    def to_tensor(self, default_value=None, name=None, shape=None):
        """A dense tensor, rows padded with `default_value` (zero or b'') to the longest row,
        or cut or padded to `shape`; differentiable with respect to the values."""
        return ragged_to_tensor(self, default_value, shape)

    # -- elementwise math -----------------------------------------------------------------
    def _operand(self, other, op):
        """`other`'s values lined up with this tensor's flat values."""
        if isinstance(other, RaggedTensor):
            if not np.array_equal(other._splits, self._splits):
                raise _invalid(op, f"row lengths {np.diff(self._splits).tolist()} and "
                                   f"{np.diff(other._splits).tolist()} differ; ragged operands "
                                   "must have the same row lengths.")
            return other._values
        other = convert_to_tensor(other, dtype_hint=self.dtype)
        shape = other._value.shape
        if len(shape) >= 2 and shape[0] == len(self) and shape[1] == 1:  # one value per row
            per_row = _bind(_s.reshape, other, shape=(shape[0],) + shape[2:])
            return _bind(_s.gather_rows, per_row, self._rowids())
        if len(shape) < self._values._value.ndim:  # a scalar, or the inner dimensions
            return other
        raise _invalid(op, f"cannot broadcast a tensor of shape {list(shape)} with a ragged "
                           f"tensor of shape {self.shape}; give a scalar or shape "
                           f"[{len(self)}, 1].")

    @staticmethod
    def bind_override(prim, args, params):
        """An elementwise op with a RaggedTensor among its arguments (bind's override, see
        `_core/bind.py`): the op on the flat values, lined up as `_operand` lines up the
        others (a RaggedTensor of the same row lengths, a scalar, a tensor of shape [nrows, 1]),
        with the first ragged argument's rows. As TensorFlow's ragged dispatch of elementwise
        ops; other ops refuse a RaggedTensor.

        Raises:
            InvalidArgumentError: for an op that is not elementwise, or operands that do not
                line up.
        """
        if prim not in _ELEMENTWISE:
            raise InvalidArgumentError(
                f"{prim.name}: got a RaggedTensor, which this op does not take; convert it "
                "with rt.to_tensor() first, or apply the op to rt.flat_values with "
                "tf.ragged.map_flat_values.", op=prim.name)
        rt = next(a for a in args if isinstance(a, RaggedTensor))
        # (a Python number stays one: bind gives it its partners' dtype)
        values = [a._values if a is rt else a if isinstance(a, (bool, int, float)) else
                  rt._operand(a, prim.name) for a in args]
        return RaggedTensor(_bind(prim, *values, **params), rt._splits)

    def _binary(self, other, fn, op, swap=False):
        y = self._operand(other, op)
        return RaggedTensor(fn(y, self._values) if swap else fn(self._values, y), self._splits)

    def __add__(self, other):
        return self._binary(other, lambda a, b: a + b, "__add__")

    def __radd__(self, other):
        return self._binary(other, lambda a, b: a + b, "__add__", swap=True)

    def __sub__(self, other):
        return self._binary(other, lambda a, b: a - b, "__sub__")

    def __rsub__(self, other):
        return self._binary(other, lambda a, b: a - b, "__sub__", swap=True)

    def __mul__(self, other):
        return self._binary(other, lambda a, b: a * b, "__mul__")

    def __rmul__(self, other):
        return self._binary(other, lambda a, b: a * b, "__mul__", swap=True)

    def __truediv__(self, other):
        return self._binary(other, lambda a, b: a / b, "__truediv__")

    def __rtruediv__(self, other):
        return self._binary(other, lambda a, b: a / b, "__truediv__", swap=True)

    def __pow__(self, other):
        return self._binary(other, lambda a, b: a ** b, "__pow__")

    def __lt__(self, other):
        return self._binary(other, lambda a, b: a < b, "__lt__")

    def __le__(self, other):
        return self._binary(other, lambda a, b: a <= b, "__le__")

    def __gt__(self, other):
        return self._binary(other, lambda a, b: a > b, "__gt__")

    def __ge__(self, other):
        return self._binary(other, lambda a, b: a >= b, "__ge__")

    def __neg__(self):
        return RaggedTensor(-self._values, self._splits)

    def __abs__(self):
        return RaggedTensor(abs(self._values), self._splits)

    def __str__(self):
        return f"<tapegrad.RaggedTensor {self.to_list()}>"

    __repr__ = __str__


# -- module functions (tf.ragged.*, and what tf.reduce_* and tf.concat hand over) ---------------

# The primitives a RaggedTensor takes (`bind_override`): those of ops/elementwise.py and
# ops/guarded.py, and the elementwise activations.
_ELEMENTWISE = frozenset(
    [p for module in (_elementwise_ops, _guarded_ops) for p in vars(module).values()
     if isinstance(p, Primitive)]
    + [_activations.elu, _activations.leaky_relu, _activations.relu6, _activations.softplus,
       _activations.softsign, _activations.sigmoid_cross_entropy_with_logits])


def _fill(dtype, default_value):
    if default_value is not None:
        return convert_to_tensor(default_value, dtype_hint=_dt.as_dtype(dtype))._value
    return b"" if dtype == np.dtype(object) else 0


@_composite
def ragged_to_tensor(rt, default_value=None, shape=None):
    """`rt.to_tensor(default_value, shape=shape)`: the values scattered into a padded tensor."""
    values = rt._values
    n, lengths = len(rt), np.diff(rt._splits)
    rows, cols = n, int(lengths.max()) if n else 0
    if shape is not None:
        shape = list(shape)
        rows = n if shape[0] is None else int(shape[0])
        cols = cols if shape[1] is None else int(shape[1])
    rowids, colids = rt._rowids(), rt._cols()
    keep = (rowids < rows) & (colids < cols)
    if not keep.all():
        values = _bind(_s.gather_rows, values, np.flatnonzero(keep))
        rowids, colids = rowids[keep], colids[keep]
    dtype = values._value.dtype
    base = np.empty((rows, cols) + values._value.shape[1:], dtype=dtype)
    base[...] = _fill(dtype, default_value)
    if not len(rowids):
        return Tensor(base)
    return _bind(_s.tensor_scatter_update, Tensor(base), values, key=(rowids, colids))


_REDUCERS = {"reduce_sum": _r.reduce_sum, "reduce_mean": _r.reduce_sum,
             "reduce_max": _r.reduce_max, "reduce_min": _r.reduce_min}


@_composite
def ragged_reduce(rt, op="reduce_sum", axis=None, keepdims=False):
    """`tf.reduce_sum` / `reduce_mean` / `reduce_max` / `reduce_min` of a RaggedTensor: over
    all values (axis None), down the rows (axis 0: one result per column) or along each row
    (axis 1). As TensorFlow, an empty row's mean is NaN and its maximum (minimum) is the
    dtype's lowest (highest) value."""
    prim = _REDUCERS.get(op)
    if prim is None:
        raise NotImplementedError(f"tf.{op} of a RaggedTensor is not supported by tapegrad; "
                                  "use reduce_sum, reduce_mean, reduce_max or reduce_min")
    values = rt._values
    if axis is None:
        return _bind(_r.reduce_mean if op == "reduce_mean" else prim, values,
                     axis=None, keepdims=bool(keepdims))
    axis = int(axis) + (2 + values._value.ndim - 1 if int(axis) < 0 else 0)
    if axis not in (0, 1):
        inner = RaggedTensor(_bind(prim, values, axis=(axis - 1,), keepdims=bool(keepdims)),
                             rt._splits)
        return inner if op != "reduce_mean" else inner / values._value.shape[axis - 1]
    dtype = values._value.dtype
    fill = 0
    if op in ("reduce_max", "reduce_min"):
        info = np.finfo(dtype) if dtype.kind == "f" else np.iinfo(dtype)
        fill = info.min if op == "reduce_max" else info.max
    dense = ragged_to_tensor(rt, default_value=Tensor(np.asarray(fill, dtype)))
    out = _bind(prim, dense, axis=(axis,), keepdims=bool(keepdims))
    if op == "reduce_mean":
        counts = np.diff(rt._splits) if axis == 1 else np.bincount(
            rt._cols(), minlength=dense._value.shape[1])
        counts = counts.reshape(counts.shape + (1,) * (dense._value.ndim - 2))
        if keepdims:
            counts = np.expand_dims(counts, axis)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = out / Tensor(counts.astype(dtype))
    return out


def ragged_concat(values, axis):
    """`tf.concat` of RaggedTensors: more rows (axis 0) or longer rows (axis 1)."""
    rts = [v if isinstance(v, RaggedTensor) else RaggedTensor.from_tensor(v) for v in values]
    flat = [rt._values for rt in rts]
    joined = flat[0] if len(flat) == 1 else _bind(_s.concat, *flat, axis=0)
    axis = int(axis) % (1 + flat[0]._value.ndim)
    if axis == 0:
        offsets = np.cumsum([0] + [rt._splits[-1] for rt in rts[:-1]])
        splits = np.concatenate([[0]] + [rt._splits[1:] + off for rt, off in zip(rts, offsets)])
        return RaggedTensor(joined, splits)
    if axis != 1:
        raise _invalid("concat", f"axis {axis} is not supported for ragged tensors; use 0 or 1")
    n = len(rts[0])
    if any(len(rt) != n for rt in rts):
        raise _invalid("concat", f"row counts {[len(rt) for rt in rts]} differ; concatenating "
                                 "along axis 1 needs the same number of rows.")
    starts = np.cumsum([0] + [rt._splits[-1] for rt in rts[:-1]])
    order = [np.arange(rt._splits[i], rt._splits[i + 1]) + s for i in range(n)
             for rt, s in zip(rts, starts)]
    order = np.concatenate(order) if order else np.zeros(0, np.int64)
    lengths = sum(np.diff(rt._splits) for rt in rts)
    return RaggedTensor(_bind(_s.gather_rows, joined, order.astype(np.int64)),
                        np.concatenate([[0], np.cumsum(lengths)]))


def constant(pylist, dtype=None, ragged_rank=None, inner_shape=None, name=None,
             row_splits_dtype=None):
    """A RaggedTensor from a nested list of rows (`tf.ragged.constant`).

    Rows hold scalars, or equal-shape lists when `ragged_rank=1` (uniform inner dimensions).

    Raises:
        NotImplementedError: for more than one ragged dimension (ragged_rank > 1).
        ValueError: if the rows mix nesting depths or inner shapes.
    """
    rows = list(pylist)
    if ragged_rank not in (None, 1):
        raise NotImplementedError("tf.ragged.constant: tapegrad's RaggedTensor has one ragged "
                                  f"dimension; ragged_rank={ragged_rank} is not supported")
    items = [item for row in rows for item in row]
    if ragged_rank is None and any(isinstance(item, (list, tuple)) for item in items):
        lengths = {len(item) for item in items if isinstance(item, (list, tuple))}
        raise NotImplementedError(
            "tf.ragged.constant: rows of lists make a second ragged dimension, which tapegrad's "
            "RaggedTensor does not have; pass ragged_rank=1 if the inner lists all have one "
            f"length (lengths here: {sorted(lengths)})")
    np_dtype = None if dtype is None else _dt.as_dtype(dtype)._np
    if items:
        values = convert_to_tensor(items, dtype=dtype)
    else:
        values = Tensor(np.zeros((0,), np_dtype or np.float32))
    return RaggedTensor(values, np.concatenate([[0], np.cumsum([len(r) for r in rows])]))


def map_flat_values(op, *args, **kwargs):
    """`op` applied to the flat values of the RaggedTensors among the arguments (all with the
    same rows); the result has those rows."""
    splits = None

    def flat(a):
        nonlocal splits
        if isinstance(a, RaggedTensor):
            if splits is not None and not np.array_equal(splits, a._splits):
                raise _invalid("map_flat_values", "the ragged arguments' rows differ")
            splits = a._splits
            return a._values
        return a

    args = [flat(a) for a in args]
    kwargs = {k: flat(v) for k, v in kwargs.items()}
    if splits is None:
        raise ValueError("tf.ragged.map_flat_values: no RaggedTensor among the arguments")
    return RaggedTensor(convert_to_tensor(op(*args, **kwargs)), splits)


def ragged_range(starts, limits=None, deltas=1, dtype=None, name=None,
                 row_splits_dtype=None):
    """`tf.ragged.range`: row i is `range(starts[i], limits[i], deltas[i])` (one argument: `range(0, starts[i])`),
    the arguments broadcast against each other; the dtype is theirs (int32 for Python ints).

    Raises:
        InvalidArgumentError: for a delta of 0.
    """
    if limits is None:
        starts, limits = 0, starts
    tensors = [convert_to_tensor(v, dtype=dtype) for v in (starts, limits, deltas)]
    kind = np.result_type(*[t._value.dtype for t in tensors]) if dtype is None else \
        _dt.as_dtype(dtype)._np
    s, lim, d = np.broadcast_arrays(*[np.atleast_1d(t._value) for t in tensors])
    if (d == 0).any():
        raise _invalid("range", "deltas must be nonzero")
    rows = [np.arange(a, b, c, dtype=kind) for a, b, c in zip(s, lim, d)]
    values = np.concatenate(rows) if rows else np.zeros(0, kind)
    return RaggedTensor(Tensor(values.astype(kind)),
                        np.concatenate([[0], np.cumsum([len(r) for r in rows])]))


def boolean_mask(data, mask, name=None):
    """The entries of `data` where `mask` is true, row by row: a RaggedTensor for 2-D data (or
    a RaggedTensor with a mask of the same rows), a Tensor for 1-D data, as TensorFlow's
    `tf.ragged.boolean_mask`; differentiable with respect to the kept values.

    Raises:
        InvalidArgumentError: for a mask of another shape or rows than the data, or not bool.
    """
    if isinstance(data, RaggedTensor):
        if not isinstance(mask, RaggedTensor) or not np.array_equal(mask._splits, data._splits):
            raise _invalid("boolean_mask", "a RaggedTensor's mask must be a RaggedTensor of the "
                                           "same row lengths")
        keep = np.asarray(mask._values._value)
        splits = data._splits
        values = data._values
    else:
        values = convert_to_tensor(data)
        keep = np.asarray(convert_to_tensor(mask)._value)
        if keep.shape != values._value.shape[:keep.ndim] or keep.ndim not in (1, 2):
            raise _invalid("boolean_mask", f"mask of shape {list(keep.shape)} does not match "
                                           f"data of shape {list(values._value.shape)}")
        if keep.ndim == 1:
            return _bind(_s.gather_rows, values, np.flatnonzero(keep).astype(np.int64))
        splits = np.arange(0, keep.size + 1, keep.shape[1], dtype=np.int64)
        values = _bind(_s.reshape, values, shape=(keep.size,) + values._value.shape[2:])
        keep = keep.reshape(-1)
    if keep.dtype != np.bool_:
        raise _invalid("boolean_mask", f"the mask must be bool, got {keep.dtype}")
    kept = np.flatnonzero(keep).astype(np.int64)
    counts = np.add.reduceat(keep.astype(np.int64), splits[:-1]) if len(keep) else np.zeros(
        len(splits) - 1, np.int64)
    counts = np.where(np.diff(splits) == 0, 0, counts)  # (reduceat of an empty row)
    return RaggedTensor(_bind(_s.gather_rows, values, kept),
                        np.concatenate([[0], np.cumsum(counts)]).astype(np.int64))
