"""What a tape tracks: only what it watched or recorded, whatever other tapes did.

A source the tape does not track gets None (as TensorFlow), and no other tape, in this thread or
another, can make a tape forget what it tracks. Expected values are finite differences
(`tapegrad.numeric`) or, for None-versus-value answers, TensorFlow 2.21's (see
tests/test_engine_tf.py, which runs the same programs through TensorFlow).
"""

import threading

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import numeric


def _fd(f, *xs):
    """Finite-difference partial derivatives of scalar `f` at the floats `xs`."""
    return numeric.gradient(lambda *a: f(*a), *xs, eps=1e-3)


def test_variable_not_watched_gets_none_with_watch_accessed_variables_false():
    x, w = tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(w)
        y = x * w * w
    gx, gw = tape.gradient(y, [x, w])
    assert gx is None
    np.testing.assert_allclose(float(gw), _fd(lambda a, b: a * b * b, 2.0, 3.0)[1], rtol=1e-4)
    assert tape.watched_variables() == (w,)


@pytest.mark.parametrize("watched_elsewhere", [False, True])
def test_unwatched_constant_on_a_recorded_path_gets_none(watched_elsewhere):
    c, d = tf.constant(2.0), tf.constant(3.0)
    if watched_elsewhere:  # another tape's watch must not make this tape track c
        with tf.GradientTape() as other:
            other.watch(c)
    with tf.GradientTape() as tape:
        tape.watch(d)
        y = c * d * d
    gc, gd = tape.gradient(y, [c, d], unconnected_gradients="none")
    assert gc is None
    np.testing.assert_allclose(float(gd), _fd(lambda a, b: a * b * b, 2.0, 3.0)[1], rtol=1e-4)


