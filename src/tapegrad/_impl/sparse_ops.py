"""`tf.SparseTensor` and `tf.sparse.*`: a tensor given by the positions and values of its
non-missing entries.

The index arithmetic is NumPy (indices carry no gradient); the values go through tapegrad ops
(gathers and scatters), so every op here is differentiable with respect to the values, and
`sparse_dense_matmul` also with respect to its dense operand.
"""

import builtins
import itertools

import numpy as np

from .._core import dtypes as _dt
from .._core.indexed_slices import IndexedSlices
from .._core.primitive import composite as _composite
from .._core.tensor import Tensor, TensorShape
from .._core.tensor import convert_to_tensor as _tensor
from .arguments import invalid as _invalid
from .array_ops import broadcast_to, gather, gather_nd, reshape, transpose
from .math_ops import add, divide, multiply, reduce_max
from .scatter_ops import scatter_nd, tensor_scatter_nd_update

__all__ = [
    "SparseTensor",
    "add",
    "concat",
    "from_dense",
    "mask",
    "reduce_max",
    "reduce_sum",
    "reorder",
    "reshape",
    "retain",
    "slice",
    "sparse_dense_matmul",
    "to_dense",
    "transpose",
]

_public_add, _public_reshape, _public_transpose = add, reshape, transpose
_public_reduce_max = reduce_max


class SparseTensor:
    """A tensor of shape `dense_shape` whose entries are `values` at `indices`, and missing
    (read as zero) elsewhere.

    Args:
        indices: int64 of shape [N, rank]: the position of each value.
        values: a tensor of N values (differentiable: gradients flow to it).
        dense_shape: int64 of shape [rank].

    Example:
        >>> st = tapegrad.SparseTensor([[0, 1], [2, 0]], [1.0, 2.0], [3, 2])
        >>> tapegrad.sparse.to_dense(st).numpy().tolist()
        [[0.0, 1.0], [0.0, 0.0], [2.0, 0.0]]
    """

    __slots__ = ("_indices", "_shape", "_values")

    def __init__(self, indices, values, dense_shape):
        idx = np.asarray(_tensor(indices, dtype_hint=_dt.int64)._value)
        values = _tensor(values)
        shape = np.asarray(_tensor(dense_shape, dtype_hint=_dt.int64)._value)
        if idx.dtype.kind not in "iu" or shape.dtype.kind not in "iu":
            raise TypeError(f"SparseTensor: indices and dense_shape must be integers, got "
                            f"{idx.dtype} and {shape.dtype}")
        idx = idx.astype(np.int64).reshape(-1, shape.size) if idx.size == 0 else idx.astype(
            np.int64)
        if idx.ndim != 2 or shape.ndim != 1 or idx.shape[1] != shape.size or (
                values._value.shape != (idx.shape[0],)):
            raise ValueError(
                f"SparseTensor: indices of shape {list(idx.shape)} must be [N, rank] with rank = "
                f"len(dense_shape) = {shape.size}, and values of shape "
                f"{list(values._value.shape)} must be [N]")
        self._indices, self._values, self._shape = idx, values, shape.astype(np.int64)

    @property
    def indices(self):
        """The positions of the values: int64 [N, rank]."""
        return Tensor(self._indices)

    @property
    def values(self):
        """The N values."""
        return self._values

    @property
    def dense_shape(self):
        """The shape of the dense tensor: int64 [rank]."""
        return Tensor(self._shape)

    @property
    def shape(self):
        return TensorShape(tuple(int(d) for d in self._shape))

    @property
    def dtype(self):
        return self._values.dtype

    def get_shape(self):
        return self.shape

    def with_values(self, new_values):
        """The same positions with other values (of the same count)."""
        return SparseTensor(self._indices, new_values, self._shape)

    def _cwise(self, other, fn, op):
        # TensorFlow's sparse-dense elementwise ops: `other` broadcast to the dense shape and
        # read at the entries' positions; the result keeps this tensor's positions.
        if isinstance(other, SparseTensor):
            raise TypeError(f"SparseTensor {op}: the other operand must be dense, got a "
                            "SparseTensor; use tf.sparse.to_dense on one of them")
        dense = _tensor(other, dtype_hint=self.dtype)
        if dense._value.ndim:
            dense = broadcast_to(dense, self._dims())
            picked = gather_nd(dense, self._indices)
        else:
            picked = dense
        return SparseTensor(self._indices, fn(self._values, picked), self._shape)

    def __mul__(self, other):
        """Entries times `other` (dense, broadcast to the dense shape): a SparseTensor."""
        return self._cwise(other, multiply, "*")

    def __truediv__(self, other):
        """Entries divided by `other` (dense, broadcast to the dense shape): a SparseTensor."""
        return self._cwise(other, divide, "/")

    __div__ = __truediv__

    def _dims(self):
        return tuple(int(d) for d in self._shape)

    def __repr__(self):
        return (f"SparseTensor(indices={self.indices!r}, values={self._values!r}, "
                f"dense_shape={self.dense_shape!r})")

    @staticmethod
    def from_value(value):
        return value


