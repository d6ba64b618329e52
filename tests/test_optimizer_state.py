"""keras.optimizers state: slots are Variables, `optimizer.variables` is the real state in Keras 3's
order and names, and copying it into a fresh optimizer continues training exactly.

The names and order below are those Keras 3.15 gives (TensorFlow backend); the tests at the end
check them, and the interchange of saved state, against Keras itself when TensorFlow is installed.
"""

import warnings

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras

optimizers = keras.optimizers

# Every built-in rule and option that changes which slots exist or how they are updated.
CONFIGS = {
    "sgd": ("SGD", {"learning_rate": 0.1}),
    "sgd_momentum": ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "weight_decay": 0.05}),
    "sgd_nesterov": ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    "adam": ("Adam", {"learning_rate": 0.05, "clipnorm": 0.5}),
    "adam_amsgrad": ("Adam", {"learning_rate": 0.05, "amsgrad": True}),
    "adamw": ("AdamW", {"learning_rate": 0.05, "weight_decay": 0.1}),
    "rmsprop": ("RMSprop", {"learning_rate": 0.01}),
    "rmsprop_centered_momentum": (
        "RMSprop",
        {"learning_rate": 0.01, "centered": True, "momentum": 0.5},
    ),
    "adagrad": ("Adagrad", {"learning_rate": 0.1, "global_clipnorm": 1.0}),
    "adadelta": ("Adadelta", {"learning_rate": 1.0}),
    "adamax": ("Adamax", {"learning_rate": 0.05}),
    "nadam": ("Nadam", {"learning_rate": 0.05, "clipvalue": 0.25}),
    "adam_schedule": (
        "Adam",
        {
            "learning_rate": {
                "class_name": "ExponentialDecay",
                "config": {"initial_learning_rate": 0.1, "decay_steps": 2, "decay_rate": 0.5},
            }
        },
    ),
}
SHAPES = [(2, 3), (3,), ()]


def _make(config, module=optimizers):
    cls, kwargs = CONFIGS[config]
    kwargs = dict(kwargs)
    if isinstance(kwargs.get("learning_rate"), dict):
        kwargs["learning_rate"] = module.schedules.deserialize(kwargs["learning_rate"])
    return getattr(module, cls)(**kwargs)


def _start_values(dtype=np.float32):
    rng = np.random.default_rng(1)
    return [rng.normal(size=s).astype(dtype) for s in SHAPES]


def _gradients(step, values):
    """A gradient that depends on the current values, so a wrong step changes all later ones."""
    rng = np.random.default_rng(100 + step)
    return [(rng.normal(size=w.shape) + 0.5 * w).astype(w.dtype) for w in values]


def _train(optimizer, variables, steps, first=0):
    trajectory = []
    for step in range(first, first + steps):
        grads = _gradients(step, [v.numpy() for v in variables])
        optimizer.apply_gradients(zip([tf.constant(g) for g in grads], variables))
        trajectory.append([np.array(v.numpy(), copy=True) for v in variables])
    return trajectory


def _assert_bitwise_equal(xs, ys):
    assert len(xs) == len(ys)
    for x, y in zip(xs, ys):
        x, y = np.asarray(x), np.asarray(y)
        assert x.dtype == y.dtype and x.shape == y.shape
        assert x.tobytes() == y.tobytes()


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_copying_the_state_into_a_fresh_optimizer_continues_exactly(config):
    steps = 4
    uninterrupted = [tf.Variable(w) for w in _start_values()]
    want = _train(_make(config), uninterrupted, 2 * steps)

    variables = [tf.Variable(w) for w in _start_values()]
    first = _make(config)
    _train(first, variables, steps)
    fresh = _make(config)
    fresh.build(variables)
    assert [tuple(v.shape) for v in fresh.variables] == [tuple(v.shape) for v in first.variables]
    for target, source in zip(fresh.variables, first.variables):  # a state dict, copied
        target.assign(source.numpy())
    got = _train(fresh, variables, steps, first=steps)
    for w, g in zip(want[steps:], got):
        _assert_bitwise_equal(w, g)
    assert int(fresh.iterations) == 2 * steps


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_save_and_load_own_variables_continue_exactly(config):
    variables = [tf.Variable(w) for w in _start_values()]
    first = _make(config)
    _train(first, variables, 3)
    store = {}
    first.save_own_variables(store)
    assert list(store) == [str(i) for i in range(len(first.variables))]
    store_copy = {key: value.copy() for key, value in store.items()}
    _train(first, variables, 3, first=3)
    _assert_bitwise_equal(store.values(), store_copy.values())  # copies, not the live arrays

    restored = [tf.Variable(w) for w in _start_values()]
    _train(_make(config), restored, 3)  # the model's own weights are saved apart
    fresh = _make(config)
    fresh.build(restored)
    fresh.load_own_variables(store)
    _train(fresh, restored, 3, first=3)
    _assert_bitwise_equal(
        [v.numpy() for v in fresh.variables], [v.numpy() for v in first.variables]
    )
    _assert_bitwise_equal([v.numpy() for v in restored], [v.numpy() for v in variables])


