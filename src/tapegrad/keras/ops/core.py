"""`keras.ops` core functions: conversion, casting, shapes, slicing and scattering, gradients
and control flow. tapegrad runs eagerly, so `cond`, `while_loop`, `scan` and friends are
Python control flow over tensors (inside `tf.function` they run as the eager fallback does)."""

import builtins

import numpy as np

import tapegrad as tf

from ..backend import standardize_dtype
from ..keras_tensor import KerasTensor
from ._common import as_tensor, op

__all__ = [
    "cast",
    "cond",
    "convert_to_numpy",
    "convert_to_tensor",
    "custom_gradient",
    "dtype",
    "fori_loop",
    "is_tensor",
    "map",
    "saturate_cast",
    "scan",
    "scatter",
    "scatter_update",
    "shape",
    "slice",
    "slice_update",
    "stop_gradient",
    "switch",
    "unstack",
    "vectorized_map",
    "while_loop",
]


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """`x` as a tensor (Python floats as floatx, ints as int32), cast to `dtype` if given."""
    if isinstance(x, KerasTensor):
        return x if dtype is None else cast(x, dtype)
    return as_tensor(x, dtype)


def convert_to_numpy(x):
    """`x` as a NumPy array."""
    if isinstance(x, (tf.Tensor, tf.Variable)):
        return np.asarray(x.numpy())
    return np.asarray(x)


def is_tensor(x):
    """Whether `x` is a tapegrad tensor (or variable)."""
    return isinstance(x, (tf.Tensor, tf.Variable))


def shape(x):
    """The shape as a tuple (None for an unknown dimension of a Keras tensor)."""
    if isinstance(x, KerasTensor):
        return tuple(x.shape)
    return tuple(np.shape(x)) if not hasattr(x, "shape") else tuple(int(d) for d in x.shape)


def dtype(x):
    """The dtype's name, e.g. "float32"."""
    if isinstance(x, KerasTensor):
        return x.dtype.name
    return as_tensor(x).dtype.name


@op
def cast(x, dtype):
    """`x` as `dtype`."""
    return tf.cast(as_tensor(x), standardize_dtype(dtype))


@op
def saturate_cast(x, dtype):
    """`x` clipped to the range of `dtype`, then cast to it."""
    x = as_tensor(x)
    dtype = standardize_dtype(dtype)
    target = np.dtype(dtype)
    info = np.iinfo(target) if target.kind in "iu" else np.finfo(target)
    if x.dtype.is_floating or x.dtype.is_integer:
        source = np.iinfo(x.dtype.as_numpy_dtype) if x.dtype.is_integer else None
        low = info.min if source is None else max(info.min, source.min)
        high = info.max if source is None else min(info.max, source.max)
        x = tf.clip_by_value(x, tf.cast(low, x.dtype), tf.cast(high, x.dtype))
    return tf.cast(x, dtype)


@op
def stop_gradient(variable):
    """The value, with no gradient flowing back through it."""
    return tf.stop_gradient(as_tensor(variable))


def custom_gradient(f):
    """`tf.custom_gradient`: `f` returns (value, grad_fn)."""
    return tf.custom_gradient(f)


@op
def unstack(x, num=None, axis=0):
    """The slices of x along `axis`, as a list."""
    return tf.unstack(as_tensor(x), num=num, axis=axis)


@op
def slice(inputs, start_indices, shape):
    """The block of `shape` starting at `start_indices` (-1 in `shape`: to the end)."""
    x = as_tensor(inputs)
    starts = [int(s) for s in np.asarray(as_tensor(start_indices).numpy()).reshape(-1)]
    sizes = [int(s) for s in np.asarray(shape).reshape(-1)]
    key = tuple(
        builtins.slice(s, x.shape[i] if n == -1 else s + n)
        for i, (s, n) in enumerate(zip(starts, sizes))
    )
    return x[key]


def _flat_positions(shape, indices):
    indices = np.asarray(indices, np.int64)
    depth = indices.shape[-1]
    flat = np.ravel_multi_index(tuple(np.moveaxis(indices, -1, 0)), tuple(shape[:depth]))
    return flat.reshape(-1), depth


@op
def scatter(indices, values, shape):
    """Zeros of `shape` with `values` added at `indices` (repeated indices add up)."""
    return tf.scatter_nd(np.asarray(as_tensor(indices).numpy(), np.int64), as_tensor(values),
                         [int(d) for d in shape])


_SCATTER_REDUCTIONS = {None: "tensor_scatter_nd_update", "add": "tensor_scatter_nd_add",
                       "max": "tensor_scatter_nd_max", "min": "tensor_scatter_nd_min"}


