"""Merging layers: Concatenate, Add, Subtract, Multiply, Average, Maximum, Minimum and Dot (and
their functions `concatenate`, `add`, ...). Mixed input dtypes are promoted as Keras promotes
them (see `keras/promotion.py`)."""

import tapegrad as tf

from .. import ops
from ..promotion import result_type
from .arguments import check_integer
from .layer import Layer
from .masking_utils import propagates_only

__all__ = [
    "Add", "Average", "Concatenate", "Dot", "Maximum", "Minimum", "Multiply", "Subtract", "add",
    "average", "concatenate", "dot", "maximum", "minimum", "multiply", "subtract",
]


def _promoted(inputs):
    """The inputs in their common Keras dtype (int64 and float32 columns give float32), as
    Keras's merging ops promote them; TensorFlow's ops would refuse the mix."""
    inputs = [tf.convert_to_tensor(x) for x in inputs]
    dtypes = {x.dtype.name for x in inputs}
    if len(dtypes) == 1:
        return inputs
    dtype = result_type(*dtypes)
    return [tf.cast(x, dtype) for x in inputs]


def _input_shapes(layer, input_shape):
    """The shapes of a merging layer's list of inputs, or a ValueError naming the layer."""
    if (
        not isinstance(input_shape, (list, tuple))
        or len(input_shape) < 1
        or not isinstance(input_shape[0], (list, tuple))
    ):
        raise ValueError(
            f"A merging layer ({type(layer).__name__} '{layer.name}') should be called on a list "
            f"of at least 1 input. Received: input_shape={input_shape}"
        )
    return [tuple(s) for s in input_shape]


class Concatenate(Layer):
    """Concatenates a list of inputs along `axis` (default -1)."""

    def __init__(self, axis=-1, **kwargs):
        axis = check_integer("Concatenate", "axis", axis)
        super().__init__(**kwargs)
        self.axis = axis

    def build(self, input_shape):
        shapes = _input_shapes(self, input_shape)
        ranks = {len(s) for s in shapes}
        if len(ranks) != 1:
            raise ValueError(f"Concatenate '{self.name}': inputs have different ranks: {shapes}")
        rank = ranks.pop()
        if not -rank <= self.axis < rank:
            raise ValueError(
                f"Concatenate '{self.name}': axis {self.axis} is out of range for inputs of rank "
                f"{rank}, shapes {shapes}"
            )
        axis = self.axis % rank
        for i in range(rank):
            dims = {s[i] for s in shapes if s[i] is not None}
            if i != axis and len(dims) > 1:
                raise ValueError(
                    f"A `Concatenate` layer ('{self.name}') requires inputs with matching shapes "
                    f"except for the concatenation axis {self.axis}. Received: input_shape="
                    f"{shapes}"
                )
        self.built = True

    def call(self, inputs):
        return tf.concat(_promoted(inputs), axis=self.axis)

    @propagates_only
    def compute_mask(self, inputs, previous_mask=None):
        """The inputs' masks concatenated as the inputs are (all True for an input without
        one), reduced over the last axis, as Keras's Concatenate."""
        masks = _checked_masks(inputs, previous_mask)
        if masks is None or all(m is None for m in masks):
            return None
        full = []
        for x, m in zip(inputs, masks):
            if m is None:
                m = tf.ones(tuple(x.shape), tf.bool)
            elif m.ndim < len(x.shape):
                m = tf.logical_or(tf.expand_dims(m, -1), tf.zeros(tuple(x.shape), tf.bool))
            full.append(m)
        return tf.reduce_any(tf.concat(full, axis=self.axis), axis=-1)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def _checked_masks(inputs, masks):
    if masks is None:
        return None
    if not isinstance(masks, (list, tuple)) or not isinstance(inputs, (list, tuple)):
        raise ValueError(f"`mask` and `inputs` should be lists. Received: mask={masks}")
    if len(masks) != len(inputs):
        raise ValueError(
            "The lists `inputs` and `mask` should have the same length. Received: "
            f"{len(inputs)} inputs and {len(masks)} masks."
        )
    return list(masks)


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of Concatenate: `concatenate([a, b])`."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def _sum(tensors):
    """The elementwise sum of a list of tensors, left to right (Add's and Average's)."""
    out = tensors[0]
    for x in tensors[1:]:
        out = tf.add(out, x)
    return out


def _or_of_masks(inputs, masks):
    """The OR of the inputs' masks, None if one has none (the compute_mask of Keras's merge
    layers)."""
    masks = _checked_masks(inputs, masks)
    if masks is None or any(m is None for m in masks):
        return None
    out = masks[0]
    for m in masks[1:]:
        out = tf.logical_or(out, m)
    return out


def _elementwise_shape(layer, shape1, shape2):
    """The broadcast shape of two inputs' sample shapes, aligned at their ends (Keras's
    `Merge._compute_elemwise_op_output_shape`)."""
    if len(shape1) < len(shape2):
        shape1, shape2 = shape2, shape1
    if not shape2:
        return tuple(shape1)
    out = list(shape1[: len(shape1) - len(shape2)])
    for i, j in zip(shape1[len(shape1) - len(shape2):], shape2):
        if i is not None and j is not None and i != 1 and j != 1 and i != j:
            raise ValueError(f"{type(layer).__name__} '{layer.name}': Inputs have incompatible "
                             f"shapes. Received shapes {tuple(shape1)} and {tuple(shape2)}")
        out.append(None if i is None or j is None else (j if i == 1 else i))
    return tuple(out)


