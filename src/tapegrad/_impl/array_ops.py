"""Shapes and indexing at `tapegrad.*`: reshape, concat, pad, gather, `[]`, cast, ...

Most ops here are compositions of a few shape primitives (reshape, transpose, getitem, concat,
stack, pad, broadcast_to), so their derivatives of every order come from those.
"""

import builtins

import numpy as np

from .._core import dtypes as _dt
from .._core.bind import bind as _bind
from .._core.errors import InvalidArgumentError, UnimplementedError
from .._core.control import tracer as _tracer
from .._core.primitive import composite as _composite
from .._core.tensor import MAX_RANK, Tensor, rank_error
from .._core.tensor import convert_to_tensor as _tensor
from .._core.tensor import is_tensor as _is_tensor
from .._core.variable import Variable as _Variable
from ..ops import elementwise as _e
from ..ops import reductions as _r
from ..ops import shape as _s
from .arguments import invalid as _invalid
from .arguments import shape_arg as _shape_arg
from .arguments import static as _static
from .arguments import value_shaped as _value_shaped
from .ragged_tensor import RaggedTensor as _RaggedTensor
from .ragged_tensor import ragged_concat as _ragged_concat

__all__ = [
    "reshape", "transpose", "matrix_transpose", "squeeze", "expand_dims", "concat", "stack",
    "unstack", "split", "tile", "broadcast_to", "pad", "reverse", "gather", "gather_nd",
    "boolean_mask", "where", "getitem", "cast", "identity",
]

_SLICE_ALL = slice(None)


def _axis(op, axis, x, extra=0):
    """`axis` as a non-negative int for tensor `x`; `extra` = 1 where a new axis is inserted."""
    ndim = x._value.ndim + extra
    if type(axis) is not int:
        value = _static(axis)
        if isinstance(value, (bool, float)) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{op}: axis must be an integer, got {axis!r}")
        axis = int(value)
    if not -ndim <= axis < ndim:
        raise _invalid(op, f"axis {axis} is out of range for an input of shape {x.shape}; it "
                           f"must lie in [{-ndim}, {ndim}).")
    return axis % ndim


def _int_indices(op, indices):
    # a tensor's own array, not a read: a traced function may gather at its input's indices
    idx = indices._value if type(indices) is Tensor else np.asarray(indices)
    if idx.dtype.kind not in "iu":
        raise _invalid(op, f"indices must be integers (int32 or int64), got dtype {idx.dtype}")
    return idx


def _tensors(values, hint=None):
    """Converts a list of tensors and Python values; Python values take the first tensor's dtype,
    or without a tensor `hint` or else the first value's (TensorFlow's op-type inference)."""
    if all(type(v) is Tensor for v in values):
        return values
    hint = next((v.dtype for v in values if _is_tensor(v)), hint)
    if hint is None:
        hint = _tensor(values[0]).dtype
    return [_tensor(v, dtype_hint=hint) for v in values]


# -- reshaping ----------------------------------------------------------------------------------

def reshape(tensor, shape, name=None):
    """Returns `tensor` with a new shape (one dimension may be -1) and the same elements.

    Raises:
        InvalidArgumentError: if the element counts differ.
    """
    x = _tensor(tensor)
    shape = _shape_arg("reshape", shape, inferred=True)
    try:
        return _bind(_s.reshape, x, shape=shape)
    except InvalidArgumentError:
        raise _invalid(
            "reshape",
            f"cannot reshape a tensor with {x._value.size} elements (shape {x.shape}) to shape "
            f"{list(shape)}; the element counts must match (at most one dimension may be -1).",
        ) from None


def transpose(a, perm=None, conjugate=False, name="transpose"):
    """Permutes the axes of `a` (reverses them when `perm` is None)."""
    x = _tensor(a)
    if perm is not None:
        given = np.asarray(_static(perm))
        if given.dtype.kind not in "iu" and given.size:
            raise _invalid("transpose", f"perm must be integers (int32 or int64), got "
                                        f"{given.tolist()}")
        perm = tuple(int(p) for p in given.reshape(-1))
        if sorted(p % max(x.ndim, 1) for p in perm) != list(builtins.range(x.ndim)):
            raise _invalid(
                "transpose",
                f"perm {list(perm)} is not a permutation of the {x.ndim} axes of a tensor of "
                f"shape {x.shape}.",
            )
    return _bind(_s.transpose, x, perm=perm)


