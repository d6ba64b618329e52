"""`tapegrad.tracing.effect`: code that is not tapegrad ops runs on every call of a traced
function, with that call's values, and not while tracing."""

import numpy as np

import tapegrad as tf
from tapegrad import tracing


def test_an_effect_runs_on_every_call_with_that_calls_values():
    total = tf.Variable(0.0)
    calls = []

    @tracing.effect
    def accumulate(value, scale=1.0):
        calls.append(float(np.asarray(value)))
        total.assign_add(float(np.asarray(value)) * scale)  # NumPy work, not a tapegrad op

    @tf.function
    def step(x):
        accumulate(x * 2.0, scale=0.5)
        return x + 1.0

    for v in (1.0, 2.0, 3.0):
        assert float(step(tf.constant(v))) == v + 1.0
    assert calls == [2.0, 4.0, 6.0]  # once per call, none while tracing
    assert float(total) == 6.0
    assert step.get_concrete_function(tf.constant(1.0)).traced  # run as a program


def test_an_effect_outside_a_trace_just_runs():
    seen = []
    marked = tracing.effect(lambda x: seen.append(x) or "done")
    assert marked(3) == "done" and seen == [3]
    assert tf.tracing.effect is tracing.effect


def test_an_effects_replay_form_runs_on_each_replay_and_the_effect_under_a_tape():
    total = tf.Variable(0.0)
    seen = []

    def replay(value, scale=1.0):  # called while tracing, with the traced arguments
        assert isinstance(value, tf.Tensor)
        seen.append(("made", scale))
        return lambda array: seen.append(("fast", float(array))) or total.assign_add(
            float(array) * scale)

    @tracing.effect(replay=replay)
    def accumulate(value, scale=1.0):
        seen.append(("effect", float(np.asarray(value))))
        total.assign_add(float(np.asarray(value)) * scale)

    @tf.function
    def step(x):
        accumulate(x * 2.0, scale=0.5)
        return x + 1.0

    for v in (1.0, 2.0):
        step(tf.constant(v))
    with tf.GradientTape() as tape:  # a recorded replay calls the effect itself
        x = tf.constant(3.0)
        tape.watch(x)
        step(x)
    # traced live (the effect runs), replayed by the fast form, then recorded
    assert seen == [("made", 0.5), ("effect", 2.0), ("fast", 4.0), ("effect", 6.0)]
    assert float(total) == 6.0


def test_an_effect_without_a_replay_form_for_a_call_replays_itself():
    calls = []

    @tracing.effect(replay=lambda value: None)
    def record(value):
        calls.append(float(np.asarray(value)))

    step = tf.function(lambda x: record(x + 1.0))
    for v in (1.0, 2.0, 3.0):
        step(tf.constant(v))
    assert calls == [2.0, 3.0, 4.0]
