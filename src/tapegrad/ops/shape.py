"""Shape primitives: reshape, transpose, indexing, row gathers, scatters, concat, stack and pad."""

import functools

import numpy as np

from .._core.errors import InvalidArgumentError
from .._core.indexed_slices import IndexedSlices
from .._core.primitive import LINEAR, NONE, defprimitive
from .._core.tensor import Tensor
from ._util import batch_shape, from_end
from ._util import plain as _plain

# Array methods, not np.reshape / np.transpose: the same views without the dispatch wrapper.
reshape = defprimitive(
    "reshape", lambda x, shape: x.reshape(shape),
    vjp=lambda g, out, x, shape: reshape(g, shape=batch_shape(g, out) + x._value.shape),
    jvp=LINEAR, saves=(),
)


def _transpose(x, perm=None):
    return x.transpose(perm)


def _transpose_vjp(g, out, x, perm=None):
    nb = len(batch_shape(g, out))
    n = x._value.ndim
    perm = tuple(range(n))[::-1] if perm is None else tuple(int(p) % n for p in perm)
    inverse = tuple(np.argsort(perm).tolist())
    return transpose(g, perm=tuple(range(nb)) + tuple(p + nb for p in inverse))


transpose = defprimitive(
    "transpose", _transpose, vjp=_transpose_vjp, jvp=LINEAR, saves=(),
)


def _batched_key(key, nb):
    return (slice(None),) * nb + key


def _has_array(key):
    return any(isinstance(k, (np.ndarray, list)) for k in key)


getitem = defprimitive(
    "getitem", lambda x, key: x[key],
    vjp=lambda g, out, x, key: getitem_grad(
        g, shape=batch_shape(g, out) + x._value.shape,
        key=_batched_key(key, len(batch_shape(g, out)))),
    jvp=LINEAR,
)


def _getitem_grad(g, shape, key):
    """Scatters g into zeros of `shape` at `key`, adding where an index repeats."""
    z = np.zeros(shape, dtype=g.dtype)
    if _has_array(key):
        np.add.at(z, key, g)
    else:
        z[key] = g
    return z


getitem_grad = defprimitive(
    "getitem_grad", _getitem_grad,
    vjp=lambda g, out, x, shape, key: getitem(
        g, key=_batched_key(key, len(batch_shape(g, out)))),
    jvp=LINEAR,
)


def _gather_rows(x, indices):
    """`x`'s rows at `indices`; an index outside [0, len(x)) is an InvalidArgumentError, checked
    here rather than before the call, so that a traced function checks the indices of each
    call."""
    plain = _plain(indices)  # (the check is every replay's own: _util.plain)
    if plain.size and (plain.min() < 0 or plain.max() >= x.shape[0]):
        bad = (plain < 0) | (plain >= x.shape[0])
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise InvalidArgumentError(
            f"gather: indices{list(where)} = {int(plain[where])} is not in [0, {x.shape[0]}) "
            f"(params shape {list(x.shape)}).", op="gather")
    return x[indices]


def _gather_rows_vjp(g, out, x, indices):
    batch = batch_shape(g, out)
    if batch:  # a batch of cotangents (tape.jacobian): dense, IndexedSlices have no batch axes
        return getitem_grad(g, shape=batch + x._value.shape,
                            key=_batched_key((indices.numpy(),), len(batch)))
    rows = reshape(g, shape=(-1,) + x._value.shape[1:])
    shape = Tensor(np.asarray(x._value.shape, dtype=np.int32))
    return IndexedSlices(rows, reshape(indices, shape=(-1,)), shape)


# `x[indices]` on axis 0 with TensorFlow's gradient for a gather there: IndexedSlices of the
# looked-up rows, so that an update of a large table touches only them. The indices are an
# input (a tensor, which a traced function may be given), not a parameter.
gather_rows = defprimitive(
    "gather_rows", _gather_rows, vjp=(_gather_rows_vjp, NONE), jvp=LINEAR, dtype_args=(0,),
)


