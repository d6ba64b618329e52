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


# -- the backward walk: cotangents it alone holds are summed and masked in place --------------


def _grads(f, sources, **kwargs):
    """f's gradients, and the same computed out of place (inside a recording outer tape, which
    must keep every value, so the walk writes into nothing): the oracle for the bits."""
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(sources)
        y = f(*sources)
    fast = tape.gradient(y, sources, **kwargs)
    with tf.GradientTape():
        slow = tape.gradient(y, sources, **kwargs)
    return fast, slow


def _assert_same_bits(fast, slow):
    for a, b in zip(fast, slow):
        assert a.numpy().dtype == b.numpy().dtype
        assert a.numpy().tobytes() == b.numpy().tobytes()


def _sample(*shape, dtype=np.float32, seed=0):
    return tf.constant(np.random.default_rng(seed).standard_normal(shape).astype(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_cotangents_summed_in_place_give_the_out_of_place_bits(dtype):
    x, w = _sample(64, 32, dtype=dtype), _sample(32, 32, dtype=dtype, seed=1)

    def f(x, w):
        h = tf.nn.relu(x @ w)
        return tf.reduce_sum(h * h + tf.nn.relu6(h) * x + h @ w + tf.tanh(h))

    _assert_same_bits(*_grads(f, [x, w]))


def test_one_cotangent_for_two_arguments_is_not_summed_into_itself():
    x = _sample(16, 16)
    # add's rule gives one tensor for both arguments: h's two cotangents are that one tensor
    fast, slow = _grads(lambda x: tf.reduce_sum(tf.nn.relu(x * 1.0 + x * 1.0) * x), [x])
    _assert_same_bits(fast, slow)
    fast, slow = _grads(lambda x: tf.reduce_sum(tf.nn.relu((x + x) + (x + x))), [x])
    _assert_same_bits(fast, slow)


def test_output_gradients_and_wanted_intermediates_keep_their_values():
    x = _sample(32, 8)
    seed = _sample(32, 8, seed=2)
    kept = seed.numpy().copy()
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        h = tf.nn.relu(x * 2.0)
        y = tf.nn.relu(h) + h
    dh, dx = tape.gradient(y, [h, x], output_gradients=seed)
    np.testing.assert_array_equal(seed.numpy(), kept)
    dh_before = dh.numpy().copy()
    again = tape.gradient(y, [h, x], output_gradients=seed)  # the records are intact
    np.testing.assert_array_equal(again[0].numpy(), dh_before)
    np.testing.assert_array_equal(again[1].numpy(), dx.numpy())
    np.testing.assert_array_equal(dh.numpy(), dh_before)


def test_second_derivatives_through_relu_are_unchanged():
    x = _sample(8, 8)

    def grad_norm(x):
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(tf.nn.relu(x * x) * x)
        return tf.reduce_sum(inner.gradient(y, x) ** 2)

    fast, slow = _grads(grad_norm, [x])
    _assert_same_bits(fast, slow)
    assert np.any(fast[0].numpy() != 0)


def test_sums_of_cotangents_bind_no_add_outside_a_recording_tape(monkeypatch):
    # the sum of the cotangents of a tensor read three times is written into the first one
    from tapegrad._core import backward

    names = []
    bind = backward.bind

    def counting(prim, *args, **params):
        names.append(prim.name)
        return bind(prim, *args, **params)

    monkeypatch.setattr(backward, "bind", counting)
    x = _sample(64, 64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(x * 2.0 + x * x)
    tape.gradient(y, x)
    assert "add" not in names


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", ["assign", "assign_add", "assign_sub"])
def test_numpy_scalars_and_numbers_into_a_0d_variable(dtype, op):
    # the optimizers' 0-d writes (a 0-d weight's update, `iterations.assign_add(1)`): in place
    # while nothing else holds the array, with the out-of-place bits, and a reader keeps its value
    combine = {"assign": lambda a, b: b, "assign_add": np.add, "assign_sub": np.subtract}[op]
    v = tf.Variable(dtype(1.5))
    want = np.asarray(dtype(1.5))
    for step, arg in enumerate([dtype(0.3), 2, 0.25, dtype(-7.1)]):
        kept = v.read_value() if step == 2 else None
        before = None if kept is None else np.array(kept)
        getattr(v, op)(arg)
        want = np.asarray(combine(want, np.asarray(arg, dtype)), dtype)
        assert np.asarray(v).tobytes() == want.tobytes()
        if kept is not None:
            assert np.asarray(kept).tobytes() == before.tobytes()


def test_assign_arguments_have_tensorflows_names():
    v = tf.Variable([1.0, 2.0])
    v.assign_add(delta=[1.0, 1.0])
    v.assign_sub(delta=tf.constant([0.5, 0.5]), read_value=False)
    np.testing.assert_array_equal(np.asarray(v), [1.5, 2.5])
    assert v.assign(value=[3.0, 4.0]) is v
    np.testing.assert_array_equal(np.asarray(v), [3.0, 4.0])
