"""keras.losses.binary_focal_crossentropy / categorical_focal_crossentropy and their classes.

EXPECTED was recorded from Keras 3 (TensorFlow 2.21 backend); tapegrad agrees to an ulp or two
(TensorFlow's float32 pow and exp are Eigen's, not NumPy's), hence rtol=1e-6.
"""

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras
from tapegrad.gradcheck import check_grads
from tests.bad_input import assert_clear_error

BT = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]], "float32")
BP = np.array([[0.9, 0.3, 0.6], [0.2, 0.55, 0.05]], "float32")
CT = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], "float32")
CP = np.array([[0.1, 0.7, 0.2], [0.3, 0.3, 0.4]], "float32")
BINARY = [{}, {"gamma": 3.0}, {"apply_class_balancing": True, "alpha": 0.4},
          {"label_smoothing": 0.1}, {"from_logits": True}]
CATEGORICAL = [{}, {"gamma": 1.0, "alpha": 0.5}, {"label_smoothing": 0.2}, {"from_logits": True}]

# Recorded from Keras 3.13 / TensorFlow 2.21.
EXPECTED = {
    "b0": [0.038295477628707886, 0.04337198659777641],
    "b1": [0.014142804779112339, 0.018756482750177383],
    "b2": [0.017458239570260048, 0.017952391877770424],
    "b3": [0.04478592053055763, 0.047702353447675705],
    "b4": [0.12178599834442139, 0.16365601122379303],
    "c0": [0.008025187067687511, 0.14748665690422058],
    "c1": [0.053501248359680176, 0.42139047384262085],
    "c2": [0.055207401514053345, 0.14315195381641388],
    "c3": [0.055164746940135956, 0.1301967203617096],
}


def _values(keras):
    out = {}
    for i, kw in enumerate(BINARY):
        out[f"b{i}"] = np.asarray(keras.losses.binary_focal_crossentropy(BT, BP, **kw)).tolist()
    for i, kw in enumerate(CATEGORICAL):
        out[f"c{i}"] = np.asarray(
            keras.losses.categorical_focal_crossentropy(CT, CP, **kw)).tolist()
    return out


def test_focal_losses_give_keras_values():
    got = _values(keras)
    for key, want in EXPECTED.items():
        np.testing.assert_allclose(got[key], want, rtol=1e-6, err_msg=key)


def test_classes_reduce_get_by_name_and_round_trip():
    loss = keras.losses.BinaryFocalCrossentropy(gamma=3.0)
    assert float(loss(BT, BP)) == pytest.approx(np.mean(EXPECTED["b1"]), rel=1e-6)
    assert float(keras.losses.CategoricalFocalCrossentropy(reduction="sum")(CT, CP)) == \
        pytest.approx(sum(EXPECTED["c0"]), rel=1e-6)
    assert list(loss.get_config()) == ["name", "reduction", "from_logits", "label_smoothing",
                                       "axis", "apply_class_balancing", "alpha", "gamma"]
    again = keras.losses.deserialize(keras.losses.serialize(loss))
    assert again.get_config() == loss.get_config()
    assert keras.losses.get("binary_focal_crossentropy") is keras.losses.binary_focal_crossentropy
    assert type(keras.losses.get("CategoricalFocalCrossentropy")).__name__ == \
        "CategoricalFocalCrossentropy"


def test_focal_losses_are_differentiable():
    labels_b = tf.constant(BT.astype(np.float64))
    labels_c = tf.constant(CT.astype(np.float64))
    check_grads(lambda z: keras.losses.binary_focal_crossentropy(
        labels_b, z, from_logits=True, apply_class_balancing=True), [np.log(BP / (1 - BP))],
        order=2)
    check_grads(lambda p: keras.losses.categorical_focal_crossentropy(labels_c, p, gamma=1.5),
                [CP.astype(np.float64)], order=2)


def test_focal_losses_bad_input():
    assert_clear_error(lambda: keras.losses.binary_focal_crossentropy(BT, BP[:, :2]),
                       ValueError, "binary_focal_crossentropy", "(2, 3)", "(2, 2)")
    assert_clear_error(lambda: keras.losses.categorical_focal_crossentropy(CT, CP, axis=1.0),
                       ValueError, "categorical_focal_crossentropy", "axis")


def test_expected_values_are_keras():
    pytest.importorskip("tensorflow")
    import keras as keras_real

    assert _values(keras_real) == EXPECTED
