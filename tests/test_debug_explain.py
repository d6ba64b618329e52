"""tapegrad.debug.explain and tape.gradient(..., explain=True): every listed cause of a None
gradient is recognised, and its message names the user's line (this file's) of each step."""

import os

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras

HERE = os.path.basename(__file__)


def _explained(tape, target, source, kind, *snippets):
    """Checks that `explain` finds `kind` (and only it, as the first reason), that the gradient
    really is None, and that the message quotes this file's lines containing `snippets`."""
    why = tf.debug.explain(tape, target, source)
    assert not why.connected
    assert why.kinds[0] == kind, str(why)
    text = str(why)
    assert f"[{kind}]" in text
    for snippet in snippets:
        assert any(line is not None and line.filename.endswith(HERE) and snippet in line.text
                   for reason in why.reasons for line, _ in reason.steps), (snippet, text)
        assert snippet in text
    assert "What to do:" in text
    return why


# -- the source was never watched -------------------------------------------------------------

def test_constant_without_watch():
    x = tf.constant(3.0)
    with tf.debug.explaining(), tf.GradientTape() as tape:
        y = x * x  # uses x
    _explained(tape, y, x, "not_watched", "y = x * x  # uses x")
    assert tape.gradient(y, x) is None


def test_non_trainable_variable():
    v = tf.Variable(3.0, trainable=False)
    with tf.debug.explaining(), tf.GradientTape() as tape:
        y = v * 2.0  # reads v
    why = _explained(tape, y, v, "not_trainable", "y = v * 2.0  # reads v")
    assert "trainable=False" in str(why)


def test_watch_accessed_variables_false():
    v = tf.Variable(3.0)
    with tf.debug.explaining(), tf.GradientTape(watch_accessed_variables=False) as tape:
        y = v * 2.0  # read, unwatched
    why = _explained(tape, y, v, "not_watched_accessed", "y = v * 2.0  # read, unwatched")
    assert "watch_accessed_variables=False" in str(why)


def test_model_variables_created_after_watch():
    model = keras.Sequential([keras.layers.Dense(2)])
    with tf.debug.explaining(), tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(model.trainable_variables)  # before the model is built
        y = tf.reduce_sum(model(tf.ones((1, 3))))  # builds the model
    kernel = model.trainable_variables[0]
    _explained(tape, y, kernel, "created_after_start", "tape.watch(model.trainable_variables)",
               "y = tf.reduce_sum(model(tf.ones((1, 3))))")


class _TwoDense(keras.Model):
    def __init__(self):
        super().__init__()
        self.used = keras.layers.Dense(2)
        self.unused = keras.layers.Dense(2)
        self.unused.build((None, 3))

    def call(self, x):
        return self.used(x)


def test_layer_never_called():
    model = _TwoDense()
    model(tf.ones((1, 3)))
    with tf.debug.explaining(), tf.GradientTape() as tape:
        y = tf.reduce_sum(model(tf.ones((1, 3))))
    why = _explained(tape, y, model.unused.kernel, "never_read")
    assert "never called" in str(why) and model.unused.name in str(why)
    assert tf.debug.explain(tape, y, model.used.kernel).connected


# -- the value left tapegrad or lost its float dtype ------------------------------------------

def test_numpy_method():
    w = tf.Variable(2.0)
    with tf.debug.explaining(), tf.GradientTape() as tape:
        y = tf.constant(np.sin(w.numpy())) * 2.0  # via .numpy()
    why = _explained(tape, y, w, "numpy", "# via .numpy()")
    assert "`.numpy()`" in str(why)


def test_numpy_function_on_a_tensor():
    w = tf.Variable([1.0, 2.0])
    with tf.debug.explaining(), tf.GradientTape() as tape:
        h = w * 3.0
        y = tf.reduce_sum(tf.constant(np.square(h)))  # np.square on a tensor
    why = _explained(tape, y, w, "numpy", "# np.square on a tensor")
    assert "NumPy" in str(why) and "`multiply`" in str(why)


def test_python_float():
    w = tf.Variable(2.0)
    with tf.debug.explaining(), tf.GradientTape() as tape:
        y = tf.constant(float(w) ** 2)  # float()
    _explained(tape, y, w, "python_number", "# float()")


@pytest.mark.parametrize("make, dtype", [
    (lambda w: tf.cast(tf.cast(w * 2.0, tf.int32), tf.float32), "int32"),
    (lambda w: tf.cast(tf.argmax(w * 2.0), tf.float32), "int64"),
    (lambda w: tf.cast(w > 1.0, tf.float32), "bool"),
])
def test_integer_or_boolean_dtype(make, dtype):
    w = tf.Variable([1.0, 3.0, 2.0])
    with tf.debug.explaining(), tf.GradientTape() as tape:
        y = make(w)
    why = _explained(tape, y, w, "integer", "lambda w:")
    assert dtype in str(why)


