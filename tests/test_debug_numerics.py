"""tapegrad.debug.check_numerics and tf.debugging.enable_check_numerics: the first NaN or
infinity raises, naming the op, its inputs, the user's line and, in the backward pass, the
forward op whose reverse rule made it."""

import os

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras
from tapegrad._core import record
from tapegrad._core.state import state

HERE = os.path.basename(__file__)


@pytest.fixture(autouse=True)
def _nothing_left_on():
    before = state.interpreters
    yield
    tf.debugging.disable_check_numerics()
    tf.debug.disable_check_numerics()
    assert state.interpreters == before and state.backward_hook is None


def test_log_of_zero_in_the_forward_pass():
    x = tf.constant([1.0, 0.0, 2.0])
    with tf.debug.check_numerics(), pytest.raises(tf.errors.InvalidArgumentError) as info:
        tf.math.log(x)  # log of zero
    text = str(info.value)
    assert info.value.op == "log"
    assert text.startswith("check_numerics: `log` made float32[3]:")
    assert "1 inf (0 +inf, 1 -inf)" in text and "in the forward pass" in text
    assert f"{HERE}:" in text and "# log of zero" in text
    assert "input #0: float32[3]: min 0, max 2, 0 NaN, 0 inf" in text


def test_sqrt_at_zero_in_the_backward_pass(monkeypatch):
    monkeypatch.setattr(record, "SHELL_MIN_SIZE", 1024)  # the default: small inputs kept whole
    x = tf.Variable([4.0, 0.0], name="x")
    with tf.debug.check_numerics():
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(tf.sqrt(x))  # the forward sqrt
        assert np.isfinite(y.numpy())  # sqrt(0) = 0 is fine; its derivative is not
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            tape.gradient(y, x)
    text = str(info.value)
    assert "in the backward pass" in text
    assert "reverse rule of `sqrt` for its input #0" in text
    assert "The forward op `sqrt` ran at" in text and "# the forward sqrt" in text
    assert "input #0 (variable 'x:0'): float32[2]: min 0, max 4, 0 NaN, 0 inf" in text
    assert "The cotangent it received: float32[2]: min 1, max 1" in text
    assert "+inf" in text


def test_an_input_the_tape_did_not_keep_is_said_so():
    x = tf.Variable([4.0, 0.0])  # tests keep no unread value (conftest): sqrt's x is not kept
    with tf.debug.check_numerics():
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(tf.sqrt(x))
        with pytest.raises(tf.errors.InvalidArgumentError, match="not kept by the tape"):
            tape.gradient(y, x)


def test_non_finite_result_of_a_rule_is_named_after_the_rule():
    @tf.custom_gradient
    def bad(x):
        def grad(g):
            return tf.constant(np.full(g.shape, np.nan, np.float32))

        return tf.identity(x), grad

    x = tf.Variable(1.0)
    with tf.debug.check_numerics():
        with tf.GradientTape() as tape:
            y = bad(x) * 2.0
        with pytest.raises(tf.errors.InvalidArgumentError, match="1 NaN") as info:
            tape.gradient(y, x)
    text = str(info.value)
    assert "the gradient of `custom_gradient(bad)` for its input #0 is float32[]" in text
    assert "y = bad(x) * 2.0" in text


def test_exploding_learning_rate_in_keras_fit():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = rng.normal(size=(64, 1)).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=1e6), loss="mse")
    with (tf.debug.check_numerics(), pytest.raises(tf.errors.InvalidArgumentError) as info,
          np.errstate(over="ignore", invalid="ignore")):
        model.fit(x, y, epochs=20, batch_size=16, verbose=0)  # the fit
    text = str(info.value)
    assert text.startswith("check_numerics: ")
    assert "# the fit" in text and "input #" in text
    assert "inf" in text or "NaN" in text


def test_a_variable_that_holds_nan_is_named_when_read():
    v = tf.Variable([1.0, 2.0], name="w")
    v.assign([np.nan, 1.0])
    with tf.debug.check_numerics(), pytest.raises(tf.errors.InvalidArgumentError) as info:
        _ = v * 2.0  # reads v
    text = str(info.value)
    assert "variable 'w:0' holds NaN" in text and "1 NaN" in text and "# reads v" in text


def test_finite_computations_are_unchanged():
    x = tf.Variable([0.5, 2.0])

    def run():
        with tf.GradientTape() as outer:
            with tf.GradientTape() as inner:
                y = tf.reduce_sum(tf.sqrt(x) * tf.math.log(x))
            g = inner.gradient(y, x)
        return y.numpy(), g.numpy(), outer.gradient(g, x).numpy()

    expected = run()
    with tf.debug.check_numerics():
        got = run()
    for a, b in zip(expected, got):
        np.testing.assert_array_equal(a, b)


def test_integer_ops_are_not_checked():
    with tf.debug.check_numerics():
        assert int(tf.constant(7) // tf.constant(2)) == 3


def test_enable_and_disable():
    tf.debug.enable_check_numerics()
    tf.debug.enable_check_numerics()  # twice changes nothing
    assert state.backward_hook is not None
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.math.log(tf.constant(0.0))
    tf.debug.disable_check_numerics()
    assert state.backward_hook is None
    assert np.isneginf(tf.math.log(tf.constant(0.0)).numpy())  # off: TensorFlow's -inf


def test_tf_debugging_enable_check_numerics_checks_the_forward_ops():
    tf.debugging.enable_check_numerics()
    assert state.backward_hook is None  # no rule context: the forward half, as TensorFlow
    with pytest.raises(tf.errors.InvalidArgumentError, match="`log` made") as info:
        tf.math.log(tf.constant([0.0]))  # forward half
    assert "# forward half" in str(info.value)
    tf.debugging.disable_check_numerics()
    assert np.isneginf(tf.math.log(tf.constant(0.0)).numpy())


def test_tf_debugging_check_numerics_op():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.debugging.check_numerics(x, "x ok") * 3.0)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [3.0, 3.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="bad : Tensor had NaN values"):
        tf.debugging.check_numerics(tf.constant([np.nan]), "bad")
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.sqrt(tf.debugging.check_numerics(x * 0.0, "root")))
    with pytest.raises(tf.errors.InvalidArgumentError, match="detected in gradient. root"):
        tape.gradient(y, x)


def test_tf_debugging_matches_tensorflow():
    tf_real = pytest.importorskip("tensorflow")
    with pytest.raises(tf_real.errors.InvalidArgumentError, match="bad : Tensor had NaN"):
        tf_real.debugging.check_numerics(tf_real.constant([np.nan]), "bad")
    tf_real.debugging.enable_check_numerics()
    try:
        with pytest.raises(tf_real.errors.InvalidArgumentError):
            tf_real.math.log(tf_real.constant([0.0]))
    finally:
        tf_real.debugging.disable_check_numerics()
    with pytest.raises(tf.errors.InvalidArgumentError, match="bad : Tensor had NaN"):
        tf.debugging.check_numerics(tf.constant([np.nan]), "bad")


def _loss(x):
    return tf.reduce_sum(tf.math.log(x))  # inside the helper


def test_the_lines_that_called_the_op_are_named_too():
    with tf.debug.check_numerics(), pytest.raises(tf.errors.InvalidArgumentError) as info:
        _loss(tf.constant([0.0]))  # the caller
    text = str(info.value)
    assert text.index("# inside the helper") < text.index("called from") < text.index(
        "# the caller")