def _sparse(op, sp):
    if not isinstance(sp, SparseTensor):
        raise TypeError(f"tf.sparse.{op}: expected a SparseTensor, got {type(sp).__name__}")
    return sp


def _linear(idx, shape):
    """Row-major positions of `idx` rows in `shape` (for ordering and matching)."""
    if idx.shape[1] == 0:
        return np.zeros(len(idx), np.int64)
    return np.ravel_multi_index(tuple(idx.T), tuple(int(d) for d in shape))


def _check_bounds(op, idx, shape):
    bad = ((idx < 0) | (idx >= shape)).any(axis=1)
    if bad.any():
        i = int(np.argmax(bad))
        raise _invalid(op, f"indices[{i}] = {idx[i].tolist()} is out of bounds: need 0 <= "
                           f"index < {shape.tolist()}.")


@_composite(name="sparse_to_dense")
def to_dense(sp_input, default_value=None, validate_indices=True, name=None):
    """The dense tensor: `values` at `indices`, `default_value` (0) elsewhere.

    Raises:
        InvalidArgumentError: with `validate_indices`, for indices out of bounds, repeated,
            or not in row-major order (`tf.sparse.reorder` fixes the order).
    """
    sp = _sparse("to_dense", sp_input)
    idx, shape = sp._indices, sp._shape
    if validate_indices and len(idx):
        _check_bounds("to_dense", idx, shape)
        lin = _linear(idx, shape)
        step = np.diff(lin)
        if (step <= 0).any():
            i = int(np.argmax(step <= 0)) + 1
            what = "is repeated" if step[i - 1] == 0 else "is out of order"
            raise _invalid("to_dense", f"indices[{i}] = {idx[i].tolist()} {what}. Many sparse "
                                       "ops require sorted indices. Use `tf.sparse.reorder` to "
                                       "create a correctly ordered copy.")
    fill = 0 if default_value is None else default_value
    base = Tensor(np.full(sp._dims(), _tensor(fill, dtype_hint=sp.dtype)._value,
                          dtype=sp._values._value.dtype))
    if not len(idx):
        return base
    return tensor_scatter_nd_update(base, idx, sp._values)


def from_dense(tensor, name=None):
    """The SparseTensor of the non-zero entries of `tensor`, in row-major order."""
    x = _tensor(tensor)
    idx = np.argwhere(x._value != 0).astype(np.int64)  # row-major, as flatnonzero
    values = gather(_public_reshape(x, [-1]), np.flatnonzero(x._value.reshape(-1) != 0))
    return SparseTensor(idx, values, np.asarray(x._value.shape, np.int64))


def reorder(sp_input, name=None):
    """The same entries in row-major (canonical) order."""
    sp = _sparse("reorder", sp_input)
    order = np.argsort(_linear(sp._indices, sp._shape), kind="stable")
    if (order == np.arange(len(order))).all():
        return sp
    return SparseTensor(sp._indices[order], gather(sp._values, order), sp._shape)


def _sum_by_position(idx, values, shape):
    """Entries with equal positions summed: (distinct sorted indices, their summed values)."""
    lin = _linear(idx, shape)
    positions, inverse = np.unique(lin, return_inverse=True)
    summed = scatter_nd(inverse.reshape(-1, 1), values, [len(positions)])
    return idx[np.unique(lin, return_index=True)[1]], summed, positions


@_composite(name="sparse_add")
def add(a, b, threshold=0, name=None):
    """The sum of two SparseTensors (a SparseTensor), or of a SparseTensor and a dense tensor
    (a dense tensor).

    As TensorFlow, a position present in both inputs is kept only if the magnitude of its sum
    is at least `threshold`; a position present in one input is always kept.

    Raises:
        InvalidArgumentError: if the dense shapes differ.
    """
    if not isinstance(a, SparseTensor):
        a, b = b, a
    a = _sparse("add", a)
    if not isinstance(b, SparseTensor):
        return _public_add(_scatter_sum(a), b)
    if not np.array_equal(a._shape, b._shape):
        raise _invalid("add", f"operands' shapes do not match: {a._shape.tolist()} and "
                              f"{b._shape.tolist()}.")
    idx = np.concatenate([a._indices, b._indices])
    values = _concat_values([a._values, b._values])
    lin_a, lin_b = _linear(a._indices, a._shape), _linear(b._indices, b._shape)
    out_idx, summed, positions = _sum_by_position(idx, values, a._shape)
    both = np.isin(positions, lin_a) & np.isin(positions, lin_b)
    keep = ~both | (np.abs(summed._value) >= np.abs(_tensor(threshold)._value))
    if keep.all():
        return SparseTensor(out_idx, summed, a._shape)
    rows = np.flatnonzero(keep)
    return SparseTensor(out_idx[rows], gather(summed, rows), a._shape)


