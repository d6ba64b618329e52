"""keras.optimizers: Keras 3's trajectories step by step, and the behaviour shared by all.

The golden values in tests/data/optimizer_golden.json were produced by running real Keras 3
(TensorFlow backend; versions recorded in the file's `produced_by`) with
tests/data/make_optimizer_golden.py: each case trains three variables for 8 steps with the
gradient g_t = G[t] + 0.5 * w computed from the variable's current value, and records every
variable after every step. Here the same cases run on tapegrad. (tapegrad matched those values
bit for bit when they were made; the tolerance below only allows for another platform's libm.)
"""

import json
import pathlib
import warnings

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras

optimizers = keras.optimizers
GOLDEN = json.loads((pathlib.Path(__file__).parent / "data" / "optimizer_golden.json").read_text())
SHAPES = [tuple(s) for s in GOLDEN["shapes"]]
ALL = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam", "Ftrl", "Lion"]


def _array(text, shape, dtype):
    return np.array([dtype(x) for x in text], dtype=dtype).reshape(shape)


def _run_case(case):
    dtype = np.dtype(case["dtype"]).type
    kwargs = dict(case["kwargs"])
    if case["schedule"]:
        kwargs["learning_rate"] = optimizers.schedules.deserialize(case["schedule"])
    opt = getattr(optimizers, case["optimizer"])(**kwargs)
    init = [_array(t, s, np.float32).astype(dtype) for t, s in zip(GOLDEN["init"], SHAPES)]
    variables = [tf.Variable(w) for w in init]
    trajectory = []
    for step, grads in enumerate(GOLDEN["grads"][: len(case["trajectory"])]):
        gs = [
            tf.constant(_array(G, s, np.float32).astype(dtype) + dtype(0.5) * v.numpy())
            for G, s, v in zip(grads, SHAPES, variables)
        ]
        if step in case["skip"]:
            gs[2] = None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            opt.apply_gradients(zip(gs, variables))
        trajectory.append([v.numpy().copy() for v in variables])
    return opt, trajectory


@pytest.mark.parametrize("name", sorted(GOLDEN["cases"]))
def test_trajectory_matches_keras(name):
    case = GOLDEN["cases"][name]
    dtype = np.dtype(case["dtype"]).type
    opt, trajectory = _run_case(case)
    assert int(opt.iterations) == case["iterations"]
    for step, (got, want) in enumerate(zip(trajectory, case["trajectory"])):
        for i, (g, w, shape) in enumerate(zip(got, want, SHAPES)):
            assert g.dtype == dtype
            np.testing.assert_allclose(
                g, _array(w, shape, dtype), rtol=1e-6, atol=1e-8, err_msg=f"step {step}, var {i}"
            )


@pytest.mark.parametrize("cls", ALL)
def test_default_config_matches_keras(cls):
    config = getattr(optimizers, cls)().get_config()
    assert config.pop("name")
    assert config == GOLDEN["default_configs"][cls]


def test_tutorial_descent_reaches_minimum():
    x = tf.Variable(0.0)
    opt = optimizers.SGD(learning_rate=0.1)
    for _ in range(100):
        with tf.GradientTape() as tape:
            y = 3 * x**2 + 2 * x - 1
        opt.apply_gradients([(tape.gradient(y, x), x)])
    assert float(x) == pytest.approx(-1 / 3, abs=1e-6)
    assert int(opt.iterations) == 100
    assert opt.iterations.dtype == tf.int64


def test_apply_gradients_accepts_list_zip_and_generator():
    for make in (list, lambda pairs: zip(*zip(*pairs)), lambda pairs: (p for p in pairs)):
        v = tf.Variable([1.0, 2.0])
        opt = optimizers.SGD(learning_rate=0.5)
        assert opt.apply_gradients(make([(tf.constant([2.0, 4.0]), v)])) is opt.iterations
        np.testing.assert_array_equal(v.numpy(), [0.0, 0.0])


