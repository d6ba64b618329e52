"""tf.*_initializer (TensorFlow's init_ops_v2, as the tf.Module and custom-layer guides use
them) and the graph-era names eager programs still call: tf.no_op, tf.group,
tf.control_dependencies, tf.inside_function, tf.get_static_value, tf.get_logger. Expected
values were recorded from TensorFlow 2.21 (and are compared with it where it is installed)."""

import logging

import numpy as np
import pytest

import tapegrad as tf
from tests.bad_input import assert_clear_error


def test_constant_initializer_reshapes_a_list_and_fills_with_a_number():
    init = tf.constant_initializer([1, 2, 3, 4])
    got = init(shape=(2, 2))
    assert got.dtype == tf.int32  # the value's own dtype, as TensorFlow's (default dtype None)
    np.testing.assert_array_equal(got.numpy(), [[1, 2], [3, 4]])
    assert init.get_config() == {"value": [1, 2, 3, 4]}
    np.testing.assert_array_equal(tf.constant_initializer(5)(shape=[2], dtype=tf.int32), [5, 5])
    np.testing.assert_array_equal(tf.constant_initializer(0.5)((3,), tf.float64), [0.5] * 3)


def test_constant_initializer_with_the_wrong_number_of_elements():
    assert_clear_error(lambda: tf.constant_initializer([1, 2, 3])(shape=(2, 2)), TypeError,
                       "constant_initializer", "3", "(2, 2)")


def test_zeros_and_ones_initializers():
    z = tf.zeros_initializer()(shape=(2,))
    assert z.dtype == tf.float32 and z.numpy().tolist() == [0.0, 0.0]
    o = tf.ones_initializer()(shape=(2,), dtype=tf.int64)
    assert o.dtype == tf.int64 and o.numpy().tolist() == [1, 1]


def test_random_initializers():
    r = tf.random_normal_initializer(mean=1.0, stddev=0.0)
    np.testing.assert_array_equal(r((2,)), [1.0, 1.0])
    assert r.get_config() == {"mean": 1.0, "stddev": 0.0, "seed": None}
    draws = tf.random_normal_initializer()((1000,))
    assert draws.dtype == tf.float32 and 0.04 < float(np.std(draws)) < 0.06
    u = tf.random_uniform_initializer(0.0, 1.0, seed=3)
    a, b = u((3,)), u((3,))
    np.testing.assert_array_equal(a, b)  # a seed gives the same values at every call
    assert u.get_config() == {"minval": 0.0, "maxval": 1.0, "seed": 3}
    assert float(tf.reduce_min(a)) >= 0.0 and float(tf.reduce_max(a)) < 1.0
    unseeded = tf.random_uniform_initializer()
    assert not np.array_equal(unseeded((8,)), unseeded((8,)))
    copy = type(u).from_config(u.get_config())
    np.testing.assert_array_equal(copy((3,)), a)


def test_random_initializers_refuse_integer_dtypes():
    assert_clear_error(lambda: tf.random_normal_initializer()((2,), dtype=tf.int32), ValueError,
                       "floating point", "int32")


def test_the_tf_module_guides_dense_layer():
    class Dense(tf.Module):
        def __init__(self, in_features, out_features):
            super().__init__()
            w_init = tf.random_normal_initializer(seed=1)
            self.w = tf.Variable(w_init(shape=(in_features, out_features)), name="w")
            self.b = tf.Variable(tf.zeros_initializer()(shape=(out_features,)), name="b")

        def __call__(self, x):
            return tf.nn.relu(x @ self.w + self.b)

    layer = Dense(3, 2)
    assert layer(tf.ones((4, 3))).shape == (4, 2)
    assert len(layer.trainable_variables) == 2


def test_graph_era_names_in_eager_code():
    assert tf.no_op() is None and tf.group(tf.constant(1), tf.constant(2)) is None
    called = []
    with tf.control_dependencies([tf.constant(1), lambda: called.append(1)]) as c:
        assert c is None
    with tf.control_dependencies(None):
        pass
    assert called == [1]
    assert tf.inside_function() is False
    assert tf.get_logger() is logging.getLogger("tensorflow")


def test_get_static_value():
    got = tf.get_static_value(tf.constant([1.0, 2.0]))
    assert isinstance(got, np.ndarray) and got.dtype == np.float32 and got.tolist() == [1, 2]
    scalar = tf.get_static_value(tf.constant(3))
    assert scalar == 3 and scalar.dtype == np.int32
    assert tf.get_static_value(3) == 3 and tf.get_static_value([1, 2]) == [1, 2]
    assert tf.get_static_value(tf.Variable(1.0)) is None
    seen = []

    @tf.function
    def f(x):
        seen.append((tf.get_static_value(x), float(tf.get_static_value(tf.constant(2.0))),
                     tf.inside_function()))
        return x

    f(tf.constant([1.0, 2.0]))
    assert seen == [(None, 2.0, True)]


def test_lazy_names_are_listed_by_dir():
    names = dir(tf)
    for name in ("function", "while_loop", "TensorArray", "random_normal_initializer",
                 "keras", "GradientTape"):
        assert name in names


