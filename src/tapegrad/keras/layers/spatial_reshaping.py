"""Layers that reshape the spatial axes of sequences, images and volumes as Keras 3's:
ZeroPadding1D/2D/3D, Cropping1D/2D/3D and UpSampling1D/2D/3D (pads, slices and repeats, so
their derivatives of every order are those of `tf.pad`, slicing and `tf.gather`)."""

import numpy as np

import tapegrad as tf

from .arguments import check_data_format, check_rank, check_tuple
from .layer import Layer

__all__ = [
    "Cropping1D", "Cropping2D", "Cropping3D", "UpSampling1D", "UpSampling2D", "UpSampling3D",
    "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D",
]

_ORDINALS = ("1st", "2nd", "3rd")


def _pairs(owner, name, value, rank):
    """`value` as one (before, after) pair of non-negative ints per spatial axis, as Keras
    reads `padding` and `cropping`: an int for every side, or (rank 1) one pair, or (rank 2
    and 3) one int or pair per axis."""
    if rank == 1:
        return (check_tuple(owner, name, value, 2, allow_zero=True),)
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"{owner}: `{name}` cannot be negative. Received: {name}={value}.")
        return ((int(value),) * 2,) * rank
    if not hasattr(value, "__len__") or len(value) != rank:
        raise ValueError(
            f"{owner}: `{name}` should be either an int, a tuple of {rank} ints (symmetric, "
            f"one per spatial axis), or a tuple of {rank} tuples of 2 ints ((before, after) "
            f"per spatial axis). Received: {name}={value!r}."
        )
    return tuple(check_tuple(owner, f"{_ORDINALS[i]} entry of {name}", v, 2, allow_zero=True)
                 for i, v in enumerate(value))


class _Spatial(Layer):
    """A layer over the `rank` spatial axes of `(batch, *spatial, channels)` (or channels
    first)."""

    rank = 1

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = check_data_format(data_format)

    def _first_axis(self):
        return 2 if self.data_format == "channels_first" else 1

    def _spatial_map(self, input_shape, fn):
        """`input_shape` with fn(i, size) on spatial axis i (None stays None)."""
        shape, start = list(input_shape), self._first_axis()
        for i in range(self.rank):
            size = shape[start + i]
            shape[start + i] = None if size is None else fn(i, size)
        return tuple(shape)


class _ZeroPadding(_Spatial):
    def __init__(self, padding, data_format=None, **kwargs):
        super().__init__(data_format, **kwargs)
        self.padding = _pairs(type(self).__name__, "padding", padding, self.rank)

    def call(self, inputs):
        check_rank(self, inputs, self.rank + 2)
        pads = [(0, 0)] * (self.rank + 2)
        pads[self._first_axis():self._first_axis() + self.rank] = self.padding
        return tf.pad(inputs, pads)

    def compute_output_shape(self, input_shape):
        return self._spatial_map(input_shape, lambda i, n: n + sum(self.padding[i]))

    def get_config(self):
        padding = self.padding[0] if self.rank == 1 else self.padding
        return {**super().get_config(), "padding": padding, "data_format": self.data_format}


class ZeroPadding1D(_ZeroPadding):
    """Zeros added at the start and end of the steps of `(batch, steps, features)`.

    Args:
        padding: an int (both ends) or a pair (start, end).
        data_format: "channels_last" (default) or "channels_first" (`(batch, features,
            steps)`).
    """

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)


class ZeroPadding2D(_ZeroPadding):
    """Rows and columns of zeros around images `(batch, height, width, channels)`.

    Args:
        padding: an int (every side), two ints (symmetric height and width padding), or two
            pairs ((top, bottom), (left, right)).
        data_format: "channels_last" (default: the backend's) or "channels_first".
    """

    rank = 2

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)


class ZeroPadding3D(_ZeroPadding):
    """Zeros around volumes `(batch, d1, d2, d3, channels)`; `padding` as ZeroPadding2D's,
    with three axes."""

    rank = 3

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)


