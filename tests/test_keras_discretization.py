"""keras.layers.Discretization as Keras 3's: Bucketize's bins, the output modes, Keras's
quantile summaries in `adapt` (boundaries recorded from Keras 3.15 on the same data, and
compared with Keras itself where it is installed), configs and errors."""

import numpy as np
import pytest
from bad_input import assert_clear_error

import tapegrad as tf
from tapegrad import keras

Discretization = keras.layers.Discretization
X = np.array([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]])
DATA = (np.sin(np.arange(600.0)) * np.arange(600.0) % 17.0).reshape(200, 3).astype("float32")


def test_discretization_bins_as_keras_docstring():
    out = Discretization(bin_boundaries=[0.0, 1.0, 2.0])(X)
    assert out.dtype == tf.int32
    # recorded from Keras 3.15 (its docstring's example)
    assert out.numpy().tolist() == [[0, 2, 3, 1], [1, 3, 2, 1]]
    layer = Discretization(num_bins=4, epsilon=0.01)
    layer.adapt(X)
    assert layer.bin_boundaries == pytest.approx([0.0, 0.5, 1.2999999523162842], abs=0)
    assert layer(X).numpy().tolist() == [[0, 2, 3, 2], [1, 3, 3, 1]]


def test_discretization_edge_values():
    layer = Discretization(bin_boundaries=[0.0, 1.0, 2.0])
    # recorded from Keras 3.15: NaN falls in the last bin, as TensorFlow's Bucketize puts it
    assert layer(np.array([[0.1, np.nan, np.inf, -np.inf]])).numpy().tolist() == [[1, 3, 3, 0]]
    assert layer(np.array([[0, 1, 2, 3]])).numpy().tolist() == [[1, 2, 3, 3]]
    # compared as float32, as Keras: 0.1 + 1e-12 rounds to the boundary 0.1
    assert Discretization(bin_boundaries=[0.1])(
        np.array([[0.1, 0.1 + 1e-12]])).numpy().tolist() == [[1, 1]]
    assert Discretization(bin_boundaries=[])(X).numpy().tolist() == [[0] * 4] * 2


def test_discretization_output_modes():
    def run(mode, x, **kwargs):
        return Discretization(bin_boundaries=[0.0, 1.0, 2.0], output_mode=mode, **kwargs)(x)

    # recorded from Keras 3.15
    one_hot = run("one_hot", X)
    assert one_hot.shape == (2, 4, 4) and one_hot.dtype == tf.float32
    np.testing.assert_array_equal(one_hot.numpy().argmax(-1), [[0, 2, 3, 1], [1, 3, 2, 1]])
    assert run("one_hot", np.array([[0.5], [2.5]])).numpy().tolist() == [
        [0, 1, 0, 0], [0, 0, 0, 1]]
    assert run("multi_hot", X).numpy().tolist() == [[1, 1, 1, 1], [0, 1, 1, 1]]
    assert run("multi_hot", np.array([0.5, 1.5, 1.7])).numpy().tolist() == [0, 1, 1, 0]
    assert run("count", X).numpy().tolist() == [[1, 1, 1, 1], [0, 2, 1, 1]]
    assert run("count", X, dtype="float64").dtype == tf.float64
    assert run("int", X, dtype="float64").dtype == tf.int32
    inputs = keras.Input((4,))
    assert Discretization(bin_boundaries=[0.0, 1.0])(inputs).shape == (None, 4)
    hot = Discretization(bin_boundaries=[0.0, 1.0], output_mode="one_hot")(inputs)
    assert hot.shape == (None, 4, 3)


def test_discretization_adapt_matches_keras_quantiles():
    # each boundary list recorded from Keras 3.15 adapting on the same data
    layer = Discretization(num_bins=5)
    layer.adapt(DATA)
    np.testing.assert_array_equal(layer.bin_boundaries, np.float32(
        [3.5880181789398193, 6.940916061401367, 10.346891403198242, 13.691206932067871]))
    layer = Discretization(num_bins=4, epsilon=0.05)
    layer.adapt(tf.data.Dataset.from_tensor_slices(DATA).batch(32))
    np.testing.assert_array_equal(layer.bin_boundaries, np.float32(
        [5.331751823425293, 9.119752883911133, 13.062275886535645]))
    layer = Discretization(num_bins=3)
    layer.adapt([DATA[:10], DATA[10:150], DATA[150:]])
    np.testing.assert_array_equal(layer.bin_boundaries,
                                  np.float32([5.958890914916992, 11.555584907531738]))
    layer.adapt(tf.data.Dataset.from_tensor_slices(DATA).batch(32), steps=2)  # starts afresh
    np.testing.assert_array_equal(layer.bin_boundaries,
                                  np.float32([4.568419456481934, 11.205185890197754]))