def test_against_tensorflow():
    real = pytest.importorskip("tensorflow")
    for name in ("constant_initializer", "zeros_initializer", "ones_initializer",
                 "random_normal_initializer", "random_uniform_initializer", "no_op", "group",
                 "control_dependencies", "inside_function", "get_static_value", "get_logger"):
        assert hasattr(real, name)
    ours = tf.constant_initializer([[1.5, 2.0]])((2, 1))
    theirs = real.constant_initializer([[1.5, 2.0]])((2, 1))
    assert ours.dtype.name == theirs.dtype.name
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    assert real.random_normal_initializer(seed=3).get_config() == \
        tf.random_normal_initializer(seed=3).get_config()
    assert real.get_static_value([1, 2]) == tf.get_static_value([1, 2])


# -- tf.nn.bias_add, tf.nn.batch_normalization, keras.utils.(un)pack_x_y_sample_weight --------


def test_bias_add():
    x = tf.reshape(tf.range(12, dtype=tf.float32), (2, 3, 2))
    got = tf.nn.bias_add(x, tf.constant([10.0, 20.0]))
    np.testing.assert_array_equal(got, np.arange(12, dtype=np.float32).reshape(2, 3, 2) + [10, 20])
    nchw = tf.nn.bias_add(tf.ones((2, 3, 4)), [1.0, 2.0, 3.0], data_format="NCHW")
    np.testing.assert_array_equal(nchw.numpy()[0], [[2.0] * 4, [3.0] * 4, [4.0] * 4])
    np.testing.assert_array_equal(  # 2-D input, channels first: the channels are axis 1 still
        tf.nn.bias_add(tf.ones((2, 3)), tf.constant([1.0, 2.0, 3.0]), data_format="NCHW"),
        [[2.0, 3.0, 4.0]] * 2)
    v = tf.Variable([[1.0, 2.0], [3.0, 5.0]])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.nn.bias_add(v, tf.constant([1.0, 2.0])) ** 2)
    np.testing.assert_array_equal(tape.gradient(y, v), [[4.0, 8.0], [8.0, 14.0]])  # TF 2.21's


@pytest.mark.parametrize("call, mentions", [
    (lambda x: tf.nn.bias_add(x, tf.constant([1.0, 2.0, 3.0])), ("3 biases", "[2, 3, 2]")),
    (lambda x: tf.nn.bias_add(x, tf.ones((2, 2))), ("1-D", "[2, 2]")),
    (lambda x: tf.nn.bias_add(tf.constant(1.0), tf.constant([1.0])), ("2-D", "[]")),
    (lambda x: tf.nn.bias_add(x, tf.constant([1, 2])), ("int32", "float32")),
])
def test_bias_add_bad_input(call, mentions):
    x = tf.zeros((2, 3, 2))
    assert_clear_error(lambda: call(x), tf.errors.InvalidArgumentError, "bias_add", *mentions)
    assert_clear_error(lambda: tf.nn.bias_add(x, [1.0, 2.0], data_format="HWC"), ValueError,
                       "data_format")


def test_batch_normalization_has_tensorflows_bits():
    x = tf.constant([1.0, 2.0, 3.0])
    # recorded from TensorFlow 2.21 (x * inv + (offset - mean * inv), float32)
    assert tf.nn.batch_normalization(x, 2.0, 4.0, 1.0, 2.0, 1e-3).numpy().tolist() == [
        0.00012493133544921875, 1.0, 1.9998750686645508]
    assert tf.nn.batch_normalization(x, 2.0, 4.0, None, None, 1e-3).numpy().tolist() == [
        -0.4999375343322754, 0.0, 0.4999375343322754]


def test_pack_and_unpack_x_y_sample_weight():
    from tapegrad import keras

    pack, unpack = keras.utils.pack_x_y_sample_weight, keras.utils.unpack_x_y_sample_weight
    assert [pack(1), pack(1, 2), pack(1, 2, 3), pack((1, 2))] == [1, (1, 2), (1, 2, 3), ((1, 2),)]
    assert [unpack(1), unpack((1,)), unpack((1, 2)), unpack([1, 2, 3]), unpack({"a": 1})] == [
        (1, None, None), (1, None, None), (1, 2, None), (1, 2, 3), ({"a": 1}, None, None)]
    assert_clear_error(lambda: unpack((1, 2, 3, 4)), ValueError, "(x, y, sample_weight)")


@pytest.mark.parametrize("dtype, want", [
    (tf.int8, "float32"), (tf.uint8, "float32"), (tf.int16, "float32"), (tf.uint16, "float32"),
    (tf.int32, "float64"), (tf.int64, "float64"),
])
def test_integer_true_division_dtypes(dtype, want):
    # TensorFlow 2.21's truediv: 8- and 16-bit integers divide in float32, wider ones in float64
    a, b = tf.constant([1, 7], dtype), tf.constant([2, 4], dtype)
    for got in (a / b, tf.math.truediv(a, b), tf.divide(a, b), tf.math.divide(a, 3)):
        assert got.dtype.name == want
    np.testing.assert_array_equal((a / b).numpy(), [0.5, 1.75])