def test_unwatched_source_gets_zeros_with_unconnected_zero():
    c, d = tf.constant([2.0, 1.0]), tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(d)
        y = tf.reduce_sum(c * d)
    gc = tape.gradient(y, c, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    np.testing.assert_array_equal(gc.numpy(), [0.0, 0.0])


def test_intermediate_recorded_by_the_tape_is_a_source():
    d = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(d)
        z = 2.0 * d
        y = z * d
    gz = tape.gradient(y, z)
    np.testing.assert_allclose(float(gz), 3.0)  # y = z * d is linear in z with slope d


def test_inner_tape_does_not_differentiate_what_only_the_outer_tape_watched():
    c, d = tf.constant(2.0), tf.constant(3.0)
    with tf.GradientTape() as outer:
        outer.watch(c)
        with tf.GradientTape() as inner:
            inner.watch(d)
            y = c * d * d
        gc, gd = inner.gradient(y, [c, d])
        assert gc is None
    second = outer.gradient(gd, c)  # d/dc (2 c d) = 2 d
    want = _fd(lambda a: 2 * a * 3.0, 2.0)[0]
    np.testing.assert_allclose(float(second), want, rtol=1e-4)


def test_a_target_that_is_a_source_gets_its_seed_even_untracked():
    # As TensorFlow: tape.gradient(x, x) is 1 whether or not the tape watched x.
    c, v = tf.constant([2.0, 5.0]), tf.Variable(3.0)
    with tf.GradientTape(persistent=True, watch_accessed_variables=False) as tape:
        pass
    np.testing.assert_array_equal(tape.gradient(c, c).numpy(), [1.0, 1.0])
    assert float(tape.gradient(v, v)) == 1.0
    assert tape.gradient(c, v) is None


def test_jacobian_gives_none_for_an_untracked_source():
    c, d = tf.constant(2.0), tf.constant([3.0, 4.0])
    with tf.GradientTape() as other:
        other.watch(c)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(d)
        y = c * d
    for pfor in (True, False):
        jc, jd = tape.jacobian(y, [c, d], experimental_use_pfor=pfor)
        assert jc is None
        np.testing.assert_allclose(jd.numpy(), numeric.jacobian(lambda x: 2.0 * x, [3.0, 4.0]),
                                   atol=1e-6)
        jc = tape.jacobian(y, c, unconnected_gradients="zero", experimental_use_pfor=pfor)
        np.testing.assert_array_equal(jc.numpy(), [0.0, 0.0])


def test_forward_accumulator_tangents_are_its_own():
    x, other = tf.constant(2.0), tf.constant(5.0)
    with tf.GradientTape() as tape:  # a tape watching the same tensor changes nothing
        tape.watch([x, other])
        with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as acc, (
                tf.autodiff.ForwardAccumulator(other, tf.constant(1.0))):
            y = x * other
    np.testing.assert_allclose(float(acc.jvp(y)), 5.0)  # d(x * other)/dx = other
    assert acc.jvp(other) is None


# -- batch_jacobian of an output that does not depend on the source ---------------------------

@pytest.mark.parametrize("pfor", [True, False])
def test_batch_jacobian_unconnected_is_zeros_of_the_target_dtype(pfor):
    x = tf.ones((2, 3))
    w = tf.ones((2, 4), tf.float64)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([w, x])
        y = w * 2.0
    jac = tape.batch_jacobian(y, x, experimental_use_pfor=pfor)
    assert jac.shape == (2, 4, 3) and jac.dtype == tf.float64  # TensorFlow: target's dtype
    np.testing.assert_array_equal(jac.numpy(), np.zeros((2, 4, 3)))


def test_batch_jacobian_unconnected_zero_is_zeros_of_the_source_dtype():
    x = tf.ones((2, 3))
    w = tf.ones((2, 4), tf.float64)
    with tf.GradientTape() as tape:
        tape.watch([w, x])
        y = w * 2.0
    jac = tape.batch_jacobian(y, x, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    assert jac.shape == (2, 4, 3) and jac.dtype == tf.float32


def test_batch_jacobian_of_an_unwatched_source_is_zeros():
    x, w = tf.ones((2, 3)), tf.ones((2, 3))
    with tf.GradientTape() as tape:
        tape.watch(w)
        y = x * w
    np.testing.assert_array_equal(tape.batch_jacobian(y, x).numpy(), np.zeros((2, 3, 3)))


def test_batch_jacobian_without_pfor_needs_a_persistent_tape():
    x = tf.ones((2, 3))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    with pytest.raises(RuntimeError, match="persistent"):
        tape.batch_jacobian(y, x, experimental_use_pfor=False)


# -- other tapes never make a tape forget what it tracks ---------------------------------------

def test_persistent_tape_reentered_after_other_tapes_watched_the_same_constant():
    x = tf.constant(2.0)
    tape = tf.GradientTape(persistent=True)
    with tape:
        tape.watch(x)
    for _ in range(9):
        with tf.GradientTape() as other:
            other.watch(x)
    with tape:
        y = x * x
    np.testing.assert_allclose(float(tape.gradient(y, x)), _fd(lambda a: a * a, 2.0)[0],
                               rtol=1e-4)


def test_many_live_tapes_watching_one_tensor_all_keep_it():
    x = tf.constant(3.0)
    tapes = [tf.GradientTape(persistent=True) for _ in range(20)]
    for tape in tapes:
        tape.__enter__()
        tape.watch(x)
    y = x * x
    for tape in reversed(tapes):
        tape.__exit__(None, None, None)
    want = _fd(lambda a: a * a, 3.0)[0]
    for tape in tapes:
        np.testing.assert_allclose(float(tape.gradient(y, x)), want, rtol=1e-4)


def _in_threads(first, second):
    """Runs `first(pause)` and `second()` in two threads; `second` runs while `first` waits."""
    started, done, errors = threading.Event(), threading.Event(), []

    def pause():
        started.set()
        assert done.wait(10)

    def run(fn, *args):
        try:
            fn(*args)
        except BaseException as err:  # noqa: BLE001 - re-raised in the main thread
            errors.append(err)
        finally:
            started.set()
            done.set()

    def run_second():
        assert started.wait(10)
        run(second)

    threads = [threading.Thread(target=run, args=(first, pause)),
               threading.Thread(target=run_second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def test_a_tape_keeps_a_constant_that_tapes_in_another_thread_then_watch():
    x, result = tf.constant(3.0), {}

    def first(pause):
        with tf.GradientTape() as tape:
            tape.watch(x)
            pause()
            y = x * x
        result["g"] = tape.gradient(y, x)

    def second():
        for _ in range(9):
            with tf.GradientTape() as tape:
                tape.watch(x)

    _in_threads(first, second)
    np.testing.assert_allclose(float(result["g"]), _fd(lambda a: a * a, 3.0)[0], rtol=1e-4)


def test_variable_read_in_two_threads_is_watched_once_per_tape():
    v, result = tf.Variable(1.0), {}

    def first(pause):
        with tf.GradientTape() as tape:
            y = v * 2.0
            pause()
            y = y + v * 2.0
        result["watched"] = tape.watched_variables()
        result["g"] = tape.gradient(y, v)

    def second():
        for _ in range(9):
            with tf.GradientTape():
                v * 2.0

    _in_threads(first, second)
    assert result["watched"] == (v,)
    np.testing.assert_allclose(float(result["g"]), _fd(lambda a: 4.0 * a, 1.0)[0], rtol=1e-4)


def test_failed_gradient_call_leaves_a_non_persistent_tape_usable():
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = x * x
        with pytest.raises(TypeError):
            tape.gradient(y, "x")
        z = y * x  # still recorded: the bad call changed nothing
    np.testing.assert_allclose(float(tape.gradient(z, x)), _fd(lambda a: a ** 3, 2.0)[0],
                               rtol=1e-4)