def test_a_built_optimizer_checks_each_kind_of_pair_once():
    # A built optimizer's fast path takes tuples of tensors of known shapes; anything else
    # (a list pair, a NumPy gradient, a None gradient at the end of a generator) goes through
    # the general path, which must still see every pair the generator gave.
    a, b = tf.Variable([1.0, 2.0]), tf.Variable(3.0)
    opt = optimizers.SGD(learning_rate=0.5)
    opt.apply_gradients([(tf.constant([2.0, 2.0]), a), (tf.constant(2.0), b)])
    opt.apply_gradients(p for p in [(tf.constant([2.0, 2.0]), a), [np.float32(2.0), b]])
    with pytest.warns(UserWarning, match="do not exist"):
        opt.apply_gradients(p for p in [(tf.constant([2.0, 2.0]), a), (None, b)])
    np.testing.assert_array_equal(a.numpy(), [-2.0, -1.0])
    assert float(b) == 1.0 and int(opt.iterations) == 3


def test_apply_gradients_accepts_numpy_and_python_gradients():
    v = tf.Variable([1.0, 2.0])
    opt = optimizers.SGD(learning_rate=0.5)
    opt.apply_gradients([(np.array([2.0, 4.0]), v)])  # float64: cast to the variable's dtype
    opt.apply_gradients([([2.0, 4.0], v)])
    np.testing.assert_array_equal(v.numpy(), [-1.0, -2.0])
    assert v.dtype == tf.float32


def test_update_replaces_the_value_instead_of_writing_into_it():
    v = tf.Variable([1.0, 2.0])
    before = v.read_value()
    optimizers.Adam(learning_rate=0.1).apply_gradients([(tf.constant([1.0, 1.0]), v)])
    np.testing.assert_array_equal(before.numpy(), [1.0, 2.0])
    assert not np.array_equal(v.numpy(), [1.0, 2.0])


def test_none_gradient_is_skipped_with_a_warning_naming_the_variable():
    a, b = tf.Variable(1.0, name="kernel"), tf.Variable(2.0, name="orphan")
    opt = optimizers.Adam(learning_rate=0.1)
    with pytest.warns(UserWarning, match="orphan") as record:
        opt.apply_gradients([(tf.constant(1.0), a), (None, b)])
    assert record[0].filename == __file__
    assert float(b) == 2.0
    assert float(a) != 1.0
    assert int(opt.iterations) == 1
    # As Keras 3, the first call builds slots for every variable given; b's stay zero.
    assert len(opt.variables) == 2 + 4
    assert [float(s) for s in opt.variables[4:]] == [0.0, 0.0]


def test_all_none_gradients_raise():
    v = tf.Variable(1.0)
    opt = optimizers.SGD()
    with pytest.raises(ValueError, match="No gradients"):
        opt.apply_gradients([(None, v)])
    assert int(opt.iterations) == 0


def _state(opt, variables):
    """Copies of the variables' values and of the optimizer's whole state."""
    return [np.array(v.numpy(), copy=True) for v in list(variables) + opt.variables]


def _assert_same_state(before, after):
    assert len(before) == len(after)
    for x, y in zip(before, after):
        assert x.dtype == y.dtype
        np.testing.assert_array_equal(x, y)


def _optimizer(cls, **kwargs):
    if cls == "SGD":
        kwargs["momentum"] = 0.9  # so that SGD has slots too
    return getattr(optimizers, cls)(learning_rate=0.1, **kwargs)


@pytest.mark.parametrize("cls", ALL)
def test_shape_mismatch_leaves_variables_slots_and_iterations_untouched(cls):
    a, b = tf.Variable([1.0, 2.0]), tf.Variable([[1.0], [2.0]])
    c = tf.Variable([3.0, 4.0])  # not updated yet: its slots are still at their start
    opt = _optimizer(cls)
    with pytest.warns(UserWarning, match="do not exist"):
        opt.apply_gradients(
            [(tf.constant([1.0, 1.0]), a), (tf.constant([[1.0], [1.0]]), b), (None, c)]
        )
    before = _state(opt, [a, b, c])
    bad = [(tf.constant([1.0, 1.0]), a), (tf.constant([1.0, 1.0]), c), (tf.constant([1.0]), b)]
    with pytest.raises(ValueError, match=r"shape \[1\].*shape \[2, 1\]"):
        opt.apply_gradients(bad)
    _assert_same_state(before, _state(opt, [a, b, c]))


