"""tf.TensorArray: TensorFlow's results and errors eagerly, in traced functions and as a
traced while_loop's variable (one While instruction), and derivatives through writes and reads
against finite differences (check_grads) and TensorFlow."""

import numpy as np
import pytest
from bad_input import assert_clear_error

import tapegrad as tf
from tapegrad._core.control import While


def test_tensor_array_methods_as_tensorflow():
    # results recorded from TensorFlow 2.21 (eager)
    ta = tf.TensorArray(tf.float32, size=3).write(0, 1.0)
    assert float(ta.read(1)) == 0.0  # never written: zeros
    assert ta.stack().numpy().tolist() == [1.0, 0.0, 0.0] and int(ta.size()) == 3
    grown = tf.TensorArray(tf.float32, size=0, dynamic_size=True).write(2, [1.0, 2.0])
    assert grown.stack().numpy().tolist() == [[0.0, 0.0], [0.0, 0.0], [1.0, 2.0]]
    assert int(grown.size()) == 3 and grown.element_shape == tf.TensorShape([2])
    assert tf.TensorArray(tf.float32, size=0).stack().shape == (0,)
    assert tf.TensorArray(tf.float32, size=0, element_shape=[2]).stack().shape == (0, 2)
    unstacked = tf.TensorArray(tf.float32, size=2).unstack([[1.0, 2.0], [3.0, 4.0]])
    assert unstacked.read(1).numpy().tolist() == [3.0, 4.0]
    scattered = tf.TensorArray(tf.float32, size=3).scatter([0, 2], [[1.0, 2.0], [3.0, 4.0]])
    assert scattered.stack().numpy().tolist() == [[1.0, 2.0], [0.0, 0.0], [3.0, 4.0]]
    gathered = tf.TensorArray(tf.float32, size=3).unstack([1.0, 2.0, 3.0]).gather([2, 0])
    assert gathered.numpy().tolist() == [3.0, 1.0]
    concat = tf.TensorArray(tf.float32, size=2).write(0, [1.0, 2.0]).write(1, [3.0, 5.0])
    assert concat.concat().numpy().tolist() == [1.0, 2.0, 3.0, 5.0]
    dynamic = tf.TensorArray(tf.float32, size=2, dynamic_size=True).unstack([1.0, 2.0, 3.0])
    assert int(dynamic.size()) == 3


def test_clear_after_read_forbids_a_second_read_eagerly():
    ta = tf.TensorArray(tf.float32, size=2).write(0, 1.0).write(1, 2.0)
    assert float(ta.read(0)) == 1.0
    with pytest.raises(tf.errors.InvalidArgumentError, match="Could not read index 0 twice"):
        ta.read(0)
    keep = tf.TensorArray(tf.float32, size=1, clear_after_read=False).write(0, 1.0)
    assert float(keep.read(0)) + float(keep.read(0)) == 2.0


@pytest.mark.parametrize("call, error, words", [
    (lambda: tf.TensorArray(tf.float32, size=3).write(5, 1.0), tf.errors.OutOfRangeError,
     ["index 5", "not resizeable", "size is: 3"]),
    (lambda: tf.TensorArray(tf.float32, size=3).write(0, 1.0).write(1, [1.0, 2.0]), ValueError,
     ["Incompatible shape for value ((2,)), expected (())"]),
    (lambda: tf.TensorArray(tf.float32, size=2).write(0, tf.constant(1)),
     tf.errors.InvalidArgumentError, ["dtype is float32", "write dtype int32"]),
    (lambda: tf.TensorArray(tf.float32, size=2).read(5), tf.errors.OutOfRangeError,
     ["read from index 5", "size is: 2"]),
    (lambda: tf.TensorArray(tf.float32, size=2).unstack([1.0, 2.0, 3.0]), ValueError,
     ["Cannot unstack 3 tensors into a TensorArray of static size 2"]),
    (lambda: tf.TensorArray(tf.float32, size=2).concat(), tf.errors.InvalidArgumentError,
     ["requires at least vectors"]),
    (lambda: tf.TensorArray(tf.float32), ValueError, ["Size must be provided"]),
])
def test_bad_tensor_array_use_raises_tensorflow_errors(call, error, words):
    assert_clear_error(call, error, *words)


