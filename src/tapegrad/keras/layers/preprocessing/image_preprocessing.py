"""Image preprocessing layers as Keras 3's: Resizing and CenterCrop, and the augmentations
RandomCrop, RandomFlip, RandomContrast, RandomBrightness, RandomRotation, RandomZoom and
RandomTranslation, active in training and, as Keras 3's, on a direct call (their `call`'s
`training` defaults to True: `data_augmentation(image)` augments; `predict`, `evaluate` and
`training=False` do not), drawn from the layer's `seed` or, without one, from the stream
`keras.utils.set_random_seed` seeds. The geometric ones sample through
`keras.ops.image.affine_transform` with Keras's matrices."""

import numpy as np

import tapegrad as tf

from ...ops.image import FILL_MODES, affine_transform
from ..arguments import check_data_format, check_integer
from ..layer import Layer
from ..noise import _Noise

__all__ = [
    "CenterCrop", "RandomBrightness", "RandomContrast", "RandomCrop", "RandomFlip", "RandomRotation", "RandomTranslation",
    "RandomZoom", "Resizing",
]


def _channels_last(layer, images):
    """`images` (rank 3 or 4) as channels last, as the compute dtype, and how to undo the
    transposition."""
    if images.ndim not in (3, 4):
        raise ValueError(
            f"{type(layer).__name__}: expected the input image to be rank 3 or 4. Received "
            f"inputs.shape={tuple(images.shape)}"
        )
    images = tf.cast(images, layer.compute_dtype)
    if layer.data_format == "channels_last":
        return images, lambda x: x
    order = (1, 2, 0) if images.ndim == 3 else (0, 2, 3, 1)
    back = (2, 0, 1) if images.ndim == 3 else (0, 3, 1, 2)
    return tf.transpose(images, order), lambda x: tf.transpose(x, back)


def _smart_resize(images, height, width, interpolation="bilinear"):
    """The largest central crop of the target's aspect ratio, resized to (height, width), as
    Keras's `smart_resize`."""
    h, w = images.shape[-3], images.shape[-2]
    crop_h = min(h, int(float(w * height) / width))
    crop_w = min(w, int(float(h * width) / height))
    top, left = int(float(h - crop_h) / 2), int(float(w - crop_w) / 2)
    images = images[..., top:top + crop_h, left:left + crop_w, :]
    return tf.image.resize(images, (height, width), method=interpolation)


