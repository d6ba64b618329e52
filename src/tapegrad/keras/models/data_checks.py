"""Checks of the data and arguments given to `fit`, `evaluate`, `predict` and the `*_on_batch`
methods, made before any weight or metric changes: a bad call fails with a message that names
the method and the offending length, value or dtype, and leaves the model as it was."""

import numbers

import numpy as np

from ..tree import flatten

__all__ = [
    "check_batch_size",
    "check_cardinality",
    "check_epochs",
    "check_steps",
    "check_validation_split",
    "validation_tuple",
]


def _leaves(data):
    return [leaf for leaf in flatten(data) if leaf is not None]


def check_cardinality(where, x, y=None, sample_weight=None, text=False):
    """Returns the number of samples of (x, y, sample_weight): the first dimension of every
    array, which must be the same (Keras's `check_data_cardinality`).

    Raises:
        ValueError: if x is missing, an array is a scalar, has a non-numeric dtype, or the
            arrays' first dimensions differ (the message lists each one's size).
    """
    if x is None or (isinstance(x, (list, tuple, dict)) and not _leaves(x)):
        raise ValueError(f"{where}: no input data: x is {x!r}; pass the inputs as `x`.")
    sizes, named = set(), []
    for label, part in (("x", x), ("y", y), ("sample_weight", sample_weight)):
        if part is None:
            continue
        part_sizes = []
        for leaf in _leaves(part):
            shape = getattr(leaf, "shape", None)
            if shape is None:
                continue  # not an array (a dataset, say): nothing to compare
            if len(shape) == 0:
                raise ValueError(
                    f"{where}: '{label}' is a scalar ({leaf!r}); pass arrays whose first "
                    "dimension is the number of samples."
                )
            dtype = getattr(leaf, "dtype", None)
            # Inputs may be text for a model that takes it (a string keras.Input, or a
            # TextVectorization, StringLookup or Hashing layer).
            kinds = "biufUSO" if label == "x" and text else "biuf"
            if isinstance(dtype, np.dtype) and dtype.kind not in kinds:
                raise ValueError(
                    f"{where}: '{label}' has dtype {dtype} (shape {tuple(shape)}); the data must "
                    "be numbers (booleans, integers or floats): convert it first."
                )
            part_sizes.append(int(shape[0]))
        sizes.update(part_sizes)
        named.append(f"'{label}' sizes: {', '.join(str(s) for s in part_sizes)}")
    if len(sizes) > 1:
        raise ValueError(
            f"{where}: data cardinality is ambiguous: {'; '.join(named)}. Make sure all arrays "
            "contain the same number of samples (their first dimension)."
        )
    return sizes.pop() if sizes else None


def check_batch_size(where, batch_size, default=32, name="batch_size"):
    """`batch_size` (or another count called `name`) as a positive int, `default` for None.

    Raises:
        TypeError: if it is not an integer.
        ValueError: if it is not positive.
    """
    if batch_size is None:
        return default
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral):
        raise TypeError(
            f"{where}: `{name}` must be a positive integer, got {batch_size!r} of type "
            f"{type(batch_size).__name__}"
        )
    if batch_size <= 0:
        raise ValueError(f"{where}: `{name}` must be a positive integer, got {batch_size}")
    return int(batch_size)


def check_steps(where, name, steps):
    """A number of steps: None or 0 for "all the data" (None is returned), else a positive int.

    Raises:
        TypeError: if it is not an integer.
        ValueError: if it is negative.
    """
    if steps is None or (isinstance(steps, numbers.Integral) and steps == 0):
        return None
    return check_batch_size(where, steps, name=name)


def check_epochs(where, epochs, initial_epoch=0):
    """Raises TypeError unless `epochs` and `initial_epoch` are integers."""
    for name, value in (("epochs", epochs), ("initial_epoch", initial_epoch)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(
                f"{where}: `{name}` must be an integer, got {value!r} of type "
                f"{type(value).__name__}"
            )


def check_validation_split(validation_split, n):
    """Raises ValueError unless 0 <= validation_split < 1 leaves both parts non-empty."""
    if isinstance(validation_split, bool) or not isinstance(validation_split, numbers.Real):
        raise TypeError(
            f"fit: `validation_split` must be a float in [0, 1), got {validation_split!r}"
        )
    if not 0 <= validation_split < 1:
        raise ValueError(
            f"fit: `validation_split` must be in [0, 1), got {validation_split}: it is the "
            "fraction of the data held out for validation."
        )
    if validation_split and n is not None:
        split = int(n * (1.0 - validation_split))
        if split == 0 or split == n:
            raise ValueError(
                f"fit: training data contains {n} samples, which is not sufficient to split it "
                f"into a validation and training set as specified by "
                f"`validation_split={validation_split}`."
            )


def validation_tuple(validation_data):
    """`validation_data` as (x, y, sample_weight).

    Raises:
        ValueError: unless it is a tuple or list of 2 or 3 items.
    """
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
        shape = getattr(validation_data, "shape", None)
        got = (
            f"an array of shape {tuple(shape)}"
            if shape is not None
            else f"{type(validation_data).__name__} of length {len(validation_data)}"
            if isinstance(validation_data, (tuple, list))
            else repr(validation_data)
        )
        raise ValueError(
            "fit: `validation_data` must be a tuple (x_val, y_val) or (x_val, y_val, "
            f"val_sample_weight), got {got}."
        )
    x, y, *rest = validation_data
    return x, y, (rest[0] if rest else None)