def _concat_values(values):
    from .array_ops import concat as _concat

    return _concat(values, axis=0)


def _scatter_sum(sp):
    """The dense tensor with repeated positions summed (what a sparse + dense add reads)."""
    return scatter_nd(sp._indices, sp._values, sp._dims())


@_composite
def sparse_dense_matmul(sp_a, b, adjoint_a=False, adjoint_b=False, name=None):
    """`sp_a @ b` for a rank-2 SparseTensor `sp_a` and a dense matrix `b` (or a dense `sp_a`
    and a SparseTensor `b`); repeated positions add up. Differentiable with respect to the
    sparse values and the dense operand.

    Raises:
        InvalidArgumentError: if the inner dimensions differ.
    """
    if isinstance(b, SparseTensor) and not isinstance(sp_a, SparseTensor):
        # a @ B = (B^T a^T)^T
        out = sparse_dense_matmul(b, sp_a, adjoint_a=not adjoint_b, adjoint_b=not adjoint_a)
        return _public_transpose(out)
    sp = _sparse("sparse_dense_matmul", sp_a)
    dense = _tensor(b)
    if len(sp._shape) != 2 or dense._value.ndim != 2:
        raise _invalid("sparse_dense_matmul", f"needs a rank-2 SparseTensor and matrix, got "
                                              f"shapes {sp._shape.tolist()} and {dense.shape}.")
    rows, cols = sp._indices[:, 0], sp._indices[:, 1]
    m, k = (int(d) for d in sp._shape)
    if adjoint_a:
        rows, cols, m, k = cols, rows, k, m
    if adjoint_b:
        dense = _public_transpose(dense)
    if dense._value.shape[0] != k:
        raise _invalid("sparse_dense_matmul", f"inner dimensions differ: the sparse operand "
                                              f"is [{m}, {k}] and the dense one "
                                              f"{list(dense._value.shape)}.")
    picked = gather(dense, cols)  # [N, n]: row cols[i] of b, times value i, added to row rows[i]
    weighted = multiply(picked, _public_reshape(sp._values, [-1, 1]))
    return scatter_nd(rows.reshape(-1, 1), weighted, [m, int(dense._value.shape[1])])


def _reduce_axes(op, axis, rank):
    if axis is None:
        return tuple(builtins.range(rank))
    axes = np.asarray(axis).reshape(-1)
    if ((axes < -rank) | (axes >= rank)).any():
        raise _invalid(op, f"axis {np.asarray(axis).tolist()} is out of range for rank {rank}.")
    return tuple(sorted({int(a) % rank for a in axes}))


def _grouped(sp, axes, keepdims):
    """(distinct kept positions, the group of each entry, the kept dense shape)."""
    rank = len(sp._shape)
    kept = [d for d in builtins.range(rank) if d not in axes]
    out_shape = [1 if d in axes else int(sp._shape[d]) for d in builtins.range(rank)] if (
        keepdims) else [int(sp._shape[d]) for d in kept]
    key = sp._indices[:, kept]
    lin = _linear(key, [int(sp._shape[d]) for d in kept])
    positions, group = np.unique(lin, return_inverse=True)
    return positions, group, out_shape, [int(sp._shape[d]) for d in kept]


def _reduce(op, sp, axis, keepdims, output_is_sparse, segment):
    sp = _sparse(op, sp)
    axes = _reduce_axes(op, axis, len(sp._shape))
    positions, group, out_shape, kept_shape = _grouped(sp, axes, keepdims)
    values = segment(sp._values, group, len(positions))
    kept_idx = np.stack(np.unravel_index(positions, kept_shape), axis=1).astype(np.int64) if (
        kept_shape) else np.zeros((len(positions), 0), np.int64)
    if keepdims:
        full = np.zeros((len(positions), len(sp._shape)), np.int64)
        full[:, [d for d in builtins.range(len(sp._shape)) if d not in axes]] = kept_idx
        kept_idx = full
    if output_is_sparse:
        return SparseTensor(kept_idx, values, np.asarray(out_shape, np.int64))
    base = Tensor(np.zeros(out_shape, sp._values._value.dtype))
    if not out_shape:  # a full reduction: one group, if any entry
        return _public_reshape(values, []) if len(positions) else base
    return tensor_scatter_nd_update(base, kept_idx, values) if len(positions) else base