def test_round_has_no_gradient():
    w = tf.Variable(2.3)
    with tf.debug.explaining(), tf.GradientTape() as tape:
        y = tf.round(w * 2.0)  # rounds
    why = _explained(tape, y, w, "no_gradient", "# rounds")
    assert "`round`" in str(why)


def test_round_without_the_log_is_found_in_the_records():
    w = tf.Variable(2.3)
    with tf.GradientTape() as tape:
        y = tf.round(w * 2.0)
    why = tf.debug.explain(tape, y, w)
    assert why.kinds == ["no_gradient"] and not why.lines_known
    assert "explaining()" in str(why)


def test_integer_source():
    i = tf.constant(3)
    with tf.GradientTape() as tape:
        with pytest.warns(UserWarning, match="int32"):
            tape.watch(i)
        y = i * i
    assert tf.debug.explain(tape, y, i).kinds == ["integer_source"]


def test_stop_gradient():
    w = tf.Variable(2.0)
    with tf.debug.explaining(), tf.GradientTape() as tape:
        y = tf.stop_gradient(w * 2.0) * 3.0  # stopped
    _explained(tape, y, w, "stop_gradient", "# stopped")


# -- outside the tape -------------------------------------------------------------------------

def test_computed_outside_the_with_block():
    w = tf.Variable(2.0)
    with tf.debug.explaining():
        h = w * 2.0  # before the tape
        with tf.GradientTape() as tape:
            y = h * 3.0
    why = _explained(tape, y, w, "outside_tape", "h = w * 2.0  # before the tape")
    assert "before the tape started recording" in str(why)


def test_tensor_computed_outside_the_with_block():
    x = tf.constant(2.0)
    with tf.debug.explaining():
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
        y = x * 3.0  # after the block
    why = _explained(tape, y, x, "outside_tape", "y = x * 3.0  # after the block")
    assert "after the tape's with block ended" in str(why)


def test_stop_recording():
    w = tf.Variable(2.0)
    with tf.debug.explaining(), tf.GradientTape() as tape:
        with tape.stop_recording():
            h = w * 2.0  # paused
        y = h * 3.0
    _explained(tape, y, w, "stop_recording", "h = w * 2.0  # paused")


def test_stop_recording_of_a_watched_tensor():
    x = tf.constant(2.0)
    with tf.debug.explaining(), tf.GradientTape() as tape:
        tape.watch(x)
        with tape.stop_recording():
            h = x * 2.0  # paused op
        y = h * 3.0
    _explained(tape, y, x, "stop_recording", "h = x * 2.0  # paused op")


# -- the variable was replaced or assigned ----------------------------------------------------

def test_variable_rebound_by_arithmetic():
    with tf.debug.explaining():
        v = tf.Variable(1.0, name="counter")
        v = v + 1  # rebinds v
        with tf.GradientTape() as tape:
            y = v * v
    why = _explained(tape, y, v, "rebound", "v = v + 1  # rebinds v")
    assert "'counter:0'" in str(why) and "assign_add" in str(why)


def test_assign_breaks_the_path():
    a = tf.Variable(1.0)
    b = tf.Variable(0.0, name="copy")
    with tf.debug.explaining(), tf.GradientTape() as tape:
        b.assign(a * 2.0)  # copies
        y = b * 3.0  # from the copy
    why = _explained(tape, y, a, "assigned", "b.assign(a * 2.0)  # copies", "# from the copy")
    assert "'copy:0'" in str(why)


# -- order and reuse --------------------------------------------------------------------------

def test_target_computed_before_the_variable_was_read():
    w = tf.Variable(2.0)
    x = tf.constant(1.0)
    with tf.debug.explaining(), tf.GradientTape() as tape:
        y = x * 2.0  # the target
        _ = w * 1.0  # w read later
    _explained(tape, y, w, "read_after_target", "# the target", "# w read later")


def test_watch_after_use():
    x = tf.constant(2.0)
    with tf.debug.explaining(), tf.GradientTape() as tape:
        y = x * x  # used first
        tape.watch(x)  # too late
    _explained(tape, y, x, "before_watch", "# used first", "# too late")


def test_tape_already_used():
    w = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = w * w
    tape.gradient(y, w)
    why = tf.debug.explain(tape, y, w)
    assert why.kinds == ["tape_used"] and "persistent=True" in str(why)


def test_target_does_not_use_the_source():
    w, u = tf.Variable(2.0), tf.Variable(1.0)
    with tf.debug.explaining(), tf.GradientTape() as tape:
        _ = w * 2.0  # w used, elsewhere
        y = u * 3.0
    why = tf.debug.explain(tape, y, w)
    assert why.kinds == ["not_used"], str(why)


