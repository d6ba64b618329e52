"""`apply_gradients` and a metric's update in a traced step (tf.function) replay without the
checks that the trace fixed (optimizers/traced_update.py, metric.py): the same numbers bit
for bit as eager steps, every option honoured at every call, and an error still leaves
nothing changed."""

import warnings

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras, tracing
from tapegrad.errors import InvalidArgumentError

SHAPES = [(3, 4), (4,), ()]


def _grads(step):
    rng = np.random.default_rng(step)
    return [rng.standard_normal(s).astype(np.float32) for s in SHAPES]


def _variables():
    rng = np.random.default_rng(42)
    return [tf.Variable(rng.standard_normal(s).astype(np.float32)) for s in SHAPES]


OPTIMIZERS = {
    "sgd": lambda: keras.optimizers.SGD(0.1),
    "sgd_nesterov": lambda: keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
    "adam_clipnorm": lambda: keras.optimizers.Adam(0.01, clipnorm=0.5),
    "adamw": lambda: keras.optimizers.AdamW(0.01, weight_decay=0.1),
    "rmsprop_ema": lambda: keras.optimizers.RMSprop(0.01, use_ema=True,
                                                    ema_overwrite_frequency=2),
    "sgd_schedule": lambda: keras.optimizers.SGD(
        keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)),
    "adagrad_global_clipnorm_loss_scale": lambda: keras.optimizers.Adagrad(
        0.1, global_clipnorm=1.0, loss_scale_factor=4.0),
}


def _same_state(a_vars, a_opt, b_vars, b_opt):
    for a, b in zip(a_vars + a_opt.variables, b_vars + b_opt.variables):
        assert a.numpy().tobytes() == b.numpy().tobytes(), (a.name, a.numpy(), b.numpy())


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_a_traced_update_gives_the_eager_bits_at_every_step(name):
    eager_vars, traced_vars = _variables(), _variables()
    eager_opt, traced_opt = OPTIMIZERS[name](), OPTIMIZERS[name]()

    @tf.function
    def step(g0, g1, g2):
        traced_opt.apply_gradients(zip([g0, g1, g2], traced_vars))

    for k in range(5):
        if k == 3 and not callable(eager_opt._learning_rate):  # a new rate, read at each call
            eager_opt.learning_rate = traced_opt.learning_rate = 0.05
        grads = _grads(k)
        eager_opt.apply_gradients(zip([tf.constant(g) for g in grads], eager_vars))
        step(*[tf.constant(g) for g in grads])
        _same_state(eager_vars, eager_opt, traced_vars, traced_opt)
    assert step.experimental_get_tracing_count() == 1
    assert int(traced_opt.iterations) == 5


def _effect(step, *args):
    program = step.get_concrete_function(*args).program
    return next(ins for ins in program.instrs if type(ins).__name__ == "CallEffect")


def test_a_replayed_gradient_of_another_shape_raises_and_changes_nothing():
    variables, opt = _variables(), keras.optimizers.SGD(0.1, momentum=0.5)

    @tf.function
    def step(g0, g1, g2):
        opt.apply_gradients(zip([g0, g1, g2], variables))

    grads = [tf.constant(g) for g in _grads(0)]
    for _ in range(3):
        step(*grads)
    before = [v.numpy().copy() for v in variables + opt.variables]
    replay = _effect(step, *grads).fast
    assert replay is not None
    bad = [g.numpy() for g in grads]
    bad[1] = np.zeros(5, np.float32)  # as a value-dependent shape could make it
    with pytest.raises(InvalidArgumentError, match="gradient of shape \\[5\\]"):
        replay(*bad)
    for v, b in zip(variables + opt.variables, before):
        assert v.numpy().tobytes() == b.tobytes()
    replay(*[g.numpy() for g in grads])  # and the next good call updates
    assert int(opt.iterations) == 4


def test_a_replayed_gradient_of_another_dtype_is_cast_as_eager():
    eager_vars, traced_vars = _variables(), _variables()
    eager_opt, traced_opt = keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1)
    step = tf.function(lambda *g: traced_opt.apply_gradients(zip(g, traced_vars)))
    for k in range(3):
        grads = [tf.constant(g.astype(np.float64)) for g in _grads(k)]
        eager_opt.apply_gradients(zip(grads, eager_vars))
        step(*grads)
    _same_state(eager_vars, eager_opt, traced_vars, traced_opt)


def test_a_traced_step_with_a_missing_gradient_warns_and_updates_the_others():
    variables, opt = _variables(), keras.optimizers.SGD(0.1)
    step = tf.function(lambda g0, g2: opt.apply_gradients(
        [(g0, variables[0]), (None, variables[1]), (g2, variables[2])]))
    grads = _grads(0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(2):
            step(tf.constant(grads[0]), tf.constant(grads[2]))
    assert any("Gradients do not exist" in str(w.message) for w in caught)
    assert int(opt.iterations) == 2
    assert variables[1].numpy().tobytes() == _variables()[1].numpy().tobytes()


def test_a_traced_loss_tracker_update_gives_the_eager_bits():
    eager, traced = keras.metrics.Mean(), keras.metrics.Mean()
    weighted = tf.function(lambda v: traced.update_state(v, sample_weight=32))
    plain = tf.function(lambda v: traced.update_state(v))
    vector = tf.function(lambda v: traced.update_state(v, sample_weight=3))
    rng = np.random.default_rng(0)
    for _ in range(4):
        v = tf.constant(np.float32(rng.standard_normal()) * 1e3)
        eager.update_state(v, sample_weight=32)
        weighted(v)
        eager.update_state(v)
        plain(v)
        w = tf.constant(rng.standard_normal(3).astype(np.float32))
        eager.update_state(w, sample_weight=3)
        vector(w)
    for a, b in zip(eager.variables, traced.variables):
        assert a.numpy().tobytes() == b.numpy().tobytes()
    assert _effect(weighted, v).fast is not None and _effect(vector, w).fast is None


def test_an_effect_replay_form_is_public_api():
    assert tracing.effect(replay=None)(len)([1, 2]) == 2