class _Cropping(_Spatial):
    def __init__(self, cropping, data_format=None, **kwargs):
        super().__init__(data_format, **kwargs)
        self.cropping = _pairs(type(self).__name__, "cropping", cropping, self.rank)

    def _check(self, shape):
        start = self._first_axis()
        for i, (lo, hi) in enumerate(self.cropping):
            size = shape[start + i]
            if size is not None and lo + hi >= size:
                raise ValueError(
                    f"{type(self).__name__}: values in `cropping` should be smaller than the "
                    f"corresponding spatial dimension of the input. Received: input_shape="
                    f"{tuple(shape)}, cropping={self.cropping}"
                )

    def call(self, inputs):
        check_rank(self, inputs, self.rank + 2)
        self._check(tuple(inputs.shape))
        key = [slice(None)] * (self.rank + 2)
        for i, (lo, hi) in enumerate(self.cropping):
            key[self._first_axis() + i] = slice(lo, -hi if hi else None)
        return inputs[tuple(key)]

    def compute_output_shape(self, input_shape):
        self._check(tuple(input_shape))
        return self._spatial_map(input_shape, lambda i, n: n - sum(self.cropping[i]))

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping,
                "data_format": self.data_format}


class Cropping1D(_Cropping):
    """Steps cut from the start and end of `(batch, steps, features)`.

    Args:
        cropping: an int (both ends) or a pair (start, end).
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(cropping, "channels_last", **kwargs)

    def get_config(self):  # Keras's Cropping1D has no data_format
        config = super().get_config()
        del config["data_format"]
        return {**config, "cropping": self.cropping[0]}


class Cropping2D(_Cropping):
    """Rows and columns cut from the borders of images.

    Args:
        cropping: an int (every side), two ints (symmetric height and width cropping), or two
            pairs ((top, bottom), (left, right)).
        data_format: "channels_last" (default: the backend's) or "channels_first".
    """

    rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)


class Cropping3D(_Cropping):
    """Borders cut from volumes; `cropping` as Cropping2D's, with three axes."""

    rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)


class _UpSampling(_Spatial):
    def __init__(self, size, data_format=None, **kwargs):
        super().__init__(data_format, **kwargs)
        self.size = check_tuple(type(self).__name__, "size", size, self.rank)

    def call(self, inputs):
        check_rank(self, inputs, self.rank + 2)
        for i, factor in enumerate(self.size):
            axis = self._first_axis() + i
            if factor > 1:  # each index `factor` times: a gather, differentiable to any order
                rows = np.repeat(np.arange(inputs.shape[axis]), factor)
                inputs = tf.gather(inputs, rows, axis=axis)
        return inputs

    def compute_output_shape(self, input_shape):
        return self._spatial_map(input_shape, lambda i, n: n * self.size[i])

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format}


class UpSampling1D(_UpSampling):
    """Each step of `(batch, steps, features)` repeated `size` times.

    Args:
        size: the upsampling factor, a positive int.
    """

    def __init__(self, size=2, **kwargs):
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
            raise TypeError(f"UpSampling1D: expected an integer value for `size`, got "
                            f"{size!r} of type {type(size).__name__}.")
        super().__init__(size, "channels_last", **kwargs)

    def get_config(self):  # Keras's UpSampling1D has no data_format
        config = super().get_config()
        del config["data_format"]
        return {**config, "size": self.size[0]}


class UpSampling2D(_UpSampling):
    """Rows and columns of images repeated (`interpolation="nearest"`) or interpolated
    bilinearly (`"bilinear"`, as `tf.image.resize`).

    Args:
        size: the factors for rows and columns (an int for both).
        data_format: "channels_last" (default: the backend's) or "channels_first".
        interpolation: "nearest" or "bilinear".
    """

    rank = 2

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(size, data_format, **kwargs)
        self.interpolation = interpolation.lower() if isinstance(interpolation, str) else (
            interpolation)
        if self.interpolation not in ("nearest", "bilinear"):
            raise ValueError(
                f"UpSampling2D: `interpolation` must be 'nearest' or 'bilinear' (tapegrad has "
                f"no other resize method). Received: interpolation={interpolation!r}"
            )

    def call(self, inputs):
        if self.interpolation == "nearest":
            return super().call(inputs)
        check_rank(self, inputs, 4)
        first = self.data_format == "channels_first"
        images = tf.transpose(inputs, (0, 2, 3, 1)) if first else inputs
        height, width = images.shape[1:3]
        images = tf.image.resize(images, (height * self.size[0], width * self.size[1]),
                                 method="bilinear")
        return tf.transpose(images, (0, 3, 1, 2)) if first else images

    def get_config(self):
        return {**super().get_config(), "interpolation": self.interpolation}


class UpSampling3D(_UpSampling):
    """Each axis of volumes repeated by its factor in `size` (an int for all three)."""

    rank = 3

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(size, data_format, **kwargs)
