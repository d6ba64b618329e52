"""Checks of the layers' constructor arguments, with Keras's error classes and messages that
name the layer, the argument and the value received."""

import numpy as np

__all__ = [
    "check_data_format", "check_float", "check_integer", "check_padding", "check_rank", "check_shape",
    "check_tuple",
]


def check_integer(owner, name, value, minimum=None, allow_none=False):
    """`value` as an int, for constructor argument `name` of `owner` (a class name).

    Raises:
        ValueError: if it is not an integer (bools and floats included, as Keras) or is below
            `minimum`.
    """
    if value is None and allow_none:
        return None
    if minimum is None:
        kind = "an integer"
    else:
        kind = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(  # noqa: TRY004 - Keras raises ValueError
            f"{owner}: received an invalid value for `{name}`, expected {kind}. Received: "
            f"{name}={value!r} of type {type(value).__name__}"
        )
    if minimum is not None and value < minimum:
        raise ValueError(
            f"{owner}: received an invalid value for `{name}`, expected {kind}. Received: "
            f"{name}={value}"
        )
    return int(value)


def check_float(owner, name, value, low=None, high=None):
    """`value` as a float in [low, high], for constructor argument `name` of `owner`.

    Raises:
        TypeError: if it is not a real number.
        ValueError: if it is outside [low, high].
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(
            f"{owner}: `{name}` must be a float, got {value!r} of type {type(value).__name__}"
        )
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(
            f"{owner}: invalid value received for argument `{name}`. Expected a float value "
            f"between {low} and {high}. Received: {name}={value}"
        )
    return float(value)


def check_shape(owner, name, shape, allow_minus_one=False):
    """`shape` (an int or an iterable of ints and None) as a tuple.

    Raises:
        ValueError: if it is not a shape, or has a negative dimension (a single -1 is allowed
            with `allow_minus_one`, as in Reshape's `target_shape`).
    """
    dims = (shape,) if isinstance(shape, (int, np.integer)) else shape
    if isinstance(dims, str) or not hasattr(dims, "__iter__"):
        raise ValueError(
            f"{owner}: cannot convert `{name}`={shape!r} to a shape; pass a tuple of integers "
            "(None for an unknown dimension)."
        )
    dims = tuple(dims)
    for d in dims:
        if d is None:
            continue
        if isinstance(d, bool) or not isinstance(d, (int, np.integer)):
            raise ValueError(  # noqa: TRY004 - Keras raises ValueError
                f"{owner}: cannot convert `{name}`={shape!r} to a shape: found invalid "
                f"dimension {d!r} of type {type(d).__name__}; dimensions are integers or None."
            )
        if d < 0 and not (allow_minus_one and d == -1):
            raise ValueError(
                f"{owner}: cannot convert `{name}`={shape!r} to a shape: negative dimensions "
                "are not allowed" + (" (except a single -1)." if allow_minus_one else ".")
            )
    if allow_minus_one and sum(d == -1 for d in dims) > 1:
        raise ValueError(
            f"{owner}: there must be at most one unknown dimension (-1) in `{name}`. "
            f"Received: {name}={shape!r}."
        )
    return tuple(None if d is None else int(d) for d in dims)


def check_data_format(data_format):
    """`data_format`, or the backend's image data format for None (Keras's
    `standardize_data_format`, which keras.ops' convolutions use too).

    Raises:
        ValueError: for a value other than "channels_first" and "channels_last".
    """
    from .. import backend

    return backend.standardize_data_format(data_format)


def check_rank(layer, inputs, rank):
    """Raises Keras's ValueError when `inputs` (a call's input 0, or its shape) is not of rank
    `rank`."""
    shape = tuple(getattr(inputs, "shape", inputs))
    if len(shape) != rank:
        raise ValueError(
            f"Input 0 of layer '{layer.name}' is incompatible with the layer: expected "
            f"ndim={rank}, found ndim={len(shape)}. Full shape received: {shape}"
        )


def check_tuple(owner, name, value, n, allow_zero=False):
    """`value` (an int or `n` ints) as a tuple of `n` ints, as Keras's `standardize_tuple`.

    Raises:
        ValueError: for anything else, or a value below 1 (below 0 with `allow_zero`).
    """
    message = (f"{owner}: the `{name}` argument must be a tuple of {n} integers. Received "
               f"{name}={value!r}")
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        values = (int(value),) * n
    else:
        try:
            values = tuple(value)
        except TypeError:
            raise ValueError(message) from None
        if len(values) != n or not all(
                isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
            raise ValueError(message)
        values = tuple(int(v) for v in values)
    low = 0 if allow_zero else 1
    bad = sorted({v for v in values if v < low})
    if bad:
        raise ValueError(f"{message} including values {set(bad)} that do not satisfy `value "
                         f"{'>= 0' if allow_zero else '> 0'}`")
    return values


def check_padding(owner, value, allow_causal=False):
    """"valid" or "same" (or "causal" with `allow_causal`), lower-cased, as Keras's
    `standardize_padding`."""
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    padding = value.lower() if isinstance(value, str) else value
    if padding not in allowed:
        raise ValueError(
            f"{owner}: the `padding` argument must be one of {set(allowed)}. Received: "
            f"{value!r}"
        )
    return padding
