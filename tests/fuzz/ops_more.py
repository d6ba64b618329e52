"""The fuzzer's entries for repeat, meshgrid, roll, the segment reductions and the counting ops (bincount,
confusion_matrix, histogram_fixed_width, in_top_k, searchsorted, sequence_mask); ops.py adds
them to its table. The counting ops read values, so each entry casts its operand's values to
integers or compares them, with a margin that keeps them away from where a count changes."""

import numpy as np

from .ops import Op, _at_least, _axis, _min, _to_integer


def _roll(rng, s):
    return {"shift": int(rng.integers(-3, 4)), "axis": _axis(rng, len(s))}


def _sorted_ids(rng, s):
    # one sorted id per row; an id may be skipped (an empty segment)
    if not s[0]:
        return None
    return {"ids": np.sort(rng.integers(0, s[0] + 1, size=s[0])).tolist()}


def _loose_ids(rng, s):
    # ids for the leading one or two axes, in any order, -1 dropping a slice; every segment
    # below n gets a slice, so that no maximum is the dtype's lowest value
    lead = s[: int(rng.integers(1, min(len(s), 2) + 1))]
    size = int(np.prod(lead))
    if not size:
        return None
    n = int(rng.integers(1, size + 1))
    ids = np.concatenate([np.arange(n), rng.integers(-1, n, size=size - n)])
    return {"ids": rng.permutation(ids).reshape(lead).tolist(), "n": n}


def _segment_ties(x, ids, n=None):
    """The smallest gap between a segment's two largest values (a tie is a kink of its max)."""
    x, ids = np.asarray(x, dtype=float), np.asarray(ids).reshape(-1)
    if not x.size:
        return np.inf
    rows = x.reshape(ids.size, -1)
    gaps = [np.diff(np.sort(rows[ids == k], axis=0)[-2:], axis=0).ravel()
            for k in set(ids.tolist()) - {-1} if (ids == k).sum() > 1]
    return _min(np.concatenate(gaps) if gaps else [])


def _slices(rng, s):
    return {} if len(s) >= 1 and s[0] else None


def _rows(rng, s):
    return {"n": s[0]} if len(s) >= 1 and s[0] and int(np.prod(s)) else None


def _target_ties(x, n, k):
    rows = np.asarray(x, dtype=float).reshape(n, -1)
    return _min(np.abs(rows[:, 1:] - rows[:, :1]))


def _from(points):
    return lambda x, *_, **__: _min(np.abs(np.asarray(x, dtype=float)[..., None] - points))


def _int(scale):
    """|{0}| * scale as int32, NaN as 0 and at most 9 (a cast of NaN or inf to int32 is
    undefined)."""
    return (f"tf.cast(tf.clip_by_value(tf.where(tf.math.is_nan({{0}}), tf.zeros_like({{0}}), "
            f"tf.abs({{0}})) * {scale}, 0.0, 9.0), tf.int32)")


# NaN as 0.25, inside a bin (TensorFlow's histogram refuses NaN)
_NO_NAN = ("tf.where(tf.math.is_nan({0}), tf.fill(tf.shape({0}), tf.constant(0.25, {0}.dtype)), "
           "{0})")
_INT2 = _int(2.0)
_EDGES = np.array([-0.5, 0.0, 0.5])  # where a histogram bin or a searchsorted index changes

def _repeats(rng, s):
    # a count for all, or one count per index of a random axis; counts of at least 1, since
    # later entries draw indices along every axis (the generated checks cover a count of 0)
    if not s or rng.integers(2):
        return {"repeats": int(rng.integers(1, 3)), "axis": None}
    axis = _axis(rng, len(s))
    return {"repeats": rng.integers(1, 3, size=s[axis]).tolist(), "axis": axis}