class _Merge(Layer):
    """Keras 3's `Merge`: an elementwise merge of a list of inputs. The batch sizes must agree;
    the sample shapes broadcast aligned at their ends, after an input of lower rank gets new
    axes after the batch axis (axis 1, not NumPy's front)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or not input_shape or not all(
                isinstance(s, (list, tuple)) for s in input_shape):
            raise ValueError(
                f"A merge layer ({type(self).__name__} '{self.name}') should be called on a "
                f"list of inputs. Received: input_shape={input_shape} (not a list of shapes)")
        shapes = [tuple(s) for s in input_shape]
        if len({s[0] for s in shapes if s} - {None}) > 1:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': Cannot merge tensors with different "
                f"batch sizes. Received tensors with shapes {shapes}")
        out = shapes[0][1:]
        for s in shapes[1:]:
            out = _elementwise_shape(self, out, s[1:])
        self.built = True

    def call(self, inputs, mask=None):
        inputs = _promoted(inputs)
        rank = max(x.ndim for x in inputs)
        expanded = []
        for x in inputs:
            for _ in range(rank - x.ndim):
                x = tf.expand_dims(x, 1)
            expanded.append(x)
        return self._merge(expanded, mask)

    @propagates_only
    def compute_mask(self, inputs, previous_mask=None):
        """The OR of the inputs' masks, None if one has none (Keras's merge layers)."""
        return _or_of_masks(inputs, previous_mask)


class Add(_Merge):
    """Adds a list of inputs elementwise (broadcasting as Keras's merge layers: the batch sizes
    must agree, and a lower-rank input gets its new axes after the batch axis).

    Example:
        >>> keras.layers.Add()([np.ones((2, 3)), np.ones((2, 1))])  # all 2.0, shape (2, 3)
    """

    def _merge(self, inputs, masks):
        return _sum(inputs)


def add(inputs, **kwargs):
    """Functional form of Add: `add([a, b])`."""
    return Add(**kwargs)(inputs)


class Subtract(_Merge):
    """Subtracts the second of two inputs from the first (broadcasting as Add)."""

    def build(self, input_shape):
        super().build(input_shape)
        if len(input_shape) != 2:
            raise ValueError(f"A `Subtract` layer ('{self.name}') should be called on exactly 2 "
                             f"inputs. Received: input_shape={input_shape}")

    def _merge(self, inputs, masks):
        return tf.subtract(inputs[0], inputs[1])


def subtract(inputs, **kwargs):
    """Functional form of Subtract: `subtract([a, b])`."""
    return Subtract(**kwargs)(inputs)


def _masked_fold(op, inputs, masks):
    """`op` folded over the inputs, a masked entry taking the other side's value (Keras's
    `_apply_merge_op_and_or_mask`, for Maximum and Minimum, which have no identity)."""
    masks = [None] * len(inputs) if masks is None else list(masks)
    out = out_mask = None
    for x, m in zip(inputs, masks):
        if m is not None:
            m = tf.broadcast_to(tf.expand_dims(m, -1), tf.shape(x))
        if out is None:
            out, out_mask = x, m
            continue
        if m is not None:
            x = tf.where(m, x, out)
        if out_mask is not None:
            out = tf.where(out_mask, out, x)
        out_mask = None if m is None or out_mask is None else tf.logical_or(out_mask, m)
        out = op(out, x)
    return out


class Maximum(_Merge):
    """The elementwise maximum of a list of inputs (broadcasting as Add); a tie's gradient
    goes to the earlier input, as tf.maximum's."""

    def _merge(self, inputs, masks):
        return _masked_fold(tf.maximum, inputs, masks)


def maximum(inputs, **kwargs):
    """Functional form of Maximum: `maximum([a, b])`."""
    return Maximum(**kwargs)(inputs)


class Minimum(_Merge):
    """The elementwise minimum of a list of inputs (broadcasting as Add)."""

    def _merge(self, inputs, masks):
        return _masked_fold(tf.minimum, inputs, masks)


def minimum(inputs, **kwargs):
    """Functional form of Minimum: `minimum([a, b])`."""
    return Minimum(**kwargs)(inputs)


class Multiply(_Merge):
    """Multiplies a list of inputs elementwise (broadcasting as Keras's merge layers).

    With masks on the inputs, a masked entry counts as 1, and an entry masked in every input
    is 0, as in Keras 3.

    Example:
        >>> keras.layers.Multiply()([np.ones((2, 3)), np.full((2, 3), 2.0)])  # all 2.0
    """

    def _merge(self, inputs, masks):
        masks = [None] * len(inputs) if masks is None else list(masks)
        every = all(m is not None for m in masks)
        out = out_mask = None
        for x, m in zip(inputs, masks):
            if m is not None:
                m = tf.broadcast_to(tf.expand_dims(m, -1), tf.shape(x))
                x = tf.where(m, x, tf.ones_like(x))
                if every:
                    out_mask = m if out_mask is None else tf.logical_or(out_mask, m)
            out = x if out is None else tf.multiply(out, x)
        if every:
            out = tf.where(out_mask, out, tf.zeros_like(out))
        return out


