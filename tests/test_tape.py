"""GradientTape's API and TensorFlow's semantics."""

import gc
import sys
import threading
import weakref

import numpy as np
import pytest

import tapegrad as tf


def test_watch_accessed_variables_false_needs_explicit_watch():
    v = tf.Variable(3.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        y = v * v
    assert tape.gradient(y, v) is None
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(v)
        y = v * v
    assert float(tape.gradient(y, v)) == 6.0
    assert tape.watched_variables() == (v,)


def test_constants_need_watch():
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        y = x * x
    assert tape.gradient(y, x) is None
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    assert float(tape.gradient(y, x)) == 6.0


def test_non_trainable_variable_has_no_gradient():
    v = tf.Variable(3.0, trainable=False)
    with tf.GradientTape() as tape:
        y = v * v
    assert tape.gradient(y, v) is None
    assert tape.watched_variables() == ()


def test_integer_tensor_watch_warns_and_gives_none():
    x = tf.constant(3)
    with tf.GradientTape() as tape:
        with pytest.warns(UserWarning, match="float dtype"):
            tape.watch(x)
        y = x * x
    assert tape.gradient(y, x) is None


def test_unconnected_zero():
    x, z = tf.Variable(1.0), tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = x * 2
    grads = tape.gradient(y, [x, z], unconnected_gradients=tf.UnconnectedGradients.ZERO)
    assert float(grads[0]) == 2.0
    np.testing.assert_array_equal(grads[1].numpy(), [0.0, 0.0])
    assert grads[1].dtype == tf.float32


def test_sources_keep_their_structure():
    a, b, c = tf.Variable(1.0), tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = a * b * c
    grads = tape.gradient(y, {"x": [a, (b,)], "y": c})
    assert isinstance(grads, dict) and isinstance(grads["x"], list)
    assert isinstance(grads["x"][1], tuple)
    assert [float(grads["x"][0]), float(grads["x"][1][0]), float(grads["y"])] == [6.0, 3.0, 2.0]


def test_output_gradients_weight_the_targets():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = x * x
    g = tape.gradient(y, x, output_gradients=tf.constant([10.0, 100.0]))
    np.testing.assert_allclose(g.numpy(), [20.0, 400.0])


def test_stop_recording_pauses_the_tape():
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = x * x
        with tape.stop_recording():
            z = x * x * x
        w = y + z
    assert float(tape.gradient(w, x)) == 4.0


def test_stop_recording_outside_block_raises():
    tape = tf.GradientTape()
    with pytest.raises(RuntimeError, match="not recording"):
        with tape.stop_recording():
            pass


def test_reset_forgets_recorded_operations():
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = x * x
        tape.reset()
        x * x * x
    assert tape.gradient(y, x) is None


def test_reset_allows_another_gradient():
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = x * x
    tape.gradient(y, x)
    tape.reset()
    with tape:
        z = x * x * x
    assert float(tape.gradient(z, x)) == 12.0


def test_gradient_inside_with_block_works():
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = x * x
        g = tape.gradient(y, x)
        after = x * 5  # a non-persistent tape stops recording at gradient, as TensorFlow
    assert float(g) == 6.0
    del after


def test_persistent_tape_records_its_own_gradient_inside_block():
    x = tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as tape:
        y = x * x * x
        g = tape.gradient(y, x)
    assert float(g) == 27.0
    assert float(tape.gradient(g, x)) == 18.0


def test_third_and_fourth_derivatives_through_nesting():
    x = tf.Variable(0.7, dtype=tf.float64)
    with tf.GradientTape() as t4:
        with tf.GradientTape() as t3:
            with tf.GradientTape() as t2:
                with tf.GradientTape() as t1:
                    y = tf.sin(x) * x
                d1 = t1.gradient(y, x)
            d2 = t2.gradient(d1, x)
        d3 = t3.gradient(d2, x)
    d4 = t4.gradient(d3, x)
    v = 0.7
    assert float(d3) == pytest.approx(-3 * np.sin(v) - v * np.cos(v), rel=1e-12)
    assert float(d4) == pytest.approx(-4 * np.cos(v) + v * np.sin(v), rel=1e-12)


def test_gradient_with_respect_to_intermediate():
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = x * x
        z = y * 3.0
    gy, gx = tape.gradient(z, [y, x])
    assert (float(gy), float(gx)) == (3.0, 12.0)


def test_broadcasting_is_undone():
    a = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    b = tf.Variable([1.0, 1.0, 1.0])
    c = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(a * b * c)
    ga, gb, gc = tape.gradient(y, [a, b, c])
    assert ga.shape == (2, 3) and gb.shape == (3,) and gc.shape == ()
    np.testing.assert_allclose(gb.numpy(), [10.0, 14.0, 18.0])
    assert float(gc) == 21.0


def test_variable_read_twice_with_assign_between_sums_both_reads():
    v = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        a = v * 1.0
        v.assign(5.0)
        y = a + v * v
    assert float(tape.gradient(y, v)) == 11.0


def test_each_thread_has_its_own_tape_stack():
    results = {}
    barrier = threading.Barrier(2)

    def work(name, k):
        x = tf.Variable(float(k))
        with tf.GradientTape() as tape:
            barrier.wait()
            y = x * x * k
            barrier.wait()
        results[name] = (float(tape.gradient(y, x)), len(tape.watched_variables()))

    threads = [threading.Thread(target=work, args=(n, k)) for n, k in (("a", 2), ("b", 3))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {"a": (8.0, 1), "b": (18.0, 1)}


def test_long_chain_needs_no_recursion():
    assert sys.getrecursionlimit() <= 1000 or True
    x = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        y = x
        for _ in range(150_000):
            y = y * 1.0
    assert float(tape.gradient(y, x)) == 1.0


def test_non_persistent_tape_frees_saved_tensors_after_gradient():
    x = tf.Variable(np.ones(4))
    with tf.GradientTape() as tape:
        h = tf.exp(x)
        y = tf.reduce_sum(h * h)
    ref = weakref.ref(h)
    del h
    assert ref() is not None  # the tape still needs it
    tape.gradient(y, x)
    assert ref() is None  # freed when gradient returned, without gc.collect()


def test_persistent_tape_frees_saved_tensors_on_del():
    gc.collect()
    x = tf.Variable(np.ones(4))
    with tf.GradientTape(persistent=True) as tape:
        h = tf.exp(x)
        y = tf.reduce_sum(h * h)
    ref = weakref.ref(h)
    del h
    tape.gradient(y, x)
    assert ref() is not None
    del tape
    assert ref() is None


def test_gradient_dtype_matches_source_dtype():
    for dtype in (tf.float16, tf.float32, tf.float64):
        x = tf.Variable([0.5, 1.5], dtype=dtype)
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(tf.sigmoid(x) * tf.exp(x) / (x + 1.0) + x**2.0)
        assert tape.gradient(y, x).dtype == dtype
        assert y.dtype == dtype


# -- bad input ------------------------------------------------------------------------------

def test_source_that_is_not_a_tensor_raises_type_error():
    x = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        y = x * 2
    with pytest.raises(TypeError, match="source #0 is a float"):
        tape.gradient(y, 3.0)


def test_target_that_is_not_a_tensor_raises_type_error():
    x = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        x * 2
    with pytest.raises(TypeError, match="target #0 is a str"):
        tape.gradient("loss", x)


def test_output_gradients_of_wrong_shape_raise():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = x * 2
    with pytest.raises(ValueError, match=r"output_gradients has shape \[3\].*\[2\]"):
        tape.gradient(y, x, output_gradients=tf.constant([1.0, 1.0, 1.0]))


def test_watch_of_non_tensor_raises():
    with tf.GradientTape() as tape:
        with pytest.raises(ValueError, match="not a tf.Tensor"):
            tape.watch([1.0, 2.0])


def test_failed_op_leaves_the_tape_usable():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = x * x
        with pytest.raises(tf.errors.InvalidArgumentError):
            x + tf.constant([1.0, 2.0, 3.0])
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [2.0, 4.0])


def test_variable_made_non_trainable_is_no_longer_watched():
    v = tf.Variable(2.0)
    v.trainable = False
    with tf.GradientTape() as tape:
        y = v * v
    assert tape.gradient(y, v) is None
    v.trainable = True
    with tf.GradientTape() as tape:
        y = v * v
    assert float(tape.gradient(y, v)) == 4.0


def test_reset_forgets_watched_variables_and_watches_them_again():
    v = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        v * v
        tape.reset()
        assert tape.watched_variables() == ()
        y = v * 3.0
    assert tape.watched_variables() == (v,)
    assert float(tape.gradient(y, v)) == 3.0
