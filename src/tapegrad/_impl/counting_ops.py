"""Counting, searching and masks: tf.math.count_nonzero, bincount, confusion_matrix,
in_top_k, and tf.histogram_fixed_width, tf.searchsorted, tf.sequence_mask.

None has a gradient (integer or boolean results, or counts of values). The work that reads
values is in the primitives of ops/counting.py; these functions check what the shapes, dtypes
and static arguments allow before binding them.
"""

import numpy as np

from .._core import dtypes as _dt
from .._core.bind import bind as _bind
from .._core.tensor import convert_to_tensor as _tensor
from .._core.tensor import is_tensor as _is_tensor
from ..ops import counting as _c
from ..ops import elementwise as _e
from .arguments import axes as _axes
from .arguments import static as _static
from .arguments import value_shaped as _value_shaped
from .array_ops import _invalid, cast
from .math_ops import reduce_sum

__all__ = [
    "bincount", "confusion_matrix", "count_nonzero", "histogram_fixed_width",
    "histogram_fixed_width_bins", "in_top_k", "searchsorted", "sequence_mask",
]


def count_nonzero(input, axis=None, keepdims=None, dtype=_dt.int64, name=None):  # noqa: A002
    """The number of non-zero elements along `axis` (all axes when None).

    NaN counts as non-zero; for strings, non-empty strings count.

    Args:
        input: a numeric, bool or string tensor.
        axis: None, an int or a list of ints.
        keepdims: keep reduced axes with length 1.
        dtype: the result's dtype (int64 by default).

    Raises:
        InvalidArgumentError: for an axis out of range.

    Example:
        >>> tapegrad.math.count_nonzero([[0., 1.], [2., 0.]], axis=0).numpy().tolist()
        [1, 1]
    """
    x = _tensor(input)
    axis = _axes("count_nonzero", axis, x._value.ndim)
    zero = np.asarray("" if x.dtype == _dt.string else 0, dtype=x._value.dtype)
    nonzero = _bind(_e.not_equal, x, _tensor(zero))
    return reduce_sum(cast(nonzero, dtype), axis=axis, keepdims=bool(keepdims))