def _segment_sum(values, group, n):
    return scatter_nd(group.reshape(-1, 1), values, [n])


def _segment_max(values, group, n):
    # A dense [groups, entries] table with -inf off each entry's group: its row maxima.
    table = np.full((n, len(group)), -np.inf, dtype=values._value.dtype)
    table[group, np.arange(len(group))] = 0
    spread = _public_add(Tensor(table), _public_reshape(values, [1, -1]))
    return _public_reduce_max(spread, axis=1)


@_composite(name="sparse_reduce_sum")
def reduce_sum(sp_input, axis=None, keepdims=None, output_is_sparse=False, name=None):
    """The sum of the entries over `axis` (all axes by default): a dense tensor, or with
    `output_is_sparse` a SparseTensor of the positions some entry reaches."""
    return _reduce("reduce_sum", sp_input, axis, bool(keepdims), output_is_sparse, _segment_sum)


def reduce_max(sp_input, axis=None, keepdims=None, output_is_sparse=False, name=None):
    """The maximum of the present entries over `axis` (missing entries are not zeros here, as
    in TensorFlow); a dense result has 0 where no entry falls. Ties share the gradient."""
    return _reduce("reduce_max", sp_input, axis, bool(keepdims), output_is_sparse, _segment_max)


def concat(axis, sp_inputs, expand_nonconcat_dims=False, name=None):
    """The SparseTensors of `sp_inputs` joined along `axis`, in row-major order.

    Raises:
        InvalidArgumentError: if their ranks or their shapes off `axis` differ (unless
            `expand_nonconcat_dims`, which takes the largest of each).
    """
    sps = [_sparse("concat", s) for s in sp_inputs]
    rank = len(sps[0]._shape)
    axis = int(axis) % rank if -rank <= int(axis) < rank else None
    if axis is None:
        raise _invalid("concat", f"axis is out of range for rank {rank}.")
    shapes = np.stack([s._shape for s in sps])
    other = np.delete(shapes, axis, axis=1)
    if not expand_nonconcat_dims and (other != other[0]).any():
        raise _invalid("concat", f"the shapes {shapes.tolist()} differ off axis {axis}.")
    offsets = np.concatenate([[0], np.cumsum(shapes[:, axis])])
    parts = []
    for s, off in zip(sps, offsets):
        idx = s._indices.copy()
        idx[:, axis] += off
        parts.append(idx)
    shape = shapes.max(axis=0)
    shape[axis] = offsets[-1]
    return reorder(SparseTensor(np.concatenate(parts), _concat_values([s._values for s in sps]),
                                shape))


def _reshape(sp_input, shape, name=None):
    """The same entries in a tensor of `shape` (one dimension may be -1), row-major.

    Raises:
        InvalidArgumentError: if the element counts differ.
    """
    sp = _sparse("reshape", sp_input)
    new = np.asarray(shape, np.int64).reshape(-1)
    total = int(np.prod(sp._shape))
    if (new == -1).sum() == 1:
        rest = int(np.prod(new[new != -1]))
        new[new == -1] = total // rest if rest else 0
    if int(np.prod(new)) != total:
        raise _invalid("reshape", f"cannot reshape a SparseTensor of shape {sp._shape.tolist()} "
                                  f"({total} elements) to {np.asarray(shape).tolist()}.")
    lin = _linear(sp._indices, sp._shape)
    idx = np.stack(np.unravel_index(lin, tuple(new)), axis=1).astype(np.int64)
    return SparseTensor(idx.reshape(len(lin), len(new)), sp._values, new)


def _slice(sp_input, start, size, name=None):
    """The entries inside the box `start` to `start + size` (cut at the shape), re-indexed."""
    sp = _sparse("slice", sp_input)
    start = np.asarray(start, np.int64).reshape(-1)
    end = np.minimum(start + np.asarray(size, np.int64).reshape(-1), sp._shape)
    inside = ((sp._indices >= start) & (sp._indices < end)).all(axis=1)
    rows = np.flatnonzero(inside)
    return SparseTensor(sp._indices[rows] - start, gather(sp._values, rows),
                        np.maximum(end - start, 0))