def _label_index(x, labels):
    """`labels` as indices into the last axis of `x` (whose leading axes may add a batch of
    cotangents), each checked to lie in [0, classes): at every replay of a traced function."""
    classes = x.shape[-1]
    plain = _plain(labels)
    if plain.size and (plain.min() < 0 or plain.max() >= classes):
        value = int(plain[(plain < 0) | (plain >= classes)].flat[0])
        raise InvalidArgumentError(
            f"sparse_softmax_cross_entropy_with_logits: received a label value of {value} which "
            f"is outside the valid range of [0, {classes})",
            op="sparse_softmax_cross_entropy_with_logits")
    return np.broadcast_to(plain[..., None], x.shape[:-1] + (1,))


def _take_labels(x, labels):
    return np.take_along_axis(x, _label_index(x, labels), -1)[..., 0]


def _put_labels(g, labels, classes):
    z = np.zeros(g.shape + (classes,), g.dtype)
    np.put_along_axis(z, _label_index(z, labels), g[..., None], -1)
    return z


# x[..., labels]: each row's entry at its integer label along the last axis (a sparse
# cross-entropy's pick of log-probabilities), the labels an input, so that a traced function
# may pick at its own labels; and its reverse, g put at the labels of a zero tensor.
take_labels = defprimitive(
    "take_labels", _take_labels,
    vjp=(lambda g, out, x, labels: put_labels(g, labels, classes=x._value.shape[-1]), NONE),
    jvp=LINEAR, dtype_args=(0,), saves=(1,),
)
put_labels = defprimitive(
    "put_labels", _put_labels,
    vjp=(lambda g, out, y, labels, classes: take_labels(g, labels), NONE),
    jvp=LINEAR, dtype_args=(0,), saves=(1,),
)


# tf.where(condition) with one argument: the indices of the nonzero (true) elements, an int64
# matrix (a primitive, so that a traced function computes them at every call).
where_indices = defprimitive(
    "where_indices", lambda c: np.argwhere(c.astype(bool, copy=False)).astype(np.int64),
    vjp=NONE, differentiable=False,
)


def _row_at(x, index):
    """The int row index `index` (a 0-d integer array, negative from the end) into `x`, or
    getitem's InvalidArgumentError; checked at every call (a traced function's own index)."""
    k, n = int(_plain(index)), x.shape[0] if x.ndim else 0
    if not -n <= k < n:
        raise InvalidArgumentError(
            f"getitem: cannot index a tensor of shape {list(x.shape)} with [{k}]: index {k} is "
            f"out of bounds for axis 0 with size {n}.", op="getitem")
    return k


def _put_row(g, index, rows):
    z = np.zeros((rows,) + g.shape, dtype=g.dtype)
    z[_row_at(z, index)] = g
    return z


# x[i] for a 0-d integer tensor i that a traced function computes (a loop's counter): the
# index an input, not a parameter, so that each call indexes its own row; its reverse puts the
# cotangent at that row of zeros (dense, as TensorFlow's strided slice gradient).
take_row = defprimitive(
    "take_row", lambda x, index: x[_row_at(x, index)],
    vjp=(lambda g, out, x, index: put_row(g, index, rows=x._value.shape[0]), NONE),
    jvp=LINEAR, dtype_args=(0,), batchable=False, saves=(1,),
)
put_row = defprimitive(
    "put_row", _put_row,
    vjp=(lambda g, out, y, index, rows: take_row(g, index), NONE),
    jvp=LINEAR, dtype_args=(0,), batchable=False, saves=(1,),
)


def _tensor_scatter_update(x, u, key):
    out = x.copy()
    out[key] = u  # a repeated position takes its last update
    return out


def _zero_at_key(g, out, x, u, key):
    nb = len(batch_shape(g, out))
    return tensor_scatter_update(g, Tensor(np.zeros((), g._value.dtype)),
                                 key=_batched_key(key, nb))


# `x` with `x[key]` set to `u` (TensorScatterUpdate; a basic-index key is a strided slice
# update). As TensorFlow, the replaced positions send no gradient to `x`, and every update, a
# repeated one too, gets the gradient at its position.
tensor_scatter_update = defprimitive(
    "tensor_scatter_update", _tensor_scatter_update,
    vjp=(_zero_at_key,
         lambda g, out, x, u, key: getitem(g, key=_batched_key(key, len(batch_shape(g, out))))),
    jvp=LINEAR,
)


def _scatter_extremum(ufunc):
    def forward(x, u, key):
        out = x.copy()
        ufunc.at(out, key, u)
        return out

    return forward