MORE = [
    Op("repeat", "tf.repeat({0}, {repeats}, axis={axis})", params=_repeats),
    Op("meshgrid", "tf.stack(tf.meshgrid({0}, {0}[:1], indexing='{ix}'))",
       # not on an empty operand: later entries draw indices along every axis
       params=lambda rng, s: {"ix": ["xy", "ij"][int(rng.integers(2))]} if len(s) and int(
           np.prod(s)) else None),
    Op("roll", "tf.roll({0}, shift={shift}, axis={axis})", params=_at_least(1, _roll)),
    Op("segment_sum", "tf.math.segment_sum({0}, {ids})", params=_at_least(1, _sorted_ids)),
    Op("segment_mean", "tf.math.segment_mean({0}, {ids})", params=_at_least(1, _sorted_ids)),
    Op("segment_max", "tf.math.segment_max({0}, {ids})", params=_at_least(1, _sorted_ids),
       margin=_segment_ties),
    Op("unsorted_segment_sum", "tf.math.unsorted_segment_sum({0}, {ids}, {n})",
       params=_at_least(1, _loose_ids)),
    Op("unsorted_segment_mean", "tf.math.unsorted_segment_mean({0}, {ids}, {n})",
       params=_at_least(1, _loose_ids)),
    Op("unsorted_segment_max", "tf.math.unsorted_segment_max({0}, {ids}, {n})",
       params=_at_least(1, _loose_ids), margin=_segment_ties),
    Op("segment_min", "tf.math.segment_min({0}, {ids})", params=_at_least(1, _sorted_ids),
       margin=lambda x, ids: _segment_ties(-np.asarray(x), ids)),
    Op("unsorted_segment_min", "tf.math.unsorted_segment_min({0}, {ids}, {n})",
       params=_at_least(1, _loose_ids),
       margin=lambda x, ids, n: _segment_ties(-np.asarray(x), ids)),
    # smooth, but TensorFlow's second derivative divides by the element: NaN at a zero
    Op("segment_prod", "tf.math.segment_prod({0}, {ids})", params=_at_least(1, _sorted_ids),
       margin=lambda x, **_: _min(np.abs(x))),
    Op("unsorted_segment_prod", "tf.math.unsorted_segment_prod({0}, {ids}, {n})",
       params=_at_least(1, _loose_ids), margin=lambda x, **_: _min(np.abs(x))),
    Op("bincount",
       f"tf.cast(tf.math.bincount({_INT2}, minlength=4, maxlength=4), {{0}}.dtype)",
       margin=lambda x: _to_integer(2.0 * np.abs(x)), connects=()),
    Op("confusion_matrix", f"tf.cast(tf.math.confusion_matrix(tf.reshape(tf.minimum({_INT2}, 2)"
       f", [-1]), tf.reshape(tf.minimum({_int(3.0)}, 2), [-1]), num_classes=3), {{0}}.dtype)",
       margin=lambda x: min(_to_integer(2.0 * np.abs(x)), _to_integer(3.0 * np.abs(x))),
       connects=()),
    Op("sequence_mask", f"tf.cast(tf.sequence_mask({_INT2}, 3), {{0}}.dtype)",
       margin=lambda x: _to_integer(2.0 * np.abs(x)), connects=()),
    Op("histogram_fixed_width", f"tf.cast(tf.histogram_fixed_width({_NO_NAN}, tf.constant("
       "[-1.0, 1.0], {0}.dtype), nbins=4), {0}.dtype)", margin=_from(_EDGES),
       connects=()),
    Op("searchsorted", f"tf.cast(tf.searchsorted(tf.sort(tf.reshape({_NO_NAN}, [-1])), "
       "tf.constant([-0.5, 0.0, 0.5], {0}.dtype)), {0}.dtype)", margin=_from(_EDGES),
       connects=()),
    Op("in_top_k", "tf.cast(tf.math.in_top_k(tf.zeros([{n}], tf.int32), tf.cast(tf.reshape("
       "{0}, [{n}, -1]), tf.float32), {k}), {0}.dtype)",
       params=lambda rng, s: None if _rows(rng, s) is None else dict(
           _rows(rng, s), k=int(rng.integers(1, 3))), margin=_target_ties, connects=()),
    # the higher-order functions take a function: each entry passes a fixed smooth lambda (its
    # margin is the identity's, none), over a first dimension of at least one slice
    Op("map_fn", "tf.map_fn(lambda r: tf.sin(r) * r, {0})", params=_slices),
    Op("vectorized_map", "tf.vectorized_map(lambda r: tf.tanh(r) + r, {0})", params=_slices),
    Op("scan", "tf.scan(lambda a, e: a * 0.5 + tf.sin(e), {0}, reverse={reverse})",
       params=lambda rng, s: None if _slices(rng, s) is None else {
           "reverse": bool(rng.integers(0, 2))}),
    Op("foldl", "tf.foldl(lambda a, e: a * 0.5 + e * e, {0})", params=_slices),
    Op("foldr", "tf.foldr(lambda a, e: a * tf.cos(e) + e, {0}, initializer=tf.ones_like({0}[0]))",
       params=_slices),
]
