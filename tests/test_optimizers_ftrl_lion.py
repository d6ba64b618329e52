"""keras.optimizers.Ftrl and Lion and schedules.CosineDecayRestarts beyond their Keras 3
trajectories (those are in tests/test_optimizers.py, recorded from Keras 3 in
tests/data/optimizer_golden.json): names, configs and bad arguments."""

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras
from tests.bad_input import assert_clear_error


@pytest.mark.parametrize("name", ["ftrl", "lion"])
def test_found_by_name_and_rebuilt_from_their_config(name):
    opt = keras.optimizers.get(name)
    assert type(opt).__name__.lower() == name
    again = keras.optimizers.deserialize(keras.optimizers.serialize(opt))
    assert again.get_config() == opt.get_config()


def test_slots_are_named_as_keras():
    v = tf.Variable(np.ones(2, np.float32), name="w")
    ftrl, lion = keras.optimizers.Ftrl(), keras.optimizers.Lion()
    ftrl.build([v])
    lion.build([v])
    # Keras 3 names slots after the variable's name, "w:0" -> "w_0" (recorded from Keras 3).
    assert [s.name for s in ftrl.variables[2:]] == ["w_0_accumulator", "w_0_linear"]
    assert [s.name for s in lion.variables[2:]] == ["w_0_momentum"]
    np.testing.assert_array_equal(ftrl.variables[2].numpy(), np.full(2, 0.1, np.float32))


def test_fit_with_ftrl_and_lion_lowers_the_loss():
    x = np.linspace(-1, 1, 32, dtype=np.float32).reshape(-1, 1)
    for opt in (keras.optimizers.Ftrl(0.5), keras.optimizers.Lion(0.05)):
        model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
        model.compile(optimizer=opt, loss="mse")
        history = model.fit(x, 3 * x + 1, epochs=5, verbose=0)
        assert history.history["loss"][-1] < history.history["loss"][0]


def test_bad_arguments_are_named():
    assert_clear_error(lambda: keras.optimizers.Lion(beta_1=0.0), ValueError, "Lion", "beta_1")
    assert_clear_error(lambda: keras.optimizers.Ftrl(learning_rate_power=0.5), ValueError,
                       "Ftrl", "learning_rate_power", "0.5")
    assert_clear_error(lambda: keras.optimizers.Ftrl(l1_regularization_strength=-1.0),
                       ValueError, "Ftrl", "l1_regularization_strength", "-1.0")
    assert_clear_error(lambda: keras.optimizers.Ftrl(initial_accumulator_value=-0.1),
                       ValueError, "initial_accumulator_value")
    assert_clear_error(
        lambda: keras.optimizers.schedules.CosineDecayRestarts(0.1, first_decay_steps=0),
        ValueError, "first_decay_steps")


def test_cosine_decay_restarts_restarts_and_keeps_its_config():
    s = keras.optimizers.schedules.CosineDecayRestarts(0.1, first_decay_steps=4, t_mul=1.0)
    values = [float(s(step)) for step in range(9)]
    assert values[0] == values[4] == values[8] == pytest.approx(0.1)
    assert values[1] > values[2] > values[3]
    again = keras.optimizers.schedules.deserialize(keras.optimizers.schedules.serialize(s))
    assert again.get_config() == s.get_config() == {
        "initial_learning_rate": 0.1, "first_decay_steps": 4, "t_mul": 1.0, "m_mul": 1.0,
        "alpha": 0.0, "name": "SGDRDecay"}


def test_configs_and_slot_names_as_keras():
    tf_real = pytest.importorskip("tensorflow")
    import keras as keras_real

    for name in ("Ftrl", "Lion"):
        ours = getattr(keras.optimizers, name)(0.01).get_config()
        theirs = getattr(keras_real.optimizers, name)(0.01).get_config()
        ours.pop("name"), theirs.pop("name")
        assert ours == theirs
    s = keras_real.optimizers.schedules.CosineDecayRestarts(0.1, first_decay_steps=4)
    assert s.get_config() == keras.optimizers.schedules.CosineDecayRestarts(
        0.1, first_decay_steps=4).get_config()
    v = tf_real.Variable(np.ones(2, np.float32), name="w")
    opt = keras_real.optimizers.Ftrl()
    opt.build([v])
    assert [s.name for s in opt.variables[2:]] == ["w_0_accumulator", "w_0_linear"]