def _int_or_none(op, name, value):
    value = _static(value)
    if value is None:
        return None
    if isinstance(value, (bool, float)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{op}: {name} must be an integer scalar, got {value!r}")
    return int(value)


def _as_int(op, name, value):
    """`value` as an integer tensor; floats are cast to int32, as TensorFlow's wrappers do."""
    t = _tensor(value, dtype_hint=_dt.int32)
    if t.dtype.is_floating:
        return cast(t, _dt.int32)
    if not t.dtype.is_integer:
        raise _invalid(op, f"{name} must be integers, got dtype {t.dtype.name}")
    return t


def bincount(arr, weights=None, minlength=None, maxlength=None, dtype=_dt.int32, name=None,
             axis=None, binary_output=False):
    """Counts how often each non-negative integer occurs in `arr`.

    Args:
        arr: non-negative integers (floats are cast to int32).
        weights: optional, of `arr`'s shape: each occurrence adds its weight instead of 1; the
            result then has the weights' dtype.
        minlength: the result has at least this many bins.
        maxlength: at most this many bins; larger values are ignored.
        dtype: the result's dtype without weights.
        axis: None (count over all of `arr`) or -1 (count each row of the last axis).
        binary_output: 1 where a value occurs, instead of its count.

    Returns:
        A 1-D tensor of length max(max(arr) + 1, minlength), at most maxlength (with axis=-1,
        `arr.shape[:-1]` plus that length).

    Raises:
        InvalidArgumentError: for a negative value or weights of another shape.
    """
    op = "bincount"
    values = _as_int(op, "arr", arr)
    if axis not in (None, 0, -1):
        raise _invalid(op, f"axis must be None, 0 or -1, got {axis!r}")
    params = dict(minlength=_int_or_none(op, "minlength", minlength),
                  maxlength=_int_or_none(op, "maxlength", maxlength),
                  dtype=_dt.as_dtype(dtype)._np, axis=-1 if axis == -1 else None,
                  binary_output=bool(binary_output))
    if params["minlength"] is None or params["minlength"] != params["maxlength"]:
        _value_shaped(op)  # its length is the largest value's, unless fixed
    if weights is None:
        return _bind(_c.bincount, values, **params)
    if binary_output:
        raise ValueError(f"{op}: arguments `binary_output` and `weights` are mutually "
                         "exclusive; pass one of them.")
    w = _tensor(weights)
    if w._value.shape != values._value.shape:
        raise _invalid(op, f"`weights` (shape {w.shape}) must have the shape of `arr` (shape "
                           f"{values.shape}).")
    return _bind(_c.bincount, values, w, **params)


def confusion_matrix(labels, predictions, num_classes=None, weights=None, dtype=_dt.int32,
                     name=None):
    """The confusion matrix: entry [i, j] counts the examples with label i predicted as j.

    Args:
        labels: 1-D integer class ids (floats are cast).
        predictions: 1-D integer class ids, as many as `labels`.
        num_classes: the matrix's size; by default the largest id + 1.
        weights: optional, one per example, added instead of 1 (cast to `dtype`).
        dtype: the result's dtype.

    Returns:
        A `[num_classes, num_classes]` tensor.

    Raises:
        InvalidArgumentError: for negative ids, ids >= num_classes, or labels, predictions and
            weights of different shapes.

    Example:
        >>> tapegrad.math.confusion_matrix([0, 1, 1], [0, 1, 0]).numpy().tolist()
        [[1, 0], [1, 1]]
    """
    op = "confusion_matrix"
    rows, cols = (cast(_as_int(op, n, v), _dt.int64)
                  for n, v in (("labels", labels), ("predictions", predictions)))
    if rows._value.ndim != 1 or rows._value.shape != cols._value.shape:
        raise _invalid(op, f"labels and predictions must be 1-D of the same length, got shapes "
                           f"{rows.shape} and {cols.shape}.")
    params = dict(num_classes=_int_or_none(op, "num_classes", num_classes),
                  dtype=_dt.as_dtype(dtype)._np)
    if params["num_classes"] is None:
        _value_shaped(op)  # its size is the largest id's
    if weights is None:
        return _bind(_c.confusion_matrix, rows, cols, **params)
    w = _tensor(weights)
    if w._value.shape != rows._value.shape:
        raise _invalid(op, f"weights (shape {w.shape}) must have the shape of labels (shape "
                           f"{rows.shape}).")
    return _bind(_c.confusion_matrix, rows, cols, w, **params)


def _histogram_args(op, x, value_range, nbins):
    """(value_range as a tensor of x's dtype, nbins as an int), checked as TensorFlow's."""
    bounds = _tensor(value_range, dtype_hint=x.dtype)
    if bounds._value.shape != (2,):
        raise _invalid(op, f"value_range should be a vector of 2 elements, got shape "
                           f"{bounds.shape}.")
    nbins = _int_or_none(op, "nbins", nbins)
    if nbins is None or nbins <= 0:
        raise _invalid(op, f"nbins should be a positive number, but got {nbins}.")
    return bounds, nbins


def histogram_fixed_width(values, value_range, nbins=100, dtype=_dt.int32, name=None):
    """Counts `values` in `nbins` equal bins spanning `value_range`; values below the range
    count in the first bin, values above it in the last.

    Args:
        values: a numeric tensor (any shape).
        value_range: [low, high], of `values`' dtype, low < high.
        nbins: the number of bins (> 0).
        dtype: int32 or int64.

    Raises:
        InvalidArgumentError: for nbins <= 0, a bad value_range, or NaN in `values`.

    Example:
        >>> tapegrad.histogram_fixed_width([-1., 0.5, 2., 5.], [0., 5.], nbins=5).numpy().tolist()
        [2, 1, 0, 0, 1]
    """
    op = "histogram_fixed_width"
    x = _tensor(values)
    bounds, nbins = _histogram_args(op, x, value_range, nbins)
    out = _dt.as_dtype(dtype)
    if out not in (_dt.int32, _dt.int64):
        raise _invalid(op, f"dtype must be int32 or int64, got {out.name}.")
    return _bind(_c.histogram_fixed_width, x, bounds, nbins=nbins, dtype=out._np)


def histogram_fixed_width_bins(values, value_range, nbins=100, dtype=_dt.int32, name=None):
    """The bin of each value among `nbins` equal bins spanning `value_range`, an int32 tensor
    of `values`' shape: values below the range fall in bin 0, values above it in the last (NaN
    in the int32 minimum, as TensorFlow). As TensorFlow's, `dtype` is not used.

    Raises:
        InvalidArgumentError: for integer values (TensorFlow's multiply refuses them), a
            value_range that is not [low, high] or nbins <= 0.

    Example:
        >>> tapegrad.histogram_fixed_width_bins([-1., 1.5, 2., 15.], [0., 5.], nbins=5
        ...     ).numpy().tolist()
        [0, 1, 2, 4]
    """
    op = "histogram_fixed_width_bins"
    x = _tensor(values)
    if not x.dtype.is_floating:
        raise _invalid(op, f"values must be floating-point, got {x.dtype.name} (TensorFlow's "
                           "multiply by the float bin count refuses integers); cast them first, "
                           "e.g. tf.cast(values, tf.float32).")
    bounds, nbins = _histogram_args(op, x, value_range, nbins)
    low, high = cast(bounds, x.dtype)[0], cast(bounds, x.dtype)[1]
    # TensorFlow's steps: scale to [0, 1], multiply by nbins, floor, clip, cast
    scaled = _bind(_e.divide, _bind(_e.subtract, x, low), _bind(_e.subtract, high, low))
    count = x.dtype.as_numpy_dtype(nbins)
    indices = _bind(_e.floor, _bind(_e.multiply, scaled, count))
    clipped = _bind(_e.minimum, _bind(_e.maximum, indices, count * 0), count - 1)
    return cast(clipped, _dt.int32)


def in_top_k(targets, predictions, k, name=None):
    """Whether each target class is among the `k` highest predictions of its row (TensorFlow 2
    argument order). A class tied with the k-th highest counts as in the top k; an
    out-of-range target or a non-finite prediction never does.

    Args:
        targets: `[batch]` int32/int64 class ids.
        predictions: `[batch, classes]` float32 scores.
        k: how many top classes count.

    Returns:
        A `[batch]` bool tensor.

    Raises:
        InvalidArgumentError: if predictions is not 2-D or has another batch size.
        ValueError: for float predictions other than float32 (TensorFlow's kernel takes
            float32 only).
    """
    op = "in_top_k"
    t = _tensor(targets)
    if t.dtype not in (_dt.int32, _dt.int64):
        raise _invalid(op, f"targets must be int32 or int64, got dtype {t.dtype.name}.")
    if _is_tensor(predictions) and _tensor(predictions).dtype != _dt.float32:
        raise ValueError(f"{op}: predictions must be float32, got "
                         f"{_tensor(predictions).dtype.name}; cast them with tf.cast.")
    p = _tensor(predictions, dtype=_dt.float32)
    if p._value.ndim != 2:
        raise _invalid(op, f"predictions must be 2-dimensional, got shape {p.shape}.")
    if t._value.shape != p._value.shape[:1]:
        raise _invalid(op, f"first dimension of predictions {p._value.shape[0]} must match "
                           f"the length of targets (shape {t.shape}).")
    return _bind(_c.in_top_k, t, p, k=_int_or_none(op, "k", k))


def searchsorted(sorted_sequence, values, side="left", out_type=_dt.int32, name=None):
    """For each value, the index in its row of `sorted_sequence` (innermost axis) where it
    would be inserted to keep the row sorted.

    Args:
        sorted_sequence: `[..., M]`, each row sorted ascending.
        values: `[..., K]` with the same leading dimensions and dtype.
        side: "left" (the first such index) or "right" (the last).
        out_type: int32 or int64.

    Raises:
        ValueError: for a side other than "left" or "right".
        InvalidArgumentError: for scalars, leading dimensions that differ, or different dtypes.

    Example:
        >>> tapegrad.searchsorted([0., 1., 1., 3.], [1., 2.]).numpy().tolist()
        [1, 3]
    """
    op = "searchsorted"
    if side not in ("left", "right"):
        raise ValueError(f"{op}: argument `side` must be either 'right' or 'left'. Received: "
                         f"`side` = {side!r}.")
    seq = _tensor(sorted_sequence)
    v = _tensor(values, dtype_hint=seq.dtype)
    if seq.dtype != v.dtype:
        raise _invalid(op, f"values (dtype {v.dtype.name}) must have the dtype of "
                           f"sorted_sequence ({seq.dtype.name}).")
    if seq._value.ndim == 0 or v._value.ndim == 0:
        raise _invalid(op, f"sorted_sequence and values must be at least 1-D, got shapes "
                           f"{seq.shape} and {v.shape}.")
    if seq._value.shape[:-1] != v._value.shape[:-1]:
        raise _invalid(op, f"leading dimensions of sorted_sequence (shape {seq.shape}) and "
                           f"values (shape {v.shape}) must match.")
    out = _dt.as_dtype(out_type)
    if out not in (_dt.int32, _dt.int64):
        raise _invalid(op, f"out_type must be int32 or int64, got {out.name}.")
    return _bind(_c.searchsorted, seq, v, side=side, out_type=out._np)


def sequence_mask(lengths, maxlen=None, dtype=_dt.bool, name=None):
    """A mask of the first `lengths[i]` positions: `mask[i, j] = j < lengths[i]`.

    Args:
        lengths: integer lengths (any shape).
        maxlen: the mask's last dimension, a scalar; by default the largest length.
        dtype: the result's dtype.

    Returns:
        A tensor of shape `lengths.shape + [maxlen]`.

    Raises:
        ValueError: if `maxlen` is not a scalar.
        InvalidArgumentError: for a negative maxlen.

    Example:
        >>> tapegrad.sequence_mask([1, 3], 4).numpy().tolist()
        [[True, False, False, False], [True, True, True, False]]
    """
    n = _tensor(lengths, dtype_hint=_dt.int32)
    target = _dt.as_dtype(dtype)._np
    if maxlen is None or _is_tensor(maxlen):
        _value_shaped("sequence_mask")  # its last dimension is the largest length, or maxlen's
    if maxlen is None:
        return _bind(_c.sequence_mask, n, dtype=target)
    limit = _tensor(maxlen, dtype_hint=_dt.int32)
    if limit._value.ndim != 0:
        raise ValueError(f"sequence_mask: argument `maxlen` must be scalar, received `maxlen` "
                         f"with shape {limit.shape} instead.")
    return _bind(_c.sequence_mask, n, limit, dtype=target)