def _extremum_shares(out, x, u, key):
    """TensorFlow's split of the gradient between `x` and the updates that equal the result:
    each of the tied values gets an equal share (the x share, the updates' shares)."""
    x_hit = (x._value == out._value)
    u_hit = np.broadcast_to(u._value, out._value[key].shape) == out._value[key]
    count = x_hit.astype(out._value.dtype)
    np.add.at(count, key, u_hit)
    dtype = out._value.dtype
    return Tensor((x_hit / count).astype(dtype)), Tensor((u_hit / count[key]).astype(dtype))


def _extremum_rules():
    def vjp_x(g, out, x, u, key):
        return g * _extremum_shares(out, x, u, key)[0]

    def vjp_u(g, out, x, u, key):
        shares = _extremum_shares(out, x, u, key)[1]
        return getitem(g, key=_batched_key(key, len(batch_shape(g, out)))) * shares

    def jvp_x(t, out, x, u, key):
        return t * _extremum_shares(out, x, u, key)[0]

    def jvp_u(t, out, x, u, key):
        shares = _extremum_shares(out, x, u, key)[1]
        return getitem_grad(t * shares, shape=out._value.shape, key=key)

    return {"vjp": (vjp_x, vjp_u), "jvp": (jvp_x, jvp_u)}


# TensorScatterMax / TensorScatterMin: ties share the gradient equally, as TensorFlow's rule.
tensor_scatter_max = defprimitive(
    "tensor_scatter_max", _scatter_extremum(np.maximum), **_extremum_rules())
tensor_scatter_min = defprimitive(
    "tensor_scatter_min", _scatter_extremum(np.minimum), **_extremum_rules())


# -- variadic primitives -----------------------------------------------------------------------

MAX_ARGS = 64  # tensors one variadic call takes; the public wrappers chunk longer lists


def per_argument(rule):
    """The reverse rules of a variadic primitive, one per argument position.

    The engine asks for the rule of argument i by position and passes no index, so the
    position is bound here: `rule(i, g, out, *args, **params)`.
    """
    return tuple(functools.partial(rule, i) for i in range(MAX_ARGS))


def _concat_vjp(i, g, out, *xs, axis):
    axis = from_end(axis, out._value.ndim)
    start = sum(x._value.shape[axis] for x in xs[:i])
    size = xs[i]._value.shape[axis]
    key = (Ellipsis, slice(start, start + size)) + (slice(None),) * (-axis - 1)
    return getitem(g, key=key)


concat = defprimitive(
    "concat", lambda *xs, axis=0: np.concatenate(xs, axis=axis),
    vjp=per_argument(_concat_vjp), jvp=LINEAR,
)


def _stack_vjp(i, g, out, *xs, axis):
    axis = from_end(axis, out._value.ndim)
    return getitem(g, key=(Ellipsis, i) + (slice(None),) * (-axis - 1))


# A primitive for speed: one call and one copy instead of a reshape per part and a concat.
stack = defprimitive(
    "stack", lambda *xs, axis=0: np.stack(xs, axis=axis),
    vjp=per_argument(_stack_vjp), jvp=LINEAR,
)


def _pad(x, paddings, constant_values=0):
    return np.pad(x, paddings, mode="constant", constant_values=constant_values)


def _pad_vjp(g, out, x, paddings, constant_values=0):
    key = tuple(slice(lo, lo + n) for (lo, _), n in zip(paddings, x._value.shape))
    return getitem(g, key=(Ellipsis,) + key)


# Constant mode only (mirror modes compose slices and concat). Not LINEAR: f(0) is the fill.
pad = defprimitive(
    "pad", _pad, vjp=_pad_vjp,
    jvp=lambda t, out, x, paddings, constant_values=0: pad(t, paddings=paddings),
)

# Ops, not constants, so that a traced program reads the shape of each call's values (a loop
# variable whose shape varies under shape_invariants, an input of unknown size).
shape = defprimitive(
    "shape", lambda x, out_type=np.int32: np.array(np.shape(x), dtype=out_type),
    differentiable=False,
)
size = defprimitive(
    "size", lambda x, out_type=np.int32: np.array(np.size(x), dtype=out_type),
    differentiable=False,
)