def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """Swaps the last two axes of `a` (rank >= 2)."""
    x = _tensor(a)
    if x.ndim < 2:
        raise _invalid("matrix_transpose", f"needs rank >= 2, got shape {x.shape}")
    n = x.ndim
    return _bind(_s.transpose, x, perm=tuple(builtins.range(n - 2)) + (n - 1, n - 2))


@_composite
def squeeze(input, axis=None, name=None):  # noqa: A002 - TensorFlow's name
    """Removes axes of size 1: all of them, or those listed in `axis` (which must be size 1).

    Raises:
        InvalidArgumentError: if an axis is out of range or its size is not 1.
    """
    x = _tensor(input)
    shape = x._value.shape
    if axis is None:
        return _bind(_s.reshape, x, shape=tuple(d for d in shape if d != 1))
    axis = _static(axis)
    drop = {_axis("squeeze", a, x) for a in (axis if isinstance(axis, (list, tuple))
                                                   else (axis,))}
    for a in sorted(drop):
        if shape[a] != 1:
            raise _invalid("squeeze", f"cannot squeeze axis {a} of a tensor of shape {x.shape}: "
                                      f"its size is {shape[a]}, not 1.")
    return _bind(_s.reshape, x, shape=tuple(d for i, d in enumerate(shape) if i not in drop))


@_composite
def expand_dims(input, axis, name=None):  # noqa: A002 - TensorFlow's name
    """Inserts an axis of size 1 at `axis` (in [-rank - 1, rank])."""
    x = _tensor(input)
    a = _axis("expand_dims", axis, x, 1)
    shape = x._value.shape
    if len(shape) >= MAX_RANK:
        raise rank_error("expand_dims", len(shape) + 1)
    return _bind(_s.reshape, x, shape=shape[:a] + (1,) + shape[a:])


def broadcast_to(input, shape, name=None):  # noqa: A002 - TensorFlow's name
    """Broadcasts `input` to `shape` (NumPy's rules); the gradient is summed back.

    Raises:
        InvalidArgumentError: if `input`'s shape does not broadcast to `shape`.
    """
    x = _tensor(input)
    shape = _shape_arg("broadcast_to", shape)
    have = x._value.shape
    if len(have) > len(shape) or any(
            a != b and a != 1 for a, b in zip(have[::-1], shape[::-1])):
        raise _invalid("broadcast_to", f"cannot broadcast a tensor of shape {list(have)} to "
                                       f"shape {list(shape)}: each dimension must be 1 or equal "
                                       "to the target's, counted from the last.")
    return _bind(_r.broadcast_to, x, shape=shape)


@_composite
def tile(input, multiples, name=None):  # noqa: A002 - TensorFlow's name
    """Repeats `input` `multiples[i]` times along axis i.

    Composed as reshape to (1, d0, 1, d1, ...), broadcast, reshape: its gradient sums the copies.
    A RaggedTensor's rows and each row's values are repeated, as TensorFlow's.
    """
    if isinstance(input, _RaggedTensor):
        return input._tiled(multiples)
    x = _tensor(input)
    multiples = _shape_arg("tile", multiples)
    shape = x._value.shape
    if len(multiples) != len(shape):
        raise _invalid("tile", f"multiples {list(multiples)} must have one entry per axis of the "
                               f"input, of shape {x.shape}.")
    spread = sum(((1, d) for d in shape), ())
    target = sum(((m, d) for m, d in zip(multiples, shape)), ())
    x = _bind(_s.reshape, x, shape=spread)
    x = _bind(_r.broadcast_to, x, shape=target)
    return _bind(_s.reshape, x, shape=tuple(m * d for m, d in zip(multiples, shape)))


