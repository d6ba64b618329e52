"""Layer.add_weight takes its name by position with the shape by keyword, as the custom-layers
tutorial writes it (`self.add_weight("kernel", shape=[...])`, tf.keras 2's order).

Keras 3 itself rejects that call (ValueError: "`name` must be passed as a keyword argument");
tapegrad accepts it so the tutorial runs unchanged, and gives the weight Keras 3's name and
path, as `add_weight(name="kernel", shape=...)` would.
"""

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras


class _Dense(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.kernel = self.add_weight("kernel", shape=[int(input_shape[-1]), self.units],
                                      initializer="ones")

    def call(self, inputs):
        return tf.matmul(inputs, self.kernel)


def test_name_by_position_with_shape_by_keyword():
    layer = _Dense(3, name="mine")
    out = layer(tf.ones([2, 4]))
    assert out.numpy().tolist() == [[4.0] * 3] * 2
    assert (layer.kernel.name, layer.kernel.path, tuple(layer.kernel.shape)) == (
        "kernel", "mine/kernel", (4, 3))
    assert [v.name for v in layer.trainable_variables] == ["kernel"]


def test_other_orders_unchanged():
    layer = keras.layers.Layer()
    w = layer.add_weight((2,), "zeros", name="w")  # Keras 3: shape, initializer
    v = layer.add_weight("v", (3,))  # tf.keras: name, shape
    assert (w.name, tuple(w.shape), v.name, tuple(v.shape)) == ("w", (2,), "v", (3,))
    np.testing.assert_array_equal(w.numpy(), np.zeros(2, np.float32))
    with pytest.raises(TypeError, match="shape"):
        layer.add_weight((2,), shape=(3,))  # a shape twice is still an error


def test_keras_weight_names_match_the_keyword_form():
    pytest.importorskip("tensorflow")
    import keras as keras_real

    class KwDense(keras_real.layers.Layer):
        def build(self, input_shape):
            self.kernel = self.add_weight(name="kernel", shape=[int(input_shape[-1]), 3])

        def call(self, inputs):
            return inputs @ self.kernel

    layer = KwDense(name="mine")
    layer(np.ones((2, 4), "float32"))
    assert (layer.kernel.name, layer.kernel.path) == ("kernel", "mine/kernel")
