"""Counting and searching primitives, none differentiable: bincount, confusion_matrix,
histogram_fixed_width, in_top_k, searchsorted and sequence_mask.

Each result depends on the input's values (its length, too, for bincount, confusion_matrix
and sequence_mask without a bound), so each is a primitive whose NumPy forward does the work
and the value checks: a traced function replays it on each call's inputs.
"""

import numpy as np

from .._core.errors import InvalidArgumentError
from .._core.primitive import NONE, defprimitive
from ._util import plain as _plain

_NOT_DIFFERENTIABLE = dict(vjp=NONE, differentiable=False, dtype_args=())


def _first(mask):
    return tuple(int(i) for i in np.argwhere(mask)[0])


def _bincount(arr, *weights, minlength=None, maxlength=None, dtype=np.int32, axis=None,
              binary_output=False):
    values = _plain(arr)
    if values.size and values.min() < 0:
        at = _first(values < 0)
        raise InvalidArgumentError(f"bincount: input arr must be non-negative, got arr{list(at)}"
                                   f" = {int(values[at])}.", op="bincount")
    length = int(values.max()) + 1 if values.size else 0
    if minlength is not None:
        length = max(length, minlength)
    if maxlength is not None:
        length = min(length, max(maxlength, 0))
    rows = values.reshape(-1, values.shape[-1] if values.ndim else 1) if axis == -1 else (
        values.reshape(1, -1))
    kept = rows < length
    row_index = np.broadcast_to(np.arange(rows.shape[0])[:, None], rows.shape)[kept]
    out_dtype = weights[0].dtype if weights else dtype
    out = np.zeros((rows.shape[0], length), out_dtype)
    if binary_output:
        out[row_index, rows[kept]] = 1
    elif weights:
        np.add.at(out, (row_index, rows[kept]), _plain(weights[0]).reshape(rows.shape)[kept])
    else:
        np.add.at(out, (row_index, rows[kept]), 1)
    return out.reshape(values.shape[:-1] + (length,)) if axis == -1 else out[0]


bincount = defprimitive("bincount", _bincount, **_NOT_DIFFERENTIABLE)


def _check_classes(op, name, values, num_classes):
    if values.size and values.min() < 0:
        raise InvalidArgumentError(f"{op}: `{name}` contains negative values: {name}"
                                   f"{list(_first(values < 0))} = {int(values.min())}.", op=op)
    if num_classes is not None and values.size and values.max() >= num_classes:
        at = _first(values >= num_classes)
        raise InvalidArgumentError(f"{op}: `{name}` out of bound: {name}{list(at)} = "
                                   f"{int(values[at])} is not below num_classes = "
                                   f"{num_classes}.", op=op)


def _confusion_matrix(labels, predictions, *weights, num_classes=None, dtype=np.int32):
    rows, cols = _plain(labels), _plain(predictions)
    _check_classes("confusion_matrix", "labels", rows, num_classes)
    _check_classes("confusion_matrix", "predictions", cols, num_classes)
    if num_classes is None:
        num_classes = int(max(rows.max(), cols.max())) + 1 if rows.size else 0
    out = np.zeros((num_classes, num_classes), dtype)
    np.add.at(out, (rows, cols), _plain(weights[0]).astype(dtype) if weights else 1)
    return out


confusion_matrix = defprimitive("confusion_matrix", _confusion_matrix, **_NOT_DIFFERENTIABLE)


def _histogram_fixed_width(values, value_range, nbins=100, dtype=np.int32):
    op = "histogram_fixed_width"
    low, high = _plain(value_range).tolist()
    if not low < high:
        raise InvalidArgumentError(f"{op}: value_range should satisfy value_range[0] < "
                                   f"value_range[1], but got [{low}, {high}].", op=op)
    x = _plain(values).reshape(-1)
    if x.dtype.kind == "f" and np.isnan(x).any():
        raise InvalidArgumentError(f"{op}: histogram values must not contain NaN (at "
                                   f"values{list(_first(np.isnan(_plain(values))))}).", op=op)
    # TensorFlow's kernel: clip below, subtract in the values' dtype, divide in float64
    lo = x.dtype.type(low)
    step = float(x.dtype.type(high) - lo) / nbins
    offset = (np.maximum(x, lo) - lo).astype(np.float64)
    bins = np.minimum(offset / step, nbins - 1).astype(np.int64)
    return np.bincount(bins, minlength=nbins).astype(dtype)


histogram_fixed_width = defprimitive(
    "histogram_fixed_width", _histogram_fixed_width, **_NOT_DIFFERENTIABLE)


def _in_top_k(targets, predictions, k=1):
    t, p = _plain(targets), _plain(predictions)
    classes = p.shape[1]
    valid = (t >= 0) & (t < classes)
    target = p[np.arange(p.shape[0]), np.where(valid, t, 0)]
    # TensorFlow's InTopKV2: a class tied with the k-th best is in the top k; an out-of-range
    # target never is, nor any target of a row with a non-finite prediction
    above = (p > target[:, None]).sum(axis=1)
    return valid & np.isfinite(p).all(axis=1) & (above < k)


in_top_k = defprimitive("in_top_k", _in_top_k, **_NOT_DIFFERENTIABLE)


def _searchsorted(sorted_sequence, values, side="left", out_type=np.int32):
    seq, v = _plain(sorted_sequence), _plain(values)
    lead = int(np.prod(seq.shape[:-1]))
    rows, wanted = seq.reshape(lead, seq.shape[-1]), v.reshape(lead, v.shape[-1])
    found = np.asarray([np.searchsorted(r, w, side=side) for r, w in zip(rows, wanted)],
                       dtype=out_type).reshape(v.shape)
    if v.dtype.kind == "f":
        # TensorFlow's binary search compares with `<`, false for NaN: a NaN value goes first
        # (left) or last (right); NumPy would order NaN after everything
        found[np.isnan(v)] = 0 if side == "left" else seq.shape[-1]
    return found


searchsorted = defprimitive("searchsorted", _searchsorted, **_NOT_DIFFERENTIABLE)


def _sequence_mask(lengths, *maxlen, dtype=np.bool_):
    n = _plain(lengths)
    if maxlen:
        limit = _plain(maxlen[0])
        if limit < 0:
            raise InvalidArgumentError(f"sequence_mask: maxlen must be >= 0, got {limit}.",
                                       op="sequence_mask")
        n = n.astype(limit.dtype)
    else:
        limit = n.max() if n.size else n.dtype.type(0)
    return (np.arange(0, limit, dtype=n.dtype) < n[..., None]).astype(dtype)


sequence_mask = defprimitive("sequence_mask", _sequence_mask, **_NOT_DIFFERENTIABLE)
