"""Reductions, and the broadcast / sum-to-shape pair the engine uses to undo broadcasting."""

import numpy as np

from .._core.registry import LINEAR, defprimitive
from ._util import batch_shape
from .shape import reshape


def _normalize_axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    return tuple(sorted(int(a) % ndim if ndim else 0 for a in axes))


def _expand_back(g, out, x_shape, axis, keepdims):
    """Broadcasts a (batched) cotangent of a reduction back to the reduced input's shape."""
    batch = batch_shape(g, out)
    if not keepdims:
        kept = list(x_shape)
        for a in _normalize_axes(axis, len(x_shape)):
            kept[a] = 1
        g = reshape(g, shape=batch + tuple(kept))
    return broadcast_to(g, shape=batch + tuple(x_shape))


def _sum(x, axis=None, keepdims=False):
    if isinstance(axis, list):
        axis = tuple(axis)
    return np.sum(x, axis=axis, keepdims=keepdims)


reduce_sum = defprimitive(
    "reduce_sum", _sum,
    vjp=lambda g, out, x, axis=None, keepdims=False: _expand_back(
        g, out, x._value.shape, axis, keepdims),
    jvp=LINEAR,
    cases=[(((2, 3),), dict(axis=a, keepdims=k)) for a in (None, 0, -1, (0, 1)) for k in (False, True)]
    + [(((),), dict(axis=None)), (((3,),), dict(axis=0))],
)


def _broadcast_vjp(g, out, x, shape):
    return sum_to_shape(g, shape=batch_shape(g, out) + x._value.shape,
                        nbatch=len(batch_shape(g, out)))


broadcast_to = defprimitive(
    "broadcast_to", lambda x, shape: np.broadcast_to(x, shape), vjp=_broadcast_vjp, jvp=LINEAR,
    cases=[(((3,),), dict(shape=(2, 3))), (((2, 1),), dict(shape=(2, 3))),
           (((),), dict(shape=(2,)))],
)


def _sum_to_shape(x, shape, nbatch=0):
    """Sums x (batch axes, then a broadcast of `shape`'s core) down to `shape`."""
    lead = x.ndim - len(shape)
    axes = tuple(range(nbatch, nbatch + lead))
    axes += tuple(
        i + lead for i in range(nbatch, len(shape)) if shape[i] == 1 and x.shape[i + lead] != 1
    )
    if axes:
        x = np.sum(x, axis=axes, keepdims=True)
    return x.reshape(shape)


def _sum_to_shape_vjp(g, out, x, shape, nbatch=0):
    # g: (extra batch) + shape. Insert the axes that the sum removed, then broadcast.
    extra = batch_shape(g, out)
    core = x._value.shape[nbatch:]
    lead = len(core) - (len(shape) - nbatch)
    keep = extra + shape[:nbatch] + (1,) * lead + shape[nbatch:]
    return broadcast_to(reshape(g, shape=keep), shape=extra + x._value.shape)


sum_to_shape = defprimitive(
    "sum_to_shape", _sum_to_shape, vjp=_sum_to_shape_vjp, jvp=LINEAR,
    cases=[(((2, 3),), dict(shape=(3,))), (((2, 3),), dict(shape=(2, 1))),
           (((4, 2, 3),), dict(shape=(4, 1, 3), nbatch=1)), (((2, 3),), dict(shape=()))],
)