@pytest.mark.parametrize("config", ["sgd_momentum", "adamw", "nadam"])
def test_a_copy_of_variables_and_optimizer_trains_as_the_original(config):
    import copy
    import pickle

    variables = [tf.Variable(w, name=f"w{i}") for i, w in enumerate(_start_values())]
    opt = _make(config)
    opt.exclude_from_weight_decay(var_list=variables[1:2])
    _train(opt, variables, 2)
    copies = [copy.deepcopy((opt, variables)), pickle.loads(pickle.dumps((opt, variables)))]
    want = _train(opt, variables, 3, first=2)
    for other, other_variables in copies:
        assert all(a is not b for a, b in zip(other_variables, variables))
        got = _train(other, other_variables, 3, first=2)
        for w, g in zip(want, got):
            _assert_bitwise_equal(w, g)


def test_variables_are_the_state_itself_in_keras_order():
    kernel, bias = tf.Variable(np.ones((2, 3), np.float32), name="w"), tf.Variable([0.0, 0.0, 0.0])
    opt = optimizers.Adam(learning_rate=0.1, amsgrad=True, name="adam")
    assert [v.path for v in opt.variables] == ["adam/iteration", "adam/learning_rate"]
    opt.apply_gradients([(tf.ones((2, 3)), kernel), (tf.ones(3), bias)])
    variables = opt.variables
    assert all(isinstance(v, tf.Variable) and not v.trainable for v in variables)
    assert variables[0] is opt.iterations and variables[1] is opt.learning_rate
    # Keras's order: momentum and velocity interleaved per variable, then velocity_hat.
    assert [v.name for v in variables[2:]] == [
        "w_0_momentum",
        "w_0_velocity",
        "Variable_0_momentum",
        "Variable_0_velocity",
        "w_0_velocity_hat",
        "Variable_0_velocity_hat",
    ]
    assert [v.path for v in variables[2:4]] == ["adam/w_0_momentum", "adam/w_0_velocity"]
    assert [tuple(v.shape) for v in variables[2:]] == [(2, 3), (2, 3), (3,), (3,), (2, 3), (3,)]
    assert all(a is b for a, b in zip(opt.variables, variables))  # the same objects each time
    np.testing.assert_allclose(variables[2].numpy(), np.full((2, 3), 0.1), rtol=1e-6)
    variables[2].assign(np.zeros((2, 3), np.float32))  # assigning them is changing the state
    opt.apply_gradients([(tf.ones((2, 3)), kernel), (tf.ones(3), bias)])
    np.testing.assert_allclose(variables[2].numpy(), np.full((2, 3), 0.1), rtol=1e-6)
    assert int(variables[0]) == 2


def test_slot_names_and_order_of_every_rule():
    layer = keras.layers.Dense(2, name="dense")
    layer.build((None, 3))
    variables = layer.trainable_variables  # paths "dense/kernel", "dense/bias", as Keras 3's
    names = {
        "SGD": [],
        "sgd_momentum": ["kernel_momentum", "bias_momentum"],
        "RMSprop": [
            "kernel_velocity",
            "bias_velocity",
            "kernel_momentum",
            "bias_momentum",
            "kernel_average_gradient",
            "bias_average_gradient",
        ],
        "Adagrad": ["kernel_accumulator", "bias_accumulator"],
        "Adadelta": [
            "kernel_accumulated_grad",
            "kernel_accumulated_delta_var",
            "bias_accumulated_grad",
            "bias_accumulated_delta_var",
        ],
        "Adamax": ["kernel_momentum", "kernel_norm", "bias_momentum", "bias_norm"],
        "Nadam": [
            "kernel_momentum",
            "kernel_velocity",
            "bias_momentum",
            "bias_velocity",
            "variable",
        ],
    }
    for key, want in names.items():
        if key == "sgd_momentum":
            opt = optimizers.SGD(momentum=0.9)
        elif key == "RMSprop":
            opt = optimizers.RMSprop(momentum=0.5, centered=True)
        else:
            opt = getattr(optimizers, key)()
        opt.build(variables)
        want = [w if w == "variable" else f"dense_{w}" for w in want]  # Keras: path + slot
        assert [v.name for v in opt.variables] == ["iteration", "learning_rate"] + want, key
    nadam = optimizers.Nadam(name="n")
    nadam.build(variables)
    assert nadam.variables[-1].path == "n/variable" and float(nadam.variables[-1]) == 1.0


