"""Segment reductions: tf.math.segment_sum / segment_max / segment_min / segment_prod and their
unsorted forms, and the gather that is their reverse.

The segment ids are a tensor input, not a parameter, and every check of their values (sorted,
in range) happens in the forward, so that a traced function reduces (and checks) the ids of
each call. A segment_* result's length, ids[-1] + 1, is found there too. Each rule takes a
batch of cotangents (tape.jacobian): `nbatch` leading axes before the segment axis.
"""

import numpy as np

from .._core.errors import InvalidArgumentError
from .._core.primitive import LINEAR, NONE, defprimitive
from ._util import batch_shape
from ._util import plain as _plain
from .elementwise import (
    cast,
    divide,
    equal,
    greater,
    greater_equal,
    logical_and,
    maximum,
    multiply,
    where,
)
from .shape import reshape


def _count(op, ids):
    """The number of segments of sorted 1-D `ids`: ids[-1] + 1, after TensorFlow's checks."""
    plain = _plain(ids)
    if plain.size == 0:
        return 0
    if plain[0] < 0:
        raise InvalidArgumentError(f"{op}: segment id {int(plain[0])} is negative; segment ids "
                                   "must be sorted and >= 0.", op=op)
    down = np.flatnonzero(plain[1:] < plain[:-1])
    if down.size:
        i = int(down[0])
        raise InvalidArgumentError(
            f"{op}: segment ids are not increasing: segment_ids[{i}] = {int(plain[i])} > "
            f"segment_ids[{i + 1}] = {int(plain[i + 1])}. Sort them, or use "
            f"unsorted_{op} with num_segments.", op=op)
    return int(plain[-1]) + 1


def _check_range(op, ids, num_segments):
    plain = _plain(ids)
    bad = np.flatnonzero(plain.reshape(-1) >= num_segments)
    if bad.size:
        where_ = np.unravel_index(int(bad[0]), plain.shape)
        raise InvalidArgumentError(
            f"{op}: segment_ids{list(map(int, where_))} = {int(plain[where_])} is out of range "
            f"[0, {num_segments}) (num_segments = {num_segments}).", op=op)


def _reduce(ufunc, data, ids, num, nbatch, fill):
    """`data`'s slices reduced by `ufunc` into `num` segments along axis `nbatch`; negative ids
    are dropped, as TensorFlow's unsorted reductions drop them."""
    plain = _plain(ids)
    lead = data.shape[:nbatch]
    out = np.full(lead + (num,) + data.shape[nbatch + plain.ndim:], fill, dtype=data.dtype)
    keep = plain >= 0
    batch = (slice(None),) * nbatch
    if keep.all():
        ufunc.at(out, batch + (plain,), data.view(np.ndarray))
    else:
        ufunc.at(out, batch + (plain[keep],), data.view(np.ndarray)[batch + (keep,)])
    return out


def _lowest(dtype):
    return np.finfo(dtype).min if dtype.kind == "f" else np.iinfo(dtype).min


def _segment_sum(data, ids, nbatch=0):
    return _reduce(np.add, data, ids, _count("segment_sum", ids), nbatch, 0)


def _unsorted_segment_sum(data, ids, num_segments, nbatch=0):
    _check_range("unsorted_segment_sum", ids, num_segments)
    return _reduce(np.add, data, ids, num_segments, nbatch, 0)


def _highest(dtype):
    return np.finfo(dtype).max if dtype.kind == "f" else np.iinfo(dtype).max


def _sorted_extreme(op, ufunc, fill, data, ids):
    num = _count(op, ids)
    out = _reduce(ufunc, data, ids, num, 0, fill(data.dtype))
    empty = np.bincount(_plain(ids), minlength=num) == 0
    if empty.any():  # TensorFlow's sorted segment_max and _min give 0 for an empty segment
        out[empty] = 0
    return out


def _segment_max(data, ids):
    return _sorted_extreme("segment_max", np.maximum, _lowest, data, ids)


def _unsorted_segment_max(data, ids, num_segments):
    _check_range("unsorted_segment_max", ids, num_segments)
    return _reduce(np.maximum, data, ids, num_segments, 0, _lowest(data.dtype))


def _segment_min(data, ids):
    return _sorted_extreme("segment_min", np.minimum, _highest, data, ids)


def _unsorted_segment_min(data, ids, num_segments):
    _check_range("unsorted_segment_min", ids, num_segments)
    return _reduce(np.minimum, data, ids, num_segments, 0, _highest(data.dtype))


def _segment_gather(x, ids, nbatch=0):
    """x's slices along axis `nbatch` at `ids`, zeros where an id is negative (TensorFlow's
    _GatherDropNegatives): the reverse of the segment sums."""
    plain = _plain(ids)
    out = np.take(x, np.maximum(plain, 0), axis=nbatch)
    if plain.size and plain.min() < 0:
        drop = (plain < 0).reshape(plain.shape + (1,) * (x.ndim - nbatch - 1))
        out = np.where(drop, x.dtype.type(0), out)
    return out


def _nb(g, out, nbatch):
    return len(batch_shape(g, out)) + nbatch