def _transpose(sp_input, perm=None, name=None):
    """The entries with their axes permuted by `perm` (reversed by default), row-major."""
    sp = _sparse("transpose", sp_input)
    rank = len(sp._shape)
    perm = list(builtins.range(rank))[::-1] if perm is None else [int(p) for p in perm]
    if sorted(p % rank for p in perm) != list(builtins.range(rank)):
        raise _invalid("transpose", f"perm {perm} is not a permutation of {rank} axes.")
    return reorder(SparseTensor(sp._indices[:, perm], sp._values, sp._shape[perm]))


def retain(sp_input, to_retain):
    """The entries where the boolean vector `to_retain` (one per entry) is True."""
    sp = _sparse("retain", sp_input)
    keep = np.asarray(to_retain, bool).reshape(-1)
    if keep.shape != (len(sp._indices),):
        raise _invalid("retain", f"to_retain has {keep.size} entries for {len(sp._indices)} "
                                 "values.")
    rows = np.flatnonzero(keep)
    return SparseTensor(sp._indices[rows], gather(sp._values, rows), sp._shape)


def mask(a, mask_indices, name=None):
    """The IndexedSlices `a` without the rows whose index is in `mask_indices`."""
    if not isinstance(a, IndexedSlices):
        raise TypeError(f"tf.sparse.mask: expected IndexedSlices, got {type(a).__name__}")
    keep = np.flatnonzero(~np.isin(a.indices._value, np.asarray(mask_indices)))
    return IndexedSlices(gather(a.values, keep), Tensor(a.indices._value[keep]), a.dense_shape)


def _cross_columns(inputs):
    """Each input of `cross_hashed` as a list, per batch row, of its features (bytes or
    Python ints), and the batch size."""
    columns, batch = [], None
    for position, t in enumerate(inputs):
        if isinstance(t, SparseTensor):
            values, rows, size = t._values._value, t._indices[:, 0], int(t._shape[0])
            if t._shape.size != 2:
                raise _invalid("cross_hashed", f"sparse inputs must be matrices, got shape "
                                               f"{t._shape.tolist()} at position {position}.")
        else:
            values = _tensor(t)._value
            if values.ndim != 2:
                raise _invalid("cross_hashed", f"dense inputs should be matrices but received "
                                               f"shape {list(values.shape)} at position "
                                               f"{position}.")
            size = values.shape[0]
            rows, values = np.repeat(np.arange(size), values.shape[1]), values.reshape(-1)
        if values.dtype.kind not in "iuO":
            raise TypeError(f"cross_hashed: inputs must be int64, int32 or string tensors; "
                            f"got dtype {values.dtype} at position {position}.")
        if batch is not None and size != batch:
            raise _invalid("cross_hashed", f"expected batch size {batch}, got {size} at input "
                                           f"{position}.")
        batch = size
        column = [[] for _ in builtins.range(size)]
        for row, value in zip(rows.tolist(), values.tolist()):
            column[row].append(value)
        columns.append(column)
    return columns, batch


def cross_hashed(inputs, num_buckets=0, hash_key=None, name=None):
    """The hashed crosses of the features of each row: for inputs [[a, b]] and [[x]], row 0
    holds hash(a, x) and hash(b, x) (the first input's features varying slowest), each
    FingerprintCat64 of the features' fingerprints (FarmHash Fingerprint64 for strings, the
    value itself for integers) from `hash_key`, modulo `num_buckets` (if > 0).

    Args:
        inputs: 2-D tensors and SparseTensors of int64, int32 or strings, one row per example.
        num_buckets: the number of buckets; 0 for the whole int64 range.
        hash_key: the starting fingerprint (TensorFlow's default when None).

    Returns:
        An int64 SparseTensor of shape [batch, the largest number of crosses in a row].

    Raises:
        InvalidArgumentError: for inputs that are not matrices, batch sizes that differ or a
            negative `num_buckets`.
        TypeError: for inputs of another dtype.
    """
    from .string_hash import cross_fingerprint, default_cross_key  # loaded on first use

    if num_buckets < 0:
        raise _invalid("cross_hashed", f"num_buckets must be at least 0, got {num_buckets}.")
    key = default_cross_key if hash_key is None else hash_key
    columns, batch = _cross_columns(list(inputs))
    indices, values = [], []
    for row in builtins.range(batch or 0):
        features = [c[row] for c in columns]
        for j, cross in enumerate(itertools.product(*features)):
            indices.append((row, j))
            values.append(cross_fingerprint(cross, num_buckets, key))
    width = max((j + 1 for _, j in indices), default=0)
    return SparseTensor(np.asarray(indices, np.int64).reshape(-1, 2),
                        np.asarray(values, np.uint64).astype(np.int64), [batch or 0, width])


# The public names of tf.sparse that shadow the dense ops this module uses.
reshape, slice, transpose = _reshape, _slice, _transpose