@pytest.mark.parametrize("cls", ALL)
def test_unknown_variable_raises_before_any_change(cls):
    a, b, other = tf.Variable([1.0, 2.0]), tf.Variable(3.0), tf.Variable([5.0, 6.0], name="late")
    opt = _optimizer(cls)
    opt.apply_gradients([(tf.constant([1.0, 1.0]), a), (tf.constant(1.0), b)])
    before = _state(opt, [a, b, other])
    # As Keras 3: an optimizer serves the variables it was built with, and only those.
    with pytest.raises(ValueError, match="unknown variable 'late:0'.*built with"):
        opt.apply_gradients([(tf.constant([1.0, 1.0]), a), (tf.constant([1.0, 1.0]), other)])
    _assert_same_state(before, _state(opt, [a, b, other]))
    opt.apply_gradients([(tf.constant(1.0), b)])  # a subset of them is fine
    assert int(opt.iterations) == 2


def test_bad_dtypes_raise_before_any_change():
    a, n = tf.Variable([1.0, 2.0]), tf.Variable([1, 2])
    opt = optimizers.Adam()
    with pytest.raises(TypeError, match="floating-point"):
        opt.apply_gradients([(tf.constant([1.0, 1.0]), a), (tf.constant([1, 1]), n)])
    with pytest.raises(TypeError, match="complex"):
        opt.apply_gradients([(tf.constant([1.0, 1.0]), a), (np.array([1j, 1j]), a)])
    with pytest.raises(TypeError, match="Variable"):
        opt.apply_gradients([(tf.constant([1.0, 1.0]), a), (tf.constant(1.0), 3.0)])
    np.testing.assert_array_equal(a.numpy(), [1.0, 2.0])
    assert int(opt.iterations) == 0 and not opt.built and len(opt.variables) == 2


@pytest.mark.parametrize(
    "clips",
    [
        {"clipnorm": 1.0, "clipvalue": 1.0},
        {"clipnorm": 1.0, "global_clipnorm": 1.0},
        {"clipvalue": 1.0, "global_clipnorm": 1.0},
    ],
)
def test_two_clip_options_raise(clips):
    with pytest.raises(ValueError, match="Only one of"):
        optimizers.SGD(**clips)


def test_clipping_bounds_the_step():
    v = tf.Variable([0.0, 0.0])
    optimizers.SGD(learning_rate=1.0, clipnorm=1.0).apply_gradients([(tf.constant([3.0, 4.0]), v)])
    np.testing.assert_allclose(v.numpy(), [-0.6, -0.8], rtol=1e-6)
    v = tf.Variable([0.0, 0.0])
    optimizers.SGD(learning_rate=1.0, clipvalue=0.5).apply_gradients(
        [(tf.constant([3.0, -0.1]), v)]
    )
    np.testing.assert_allclose(v.numpy(), [-0.5, 0.1], rtol=1e-6)
    a, b = tf.Variable(0.0), tf.Variable(0.0)
    opt = optimizers.SGD(learning_rate=1.0, global_clipnorm=1.0)
    opt.apply_gradients([(tf.constant(3.0), a), (tf.constant(4.0), b)])
    np.testing.assert_allclose([float(a), float(b)], [-0.6, -0.8], rtol=1e-6)


def test_learning_rate_reads_and_sets():
    opt = optimizers.SGD(learning_rate=0.1)
    assert isinstance(opt.learning_rate, tf.Variable)
    assert opt.learning_rate.dtype == tf.float32
    assert float(opt.learning_rate) == pytest.approx(0.1)
    opt.learning_rate = 0.5
    assert float(opt.learning_rate) == 0.5
    v = tf.Variable(1.0)
    opt.apply_gradients([(tf.constant(1.0), v)])
    assert float(v) == 0.5
    opt.learning_rate.assign(0.25)  # Keras's other way
    opt.apply_gradients([(tf.constant(1.0), v)])
    assert float(v) == 0.25
    opt.learning_rate = optimizers.schedules.ExponentialDecay(1.0, 1, 0.5)
    opt.apply_gradients([(tf.constant(1.0), v)])  # at step 2: 1.0 * 0.5 ** 2
    assert float(v) == 0.0
    assert float(opt.learning_rate) == 0.125  # read at step 3


