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
