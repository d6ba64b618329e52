"""tf.function runs eagerly with the same results and accepts TensorFlow's options."""

import numpy as np
import pytest

import tapegrad as tf


def test_bare_decorator_and_options():
    @tf.function
    def f(x):
        return x * x

    @tf.function(jit_compile=True, reduce_retracing=True, autograph=False,
                 experimental_relax_shapes=True)
    def g(x, y=1.0):
        return x + y

    assert float(f(tf.constant(3.0))) == 9.0
    assert float(g(tf.constant(1.0), y=2.0)) == 3.0
    assert f.__name__ == "f" and f.python_function(2.0) == 4.0
    assert float(f.get_concrete_function(tf.TensorSpec([], tf.float32))(tf.constant(2.0))) == 4.0


def test_gradients_flow_through_a_function():
    w = tf.Variable(2.0)

    @tf.function
    def loss(x):
        return w * x * x

    with tf.GradientTape() as tape:
        y = loss(tf.constant(3.0))
    assert float(tape.gradient(y, w)) == 9.0


def test_methods_bind_self():
    class Model:
        scale = 3.0

        @tf.function(input_signature=[tf.TensorSpec(shape=[None], dtype=tf.float32)])
        def __call__(self, x):
            return x * self.scale

    np.testing.assert_array_equal(Model()([1.0, 2.0]).numpy(), [3.0, 6.0])


def test_input_signature_converts_and_checks_arguments():
    @tf.function(input_signature=[tf.TensorSpec(shape=[None, 2], dtype=tf.float32)])
    def f(x):
        return x

    assert f([[1, 2]]).dtype == tf.float32
    with pytest.raises(TypeError, match=r"Binding inputs to tf.function failed due to "
                       r"`Can not cast TensorSpec\(shape=\(2, 3\)"):
        f(tf.zeros((2, 3)))
    with pytest.raises(TypeError, match=r"Can not cast TensorSpec\(shape=\(1, 2\), "
                       r"dtype=tapegrad.float64"):
        f(tf.zeros((1, 2), tf.float64))
    with pytest.raises(TypeError, match="more than it takes"):
        f(tf.zeros((1, 2)), tf.zeros((1, 2)))


def test_tensor_spec():
    spec = tf.TensorSpec([None, 3], tf.float32, name="x")
    assert spec.shape == (None, 3) and spec.dtype == tf.float32
    assert spec.is_compatible_with(tf.zeros((5, 3)))
    assert not spec.is_compatible_with(tf.zeros((5, 2)))
    assert spec == tf.TensorSpec([None, 3], tf.float32, name="x")
    assert tf.TensorSpec.from_tensor(tf.zeros(2)).shape == (2,)


# -- tracing --------------------------------------------------------------------------------

def _mlp(seed=1):
    from tapegrad import keras

    tf.random.set_seed(seed)
    model = keras.Sequential([keras.layers.Dense(5, activation="relu", input_shape=(3,)),
                              keras.layers.Dense(1)])
    return model, keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)


def _train_step(model, optimizer, x, y):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x, training=True) - y))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss


def test_traced_training_step_is_bit_identical_to_eager():
    rng = np.random.default_rng(0)
    x = tf.constant(rng.standard_normal((8, 3)).astype(np.float32))
    y = tf.constant(rng.standard_normal((8, 1)).astype(np.float32))
    eager_model, eager_opt = _mlp()
    traced_model, traced_opt = _mlp()
    step = tf.function(lambda a, b: _train_step(traced_model, traced_opt, a, b))
    for _ in range(4):
        assert _train_step(eager_model, eager_opt, x, y).numpy() == step(x, y).numpy()
    for a, b in zip(eager_model.get_weights(), traced_model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert int(traced_opt.iterations.numpy()) == 4
    assert step.experimental_get_tracing_count() == 1
    types = {op.type for op in step.get_concrete_function(x, y).graph.get_operations()}
    assert {"MatMul", "ReluGrad", "StatefulPartitionedCall"} <= types


def test_python_side_effects_run_only_while_tracing():
    calls = []

    @tf.function
    def f(x):
        calls.append(1)
        return x * 2.0

    for _ in range(3):
        assert float(f(tf.constant(1.5))) == 3.0
    assert len(calls) == 1
    f(tf.constant([1.0, 2.0]))  # a new shape traces again
    f(tf.constant(1.0, tf.float64))  # so does a new dtype
    assert len(calls) == 3 == f.experimental_get_tracing_count()


def test_python_arguments_are_part_of_the_signature():
    @tf.function
    def f(x, power):
        return x**power

    x = tf.constant(3.0)
    assert float(f(x, 2)) == 9.0
    assert float(f(x, 3)) == 27.0
    assert float(f(x, 2)) == 9.0
    assert f.experimental_get_tracing_count() == 2


def test_variables_are_captured_by_reference():
    v = tf.Variable(1.0)

    @tf.function
    def bump(x):
        v.assign_add(x)
        return v * 10.0

    assert float(bump(tf.constant(2.0))) == 30.0
    assert float(v) == 3.0
    v.assign(0.5)
    assert float(bump(tf.constant(1.0))) == 15.0
    assert float(v) == 1.5
    assert bump.experimental_get_tracing_count() == 1


def test_gradient_tape_around_a_traced_function():
    w = tf.Variable([1.0, 2.0])

    @tf.function
    def f(x):
        return tf.reduce_sum(tf.sin(w * x))

    x = tf.constant([0.5, -0.25])
    for _ in range(2):  # the first call traces, the second replays
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = f(x)
        gw, gx = tape.gradient(y, [w, x])
        np.testing.assert_allclose(gw.numpy(), np.cos(w.numpy() * x.numpy()) * x.numpy(),
                                   rtol=1e-6)
        np.testing.assert_allclose(gx.numpy(), np.cos(w.numpy() * x.numpy()) * w.numpy(),
                                   rtol=1e-6)


def test_value_dependent_function_runs_eagerly_with_the_same_results():
    @tf.function(autograph=False)  # (AutoGraph would make the `if` a tf.cond)
    def f(x):
        if x > 0:  # a Python branch on a tensor's value: not replayable
            return x * 2.0
        return -x

    with pytest.warns(UserWarning, match="cannot be traced into a program"):
        assert float(f(tf.constant(3.0))) == 6.0
    assert float(f(tf.constant(-4.0))) == 4.0
    assert not f.get_concrete_function(tf.constant(1.0)).traced


def test_mask_computed_from_values_is_not_frozen():
    @tf.function
    def f(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(tf.abs(x) + tf.maximum(x, 0.5))
        return tape.gradient(y, x)

    np.testing.assert_array_equal(f(tf.constant([1.0, -1.0])).numpy(), [2.0, -1.0])
    np.testing.assert_array_equal(f(tf.constant([-1.0, 1.0])).numpy(), [-1.0, 2.0])
    # the masks are ops (greater_equal, sign), so the program replays them: it is traced
    assert f.get_concrete_function(tf.constant([1.0, 2.0])).traced


def test_random_draws_inside_run_eagerly():
    @tf.function
    def noisy(x):
        return x + tf.random.normal([2])

    a, b = noisy(tf.zeros(2)), noisy(tf.zeros(2))
    assert not np.array_equal(a.numpy(), b.numpy())


def test_a_variable_written_other_than_by_assign_runs_eagerly():
    v = tf.Variable(1.0)

    @tf.function
    def f(x):
        v._value = v._value + np.float32(1.0)  # bypasses assign: a program could not replay it
        return x * v

    assert not f.get_concrete_function(tf.constant(2.0)).traced
    assert float(f(tf.constant(2.0))) == 2.0 * float(v)


def test_tracing_in_one_thread_does_not_see_another_threads_writes():
    import threading

    v, w = tf.Variable(1.0), tf.Variable(5.0)
    tracing, written = threading.Event(), threading.Event()

    @tf.function
    def f(x):
        tracing.set()
        written.wait(5)  # the other thread writes w meanwhile
        return x * v

    def write():
        tracing.wait(5)
        w._value = np.float32(6.0)
        written.set()

    writer = threading.Thread(target=write)
    writer.start()
    concrete = f.get_concrete_function(tf.constant(2.0))
    writer.join()
    assert concrete.traced and float(w) == 6.0


def test_get_concrete_function_from_specs_changes_nothing():
    v = tf.Variable(1.0)

    @tf.function
    def f(x):
        v.assign_add(1.0)
        return x + v

    concrete = f.get_concrete_function(tf.TensorSpec([2], tf.float32))
    assert float(v) == 1.0
    assert "assign_add 'Variable:0'" in concrete.program.listing()
    np.testing.assert_array_equal(f(tf.constant([1.0, 2.0])).numpy(), [3.0, 4.0])
    assert float(v) == 2.0


def test_float_of_a_variable_in_a_function_reads_it_on_every_call():
    # float(v) is a read of v (as TensorFlow's `__float__`): a trace that did it cannot be
    # replayed with the value it saw then.
    v = tf.Variable(1.0)

    @tf.function
    def k():
        return tf.constant(float(v) + 1.0)

    assert float(k()) == 2.0
    v.assign(5.0)
    assert float(k()) == 6.0