# -- joining and splitting ----------------------------------------------------------------------

def _check_same(op, tensors, skip=None):
    first = tensors[0]._value.shape
    for i, t in enumerate(tensors[1:], 1):
        shape = t._value.shape
        if len(shape) != len(first) or any(
            a != b for k, (a, b) in enumerate(zip(first, shape)) if k != skip
        ):
            what = "must match" if skip is None else f"must match except along axis {skip}"
            raise _invalid(op, f"shapes of all inputs {what}: values[0].shape = {list(first)} "
                               f"!= values[{i}].shape = {list(shape)}.")


def concat(values, axis, name="concat"):
    """Joins tensors along an existing axis; all other dimensions must match.

    Raises:
        InvalidArgumentError: if the shapes, ranks or dtypes differ, or `axis` is out of range.
    """
    values = list(values) if isinstance(values, (list, tuple)) else [values]
    if not values:
        raise ValueError("concat: values is empty; pass at least one tensor")
    if any(isinstance(v, _RaggedTensor) for v in values):
        return _ragged_concat(values, axis)
    tensors = _tensors(values)
    if tensors[0].ndim == 0:
        raise _invalid("concat", "cannot concatenate scalars (shape ()); use tf.stack.")
    axis = _axis("concat", axis, tensors[0])
    _check_same("concat", tensors, skip=axis)
    while len(tensors) > _s.MAX_ARGS:
        tensors = [_bind(_s.concat, *tensors[i:i + _s.MAX_ARGS], axis=axis)
                   for i in builtins.range(0, len(tensors), _s.MAX_ARGS)]
    return _bind(_s.concat, *tensors, axis=axis)


def stack(values, axis=0, name="stack"):
    """Joins tensors of one shape along a new axis at `axis` (in [-rank - 1, rank]).

    Raises:
        InvalidArgumentError: if the shapes differ or `axis` is out of range.
    """
    values = list(values)
    if not values:  # as TensorFlow, which converts [] itself: an empty float32 vector
        return Tensor(np.zeros(0, np.float32))
    hint = None
    if not any(_is_tensor(v) for v in values):
        try:  # TensorFlow converts a list of Python values as one: stack([1, 2.0]) is float32
            hint = _tensor(values).dtype
        except (TypeError, ValueError):
            pass
    tensors = _tensors(values, hint)
    if tensors[0].ndim >= MAX_RANK:
        raise rank_error("stack", tensors[0].ndim + 1)
    axis = _axis("stack", axis, tensors[0], 1)
    _check_same("stack", tensors)
    if len(tensors) <= _s.MAX_ARGS:
        return _bind(_s.stack, *tensors, axis=axis)
    parts = [_bind(_s.stack, *tensors[i:i + _s.MAX_ARGS], axis=axis)
             for i in builtins.range(0, len(tensors), _s.MAX_ARGS)]
    return _bind(_s.concat, *parts, axis=axis)