def test_learning_rate_schedule_is_not_settable_to_a_number():
    opt = optimizers.Adam(optimizers.schedules.CosineDecay(0.1, 10))
    assert opt.learning_rate.dtype == tf.float32
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.1


def test_learning_rate_callable_takes_no_arguments():
    rates = iter([1.0, 0.5])
    v = tf.Variable(1.0)
    opt = optimizers.SGD(learning_rate=lambda: next(rates))
    opt.apply_gradients([(tf.constant(1.0), v)])
    opt.apply_gradients([(tf.constant(1.0), v)])
    assert float(v) == -0.5


def test_learning_rate_rejects_non_numbers():
    with pytest.raises(ValueError, match="learning_rate"):
        optimizers.SGD(learning_rate="fast")


def test_lr_is_deprecated_but_accepted():
    with pytest.warns(DeprecationWarning, match="learning_rate") as record:
        opt = optimizers.SGD(lr=0.3)
    assert record[0].filename == __file__  # the user's line, so Python shows it by default
    assert float(opt.learning_rate) == pytest.approx(0.3)
    with pytest.warns(DeprecationWarning):
        assert float(optimizers.Adam(lr=0.2).learning_rate) == pytest.approx(0.2)


def test_unknown_arguments_raise_and_decay_is_ignored():
    with pytest.raises(ValueError, match="not recognized"):
        optimizers.Adam(betas=0.9)
    with pytest.warns(UserWarning, match="decay"):
        optimizers.SGD(decay=0.1)
    with pytest.raises(NotImplementedError, match="gradient_accumulation_steps"):
        optimizers.SGD(gradient_accumulation_steps=2)


def test_argument_checks():
    with pytest.raises(ValueError, match="momentum"):
        optimizers.SGD(momentum=1.5)
    with pytest.raises(ValueError, match="weight_decay"):
        optimizers.AdamW(weight_decay=None)


def test_weight_decay_and_exclusion():
    kernel, bias = tf.Variable([1.0, 2.0], name="kernel"), tf.Variable([1.0, 2.0], name="bias")
    opt = optimizers.SGD(learning_rate=0.5, weight_decay=0.1)
    opt.exclude_from_weight_decay(var_names=["bias"])
    zero = tf.constant([0.0, 0.0])
    opt.apply_gradients([(zero, kernel), (zero, bias)])
    np.testing.assert_allclose(kernel.numpy(), [0.95, 1.9], rtol=1e-6)
    np.testing.assert_array_equal(bias.numpy(), [1.0, 2.0])
    opt = optimizers.AdamW(learning_rate=0.5, weight_decay=0.1)
    opt.exclude_from_weight_decay(var_list=[kernel])
    opt.apply_gradients([(zero, kernel)])
    np.testing.assert_allclose(kernel.numpy(), [0.95, 1.9], rtol=1e-6)


def test_loss_scale_factor_divides_gradients():
    v = tf.Variable(1.0)
    opt = optimizers.SGD(learning_rate=1.0, loss_scale_factor=4.0)
    assert float(opt.scale_loss(tf.constant(2.0))) == 8.0
    opt.apply_gradients([(tf.constant(8.0), v)])
    assert float(v) == -1.0


def test_float64_variables_keep_their_dtype():
    v = tf.Variable(np.array([1.0, 2.0]))
    optimizers.Nadam(learning_rate=0.1).apply_gradients([(tf.constant([1.0, 1.0]), v)])
    assert v.dtype == tf.float64


def test_minimize_with_a_callable_loss():
    x = tf.Variable(0.0)
    opt = optimizers.SGD(learning_rate=0.1)
    for _ in range(100):
        opt.minimize(lambda: 3 * x**2 + 2 * x - 1, [x])
    assert float(x) == pytest.approx(-1 / 3, abs=1e-6)
    opt.minimize(lambda: (x - 1.0) ** 2, lambda: [x])  # var_list as a callable
    assert int(opt.iterations) == 101