def test_a_schedule_replaces_the_learning_rate_variable_in_the_state():
    opt = optimizers.SGD(learning_rate=0.1)
    assert len(opt.variables) == 2
    opt.learning_rate = optimizers.schedules.ExponentialDecay(0.1, 10, 0.9)
    assert [v.name for v in opt.variables] == ["iteration"]
    schedule = optimizers.Adam(optimizers.schedules.CosineDecay(0.1, 10))
    assert [v.name for v in schedule.variables] == ["iteration"]


def test_float64_slots_and_adagrad_start_as_keras_casts_them():
    v = tf.Variable(np.ones(2))
    opt = optimizers.Adagrad()
    opt.build([v])
    accumulator = opt.variables[-1]
    assert accumulator.dtype == tf.float64
    # Keras's Constant initializer casts 0.1 through float32 (recorded from Keras 3.15).
    assert accumulator.numpy()[0] == np.float64(np.float32(0.1))


def test_a_failed_step_changes_no_slot_and_tensors_read_before_a_step_keep_their_values():
    a = tf.Variable([1.0, 2.0])
    opt = optimizers.RMSprop(learning_rate=0.1, momentum=0.5, centered=True)
    opt.apply_gradients([(tf.constant([1.0, 1.0]), a)])
    slots = [s.read_value() for s in opt.variables]
    before = [np.array(s.numpy(), copy=True) for s in slots]
    with pytest.raises(ValueError, match="shape"):
        opt.apply_gradients([(tf.constant([1.0, 1.0, 1.0]), a)])
    _assert_bitwise_equal([s.numpy() for s in opt.variables], before)
    opt.apply_gradients([(tf.constant([1.0, 1.0]), a)])
    _assert_bitwise_equal([s.numpy() for s in slots], before)  # assignments replaced, not wrote


def test_load_own_variables_checks_counts_and_shapes_before_assigning():
    a = tf.Variable([1.0, 2.0])
    opt = optimizers.Adam()
    with pytest.warns(UserWarning, match="not been called/built"):
        opt.load_own_variables({"0": np.array(3), "1": np.array(0.5), "2": np.zeros(2)})
    assert int(opt.iterations) == 0
    opt.build([a])
    store = {"0": np.array(5), "1": np.array(0.5), "2": np.ones(2), "3": np.ones(3)}
    with pytest.raises(ValueError, match=r"'Variable_0_velocity' has shape \(2,\).*\(3,\)"):
        opt.load_own_variables(store)
    assert int(opt.iterations) == 0 and float(opt.learning_rate) == pytest.approx(0.001)
    with pytest.raises(ValueError, match="not yet been built"):
        optimizers.SGD().set_weights([np.array(1)])


def test_a_keras_style_subclass_builds_slots_and_updates_through_assign():
    class Momentum(optimizers.Optimizer):
        def __init__(self, learning_rate=0.1, **kwargs):
            super().__init__(learning_rate, **kwargs)
            self.momentum = 0.5

        def build(self, variables):
            if self.built:
                return
            super().build(variables)
            self.velocities = self.add_optimizer_variables(variables, "velocity")

        def update_step(self, gradient, variable, learning_rate):
            v = self.velocities[self._get_variable_index(variable)]
            self.assign(v, self.momentum * v - learning_rate * gradient)
            self.assign_add(variable, v)

    w = tf.Variable([1.0, 2.0], name="w")
    opt = Momentum(name="momentum")
    opt.apply_gradients([(tf.constant([1.0, 1.0]), w)])
    opt.apply_gradients([(tf.constant([1.0, 1.0]), w)])
    np.testing.assert_allclose(w.numpy(), [1.0 - 0.1 - 0.15, 2.0 - 0.1 - 0.15], rtol=1e-6)
    assert [v.name for v in opt.variables] == ["iteration", "learning_rate", "w_0_velocity"]
    assert opt.variables[2].path == "momentum/w_0_velocity"


def test_a_subclass_that_skips_super_init_is_told_so():
    class Broken(optimizers.Optimizer):
        def __init__(self):
            self.rate = 0.1

    with pytest.raises(RuntimeError, match="forgot to call `super\\(\\).__init__\\(\\)`"):
        Broken()