@op
def scatter_update(inputs, indices, updates, reduction=None):
    """`inputs` with the entries at `indices` replaced by `updates` (or combined with them:
    reduction "add", "max", "min" or "mul"), as `tf.tensor_scatter_nd_update` and its kin."""
    x = as_tensor(inputs)
    shape = list(x.shape)
    idx = np.asarray(as_tensor(indices).numpy(), np.int64)
    updates = tf.reshape(as_tensor(updates, x.dtype.name), list(idx.shape[:-1]) + shape[
        idx.shape[-1]:])
    name = _SCATTER_REDUCTIONS.get(reduction)
    if name is not None:
        return getattr(tf, name)(x, idx, updates)
    if reduction != "mul":
        raise ValueError(f"scatter_update: unknown reduction {reduction!r}")
    flat, depth = _flat_positions(shape, idx)
    outer, inner = int(np.prod(shape[:depth])), int(np.prod(shape[depth:]))
    updates = tf.reshape(updates, [len(flat), inner])
    out = tf.reshape(x, [outer, inner])
    for i, p in enumerate(flat):  # in order, so repeated positions multiply
        row = tf.multiply(tf.gather(out, [p]), tf.gather(updates, [i]))
        out = tf.where((np.arange(outer) == p)[:, None], row, out)
    return tf.reshape(out, shape)


@op
def slice_update(inputs, start_indices, updates):
    """`inputs` with the block at `start_indices` replaced by `updates`."""
    x = as_tensor(inputs)
    updates = as_tensor(updates, x.dtype.name)
    starts = [int(s) for s in np.asarray(as_tensor(start_indices).numpy()).reshape(-1)]
    paddings = [[s, x.shape[i] - s - updates.shape[i]] for i, s in enumerate(starts)]
    mask = np.zeros(tuple(x.shape), bool)
    mask[tuple(builtins.slice(s, s + n) for s, n in zip(starts, updates.shape))] = True
    return tf.where(mask, tf.pad(updates, paddings), x)


# -- control flow --------------------------------------------------------------------------


def cond(pred, true_fn, false_fn):
    """true_fn() if pred else false_fn()."""
    return true_fn() if bool(np.asarray(convert_to_numpy(pred))) else false_fn()


def switch(index, branches, *operands):
    """branches[index](*operands), the index clamped to the branches."""
    i = int(np.clip(int(convert_to_numpy(index)), 0, len(branches) - 1))
    return branches[i](*operands)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Runs `loop_vars = body(*loop_vars)` while `cond(*loop_vars)` (at most
    `maximum_iterations` times); returns the final loop_vars in their structure."""
    single = not isinstance(loop_vars, (list, tuple))
    state = (loop_vars,) if single else tuple(loop_vars)
    count = 0
    while bool(np.asarray(convert_to_numpy(cond(*state)))):
        if maximum_iterations is not None and count >= maximum_iterations:
            break
        out = body(*state)
        state = (out,) if single else tuple(out) if isinstance(out, (list, tuple)) else (out,)
        count += 1
    if single:
        return state[0]
    return type(loop_vars)(state) if isinstance(loop_vars, (list, tuple)) else state


def fori_loop(lower, upper, body_fun, init_val):
    """val = body_fun(i, val) for i in range(lower, upper); returns val."""
    value = init_val
    for i in range(int(convert_to_numpy(lower)), int(convert_to_numpy(upper))):
        value = body_fun(i, value)
    return value


def _leaves(x):
    if isinstance(x, (list, tuple)):
        return [leaf for item in x for leaf in _leaves(item)]
    if isinstance(x, dict):
        return [leaf for k in sorted(x) for leaf in _leaves(x[k])]
    return [x]


def _pack(structure, leaves):
    it = iter(leaves)

    def build(s):
        if isinstance(s, (list, tuple)):
            return type(s)(build(v) for v in s)
        if isinstance(s, dict):
            return {k: build(s[k]) for k in sorted(s)}
        return next(it)

    return build(structure)


def _stack_outputs(outputs):
    if not outputs:
        return None
    leaves = [_leaves(o) for o in outputs]
    stacked = [tf.stack([as_tensor(v) for v in column]) for column in zip(*leaves)]
    return _pack(outputs[0], stacked)


def map(f, xs):
    """stack([f(x) for x in xs along axis 0]) (xs and the results may be nested)."""
    leaves = [as_tensor(v) for v in _leaves(xs)]
    n = leaves[0].shape[0]
    outputs = [f(_pack(xs, [leaf[i] for leaf in leaves])) for i in range(n)]
    return _stack_outputs(outputs)


def vectorized_map(function, elements):
    """`map(function, elements)` (tapegrad maps one element at a time)."""
    return map(function, elements)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """carry, y = f(carry, x) over the leading axis of xs (or `length` steps with x None);
    returns the final carry and the stacked ys."""
    leaves = None if xs is None else [as_tensor(v) for v in _leaves(xs)]
    n = length if leaves is None else leaves[0].shape[0]
    steps = range(n - 1, -1, -1) if reverse else range(n)
    carry, ys = init, []
    for i in steps:
        x = None if leaves is None else _pack(xs, [leaf[i] for leaf in leaves])
        carry, y = f(carry, x)
        ys.append(y)
    if reverse:
        ys.reverse()
    return carry, (None if not ys or ys[0] is None else _stack_outputs(ys))
