"""`keras.constraints`: Keras 3's formulas, lookup by name and class, `variable.constraint`,
and every optimizer projecting a constrained variable after each update (so that `fit` under
`NonNeg` leaves no negative weight)."""

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras
from tapegrad.keras import constraints

W = np.array([[3.0, -4.0, 0.1], [4.0, 3.0, -0.2]], "float32")
EPS = 1e-7  # keras.backend.epsilon()


def _norms(w, axis):
    return np.sqrt(np.sum(w.astype(np.float64) ** 2, axis=axis, keepdims=True))


def test_formulas_follow_keras():
    n0 = _norms(W, 0)
    np.testing.assert_allclose(
        constraints.MaxNorm(2.0)(W).numpy(), W * np.clip(n0, 0, 2.0) / (EPS + n0), rtol=1e-6
    )
    np.testing.assert_allclose(
        constraints.UnitNorm(axis=1)(W).numpy(), W / (EPS + _norms(W, 1)), rtol=1e-6
    )
    desired = 0.5 * np.clip(n0, 1.0, 2.0) + 0.5 * n0
    np.testing.assert_allclose(
        constraints.MinMaxNorm(1.0, 2.0, rate=0.5)(W).numpy(), W * desired / (EPS + n0), rtol=1e-6
    )
    np.testing.assert_array_equal(constraints.NonNeg()(W).numpy(), np.maximum(W, 0))
    assert constraints.Constraint()(W) is W
    np.testing.assert_allclose(
        constraints.MaxNorm(1.0, axis=[0, 1])(W).numpy(), W / (EPS + _norms(W, (0, 1))), rtol=1e-6
    )


def test_lookup_by_name_class_config_and_callable():
    assert isinstance(constraints.get("non_neg"), constraints.NonNeg)
    assert isinstance(constraints.get("NonNeg"), constraints.NonNeg)
    assert isinstance(constraints.get("max_norm"), constraints.MaxNorm)
    assert isinstance(constraints.get(constraints.UnitNorm), constraints.UnitNorm)
    assert (
        constraints.max_norm is constraints.MaxNorm
        and constraints.unit_norm is constraints.UnitNorm
    )
    config = constraints.serialize(constraints.MinMaxNorm(0.5, 3.0, 0.9, axis=1))
    back = constraints.get(config)
    assert isinstance(back, constraints.MinMaxNorm) and back.get_config() == {
        "min_value": 0.5,
        "max_value": 3.0,
        "rate": 0.9,
        "axis": 1,
    }

    def clip(w):
        return tf.clip_by_value(w, -1.0, 1.0)

    assert constraints.get(clip) is clip and constraints.get(None) is None
    with pytest.raises(ValueError, match="Could not interpret constraint identifier: nope"):
        constraints.get("nope")


def test_variables_and_layers_carry_their_constraint():
    v = tf.Variable([1.0, -1.0], constraint=constraints.NonNeg())
    assert isinstance(v.constraint, constraints.NonNeg)
    assert tf.Variable(1.0).constraint is None
    with pytest.raises(ValueError, match="constraint"):
        tf.Variable(1.0, constraint=3)
    layer = keras.layers.Dense(
        2, kernel_constraint="max_norm", bias_constraint=constraints.NonNeg()
    )
    layer.build((None, 3))
    assert isinstance(layer.kernel.constraint, constraints.MaxNorm)
    assert isinstance(layer.bias.constraint, constraints.NonNeg)
    assert layer.get_config()["kernel_constraint"]["class_name"] == "MaxNorm"
    norm = keras.layers.BatchNormalization(gamma_constraint="non_neg")
    norm.build((None, 3))
    assert isinstance(norm.gamma.constraint, constraints.NonNeg)
    weight = keras.layers.Layer().add_weight(shape=(2,), constraint="unit_norm")
    assert isinstance(weight.constraint, constraints.UnitNorm)


OPTIMIZERS = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam"]


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_every_optimizer_projects_after_each_update(name):
    w = tf.Variable([0.2, 0.3, -0.1, 0.05], constraint=constraints.NonNeg())
    free = tf.Variable([0.2, 0.3, -0.1, 0.05])
    gradient = tf.constant([1.0, -1.0, 1.0, -0.5])
    optimizer = getattr(keras.optimizers, name)(learning_rate=0.5)
    getattr(keras.optimizers, name)(learning_rate=0.5).apply_gradients([(gradient, free)])
    optimizer.apply_gradients([(gradient, w)])
    # The first step is the unconstrained update, projected.
    np.testing.assert_array_equal(w.numpy(), np.maximum(free.numpy(), 0.0))
    assert (free.numpy() < 0).any() and (free.numpy() > 0).any()
    for _ in range(3):
        optimizer.apply_gradients([(gradient, w)])
        assert (w.numpy() >= 0).all()


def test_fit_under_non_neg_leaves_no_negative_weight():
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    y = x @ np.array([[1.0], [-3.0], [2.0], [-1.0]], "float32")  # wants negative weights
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(1, kernel_constraint=constraints.NonNeg())]
    )
    model.compile(keras.optimizers.SGD(0.1), "mse")
    model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    kernel = model.layers[0].kernel.numpy()
    assert (kernel >= 0).all() and (kernel == 0).any() and (kernel > 0).any()


def test_a_bad_constraint_fails_before_anything_changes():
    w = tf.Variable([1.0, 2.0], constraint=lambda v: tf.reduce_sum(v))
    optimizer = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="keep the shape"):
        optimizer.apply_gradients([(tf.constant([1.0, 1.0]), w)])
    np.testing.assert_array_equal(w.numpy(), [1.0, 2.0])
    assert int(optimizer.iterations) == 0 and not optimizer.built


def test_constraints_match_keras():
    pytest.importorskip("tensorflow")
    keras_real = pytest.importorskip("keras")
    for cls, kwargs in [
        ("MaxNorm", {"max_value": 2.0, "axis": 0}),
        ("MinMaxNorm", {"min_value": 1.0, "max_value": 2.0, "rate": 0.7, "axis": 1}),
        ("UnitNorm", {"axis": 0}),
        ("NonNeg", {}),
    ]:
        ours = getattr(constraints, cls)(**kwargs)(W).numpy()
        theirs = np.asarray(getattr(keras_real.constraints, cls)(**kwargs)(W))
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, err_msg=cls)
    model = keras_real.Sequential(
        [keras_real.Input((2,)), keras_real.layers.Dense(1, kernel_constraint="non_neg")]
    )
    model.compile(keras_real.optimizers.SGD(0.5), "mse")
    model.layers[0].kernel.assign([[0.1], [0.1]])
    model.train_on_batch(np.ones((1, 2), "float32"), np.full((1, 1), -10.0, "float32"))
    ours = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, kernel_constraint="non_neg")])
    ours.compile(keras.optimizers.SGD(0.5), "mse")
    ours.layers[0].kernel.assign([[0.1], [0.1]])
    ours.train_on_batch(np.ones((1, 2), "float32"), np.full((1, 1), -10.0, "float32"))
    np.testing.assert_allclose(ours.get_weights()[0], model.get_weights()[0])