def test_add_variable_tracks_state_in_order():
    opt = optimizers.SGD(name="opt")
    extra = opt.add_variable((2,), initializer="ones", dtype="float64", name="extra")
    assert opt.variables[-1] is extra and extra.path == "opt/extra"
    assert extra.dtype == tf.float64 and not extra.trainable
    np.testing.assert_array_equal(extra.numpy(), [1.0, 1.0])
    opt.counter = tf.Variable(0)  # as Keras, a Variable attribute is state too
    assert opt.variables[-1] is opt.counter


def _fit(optimizer, epochs=2):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 3)).astype(np.float32)
    y = (x @ rng.normal(size=(3, 1))).astype(np.float32)
    tf.random.set_seed(3)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(1)])
    model.compile(optimizer, "mse")
    model.fit(x, y, batch_size=8, epochs=epochs, shuffle=False, verbose=0)
    return model


def test_fit_scales_the_loss_that_the_optimizer_unscales():
    # A power of two scales exactly, so the training is bit for bit the unscaled one (Keras's
    # train_step differentiates optimizer.scale_loss(loss); apply_gradients divides).
    plain = _fit(optimizers.SGD(learning_rate=0.05))
    scaled = _fit(optimizers.SGD(learning_rate=0.05, loss_scale_factor=8.0))
    _assert_bitwise_equal(plain.get_weights(), scaled.get_weights())
    assert (
        plain.get_weights()[0].tobytes() != _fit(optimizers.SGD(0.05), 0).get_weights()[0].tobytes()
    )


def test_fit_finalizes_the_variables_once_at_the_end():
    calls = []

    class Recording(optimizers.SGD):
        def finalize_variable_values(self, var_list):
            calls.append((int(self.iterations), list(var_list)))

    model = _fit(Recording(learning_rate=0.05))
    assert len(calls) == 1
    iterations, var_list = calls[0]
    assert iterations == 8 and all(a is b for a, b in zip(var_list, model.trainable_weights))


# -- against Keras 3 itself --------------------------------------------------------------------


def _keras_pair(config):
    """A tapegrad optimizer and a real Keras one of `config`, built on equal variables."""
    tf_real = pytest.importorskip("tensorflow")
    import keras as real_keras

    ours = [tf.Variable(w, name=f"w{i}") for i, w in enumerate(_start_values())]
    theirs = [tf_real.Variable(w, name=f"w{i}") for i, w in enumerate(_start_values())]
    a, b = _make(config), _make(config, real_keras.optimizers)
    a.build(ours)
    b.build(theirs)
    return tf_real, (a, ours), (b, theirs)


def _keras_train(tf_real, optimizer, variables, steps, first=0):
    for step in range(first, first + steps):
        grads = _gradients(step, [v.numpy() for v in variables])
        optimizer.apply_gradients(zip([tf_real.constant(g) for g in grads], variables))


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_state_names_order_and_values_match_keras(config):
    tf_real, (a, ours), (b, theirs) = _keras_pair(config)
    assert [v.name for v in a.variables] == [v.name for v in b.variables]
    assert [tuple(v.shape) for v in a.variables] == [tuple(v.shape) for v in b.variables]
    assert [v.dtype.name for v in a.variables] == [v.dtype for v in b.variables]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _train(a, ours, 3)
        _keras_train(tf_real, b, theirs, 3)
    for x, y, v in zip(a.variables, b.variables, b.variables):
        np.testing.assert_allclose(x.numpy(), y.numpy(), rtol=1e-6, atol=1e-7, err_msg=v.path)


@pytest.mark.parametrize("config", ["adam_amsgrad", "rmsprop_centered_momentum", "nadam"])
def test_saved_state_moves_between_tapegrad_and_keras(config):
    tf_real, (a, ours), (b, theirs) = _keras_pair(config)
    _train(a, ours, 3)
    store = {}
    a.save_own_variables(store)
    for v, w in zip(theirs, ours):
        v.assign(w.numpy())
    b.load_own_variables(store)  # Keras continues from tapegrad's state...
    _keras_train(tf_real, b, theirs, 3, first=3)
    back = {}
    b.save_own_variables(back)
    for v, w in zip(ours, theirs):
        v.assign(w.numpy())
    fresh = _make(config)  # ... and tapegrad from Keras's
    fresh.build(ours)
    fresh.load_own_variables(back)
    _train(fresh, ours, 2, first=6)
    _keras_train(tf_real, b, theirs, 2, first=6)
    for x, y in zip(ours, theirs):
        np.testing.assert_allclose(x.numpy(), y.numpy(), rtol=1e-6, atol=1e-7)
    assert int(fresh.iterations) == int(b.iterations.numpy()) == 8