def test_minimize_with_a_tensor_loss_and_its_tape():
    x = tf.Variable(2.0)
    opt = optimizers.SGD(learning_rate=0.25)
    with tf.GradientTape() as tape:
        loss = x * x
    opt.minimize(loss, [x], tape=tape)
    assert float(x) == 1.0
    with pytest.raises(ValueError, match="tape"):
        opt.minimize(x * x, [x])


def test_minimize_records_a_callable_loss_on_a_given_tape():
    x = tf.Variable(2.0)
    tape = tf.GradientTape(persistent=True)
    optimizers.SGD(learning_rate=0.25).minimize(lambda: x * x, [x], tape=tape)
    assert float(x) == 1.0


@pytest.mark.parametrize("cls", ALL)
def test_get_config_round_trip(cls):
    opt = getattr(optimizers, cls)(learning_rate=0.02, clipnorm=0.5, name="mine")
    config = opt.get_config()
    assert config["name"] == "mine" and config["clipnorm"] == 0.5
    assert config["learning_rate"] == pytest.approx(0.02)
    clone = type(opt).from_config(config)
    assert type(clone) is type(opt) and clone.get_config() == config
    assert int(clone.iterations) == 0


def test_get_config_round_trip_with_schedule_and_options():
    schedule = optimizers.schedules.PiecewiseConstantDecay([3], [0.1, 0.01])
    opt = optimizers.RMSprop(schedule, rho=0.8, momentum=0.5, centered=True, weight_decay=0.01)
    config = opt.get_config()
    assert config["learning_rate"]["class_name"] == "PiecewiseConstantDecay"
    clone = optimizers.RMSprop.from_config(config)
    assert isinstance(clone._learning_rate, optimizers.schedules.PiecewiseConstantDecay)
    assert clone.get_config() == config
    assert (clone.rho, clone.momentum, clone.centered) == (0.8, 0.5, True)


def test_serialize_deserialize_and_get():
    opt = optimizers.Adam(learning_rate=0.01, amsgrad=True)
    data = optimizers.serialize(opt)
    assert data["class_name"] == "Adam"
    clone = optimizers.deserialize(data)
    assert isinstance(clone, optimizers.Adam) and clone.amsgrad
    names = ["sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "adamax", "nadam"]
    for name, cls in zip(names, ALL):
        assert type(optimizers.get(name)) is getattr(optimizers, cls)
        assert type(optimizers.get(cls)) is getattr(optimizers, cls)
    assert optimizers.get(opt) is opt
    assert optimizers.get(None) is None
    assert isinstance(
        optimizers.get({"class_name": "sgd", "config": {"momentum": 0.5}}), optimizers.SGD
    )
    with pytest.raises(ValueError, match="Could not interpret"):
        optimizers.get("newton")


def test_names_follow_keras():
    assert optimizers.Adam(name="custom").name == "custom"
    first, second = optimizers.RMSprop(), optimizers.RMSprop()
    assert first.name.startswith("rm_sprop") and first.name != second.name


def test_build_creates_slots_eagerly():
    a, b = tf.Variable([1.0]), tf.Variable(2.0)
    opt = optimizers.Adagrad()
    opt.build([a, b])
    assert opt.built
    assert len(opt.variables) == 2 + 2
    np.testing.assert_allclose(opt.variables[2].numpy(), [np.float32(0.1)])


def test_apply_takes_two_lists_or_the_built_variables():
    a, b = tf.Variable(1.0), tf.Variable(2.0)
    opt = optimizers.SGD(learning_rate=1.0)
    opt.apply([tf.constant(1.0), tf.constant(1.0)], [a, b])
    assert (float(a), float(b)) == (0.0, 1.0)
    with pytest.raises(ValueError, match="build"):
        opt.apply([tf.constant(1.0)])
    opt.build([a, b])
    opt.apply([tf.constant(1.0), tf.constant(2.0)])
    assert (float(a), float(b)) == (-1.0, -1.0)
    assert opt.apply([]) is None and int(opt.iterations) == 2  # no gradients: a no-op, as Keras