def multiply(inputs, **kwargs):
    """Functional form of Multiply: `multiply([a, b])`."""
    return Multiply(**kwargs)(inputs)


class Average(_Merge):
    """Averages a list of inputs elementwise (broadcasting as Keras's merge layers)."""

    def _merge(self, inputs, masks):
        return _sum(inputs) / len(inputs)


def average(inputs, **kwargs):
    """Functional form of Average: `average([a, b])`."""
    return Average(**kwargs)(inputs)


class Dot(Layer):
    """The dot product of two batched inputs along one axis of each (Keras's `batch_dot`):
    `(b, 3, 5)` and `(b, 10, 3)` with `axes=(1, 2)` give `(b, 5, 10)`; two `(b, n)` inputs
    give `(b, 1)`.

    Args:
        axes: an int (the same axis of both inputs) or a pair of ints; never the batch axis 0.
        normalize: L2-normalize both inputs along their axes first, so that the result is the
            cosine similarity.

    Example:
        >>> user, item = keras.Input((8,)), keras.Input((8,))
        >>> score = keras.layers.Dot(axes=1)([user, item])  # (None, 1)
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axes, int):
            if not isinstance(axes, (list, tuple)):
                raise TypeError("Dot: Invalid type for argument `axes`: it should be a list or "
                                f"an int. Received: axes={axes}")
            if len(axes) != 2:
                raise ValueError("Dot: Invalid format for argument `axes`: it should contain "
                                 f"two elements. Received: axes={axes}")
            if not all(isinstance(a, int) for a in axes):
                raise ValueError("Dot: Invalid format for argument `axes`: list elements should "
                                 f"be integers. Received: axes={axes}")
        self.axes = axes
        self.normalize = normalize
        self.supports_masking = True

    def _axes(self, shapes):
        axes = (self.axes, self.axes) if isinstance(self.axes, int) else self.axes
        return [a % len(s) if a < 0 else a for a, s in zip(axes, shapes)]

    def build(self, input_shape):
        if (not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2
                or not all(isinstance(s, (list, tuple)) for s in input_shape)):
            raise ValueError(f"A `Dot` layer ('{self.name}') should be called on a list of 2 "
                             f"inputs. Received: input_shape={input_shape}")
        shape1, shape2 = (tuple(s) for s in input_shape)
        if len(shape1) < 2 or len(shape2) < 2:
            raise ValueError(f"Dot '{self.name}': Cannot do batch_dot on inputs with rank < 2. "
                             f"Received inputs with shapes {shape1} and {shape2}.")
        a1, a2 = self._axes((shape1, shape2))
        if not (0 < a1 < len(shape1) and 0 < a2 < len(shape2)):
            raise ValueError(f"Dot '{self.name}': Cannot perform batch_dot over axis 0 (or an "
                             f"axis out of range): axes={self.axes} for inputs of shapes "
                             f"{shape1} and {shape2}. If your inputs are not batched, add a "
                             "dummy batch dimension to your inputs using "
                             "keras.ops.expand_dims(x, 0)")
        if shape1[a1] != shape2[a2]:
            raise ValueError(f"Dot '{self.name}': Incompatible input shapes: axis values "
                             f"{shape1[a1]} (at axis {a1}) != {shape2[a2]} (at axis {a2}). "
                             f"Full input shapes: {shape1}, {shape2}")
        if None not in (shape1[0], shape2[0]) and shape1[0] != shape2[0]:
            raise ValueError(f"Dot '{self.name}': Cannot do batch_dot on inputs with different "
                             f"batch sizes. Received inputs with shapes {shape1} and {shape2}.")
        self.built = True

    def call(self, inputs):
        x, y = _promoted(inputs)
        a1, a2 = self._axes((x.shape, y.shape))
        if self.normalize:
            x = ops.normalize(x, axis=a1)
            y = ops.normalize(y, axis=a2)
        # batch_dot as one einsum: x's axes but a1, then y's but the batch and a2.
        letters = "abcdefghijklmnopqrstuvwxyz"
        xs = letters[: x.ndim]
        ys = "a" + letters[x.ndim: x.ndim + y.ndim - 1]
        ys = ys[:a2] + xs[a1] + ys[a2 + 1:]
        out = xs[:a1] + xs[a1 + 1:] + ys[1:a2] + ys[a2 + 1:]
        result = tf.einsum(f"{xs},{ys}->{out}", x, y)
        return tf.expand_dims(result, -1) if result.ndim == 1 else result

    def compute_mask(self, inputs, previous_mask=None):
        return None

    def get_config(self):
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def dot(inputs, axes=-1, **kwargs):
    """Functional form of Dot: `dot([a, b], axes=1)`."""
    return Dot(axes=axes, **kwargs)(inputs)
