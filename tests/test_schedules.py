"""keras.optimizers.schedules against Keras 3's values, and their configuration.

The golden values (tests/data/optimizer_golden.json, "schedules") were produced by running real
Keras 3 with tests/data/make_optimizer_golden.py: each schedule evaluated at steps 0..30 given
as an int64 tensor, as an optimizer's `iterations` is. tapegrad matched them bit for bit.
"""

import json
import pathlib

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras

schedules = keras.optimizers.schedules
GOLDEN = json.loads((pathlib.Path(__file__).parent / "data" / "optimizer_golden.json").read_text())
CLASSES = [
    "ExponentialDecay",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "InverseTimeDecay",
    "CosineDecay",
]


@pytest.mark.parametrize("name", sorted(GOLDEN["schedules"]))
def test_values_match_keras(name):
    case = GOLDEN["schedules"][name]
    fn = schedules.deserialize(case["schedule"])
    for step, want in zip(case["steps"], case["values"]):
        got = fn(tf.constant(step, dtype=tf.int64))
        assert isinstance(got, tf.Tensor) and got.dtype == tf.float32
        np.testing.assert_allclose(got.numpy(), np.float32(want), rtol=1e-6, err_msg=f"step {step}")


@pytest.mark.parametrize("name", sorted(GOLDEN["schedules"]))
def test_config_round_trip(name):
    config = GOLDEN["schedules"][name]["schedule"]
    fn = schedules.deserialize(config)
    again = type(fn).from_config(fn.get_config())
    assert again.get_config() == fn.get_config()
    data = schedules.serialize(fn)
    assert data["class_name"] == config["class_name"]
    assert schedules.deserialize(data).get_config() == fn.get_config()
    for step in (0, 5, 17):
        assert float(again(step)) == float(fn(step))


def test_step_may_be_int_tensor_or_variable():
    fn = schedules.InverseTimeDecay(0.1, 4, 0.3)
    want = float(fn(tf.constant(6, dtype=tf.int64)))
    assert float(fn(6)) == want
    assert float(fn(tf.Variable(6, dtype=tf.int64))) == want


def test_cosine_decay_warmup_rises_then_falls():
    fn = schedules.CosineDecay(0.0, 10, warmup_target=1.0, warmup_steps=4, alpha=0.1)
    values = [float(fn(s)) for s in range(20)]
    assert values[0] == 0.0 and values[2] == 0.5 and values[4] == 1.0
    assert values[9] == pytest.approx(0.55, abs=1e-6)  # halfway: (1 - 0.1) * 0.5 + 0.1
    assert values[14] == values[19] == pytest.approx(0.1)


def test_piecewise_constant_boundaries_are_inclusive():
    fn = schedules.PiecewiseConstantDecay([2, 5], [1.0, 0.5, 0.1])
    assert [float(fn(s)) for s in range(7)] == pytest.approx([1, 1, 1, 0.5, 0.5, 0.5, 0.1])


@pytest.mark.parametrize(
    "make",
    [
        lambda: schedules.ExponentialDecay(0.1, 0, 0.9),
        lambda: schedules.PolynomialDecay(0.1, -1),
        lambda: schedules.InverseTimeDecay(0.1, 0, 0.5),
        lambda: schedules.CosineDecay(0.1, 0),
        lambda: schedules.PiecewiseConstantDecay([1, 2], [0.1, 0.2]),
    ],
)
def test_bad_arguments_raise(make):
    with pytest.raises(ValueError):
        make()


def test_base_class_must_be_overridden():
    base = schedules.LearningRateSchedule()
    with pytest.raises(NotImplementedError):
        base(0)
    with pytest.raises(NotImplementedError):
        base.get_config()


def test_custom_schedule_drives_an_optimizer():
    class Halving(schedules.LearningRateSchedule):
        def __call__(self, step):
            return 1.0 / 2.0 ** float(step)

        def get_config(self):
            return {}

    v = tf.Variable(0.0)
    opt = keras.optimizers.SGD(learning_rate=Halving())
    for _ in range(3):
        opt.apply_gradients([(tf.constant(-1.0), v)])
    assert float(v) == 1.75
    clone = keras.optimizers.SGD.from_config(opt.get_config(), custom_objects={"Halving": Halving})
    assert isinstance(clone._learning_rate, Halving)
    with pytest.raises(ValueError, match="Unknown decay"):
        keras.optimizers.SGD.from_config(opt.get_config())


def test_all_schedules_exported():
    for name in CLASSES + ["LearningRateSchedule", "serialize", "deserialize"]:
        assert hasattr(schedules, name)
