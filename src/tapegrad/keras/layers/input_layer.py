"""`keras.Input` and `InputLayer`: the entry points of a functional model."""

from ..keras_tensor import KerasTensor
from ..node import Node
from .arguments import check_integer, check_shape
from .layer import Layer

__all__ = ["Input", "InputLayer"]


class InputLayer(Layer):
    """The entry point of a functional model: holds the symbolic input tensor.

    Args:
        shape: the shape of one sample, without the batch dimension.
        batch_size: a fixed batch size (default None: any).
        dtype: the input's dtype (default floatx).
        batch_shape: the full shape including the batch dimension, instead of shape.
        name: the layer's name (default "input_layer", "input_layer_1", ...).
    """

    def __init__(
        self,
        shape=None,
        batch_size=None,
        dtype=None,
        sparse=None,
        batch_shape=None,
        input_tensor=None,
        name=None,
        ragged=None,
        optional=False,
        **kwargs,
    ):
        if sparse or ragged or optional:
            raise NotImplementedError(
                "InputLayer: sparse, ragged and optional inputs are not supported by tapegrad."
            )
        shape = kwargs.pop("input_shape", shape)
        batch_shape = kwargs.pop("batch_input_shape", batch_shape)
        super().__init__(name=name, dtype=dtype, **kwargs)
        if batch_shape is None:
            if shape is None:
                raise ValueError("Input: you must pass a `shape` argument (or `batch_shape`).")
            shape = check_shape("Input", "shape", shape)
            batch_size = check_integer("Input", "batch_size", batch_size, 1, allow_none=True)
            batch_shape = (batch_size,) + shape
        else:
            batch_shape = check_shape("Input", "batch_shape", batch_shape)
        self._batch_input_shape = tuple(batch_shape)
        self.built = True
        out = KerasTensor(batch_shape, self._dtype, name=self.name, history=(self, 0, 0))
        self._inbound_nodes.append(Node(self, None, (), {}, out))

    @property
    def batch_shape(self):
        return self._batch_input_shape

    def call(self, inputs):
        return inputs

    def get_config(self):
        return {
            "batch_shape": self._batch_input_shape,
            "dtype": self.dtype,
            "sparse": False,
            "ragged": False,
            "name": self.name,
            "optional": False,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("batch_shape"), list):
            config["batch_shape"] = tuple(config["batch_shape"])
        return cls(**config)


def Input(
    shape=None,
    batch_size=None,
    dtype=None,
    sparse=None,
    batch_shape=None,
    name=None,
    tensor=None,
    **kwargs,
):
    """A symbolic input for the functional API: `keras.Input(shape=(8,))`.

    Returns:
        A KerasTensor of shape `(batch_size,) + shape`.
    """
    layer = InputLayer(
        shape=shape,
        batch_size=batch_size,
        dtype=dtype,
        batch_shape=batch_shape,
        name=name,
        **kwargs,
    )
    return layer.output