def test_discretization_adapted_bins_hold_equal_shares():
    values = np.random.default_rng(0).exponential(size=4000)
    layer = Discretization(num_bins=4, epsilon=0.001)
    layer.adapt(values)
    shares = np.bincount(layer(values[:, None]).numpy().ravel(), minlength=4) / values.size
    np.testing.assert_allclose(shares, 0.25, atol=0.01)


def test_discretization_config_round_trip():
    layer = Discretization(num_bins=3, name="d")
    layer.adapt(X)
    config = layer.get_config()
    assert config == {"bin_boundaries": layer.bin_boundaries, "num_bins": 3, "epsilon": 0.01,
                      "output_mode": "int", "sparse": False, "name": "d", "dtype": "float32"}
    again = Discretization.from_config(config)
    assert again.bin_boundaries == layer.bin_boundaries and again.num_bins == 3
    np.testing.assert_array_equal(again(X).numpy(), layer(X).numpy())


def test_discretization_in_a_traced_model():
    model = keras.Sequential([keras.Input((4,)), Discretization(bin_boundaries=[0.0, 1.0, 2.0]),
                              keras.layers.Embedding(4, 2)])
    step = tf.function(lambda x: model(x))
    np.testing.assert_array_equal(step(X).numpy(), model(X).numpy())
    assert model.predict(X, verbose=0).shape == (2, 4, 2)


def test_discretization_bad_arguments():
    assert_clear_error(lambda: Discretization(), ValueError, "num_bins", "bin_boundaries")
    assert_clear_error(lambda: Discretization(num_bins=3, bin_boundaries=[1.0]), ValueError,
                       "num_bins=3", "[1.0]")
    assert_clear_error(lambda: Discretization(num_bins=-1), ValueError, "num_bins=-1")
    assert_clear_error(lambda: Discretization([1.0], output_mode="tf_idf"), ValueError,
                       "output_mode", "tf_idf")
    assert_clear_error(lambda: Discretization([1.0], sparse=True), ValueError, "sparse")
    assert_clear_error(lambda: Discretization([1.0], output_mode="count", sparse=True),
                       ValueError, "sparse", "dense")
    assert_clear_error(lambda: Discretization(bin_boundaries=[1.0]).adapt(X), ValueError,
                       "adapt", "bin_boundaries")
    assert_clear_error(lambda: Discretization(num_bins=3)(X), ValueError, "adapt",
                       "bin_boundaries")
    assert_clear_error(lambda: Discretization(num_bins=0).adapt(X), ValueError,
                       "num_bins=0")
    assert_clear_error(lambda: Discretization([2.0, 1.0])(X), tf.errors.InvalidArgumentError,
                       "sorted", "[2.0, 1.0]")


def test_discretization_matches_keras(tf_keras_real):
    _, k3 = tf_keras_real
    values = np.random.default_rng(1).normal(size=(300, 2)).astype("float32")
    for kwargs in ({"num_bins": 6}, {"num_bins": 3, "epsilon": 0.1}):
        ours, theirs = Discretization(**kwargs), k3.layers.Discretization(**kwargs)
        ours.adapt(values)
        theirs.adapt(values)
        assert ours.bin_boundaries == theirs.bin_boundaries
        for mode in ("int", "one_hot", "multi_hot", "count"):
            a = Discretization(bin_boundaries=ours.bin_boundaries, output_mode=mode)(values)
            b = k3.layers.Discretization(bin_boundaries=theirs.bin_boundaries,
                                         output_mode=mode)(values)
            np.testing.assert_array_equal(a.numpy(), np.asarray(b))
    config = Discretization([0.5, 1.0], output_mode="count", name="x").get_config()
    assert config == k3.layers.Discretization([0.5, 1.0], output_mode="count",
                                              name="x").get_config()
