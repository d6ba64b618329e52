"""Shape primitives: reshape, transpose and indexing."""

import numpy as np

from .._core.registry import LINEAR, defprimitive
from ._util import batch_shape

reshape = defprimitive(
    "reshape", lambda x, shape: np.reshape(x, shape),
    vjp=lambda g, out, x, shape: reshape(g, shape=batch_shape(g, out) + x._value.shape),
    jvp=LINEAR,
    cases=[(((2, 3),), dict(shape=(3, 2))), (((6,),), dict(shape=(2, -1))),
           (((),), dict(shape=(1, 1)))],
)


def _transpose(x, perm=None):
    return np.transpose(x, perm)


def _transpose_vjp(g, out, x, perm=None):
    nb = len(batch_shape(g, out))
    n = x._value.ndim
    perm = tuple(range(n))[::-1] if perm is None else tuple(int(p) % n for p in perm)
    inverse = tuple(np.argsort(perm).tolist())
    return transpose(g, perm=tuple(range(nb)) + tuple(p + nb for p in inverse))


transpose = defprimitive(
    "transpose", _transpose, vjp=_transpose_vjp, jvp=LINEAR,
    cases=[(((2, 3),), dict(perm=None)), (((2, 3, 4),), dict(perm=(2, 0, 1)))],
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
    cases=[(((4, 3),), dict(key=(slice(1, 3),))), (((5,),), dict(key=(slice(None, None, -2),))),
           (((4, 3),), dict(key=(np.array([0, 2, 0]),))), (((2, 3, 4),), dict(key=(Ellipsis, 1))),
           (((3,),), dict(key=(None, slice(None))))],
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
    cases=[(((2,),), dict(shape=(4,), key=(slice(1, 3),))),
           (((3, 2),), dict(shape=(4, 2), key=(np.array([0, 2, 0]),)))],
)