def unstack(value, num=None, axis=0, name="unstack"):
    """Splits `value` along `axis` into a list of tensors of rank one less."""
    x = _tensor(value)
    if x.ndim == 0:
        raise ValueError("unstack: cannot unstack a scalar (shape ())")
    axis = _axis("unstack", axis, x)
    n = x._value.shape[axis]
    if num is not None and num != n:
        raise _invalid("unstack", f"num={num} but axis {axis} of shape {x.shape} has size {n}")
    lead = (_SLICE_ALL,) * axis
    return [_bind(_s.getitem, x, key=lead + (i,)) for i in builtins.range(n)]


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """Splits `value` along `axis` into equal parts (an int) or parts of given sizes (a list,
    one entry of which may be -1).

    Raises:
        InvalidArgumentError: if the sizes do not add up to the axis' size.
    """
    x = _tensor(value)
    axis = _axis("split", axis, x)
    n = x._value.shape[axis]
    sizes = _static(num_or_size_splits)
    if isinstance(sizes, (int, np.integer)):
        if sizes <= 0 or n % sizes:
            raise _invalid("split", f"{sizes} parts do not evenly divide axis {axis} of shape "
                                    f"{x.shape} (size {n}).")
        sizes = [n // sizes] * sizes
    else:
        sizes = [int(s) for s in sizes]
        if sizes.count(-1) == 1:
            sizes[sizes.index(-1)] = n - (sum(sizes) + 1)
        if sum(sizes) != n or any(s < 0 for s in sizes):
            raise _invalid("split", f"sizes {list(_static(num_or_size_splits))} do not add up "
                                    f"to the size {n} of axis {axis} of shape {x.shape}.")
    lead = (_SLICE_ALL,) * axis
    out, start = [], 0
    for s in sizes:
        out.append(_bind(_s.getitem, x, key=lead + (slice(start, start + s),)))
        start += s
    return out


@_composite
def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    """Pads `tensor` with `paddings[i] = [before, after]` entries along axis i.

    Modes: CONSTANT (fill with `constant_values`), REFLECT (mirror without the edge; each
    padding below the axis' size) and SYMMETRIC (mirror with the edge; padding up to the size).
    """
    x = _tensor(tensor)
    shape = x._value.shape
    pads = np.asarray(_static(paddings) if not isinstance(paddings, list) else paddings)
    if pads.shape != (len(shape), 2) or pads.dtype.kind not in "iu" or (pads < 0).any():
        raise _invalid("pad", f"paddings must be non-negative integers of shape [{len(shape)}, "
                              f"2] for an input of shape {x.shape}, got {pads.tolist()}.")
    pads = tuple((int(lo), int(hi)) for lo, hi in pads)
    mode = mode.upper()
    if mode == "CONSTANT":
        return _bind(_s.pad, x, paddings=pads, constant_values=_static(constant_values))
    if mode not in ("REFLECT", "SYMMETRIC"):
        raise ValueError(f"pad: mode must be CONSTANT, REFLECT or SYMMETRIC, got {mode!r}")
    edge = 1 if mode == "REFLECT" else 0
    if not any(lo or hi for lo, hi in pads):  # a new tensor all the same, as TF's MirrorPad
        return _bind(_e.identity, x)
    for axis, ((lo, hi), n) in enumerate(zip(pads, shape)):
        if max(lo, hi) > n - edge:
            raise _invalid("pad", f"{mode} paddings {[lo, hi]} of axis {axis} must be "
                                  f"{'less than' if edge else 'at most'} its size {n}.")
        if lo or hi:
            x = _mirror(x, axis, lo, hi, n, edge)
    return x


def _mirror(x, axis, lo, hi, n, edge):
    """Mirrors `lo` entries before and `hi` after along `axis`, skipping the edge if `edge`."""

    def backwards(first, last):  # indices first, first - 1, ..., last
        return _bind(_s.getitem, x, key=(_SLICE_ALL,) * axis + (
            slice(first, last - 1 if last > 0 else None, -1),))

    parts = [x]
    if lo:
        parts.insert(0, backwards(lo - 1 + edge, edge))
    if hi:
        parts.append(backwards(n - 1 - edge, n - edge - hi))
    return _bind(_s.concat, *parts, axis=axis)


@_composite
def reverse(tensor, axis, name=None):
    """Reverses the order of elements along each axis in `axis` (a list)."""
    x = _tensor(tensor)
    axes = _static(axis)
    listed = [_axis("reverse", a, x) for a in (axes if isinstance(axes, (list, tuple))
                                                 else (axes,))]
    axes = set(listed)
    if len(axes) != len(listed):
        raise _invalid("reverse", f"an axis is given more than once in {list(_static(axis))} "
                                  f"for an input of shape {x.shape}.")
    key = tuple(slice(None, None, -1) if i in axes else _SLICE_ALL
                for i in builtins.range(x.ndim))
    return _bind(_s.getitem, x, key=key)


# -- gathering ----------------------------------------------------------------------------------

def _check_range(op, idx, bounds, params):
    bad = (idx < 0) | (idx >= bounds)
    if bad.any():
        where_ = tuple(int(i) for i in np.argwhere(bad)[0])
        if op == "gather_nd":
            at = where_[:-1]
            raise _invalid(op, f"indices{list(at)} = {idx[at].tolist()} does not index into "
                               f"param shape {list(params._value.shape)}.")
        raise _invalid(op, f"indices{list(where_)} = {int(idx[where_])} is not in [0, "
                           f"{int(np.broadcast_to(bounds, idx.shape)[where_])}) (params shape "
                           f"{list(params._value.shape)}).")


def _batch_aranges(shape, ndim):
    """Index arrays that broadcast over the leading batch axes `shape` of a rank-`ndim` index."""
    return tuple(np.arange(d).reshape((1,) * i + (d,) + (1,) * (ndim - i - 1))
                 for i, d in enumerate(shape))


def _ragged_gather(rt, indices, axis, batch_dims):
    idx = _int_indices("gather", indices)
    if idx.ndim != 1 or axis not in (None, 0) or batch_dims:
        raise _invalid("gather", "a RaggedTensor's rows are gathered with 1-D indices along "
                                 f"axis 0; got indices of shape {list(idx.shape)}, axis {axis}, "
                                 f"batch_dims {batch_dims}")
    n = len(rt)
    if ((idx < 0) | (idx >= n)).any():  # negative ones too, as TensorFlow's RaggedGather
        raise _invalid("gather", f"indices {idx.tolist()} are out of range for {n} rows")
    return rt._rows(idx)


@_composite
def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    """Gathers slices of `params` along `axis` at `indices`; repeated indices add gradients.

    The result has shape params.shape[:axis] + indices.shape[batch_dims:] +
    params.shape[axis + 1:].

    A RaggedTensor's rows are gathered (1-D indices along axis 0), as TensorFlow's.

    Raises:
        InvalidArgumentError: if an index lies outside [0, params.shape[axis]).
    """
    if isinstance(params, _RaggedTensor):
        return _ragged_gather(params, indices, axis, batch_dims)
    x = _tensor(params)
    idx = _int_indices("gather", indices)
    b = int(batch_dims) + (idx.ndim if batch_dims < 0 else 0)
    axis = b if axis is None else _axis("gather", axis, x)
    if not 0 <= b <= min(axis, idx.ndim) or x._value.shape[:b] != idx.shape[:b]:
        raise _invalid("gather", f"batch_dims={batch_dims} needs the first batch_dims axes of "
                                 f"params {x.shape} and indices {list(idx.shape)} to match, and "
                                 f"batch_dims <= axis ({axis}).")
    if b == 0 and axis == 0:  # TensorFlow's gradient here is IndexedSlices
        if not _is_tensor(indices):  # Python ints are int32 indices, as TensorFlow's
            indices = idx if isinstance(indices, np.ndarray) else idx.astype(np.int32)
        return _bind(_s.gather_rows, x, indices)  # it checks the range (of each traced call)
    _check_range("gather", idx, x._value.shape[axis], x)
    if b == 0:
        return _bind(_s.getitem, x, key=(_SLICE_ALL,) * axis + (idx,))
    n = x.ndim
    if axis > b:  # bring axis next to the batch axes, so the index arrays stay adjacent
        x = _bind(_s.transpose, x, perm=tuple(builtins.range(b)) + (axis,) + tuple(
            i for i in builtins.range(b, n) if i != axis))
    out = _bind(_s.getitem, x, key=_batch_aranges(idx.shape[:b], idx.ndim) + (idx,))
    if axis == b:
        return out
    # out: batch, indices rest, params[b:axis], tail -> batch, params[b:axis], indices rest, tail
    r, m = idx.ndim - b, axis - b
    perm = (tuple(builtins.range(b)) + tuple(builtins.range(b + r, b + r + m))
            + tuple(builtins.range(b, b + r)) + tuple(builtins.range(b + r + m, out.ndim)))
    return _bind(_s.transpose, out, perm=perm)


@_composite
def gather_nd(params, indices, batch_dims=0, name=None):
    """Gathers slices of `params` at the index tuples in the last axis of `indices`.

    The result has shape indices.shape[:-1] + params.shape[batch_dims + indices.shape[-1]:].

    Raises:
        InvalidArgumentError: if an index tuple lies outside params.
    """
    x = _tensor(params)
    idx = _int_indices("gather_nd", indices)
    b = int(batch_dims)
    if idx.ndim < 1 or not 0 <= b < idx.ndim or b + idx.shape[-1] > x.ndim or (
            x._value.shape[:b] != idx.shape[:b]):
        raise _invalid("gather_nd", f"indices of shape {list(idx.shape)} (batch_dims={b}) do "
                                    f"not fit params of shape {x.shape}.")
    k = idx.shape[-1]
    _check_range("gather_nd", idx, np.asarray(x._value.shape[b:b + k]), x)
    key = _batch_aranges(idx.shape[:b], idx.ndim - 1) + tuple(idx[..., j]
                                                              for j in builtins.range(k))
    return _bind(_s.getitem, x, key=key)


@_composite
def boolean_mask(tensor, mask, axis=None, name="boolean_mask"):
    """The elements (or slices) of `tensor` where `mask` holds, flattened along the mask's axes.

    As in TensorFlow, a numeric mask selects its non-zero entries.

    Raises:
        ValueError: if the mask's shape does not match `tensor`'s dimensions at `axis`.
    """
    x = _tensor(tensor)
    m = np.asarray(mask)
    axis = 0 if axis is None else _axis("boolean_mask", axis, x)
    if m.dtype.kind in "iuf":  # TensorFlow reads a numeric mask as mask != 0
        m = m != 0
    elif m.dtype != np.bool_:
        raise TypeError(f"boolean_mask: mask must be a bool tensor, got dtype {m.dtype}")
    if m.ndim == 0 or x._value.shape[axis:axis + m.ndim] != m.shape:
        raise ValueError(f"boolean_mask: mask of shape {list(m.shape)} is incompatible with "
                         f"tensor of shape {x.shape} at axis {axis}.")
    return _bind(_s.getitem, x, key=(_SLICE_ALL,) * axis + (m,))


def where(condition, x=None, y=None, name=None):
    """Chooses elementwise from `x` where `condition` holds, else from `y` (broadcasting).

    The untaken branch receives a zero gradient, as in TensorFlow. If that branch evaluates to
    inf or NaN the product 0 * inf still gives NaN in TensorFlow and here; keep both branches
    finite, e.g. `tf.where(x > 0, tf.sqrt(tf.where(x > 0, x, 1.0)), 0.0)`.
    With only `condition`, returns the indices of its true elements as an int64 matrix.
    RaggedTensors of the same row lengths (and scalars) give a RaggedTensor, as TensorFlow's.
    """
    if x is not None and (isinstance(condition, _RaggedTensor) or isinstance(x, _RaggedTensor)
                          or isinstance(y, _RaggedTensor)):
        return _bind(_e.where, condition, x, y)  # RaggedTensor.bind_override
    cond = _tensor(condition)
    if x is None and y is None:
        _value_shaped("tf.where(condition)")
        return _bind(_s.where_indices, cond)
    if x is None or y is None:
        raise ValueError("where: give both x and y, or neither")
    if cond.dtype != _dt.bool:
        raise _invalid("where", f"condition must be a bool tensor, got dtype {cond.dtype.name}")
    x, y = _tensors([x, y])
    return _bind(_e.where, cond, x, y)


# -- indexing -----------------------------------------------------------------------------------

_PLAIN = frozenset({int, slice, type(None), type(Ellipsis)})
_BOUND = frozenset({int, type(None)})


def _index_error(k):
    return TypeError(
        "Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar "
        f"tf.int32/tf.int64 tensors are valid indices, got {k!r}"
    )


def _scalar_index(k):
    if isinstance(k, (bool, np.bool_)):
        raise _index_error(k)
    if isinstance(k, (int, np.integer)):
        return int(k)
    if _is_tensor(k):
        value = np.asarray(k)
        if value.ndim == 0 and value.dtype.kind in "iu":
            return int(value)
    raise _index_error(k)


def _index_part(k):
    if k is None or k is Ellipsis:
        return k
    if type(k) is slice:
        return slice(*(None if v is None else _scalar_index(v) for v in (k.start, k.stop, k.step)))
    return _scalar_index(k)


def getitem(tensor, key):
    """`tensor[key]`, as TensorFlow allows: ints, slices with steps (negative too), Ellipsis,
    `tf.newaxis` and scalar integer tensors; a list is read as a tuple of indices, and a bool
    tensor or NumPy bool array as a mask (`tf.boolean_mask`). The gradient scatters back into zeros.

    Raises:
        TypeError: for other index types (e.g. a vector of indices: use tf.gather).
        InvalidArgumentError: for an out-of-range index.
    """
    if type(key) is not tuple:
        if type(key) is list:
            key = tuple(key)
        elif type(key) in _PLAIN:
            key = (key,)
        elif _is_tensor(key) and key.dtype == _dt.bool or (
                type(key) is np.ndarray and key.dtype == np.bool_):
            return boolean_mask(tensor, key)
        else:
            key = (key,)
    if (len(key) == 1 and type(key[0]) is Tensor and key[0]._value.ndim == 0
            and key[0]._value.dtype.kind in "iu" and _tracer() is not None):
        return _bind(_s.take_row, tensor, key[0])  # a traced index: each call's own row
    for k in key:
        if type(k) not in _PLAIN or (type(k) is slice and not (
                type(k.start) in _BOUND and type(k.stop) in _BOUND and type(k.step) in _BOUND)):
            key = tuple(_index_part(k) for k in key)
            break
    try:
        return _bind(_s.getitem, tensor, key=key)
    except InvalidArgumentError:
        raise _index_failed(tensor, key) from None


# `tensor[key]`: installed with its function, which reads the key.
Tensor.__getitem__ = _Variable.__getitem__ = getitem


def _index_failed(tensor, key):
    """The error for an index that does not fit a tensor's shape, in the user's terms."""
    shape = _tensor(tensor)._value.shape
    try:  # NumPy's reason, from a stand-in of the same shape (no data)
        np.broadcast_to(np.zeros((), np.int8), shape)[key]
        reason = "it does not fit"
    except (IndexError, ValueError, TypeError) as err:
        reason = str(err)
    shown = ", ".join(_show_index(k) for k in key)
    return _invalid("getitem", f"cannot index a tensor of shape {list(shape)} with [{shown}]: "
                               f"{reason}.")


def _show_index(k):
    if type(k) is slice:
        return ":".join("" if v is None else str(v) for v in (k.start, k.stop, k.step)).rstrip(
            ":") or ":"
    if k is Ellipsis:
        return "..."
    return "tf.newaxis" if k is None else str(k)


# -- dtype and identity -------------------------------------------------------------------------

def cast(x, dtype, name=None):
    """Casts `x` to `dtype`. The gradient is cast back; integer or bool ends give None. A
    RaggedTensor's values are cast."""
    if isinstance(x, _RaggedTensor):
        return _RaggedTensor(cast(x.flat_values, dtype), x.row_splits)
    x = _tensor(x)
    try:
        target = _dt.as_dtype(dtype)
    except TypeError as err:
        raise TypeError(f"cast: {err}") from None
    if x.dtype == target:
        return x
    if (x.dtype == _dt.string) != (target == _dt.string):
        # TensorFlow's Cast has no kernel between strings and other types.
        raise UnimplementedError(
            f"cast: Cast {x.dtype.name} to {target.name} is not supported. Parse numbers from "
            "strings with tf.strings.to_number, and format values as strings with "
            "tf.strings.as_string.",
            op="Cast",
        )
    return _bind(_e.cast, x, dtype=target._np)


def identity(input, name=None):  # noqa: A002 - TensorFlow's name
    """Returns a tensor with the same value; the gradient passes through unchanged."""
    return _bind(_e.identity, input)
