"""The data `adapt()` accepts, as batches of NumPy arrays: arrays, tensors, lists, `tf.data`
Datasets, PyDatasets and iterables of batches ((x, y) elements give x)."""

import itertools

import numpy as np

import tapegrad as tf

__all__ = ["adapt_by_batches", "batches_of", "is_array_data", "string_array"]


def _first(element):
    return element[0] if isinstance(element, tuple) else element


def _array(value):
    if isinstance(value, tf.Tensor):
        return value.numpy() if value.ndim else np.asarray(value.numpy())
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], str):
        return np.asarray([v.encode("utf-8") for v in value], dtype=object)
    if isinstance(value, str):
        return np.asarray([value.encode("utf-8")], dtype=object)
    array = np.asarray(value)
    if array.dtype.kind == "U":
        array = np.vectorize(lambda s: s.encode("utf-8"), otypes=[object])(array)
    return array


def batches_of(data, rebatch_elements=None):
    """(an iterator of NumPy batches, the shape of the first).

    A `tf.data` Dataset whose elements have rank `< 2` is batched by `rebatch_elements` (if
    given), as Keras batches an unbatched one. Strings become object arrays of UTF-8 bytes,
    as tapegrad's string tensors hold them.

    Raises:
        TypeError: for data of another kind; ValueError for an empty iterable.
    """
    if is_array_data(data):
        array = _array(data)
        return iter([array]), array.shape
    if hasattr(data, "element_spec") and hasattr(data, "batch"):
        spec = _first(data.element_spec)
        if rebatch_elements and len(tuple(spec.shape)) < 2 and not _is_batched(data):
            data = data.batch(rebatch_elements)
        batches = (_array(_first(e)) for e in data)
    elif hasattr(data, "__getitem__") and hasattr(data, "num_batches"):
        batches = (_array(_first(data[i])) for i in range(len(data)))
    elif hasattr(data, "__iter__"):
        batches = (_array(_first(e)) for e in data)
    else:
        raise TypeError(
            f"Unsupported data type: {type(data)}. `adapt` supports `np.ndarray`, tensors, "
            "`tf.data.Dataset`, `keras.utils.PyDataset`, and iterables of batches (e.g. list, "
            "generator)."
        )
    first = next(batches, None)
    if first is None:
        raise ValueError(
            "adapt() received an empty iterable (no batches). Expected at least one batch. "
            "Pass a non-empty iterable of arrays or tensors, e.g. layer.adapt([x])."
        )
    return itertools.chain([first], batches), first.shape


def is_array_data(data):
    """Whether `data` is one batch (an array, tensor, string, or list of strings or numbers)
    rather than batches to iterate."""
    return isinstance(data, (np.ndarray, tf.Tensor, str)) or _flat_values(data) or (
        isinstance(data, (list, tuple)) and bool(data)
        and all(_flat_values(row) for row in data)
    )


def _flat_values(data):
    """Whether `data` is a list of strings or numbers (one batch), not a list of batches."""
    return isinstance(data, (list, tuple)) and bool(data) and all(
        isinstance(v, (str, bytes, int, float, np.number)) for v in data
    )


def _is_batched(dataset):
    shape = tuple(_first(dataset.element_spec).shape)
    return bool(shape) and shape[0] is None


def adapt_by_batches(layer, data, steps=None):
    """The lookup layers' `adapt`: `reset_state`, `update_state` on each batch (`steps` at
    most) and `finalize_state`. As Keras, an array (or list) of rank 1 is a column, one token
    or document a row."""
    layer.reset_state()
    batches, _ = batches_of(data)
    if is_array_data(data):
        batches = (b.reshape(-1, 1) if b.ndim == 1 else b for b in batches)
    for i, batch in enumerate(batches):
        if steps is not None and i >= steps:
            break
        layer.update_state(batch)
    layer.finalize_state()


def string_array(inputs, owner, key=None, hint=""):
    """Any string input (tensor, array, list, str) as an object array of bytes: a string
    tensor's bytes as they are, other values through `key` (UTF-8 encoding by default).

    Raises:
        TypeError: for a tensor of another dtype (`owner` and `hint` name the layer and what
            to use instead).
    """
    if isinstance(inputs, tf.Tensor):
        if inputs.dtype != tf.string:
            raise TypeError(
                f"{owner} expects string inputs, got a tensor of dtype "
                f"{inputs.dtype.name}{hint}.")
        return np.asarray(inputs.numpy(), dtype=object)
    array = np.asarray(inputs, dtype=object)
    if key is None:
        key = _utf8
    return np.vectorize(key, otypes=[object])(array) if array.size else array


def _utf8(value):
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)
