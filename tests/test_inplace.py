"""Writes into buffers only their owner sees: in-place Variable assignments (issue 16).

An assignment writes into the variable's array when nothing else holds it, and replaces the
array otherwise; either way the result has the bits of the out-of-place computation, and
every value read before the assignment keeps what it read (TensorFlow's read semantics).
"""

import numpy as np
import pytest

import tapegrad as tf

DTYPES = [np.float16, np.float32, np.float64]


def _address(v):
    return np.asarray(v).ctypes.data  # the temporary array is dropped at once


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(), (7,), (3, 5)])
@pytest.mark.parametrize("op", ["assign", "assign_add", "assign_sub"])
def test_assignments_give_the_out_of_place_bits(dtype, shape, op):
    rng = np.random.default_rng(0)
    start = rng.standard_normal(shape).astype(dtype)
    v = tf.Variable(start)
    want = start.copy()
    combine = {"assign": lambda a, b: b, "assign_add": np.add, "assign_sub": np.subtract}[op]
    for step in range(5):
        delta = (rng.standard_normal(shape) * 10.0 ** rng.integers(-4, 4)).astype(dtype)
        # an array, a NumPy scalar (0-d) and a tensor take the fast path; a list does not
        arg = [delta, tf.constant(delta), delta.tolist()][step % 3]
        want = np.asarray(combine(want, delta), dtype=dtype)
        getattr(v, op)(arg)
        got = np.asarray(v)
        assert got.dtype == want.dtype and got.shape == want.shape
        assert got.tobytes() == want.tobytes()


def test_an_unread_variable_is_updated_in_its_own_buffer():
    v = tf.Variable(np.zeros((64, 64), np.float32))
    address = _address(v)
    v.assign_sub(np.ones((64, 64), np.float32))
    v.assign_add(tf.ones((64, 64)))
    v.assign(np.full((64, 64), 2.0, np.float32))
    assert _address(v) == address
    np.testing.assert_array_equal(np.asarray(v), 2.0)


@pytest.mark.parametrize(
    "read",
    [
        lambda v: v.read_value(),  # identity: the tensor holds the variable's array
        lambda v: tf.convert_to_tensor(v),
        lambda v: v.numpy(),  # a read-only view of the array
        lambda v: np.asarray(v),
        lambda v: v._read(),
        lambda v: tf.reshape(v, [-1]),
    ],
    ids=["read_value", "convert_to_tensor", "numpy", "asarray", "read", "reshape_view"],
)
@pytest.mark.parametrize("shape", [(), (4, 3)])
def test_values_read_before_an_assignment_keep_what_they_read(read, shape):
    v = tf.Variable(np.arange(np.prod(shape), dtype=np.float32).reshape(shape))
    kept = read(v)
    before = np.array(kept, copy=True)
    v.assign_add(np.ones(shape, np.float32))
    v.assign_sub(np.full(shape, 3.0, np.float32))
    v.assign(np.full(shape, 7.0, np.float32))
    np.testing.assert_array_equal(np.asarray(kept), before)
    np.testing.assert_array_equal(np.asarray(v), np.full(shape, 7.0, np.float32))


def test_a_value_saved_on_a_tape_keeps_what_was_read():
    v = tf.Variable(np.array([1.0, 2.0, 3.0], np.float32))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(v * v)
    v.assign_sub(np.array([10.0, 10.0, 10.0], np.float32))  # after the read, before gradient
    np.testing.assert_array_equal(tape.gradient(y, v).numpy(), [2.0, 4.0, 6.0])


def test_assigning_inside_a_tape_keeps_the_recorded_read():
    v = tf.Variable(np.array([1.0, 2.0], np.float32))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(v * v)
        v.assign_add(np.array([1.0, 1.0], np.float32))
        z = tf.reduce_sum(v * v)
    np.testing.assert_array_equal(tape.gradient([y, z], v).numpy(), [2.0 + 4.0, 4.0 + 6.0])


def test_a_variable_assigned_from_itself_reads_its_old_value():
    v = tf.Variable(np.array([1.0, 2.0], np.float32))
    v.assign_add(v)
    v.assign_add(np.asarray(v))
    np.testing.assert_array_equal(v.numpy(), [4.0, 8.0])


def test_an_assigned_array_is_copied_not_kept():
    v = tf.Variable(np.zeros(3, np.float32))
    value = np.ones(3, np.float32)
    v.assign(value)
    value[:] = 5.0
    np.testing.assert_array_equal(v.numpy(), [1.0, 1.0, 1.0])


def test_a_traced_function_reads_before_and_after_an_assignment():
    v = tf.Variable(np.array([1.0, 2.0], np.float32))

    @tf.function
    def step(delta):
        before = tf.identity(v)
        v.assign_sub(delta)
        return before, v.read_value()

    for _ in range(3):
        start = v.numpy().copy()
        before, after = step(tf.constant([0.5, 0.25]))
        np.testing.assert_array_equal(before.numpy(), start)
        np.testing.assert_array_equal(after.numpy(), start - [0.5, 0.25])


def test_negative_zero_keeps_its_sign_after_zero_was_cached():
    # -0.0 == 0: the constant cache must not answer -0.0 with the 0.0 it holds
    x = tf.constant([1.0, 2.0])
    assert not np.signbit((x * 0.0).numpy()).any()
    assert np.signbit((x * -0.0).numpy()).all()
    v = tf.Variable(1.0)
    v.assign(0.0)
    v.assign(-0.0)
    assert np.signbit(v.numpy())
    v.assign_sub(0.0)  # -0.0 - 0.0 is -0.0; -0.0 + 0.0 would be 0.0
    assert np.signbit(v.numpy())
    v.assign_add(0)
    assert not np.signbit(v.numpy())