class Resizing(Layer):
    """Resizes images to (height, width), as `tf.image.resize`.

    Args:
        height, width: the output size.
        interpolation: "bilinear" (default) or "nearest".
        crop_to_aspect_ratio: first crop the largest central box of the output's aspect ratio.
        pad_to_aspect_ratio: first pad the image with `fill_value` to the output's aspect
            ratio, centred.
        fill_mode: "constant" (the only one).
        fill_value: the padding's value.
        data_format: "channels_last" (default: the backend's) or "channels_first".
    """

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
                 pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0,
                 antialias=False, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.height = check_integer("Resizing", "height", height, minimum=1)
        self.width = check_integer("Resizing", "width", width, minimum=1)
        if interpolation not in ("bilinear", "nearest"):
            raise ValueError(f"Resizing: `interpolation` must be 'bilinear' or 'nearest' "
                             f"(tapegrad has no other). Received: interpolation={interpolation!r}")
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError("Resizing: only one of `crop_to_aspect_ratio` and "
                             "`pad_to_aspect_ratio` can be True.")
        if fill_mode != "constant":
            raise ValueError(f"Resizing: `fill_mode` must be 'constant'. Received: "
                             f"fill_mode={fill_mode!r}")
        if antialias:
            raise NotImplementedError("Resizing: antialias=True is not available in tapegrad.")
        self.interpolation, self.fill_mode, self.fill_value = interpolation, fill_mode, fill_value
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)
        self.pad_to_aspect_ratio = bool(pad_to_aspect_ratio)
        self.antialias = False
        self.data_format = check_data_format(data_format)

    def _pad(self, images):
        h, w = images.shape[-3], images.shape[-2]
        pad_h = max(0, int(float(w * self.height) / self.width) - h)
        pad_w = max(0, int(float(h * self.width) / self.height) - w)
        pads = [(0, 0)] * (images.ndim - 3) + [
            (pad_h // 2, pad_h - pad_h // 2), (pad_w // 2, pad_w - pad_w // 2), (0, 0)]
        return tf.pad(images, pads, constant_values=self.fill_value)

    def call(self, inputs):
        images, back = _channels_last(self, inputs)
        size = (self.height, self.width)
        if self.crop_to_aspect_ratio:
            return back(_smart_resize(images, *size, self.interpolation))
        if self.pad_to_aspect_ratio:
            images = self._pad(images)
        return back(tf.image.resize(images, size, method=self.interpolation))

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        first = self.data_format == "channels_first"
        axes = (-2, -1) if first else (-3, -2)
        shape[axes[0]], shape[axes[1]] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        return {
            **super().get_config(), "height": self.height, "width": self.width,
            "interpolation": self.interpolation, "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
            "pad_to_aspect_ratio": self.pad_to_aspect_ratio, "fill_mode": self.fill_mode,
            "fill_value": self.fill_value, "antialias": self.antialias,
            "data_format": self.data_format,
        }


class CenterCrop(Resizing):
    """The central (height, width) box of each image; an image smaller than that is resized
    (its largest central box of that aspect ratio, bilinearly), as Keras's.

    Args:
        height, width: the output size.
        data_format: "channels_last" (default: the backend's) or "channels_first".
    """

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(height, width, data_format=data_format, **kwargs)

    def call(self, inputs):
        images, back = _channels_last(self, inputs)
        h, w = images.shape[-3], images.shape[-2]
        if h < self.height or w < self.width:
            return back(_smart_resize(images, self.height, self.width))
        top, left = int((h - self.height) / 2), int((w - self.width) / 2)
        return back(images[..., top:top + self.height, left:left + self.width, :])

    def get_config(self):
        config = super().get_config()
        return {key: config[key] for key in config if key not in (
            "interpolation", "crop_to_aspect_ratio", "pad_to_aspect_ratio", "fill_mode",
            "fill_value", "antialias")}


class RandomFlip(_Noise):
    """Flips each image (independently) left-right and/or up-down with probability 1/2, in
    training only.

    Args:
        mode: "horizontal", "vertical" or "horizontal_and_vertical" (default).
        seed: an integer for a private random stream.
        data_format: "channels_last" (default: the backend's) or "channels_first".
    """

    def __init__(self, mode="horizontal_and_vertical", seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if mode not in ("horizontal", "vertical", "horizontal_and_vertical"):
            raise ValueError(
                f"RandomFlip layer {self.name} received an unknown mode argument {mode!r}; "
                "expected 'horizontal', 'vertical' or 'horizontal_and_vertical'."
            )
        self.mode = mode
        self.data_format = check_data_format(data_format)

    def call(self, inputs, training=True):
        images, back = _channels_last(self, inputs)
        if not training:
            return back(images)
        batch = (images.shape[0],) if images.ndim == 4 else ()
        for axis, name in ((-2, "horizontal"), (-3, "vertical")):
            if name in self.mode:
                flips = tf.tracing.draw(
                    lambda: self._stream().uniform(size=batch + (1, 1, 1)) <= 0.5)
                images = tf.where(flips, tf.reverse(images, [axis]), images)
        return back(images)

    def get_config(self):
        return {**super().get_config(), "seed": self.seed, "mode": self.mode,
                "data_format": self.data_format}


class RandomContrast(_Noise):
    """Scales each image's deviation from its per-channel mean by a random factor drawn in
    [1 - lower, 1 + upper] (per image), clipped to `value_range`, in training only.

    Args:
        factor: a number in [0, 1] (lower = upper = factor) or a pair (lower, upper).
        value_range: the images' range, which the output is clipped to.
        seed: an integer for a private random stream.
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        message = ("RandomContrast: the `factor` argument should be a number (or a list of two "
                   f"numbers) in the range [0.0, 1.0]. Received: factor={factor}")
        if isinstance(factor, (tuple, list)):
            if len(factor) != 2 or factor[0] > 1.0 or factor[1] < 0.0:
                raise ValueError(message)
            factor = tuple(sorted(factor))
        elif isinstance(factor, (int, float)) and not isinstance(factor, bool):
            if not 0.0 <= factor <= 1.0:
                raise ValueError(message)
            factor = (float(factor), float(factor))
        else:
            raise ValueError(message)  # noqa: TRY004 - Keras raises ValueError
        self.factor = factor
        self.value_range = value_range
        self.data_format = check_data_format(data_format)

    def call(self, inputs, training=True):
        images, back = _channels_last(self, inputs)
        if not training:
            return back(images)
        batch = (images.shape[0],) if images.ndim == 4 else ()
        scale = tf.tracing.draw(lambda: self._stream().uniform(
            1.0 - self.factor[0], 1.0 + self.factor[1], size=batch + (1, 1, 1)).astype(
                np.dtype(self.compute_dtype)))
        mean = tf.reduce_mean(images, axis=[-3, -2], keepdims=True)
        out = (images - mean) * scale + mean
        return back(tf.clip_by_value(out, *self.value_range))

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range,
                "seed": self.seed, "data_format": self.data_format}


def _take(images, indices, axis):
    """The slices of `images` at `indices` along `axis`, through gather on axis 0: the gather
    that takes a tensor drawn at each call of a traced function."""
    perm = (axis,) + tuple(i for i in range(images.ndim) if i != axis)
    moved = tf.gather(tf.transpose(images, perm), indices)
    return tf.transpose(moved, tuple(int(i) for i in np.argsort(perm)))


class RandomCrop(_Noise):
    """Crops a random (height, width) box, one place for the whole batch, in training; at
    inference (and in training for an image no larger than the box in both sizes) the largest
    central box of the output's aspect ratio, resized to (height, width).

    Keras 3.15 documents this inference behaviour but returns the images unchanged there (its
    issue 21868), so a model's validation inputs keep the uncropped size; tapegrad does what the
    documentation says (and tf.keras 2 did). Training follows Keras 3.15's arithmetic.

    Args:
        height, width: the output size.
        seed: an integer for a private random stream.
        data_format: "channels_last" (default: the backend's) or "channels_first".
    """

    def __init__(self, height, width, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.height = check_integer("RandomCrop", "height", height, minimum=1)
        self.width = check_integer("RandomCrop", "width", width, minimum=1)
        self.data_format = check_data_format(data_format)
        self.supports_masking = False

    def _offsets(self, size, room):
        """A drawn start in [0, room] (Keras: uniform(0, room + 1) cast to int32) and the
        `size` indices from it, drawn anew at each call of a traced function."""
        def sample():
            start = int(self._stream().uniform(0.0, float(room + 1)))
            return np.arange(start, start + size, dtype=np.int32)

        return tf.tracing.draw(sample)

    def call(self, inputs, training=True):
        images, back = _channels_last(self, inputs)
        h, w = int(images.shape[-3]), int(images.shape[-2])
        if not training:
            return back(_smart_resize(images, self.height, self.width))
        if h > self.height and w > self.width:
            rows = self._offsets(self.height, h - self.height)
            cols = self._offsets(self.width, w - self.width)
            rank = images.ndim
            return back(_take(_take(images, rows, rank - 3), cols, rank - 2))
        # Keras 3.15: start where the largest central box of the output's aspect ratio starts,
        # take (height, width) from there (what fits), and resize that if it is smaller
        crop_h = max(min(h, int(float(w * self.height) / self.width)), 1)
        crop_w = max(min(w, int(float(h * self.width) / self.height)), 1)
        top, left = int(float(h - crop_h) / 2), int(float(w - crop_w) / 2)
        images = images[..., top:top + self.height, left:left + self.width, :]
        if tuple(images.shape[-3:-1]) != (self.height, self.width):
            images = tf.cast(tf.image.resize(images, (self.height, self.width)),
                             self.compute_dtype)
        return back(images)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        axes = (-2, -1) if self.data_format == "channels_first" else (-3, -2)
        shape[axes[0]], shape[axes[1]] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "height": self.height,
                "width": self.width, "seed": self.seed}


class RandomBrightness(_Noise):
    """Adds a random delta, factor * (value_range[1] - value_range[0]) with the factor drawn in
    [lower, upper] (per image), and clips to `value_range`, in training only. Float images come
    out in the compute dtype; integer images keep their dtype (the delta cast to it, as Keras).

    Args:
        factor: a number f in [-1, 1] (deltas in [-|f|, |f|]) or a pair (lower, upper).
        value_range: the images' (low, high) range, which the output is clipped to.
        seed: an integer for a private random stream.
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        message = ("RandomBrightness: the `factor` argument should be a number (or a list of "
                   f"two numbers) in the range [-1, 1]. Received: factor={factor}")
        if isinstance(factor, (tuple, list)):
            # as Keras's check: a pair is refused only when it lies wholly outside [-1, 1]
            if len(factor) != 2 or factor[0] > 1 or factor[1] < -1:
                raise ValueError(message)
            factor = tuple(sorted(factor))
        elif isinstance(factor, (int, float)) and not isinstance(factor, bool):
            if not -1 <= factor <= 1:
                raise ValueError(message)
            factor = (-abs(factor), abs(factor))
        else:
            raise ValueError(message)  # noqa: TRY004 - Keras raises ValueError
        if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
            raise ValueError("RandomBrightness: the `value_range` argument should be a list of "
                             f"two numbers. Received: value_range={value_range}")
        self.factor = factor
        self.value_range = sorted(value_range)
        self.data_format = check_data_format(data_format)  # kept for the config, as Keras's

    def call(self, inputs, training=True):
        images = tf.convert_to_tensor(inputs)
        if images.dtype.is_floating:
            images = tf.cast(images, self.compute_dtype)
        if images.ndim not in (3, 4):
            raise ValueError(
                "RandomBrightness: expected the input image to be rank 3 or 4. Received "
                f"inputs.shape={tuple(images.shape)}")
        if not training:
            return images
        shape = (images.shape[0], 1, 1, 1) if images.ndim == 4 else (1, 1, 1)
        low, high = self.value_range
        span = np.float32(high - low)
        delta = tf.tracing.draw(lambda: self._stream().uniform(
            self.factor[0], self.factor[1], size=shape).astype(np.float32) * span)
        dtype = images.dtype
        return tf.clip_by_value(images + tf.cast(delta, dtype), tf.cast(low, dtype),
                                tf.cast(high, dtype))

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "factor": self.factor,
                "value_range": self.value_range, "seed": self.seed}


def _factor_pair(owner, name, factor, low, high, message, open_low=False):
    """(lower, upper) of a factor given as a number (-|f|, |f|) or a pair, each in [low, high]
    ((low, high] with `open_low`), as Keras's augmentation layers read them."""
    def bad(v):
        return v > high or v < low or (open_low and v == low)

    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or bad(factor[0]) or bad(factor[1]):
            raise ValueError(f"{owner}: {message}Received: {name}={factor}")
        return tuple(sorted(factor))
    if isinstance(factor, (int, float)) and not isinstance(factor, bool):
        if bad(factor):
            raise ValueError(f"{owner}: {message}Received: {name}={factor}")
        return (-abs(factor), abs(factor))
    raise ValueError(f"{owner}: {message}Received: {name}={factor!r}")


class _Affine(_Noise):
    """An augmentation that resamples each image through its own affine matrix."""

    def __init__(self, fill_mode, interpolation, seed, fill_value, data_format, **kwargs):
        super().__init__(seed=seed, **kwargs)
        owner = type(self).__name__
        if fill_mode not in FILL_MODES:
            raise NotImplementedError(f"{owner}: unknown `fill_mode` {fill_mode}. Expected of "
                                      f"one {FILL_MODES}.")
        if interpolation not in ("nearest", "bilinear"):
            raise NotImplementedError(f"{owner}: unknown `interpolation` {interpolation}. "
                                      "Expected of one ('nearest', 'bilinear').")
        self.fill_mode, self.interpolation, self.fill_value = fill_mode, interpolation, fill_value
        self.data_format = check_data_format(data_format)

    def _draw(self, low, high, batch):
        return self._stream().uniform(low, high, size=batch).astype(np.float32)

    def call(self, inputs, training=True):
        images = tf.cast(inputs, self.compute_dtype)
        if not training:
            return images
        if images.ndim not in (3, 4):
            raise ValueError(f"{type(self).__name__}: expected the input image to be rank 3 "
                             f"or 4. Received inputs.shape={tuple(images.shape)}")
        first = self.data_format == "channels_first"
        height, width = images.shape[-2:] if first else images.shape[-3:-1]
        batch = images.shape[0] if images.ndim == 4 else 1
        # drawn anew at each call of a traced function (Keras's fit traces its steps)
        matrix = tf.tracing.draw(lambda: self._matrix(batch, int(height), int(width)))
        return affine_transform(images, matrix if images.ndim == 4 else matrix[0],
                                self.interpolation, self.fill_mode, self.fill_value,
                                self.data_format)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "fill_mode": self.fill_mode,
                "interpolation": self.interpolation, "seed": self.seed,
                "fill_value": self.fill_value, "data_format": self.data_format}


class RandomRotation(_Affine):
    """Rotates each image about its center by a random angle, in training only.

    Args:
        factor: a fraction of a full turn: a number f (angles in [-f, f] * 360 degrees) or a
            pair (lower, upper), in [-1, 1].
        fill_mode: "reflect" (default), "wrap", "constant" or "nearest".
        interpolation: "bilinear" (default) or "nearest".
        seed: an integer for a private random stream.
        fill_value: the value outside the image with fill_mode="constant".
        data_format: "channels_last" (default: the backend's) or "channels_first".
    """

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.factor = _factor_pair(
            "RandomRotation", "factor", factor, -1.0, 1.0,
            "the `factor` argument should be a number (or a list of two numbers) in the range "
            "[-1, 1]. ")

    def _matrix(self, batch, height, width):
        # Keras's matrix: a rotation about the center ((width - 1) / 2, (height - 1) / 2)
        angle = np.deg2rad(self._draw(self.factor[0] * 360.0, self.factor[1] * 360.0, batch))
        cos, sin = np.cos(angle), np.sin(angle)
        cx, cy = 0.5 * (width - 1), 0.5 * (height - 1)
        zeros = np.zeros_like(cos)
        return np.stack([cos, -sin, cx - cx * cos + cy * sin, sin, cos,
                         cy - cx * sin - cy * cos, zeros, zeros], axis=1)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


class RandomZoom(_Affine):
    """Zooms each image about its center by a random factor, in training only.

    Args:
        height_factor: a number f (zooms in [-f, f]: negative zooms in, positive out) or a pair
            (lower, upper), in (-1, 1].
        width_factor: the same for the width; None (default) zooms both axes alike.
        fill_mode, interpolation, seed, fill_value, data_format: as RandomRotation's.
    """

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                 **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        message = ("the `height_factor` and `width_factor` arguments should be a number (or a "
                   "list of two numbers) in the range (-1.0, 1.0]. ")
        self.height_factor, self.width_factor = height_factor, width_factor
        self._height = _factor_pair("RandomZoom", "height_factor", height_factor, -1.0, 1.0,
                                    message, open_low=True)
        self._width = None if width_factor is None else _factor_pair(
            "RandomZoom", "width_factor", width_factor, -1.0, 1.0, message, open_low=True)

    def _matrix(self, batch, height, width):
        zy = self._draw(1.0 + self._height[0], 1.0 + self._height[1], batch)
        zx = zy if self._width is None else self._draw(1.0 + self._width[0],
                                                       1.0 + self._width[1], batch)
        zeros = np.zeros_like(zx)
        return np.stack([zx, zeros, (width - 1.0) / 2.0 * (1.0 - zx), zeros, zy,
                         (height - 1.0) / 2.0 * (1.0 - zy), zeros, zeros], axis=1)

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor,
                "width_factor": self.width_factor}


class RandomTranslation(_Affine):
    """Shifts each image by a random fraction of its height and width, in training only.

    Args:
        height_factor, width_factor: a number f (shifts in [-f, f] of the size) or a pair
            (lower, upper), in [-1, 1].
        fill_mode, interpolation, seed, fill_value, data_format: as RandomRotation's.
    """

    def __init__(self, height_factor, width_factor, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                 **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        message = ("the `factor` argument should be a number (or a list of two numbers) in the "
                   "range [-1.0, 1.0]. ")
        self.height_factor, self.width_factor = height_factor, width_factor
        self._height = _factor_pair("RandomTranslation", "height_factor", height_factor, -1.0,
                                    1.0, message)
        self._width = _factor_pair("RandomTranslation", "width_factor", width_factor, -1.0,
                                   1.0, message)

    def _matrix(self, batch, height, width):
        dy = self._draw(*self._height, batch) * height
        dx = self._draw(*self._width, batch) * width
        ones, zeros = np.ones_like(dx), np.zeros_like(dx)
        return np.stack([ones, zeros, -dx, zeros, ones, -dy, zeros, zeros], axis=1)

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor,
                "width_factor": self.width_factor}