def _squares(x, n):
    """A loop writing x * i ** 2 (i < n) into a growing TensorArray, stacked and summed."""
    ta = tf.TensorArray(x.dtype, size=0, dynamic_size=True)

    def body(i, ta):
        return i + 1, ta.write(i, x * tf.cast(i * i, x.dtype) + tf.sin(x))

    _, ta = tf.while_loop(lambda i, ta: i < n, body, (tf.constant(0), ta))
    return ta.stack()


def _running_product(x):
    """Reads x's elements from a TensorArray in a loop, writes the running product."""
    n = tf.shape(x)[0]
    xs = tf.TensorArray(x.dtype, size=3, clear_after_read=False).unstack(x)

    def body(i, acc, out):
        acc = acc * xs.read(i)
        return i + 1, acc, out.write(i, acc)

    _, _, out = tf.while_loop(lambda i, acc, out: i < n, body,
                              (0, tf.cast(1.0, x.dtype), tf.TensorArray(x.dtype, size=3)))
    return out.stack() + out.gather([2, 0])[0]


@pytest.mark.parametrize("traced", [False, True], ids=["eager", "traced"])
def test_tensor_array_derivatives_match_finite_differences(traced):
    squares = (lambda x: _squares(x, tf.constant(3)))
    product = _running_product
    if traced:
        squares, product = tf.function(squares), tf.function(product)
    tf.check_grads(squares, [0.3], order=2)
    tf.check_grads(product, [np.array([0.5, -1.5, 2.0])], order=2)


def test_traced_tensor_array_loop_is_one_while_and_grows_per_call():
    f = tf.function(lambda x, n: _squares(x, n))
    program = f.get_concrete_function(tf.constant(1.0), tf.constant(2)).program
    assert [type(ins) for ins in program.instrs] == [While]
    assert f(tf.constant(0.0), tf.constant(3)).numpy().tolist() == [0.0, 0.0, 0.0]
    assert f(tf.constant(1.0), tf.constant(5)).shape == (5,)
    assert f.experimental_get_tracing_count() == 1


def test_tensor_array_matches_tensorflow():
    tf_real = pytest.importorskip("tensorflow")
    x_np = np.array([0.5, -1.5, 2.0])
    outs = []
    for lib in (tf, tf_real):
        x = lib.constant(x_np)

        def program(x, lib=lib):
            ta = lib.TensorArray(lib.float64, size=0, dynamic_size=True)
            ta = ta.scatter([1, 0], lib.stack([x * 2.0, lib.sin(x)]))
            ta = ta.write(3, x * x)
            return lib.reduce_sum(ta.stack() * lib.reshape(lib.range(1.0, 5.0, dtype=lib.float64),
                                                           [4, 1])) + lib.reduce_sum(ta.gather([3]))

        for fn in (program, lib.function(program)):
            with lib.GradientTape() as tape:
                tape.watch(x)
                y = fn(x)
            outs.append((float(y), tape.gradient(y, x).numpy()))
    for mine, theirs in zip(outs[:2], outs[2:]):
        assert mine[0] == pytest.approx(theirs[0], rel=1e-12)
        np.testing.assert_allclose(mine[1], theirs[1], rtol=1e-12)


def test_traced_cond_returns_tensor_arrays():
    @tf.function
    def f(x):
        ta = tf.TensorArray(tf.float32, size=2).write(0, x)
        ta = tf.cond(x > 0.0, lambda: ta.write(1, x * 2.0), lambda: ta.write(1, -x))
        return ta.stack()

    assert f(tf.constant(3.0)).numpy().tolist() == [3.0, 6.0]
    assert f(tf.constant(-1.0)).numpy().tolist() == [-1.0, 1.0]
    assert f.get_concrete_function(tf.constant(1.0)).traced