def test_connected_source_says_so():
    w = tf.Variable(2.0)
    with tf.debug.explaining(), tf.GradientTape() as tape:
        y = w * w
    why = tf.debug.explain(tape, y, w)
    assert why.connected and why.reasons == [] and "not None" in str(why)


# -- tape.gradient(..., explain=True) ---------------------------------------------------------

def test_gradient_explain_raises_with_every_missing_source():
    w, x = tf.Variable(2.0), tf.constant(1.0)
    with tf.debug.explaining(), tf.GradientTape() as tape:
        y = tf.stop_gradient(w * 2.0) + x  # both cut
    with pytest.raises(tf.debug.NoGradientError) as info:
        tape.gradient(y, [w, x], explain=True)  # the call
    text = str(info.value)
    assert isinstance(info.value, ValueError)
    assert f"{HERE}:" in text and "2 sources have no gradient" in text
    assert [e.index for e in info.value.explanations] == [0, 1]
    assert [e.kinds[0] for e in info.value.explanations] == ["stop_gradient", "not_watched"]
    assert "# both cut" in text


def test_gradient_explain_returns_gradients_when_connected():
    w = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = w * w
    assert float(tape.gradient(y, w, explain=True)) == 4.0


def test_gradient_explain_with_zero_for_unconnected_does_not_raise():
    w, u = tf.Variable(2.0), tf.Variable(1.0)
    with tf.GradientTape() as tape:
        y = w * w
    grads = tape.gradient(y, [w, u], unconnected_gradients="zero", explain=True)
    assert float(grads[1]) == 0.0


def test_gradient_explain_without_the_log_says_how_to_see_the_line():
    w = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = tf.stop_gradient(w * 2.0)
    with pytest.raises(tf.debug.NoGradientError, match="explaining"):
        tape.gradient(y, w, explain=True)


def test_gradient_without_explain_still_returns_none():
    w = tf.Variable(2.0)
    with tf.debug.explaining(), tf.GradientTape() as tape:
        y = tf.stop_gradient(w * 2.0)
    assert tape.gradient(y, w) is None


# -- Keras's messages -------------------------------------------------------------------------

def test_apply_gradients_with_none_for_every_variable_gives_reasons():
    w = tf.Variable(2.0, name="w")
    with tf.debug.explaining(), tf.GradientTape() as tape:
        y = tf.stop_gradient(w * 2.0)  # cut here
    grads = tape.gradient(y, [w])
    with pytest.raises(ValueError) as info:
        keras.optimizers.SGD(0.1).apply_gradients(zip(grads, [w]))
    text = str(info.value)
    assert text.startswith("No gradients provided for any variable: ['w:0'].")
    assert "stop_gradient" in text and "# cut here" in text and f"{HERE}:" in text


def test_apply_gradients_with_none_for_some_variables_warns_with_reasons():
    w, u = tf.Variable(2.0, name="w"), tf.Variable(1.0, name="u", trainable=False)
    with tf.debug.explaining(), tf.GradientTape() as tape:
        y = w * u
    grads = tape.gradient(y, [w, u])
    with pytest.warns(UserWarning) as caught:
        keras.optimizers.SGD(0.1).apply_gradients(zip(grads, [w, u]))
    text = str(caught[0].message)
    assert "Gradients do not exist for variables ['u:0']" in text
    assert "'u:0'" in text and "not trainable" in text


def test_fit_with_a_loss_through_a_comparison_names_the_comparison():
    model = keras.Sequential([keras.layers.Dense(1)])

    def loss(y_true, y_pred):
        return tf.reduce_mean(tf.cast(y_pred > 0, tf.float32) - y_true)  # compares

    model.compile(optimizer="sgd", loss=loss)
    with tf.debug.explaining(), pytest.raises(ValueError) as info:
        model.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0)
    text = str(info.value)
    assert "No gradients provided for any variable" in text
    assert "`greater`" in text and "# compares" in text


def test_apply_gradients_without_the_log_still_names_the_cause():
    w = tf.Variable(2.0, trainable=False, name="frozen")
    with tf.GradientTape() as tape:
        y = w * 2.0
    grads = tape.gradient(y, [w])
    with pytest.raises(ValueError, match="not trainable"):
        keras.optimizers.SGD(0.1).apply_gradients(zip(grads, [w]))


def test_explaining_is_off_after_the_block():
    from tapegrad._core.state import state

    before = state.interpreters
    with tf.debug.explaining():
        assert len(state.interpreters) == len(before) + 1
    assert state.interpreters == before
    tf.debug.enable_explaining()
    tf.debug.enable_explaining()
    assert len(state.interpreters) == len(before) + 1
    tf.debug.disable_explaining()
    assert state.interpreters == before