def _gather_vjp(g, out, data, ids, nbatch=0, **_):
    return segment_gather(g, ids, nbatch=_nb(g, out, nbatch))


segment_sum = defprimitive(
    "segment_sum", _segment_sum, vjp=(_gather_vjp, NONE), jvp=LINEAR, dtype_args=(0,),
    saves=(1,),
)
unsorted_segment_sum = defprimitive(
    "unsorted_segment_sum", _unsorted_segment_sum, vjp=(_gather_vjp, NONE), jvp=LINEAR,
    dtype_args=(0,), saves=(1,),
)
segment_gather = defprimitive(
    "segment_gather", _segment_gather,
    vjp=(lambda g, out, x, ids, nbatch=0: unsorted_segment_sum(
        g, ids, num_segments=x._value.shape[nbatch], nbatch=_nb(g, out, nbatch)), NONE),
    jvp=LINEAR, dtype_args=(0,), saves=(1,),
)


def _selected(out, data, ids):
    """(where data holds its segment's maximum, how many do per segment): TensorFlow's
    _UnsortedSegmentMinOrMaxGrad splits a segment's gradient evenly among its tied maxima."""
    kept = reshape(greater_equal(ids, 0),
                   shape=ids._value.shape + (1,) * (data._value.ndim - ids._value.ndim))
    hit = logical_and(equal(data, segment_gather(out, ids)), kept)
    count = unsorted_segment_sum(cast(hit, dtype=data._value.dtype), ids,
                                 num_segments=out._value.shape[0])
    return hit, maximum(count, 1.0)


def _max_vjp(g, out, data, ids, **_):
    hit, count = _selected(out, data, ids)
    return where(hit, segment_gather(divide(g, count), ids, nbatch=_nb(g, out, 0)), 0.0)


def _max_jvp(t, out, data, ids, **_):
    hit, count = _selected(out, data, ids)
    return divide(unsorted_segment_sum(where(hit, t, 0.0), ids,
                                       num_segments=out._value.shape[0]), count)


segment_max = defprimitive(
    "segment_max", _segment_max, vjp=(_max_vjp, NONE), jvp=(_max_jvp, NONE), dtype_args=(0,),
)
unsorted_segment_max = defprimitive(
    "unsorted_segment_max", _unsorted_segment_max, vjp=(_max_vjp, NONE),
    jvp=(_max_jvp, NONE), dtype_args=(0,),
)
# The minimum's rules are the maximum's (TensorFlow's _UnsortedSegmentMinOrMaxGrad): the
# gradient goes to the elements equal to their segment's result, split evenly among ties.
segment_min = defprimitive(
    "segment_min", _segment_min, vjp=(_max_vjp, NONE), jvp=(_max_jvp, NONE), dtype_args=(0,),
)
unsorted_segment_min = defprimitive(
    "unsorted_segment_min", _unsorted_segment_min, vjp=(_max_vjp, NONE),
    jvp=(_max_jvp, NONE), dtype_args=(0,),
)


def _segment_prod(data, ids):
    return _reduce(np.multiply, data, ids, _count("segment_prod", ids), 0, 1)


def _unsorted_segment_prod(data, ids, num_segments):
    _check_range("unsorted_segment_prod", ids, num_segments)
    return _reduce(np.multiply, data, ids, num_segments, 0, 1)


def _prod_partial(out, data, ids, divisor):
    """(each element's partial derivative, where a segment holds two zeros or more), as
    TensorFlow's _SegmentProdGrad: the product divided by the element, or, at a segment's only
    zero, the product of the others; 0 throughout a segment with several zeros. TensorFlow's
    sorted form divides by the data with its zeros made 1, its unsorted form by the data (NaN
    in its second derivative at a zero): `divisor` says which."""
    num = out._value.shape[0]
    is_zero = equal(data, 0.0)
    zeros = unsorted_segment_sum(cast(is_zero, dtype=np.int32), ids, num_segments=num)
    safe = where(is_zero, 1.0, data)
    nonzero_prod = unsorted_segment_prod(safe, ids, num_segments=num)
    ratio = divide(segment_gather(out, ids), safe if divisor == "safe" else data)
    return where(is_zero, segment_gather(nonzero_prod, ids), ratio), greater(zeros, 1)


def _prod_rules(divisor):
    def vjp(g, out, data, ids, **_):
        partial, several = _prod_partial(out, data, ids, divisor)
        return multiply(segment_gather(where(several, 0.0, g), ids, nbatch=_nb(g, out, 0)),
                        partial)

    def jvp(t, out, data, ids, **_):
        partial, several = _prod_partial(out, data, ids, divisor)
        total = unsorted_segment_sum(multiply(partial, t), ids,
                                     num_segments=out._value.shape[0])
        return where(several, 0.0, total)

    return {"vjp": (vjp, NONE), "jvp": (jvp, NONE)}


segment_prod = defprimitive("segment_prod", _segment_prod, dtype_args=(0,), **_prod_rules("safe"))
unsorted_segment_prod = defprimitive(
    "unsorted_segment_prod", _unsorted_segment_prod, dtype_args=(0,), **_prod_rules("data"),
)
