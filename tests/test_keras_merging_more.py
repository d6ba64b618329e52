"""keras.layers.Add, Subtract, Multiply, Average, Maximum, Minimum, Dot and Identity (Keras 3's
merging layers and its placeholder layer). Expected values were recorded from Keras 3 on TensorFlow 2.21 (said at each);
the last tests compare against Keras itself where TensorFlow is installed."""

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras
from tapegrad.gradcheck import check_grads

from bad_input import assert_clear_error

L = keras.layers
A = np.arange(6, dtype="float32").reshape(2, 3) + 1
B = np.arange(6, dtype="float32").reshape(2, 3) * 0.5 - 1
X = np.arange(30, dtype="float32").reshape(2, 3, 5)
Y = np.arange(20, dtype="float32").reshape(2, 5, 2) / 10


def _np(t):
    return np.asarray(t)


def test_multiply_and_average_values():
    # recorded from Keras 3 on TensorFlow 2.21
    np.testing.assert_allclose(_np(L.Multiply()([A, B, A])),
                               [[-1.0, -2.0, 0.0], [8.0, 25.0, 54.0]])
    np.testing.assert_allclose(_np(L.Average()([A, B])), [[0.0, 0.75, 1.5], [2.25, 3.0, 3.75]])
    np.testing.assert_allclose(_np(L.multiply([A, B])), [[-1.0, -1.0, 0.0], [2.0, 5.0, 9.0]])
    np.testing.assert_allclose(_np(L.average([A, B, B])), (A + 2 * B) / 3, rtol=1e-6)
    np.testing.assert_allclose(_np(L.Multiply()([A])), A)


def test_merge_dtypes_follow_keras():
    # recorded from Keras 3 on TensorFlow 2.21: int32 stays int32, int32 * float32 is float32
    ints = A.astype("int32")
    assert L.Multiply()([ints, ints]).dtype == tf.int32
    out = L.Multiply()([ints, A])
    assert out.dtype == tf.float32
    np.testing.assert_allclose(_np(out), A * A)


def test_lower_rank_inputs_get_axes_after_the_batch_axis():
    # recorded from Keras 3 on TensorFlow 2.21: (2, 3) becomes (2, 1, 3), not NumPy's (1, 2, 3)
    out = L.Multiply()([np.ones((2, 4, 3), "float32"), A])
    assert out.shape == (2, 4, 3)
    np.testing.assert_allclose(_np(out)[:, 2], A)
    out = L.Multiply()([np.ones((2, 1, 3), "float32"), np.full((2, 4, 1), 2.0, "float32")])
    assert out.shape == (2, 4, 3) and np.all(_np(out) == 2.0)
    # (2, 3, 1) and (2, 3): (2, 1, 3) after the new axis, so the result is (2, 3, 3)
    out = L.Average()([np.ones((2, 3, 1), "float32"), A])
    assert out.shape == (2, 3, 3)
    np.testing.assert_allclose(_np(out)[:, 0], (1 + A) / 2)


def test_add_broadcasts_as_keras_not_numpy():
    # recorded from Keras 3 on TensorFlow 2.21: a (2,) input is (2, 1) after the batch axis
    np.testing.assert_allclose(_np(L.Add()([A, np.array([1.0, 2.0], "float32")])),
                               [[2.0, 3.0, 4.0], [6.0, 7.0, 8.0]])
    out = L.Add()([np.ones((2, 4, 3), "float32"), A])
    assert out.shape == (2, 4, 3)
    np.testing.assert_allclose(_np(out)[:, 1], A + 1)
    assert L.add([keras.Input((4, 3)), keras.Input((3,))]).shape == (None, 4, 3)
    # NumPy would broadcast (3,) against (2, 3); Keras refuses different batch sizes
    assert_clear_error(lambda: L.Add()([A, np.ones((3,), "float32")]), ValueError,
                       "Add", "different batch sizes", "(3,)")


def test_subtract_maximum_minimum_values():
    # recorded from Keras 3 on TensorFlow 2.21
    np.testing.assert_allclose(_np(L.Subtract()([A, B])), [[2.0, 2.5, 3.0], [3.5, 4.0, 4.5]])
    np.testing.assert_allclose(_np(L.subtract([A, B])), A - B)
    np.testing.assert_allclose(_np(L.Maximum()([A, B, A - 3])), A)
    np.testing.assert_allclose(_np(L.Minimum()([A, B])), [[-1.0, -0.5, 0.0], [0.5, 1.0, 1.5]])
    np.testing.assert_allclose(_np(L.maximum([B, A - 3])), np.maximum(B, A - 3))
    np.testing.assert_allclose(_np(L.minimum([B, A - 3])), np.minimum(B, A - 3))
    out = L.Maximum()([A.astype("int32"), A])
    assert out.dtype == tf.float32
    assert L.Subtract()([keras.Input((4, 3)), keras.Input((1,))]).shape == (None, 4, 3)


def test_subtract_maximum_minimum_gradients_match_finite_differences():
    x = tf.constant(np.random.default_rng(2).normal(size=(2, 3)))
    y = tf.constant(np.random.default_rng(3).normal(size=(2, 3)))  # no ties with x
    sub, top, low = (cls(dtype="float64") for cls in (L.Subtract, L.Maximum, L.Minimum))
    check_grads(lambda a, b: sub([a, b]) * top([a, b]) + low([b, a]), (x, y), order=2)


def test_maximum_and_minimum_skip_masked_entries_as_keras():
    weights = np.linspace(-2, 2, 20).reshape(10, 2).astype("float32")[::-1].copy()
    first, second = L.Embedding(10, 2, mask_zero=True), L.Embedding(10, 2, mask_zero=True)
    for layer, w in ((first, weights), (second, weights[::-1].copy())):
        layer.build((None, 3))
        layer.set_weights([w])
    ids1, ids2 = np.array([[1, 2, 0], [3, 0, 0]]), np.array([[1, 0, 0], [3, 4, 5]])
    inputs = [first(ids1), second(ids2), first(ids2)]
    top, low = L.Maximum()(inputs), L.Minimum()(inputs)
    # recorded from Keras 3 on TensorFlow 2.21
    np.testing.assert_allclose(_np(top)[:, :, 0], [[1.3684, 0.9474, 1.7895],
                                                   [0.5263, 0.1053, 0.1053]], atol=1e-4)
    np.testing.assert_allclose(_np(low)[:, :, 1], [[-1.3684, 1.1579, 2.0],
                                                   [-0.5263, -0.1053, -0.1053]], atol=1e-4)
    assert _np(top._keras_mask).tolist() == [[True, True, False], [True, True, True]]


def test_dot_values_and_shapes():
    # recorded from Keras 3 on TensorFlow 2.21
    np.testing.assert_allclose(_np(L.Dot(axes=1)([A, B])), [[-2.0], [16.0]])
    np.testing.assert_allclose(_np(L.Dot(axes=1, normalize=True)([A, B])),
                               [[-0.47809], [0.97463]], atol=1e-5)
    np.testing.assert_allclose(_np(L.dot([A, B], axes=-1)), [[-2.0], [16.0]])
    out = L.Dot(axes=(2, 1))([X, Y])
    np.testing.assert_allclose(_np(out), [[[6.0, 7.0], [16.0, 19.5], [26.0, 32.0]],
                                          [[121.0, 129.5], [156.0, 167.0], [191.0, 204.5]]],
                               rtol=1e-6)
    assert L.Dot(axes=-1)([X, np.ones((2, 4, 5), "float32")]).shape == (2, 3, 4)
    np.testing.assert_allclose(_np(L.Dot(axes=(2, 1))([X, np.ones((2, 5), "float32")])),
                               [[10.0, 35.0, 60.0], [85.0, 110.0, 135.0]])
    np.testing.assert_allclose(_np(L.Dot(axes=(1, 1))([np.ones((2, 3), "float32"), X])),
                               [[15.0, 18.0, 21.0, 24.0, 27.0], [60.0, 63.0, 66.0, 69.0, 72.0]])


def test_dot_gradients_match_finite_differences():
    x = tf.constant(np.random.default_rng(0).normal(size=(2, 3, 4)))
    y = tf.constant(np.random.default_rng(1).normal(size=(2, 4)))
    # float64 layers: a float32 layer would cast the inputs down
    for layer in (L.Dot(axes=(2, 1), dtype="float64"),
                  L.Dot(axes=(2, 1), normalize=True, dtype="float64")):
        check_grads(lambda a, b, layer=layer: layer([a, b]), (x, y), order=2)
    mul, avg = L.Multiply(dtype="float64"), L.Average(dtype="float64")
    check_grads(lambda a, b: mul([a, b]) + avg([a, b]), (x, tf.constant(np.ones((2, 3, 4)))),
                order=2)


def test_the_recommender_model_trains():
    users, items = keras.Input((1,)), keras.Input((1,))
    u = L.Flatten()(L.Embedding(5, 4)(users))
    v = L.Flatten()(L.Embedding(7, 4)(items))
    model = keras.Model([users, items], L.Dot(axes=1)([u, v]))
    assert model.output_shape == (None, 1)
    model.compile(loss="mse", optimizer="adam")
    rng = np.random.default_rng(0)
    data = [rng.integers(0, 5, (16, 1)), rng.integers(0, 7, (16, 1))]
    model.fit(data, rng.normal(size=(16, 1)), epochs=1, verbose=0)


def test_functional_shapes_and_config_round_trip():
    i1, i2 = keras.Input((3,)), keras.Input((3,))
    outs = [L.Dot(axes=1)(([i1, i2])), L.Multiply()([i1, i2]), L.Average()([i1, i2]),
            L.Identity()(i1)]
    model = keras.Model([i1, i2], outs)
    # recorded from Keras 3 on TensorFlow 2.21
    assert [tuple(o.shape) for o in model.outputs] == [(None, 1), (None, 3), (None, 3), (None, 3)]
    clone = keras.models.model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    for a, b in zip(model([A, B]), clone([A, B])):
        np.testing.assert_allclose(_np(a), _np(b))
    dot = L.Dot(axes=(1, 2), normalize=True, name="d")
    config = dot.get_config()
    assert (config["axes"], config["normalize"], config["name"]) == ((1, 2), True, "d")
    again = L.Dot.from_config(config)
    assert (again.axes, again.normalize) == ((1, 2), True)
    for cls in (L.Multiply, L.Average, L.Identity):
        assert cls.from_config(cls(name="n").get_config()).name == "n"


def test_identity_passes_anything_through():
    assert L.Identity()(A) is not None and np.array_equal(_np(L.Identity()(A)), A)
    pair = L.Identity()({"a": A, "b": [B]})
    assert np.array_equal(_np(pair["b"][0]), B)


def _masked_inputs():
    embed = L.Embedding(10, 2, mask_zero=True)
    ids1, ids2 = np.array([[1, 2, 0], [3, 0, 0]]), np.array([[1, 0, 0], [3, 4, 5]])
    return embed(ids1), embed(ids2), ids1 != 0, ids2 != 0


def test_masks_as_keras():
    x1, x2, m1, m2 = _masked_inputs()
    # recorded from Keras 3 on TensorFlow 2.21: OR of the masks; Dot drops them
    for layer in (L.Multiply(), L.Average()):
        assert _np(layer([x1, x2])._keras_mask).tolist() == [[True, True, False],
                                                             [True, True, True]]
    assert getattr(L.Dot(axes=2)([x1, x2]), "_keras_mask", None) is None
    assert _np(L.Identity()(x1)._keras_mask).tolist() == m1.tolist()
    # Multiply: a masked entry counts as 1; an entry masked everywhere is 0
    out, a, b = _np(L.Multiply()([x1, x2])), _np(x1), _np(x2)
    np.testing.assert_allclose(out[m1 & m2], (a * b)[m1 & m2])
    np.testing.assert_allclose(out[m1 & ~m2], a[m1 & ~m2])
    np.testing.assert_allclose(out[~m1 & m2], b[~m1 & m2])
    assert np.all(out[~(m1 | m2)] == 0.0)


@pytest.mark.parametrize("call, error, mentions", [
    # Keras 3's checks and messages (TensorFlow 2.21)
    (lambda: L.Multiply()([np.ones((2, 4), "float32"), A]), ValueError,
     ["Multiply", "incompatible shapes", "(4,)", "(3,)"]),
    (lambda: L.Average()([np.ones((3, 3), "float32"), A]), ValueError,
     ["Average", "different batch sizes", "(3, 3)", "(2, 3)"]),
    (lambda: L.Multiply()(A), ValueError, ["Multiply", "list of inputs", "(2, 3)"]),
    (lambda: L.Add()([A, np.ones((2, 4), "float32")]), ValueError,
     ["Add", "incompatible shapes", "(3,)", "(4,)"]),
    (lambda: L.Subtract()([A, B, A]), ValueError, ["Subtract", "exactly 2 inputs"]),
    (lambda: L.Maximum()([A, np.ones((3, 3), "float32")]), ValueError,
     ["Maximum", "different batch sizes"]),
    (lambda: L.Dot(axes=1)([A, np.ones((2, 4), "float32")]), ValueError,
     ["Dot", "axis values 3 (at axis 1) != 4 (at axis 1)"]),
    (lambda: L.Dot(axes=1)([A, B, A]), ValueError, ["Dot", "list of 2 inputs"]),
    (lambda: L.Dot(axes="a"), TypeError, ["Dot", "axes=a"]),
    (lambda: L.Dot(axes=(1, 2, 3)), ValueError, ["Dot", "two elements", "(1, 2, 3)"]),
    (lambda: L.Dot(axes=(1, 2.0)), ValueError, ["Dot", "integers", "(1, 2.0)"]),
    (lambda: L.Dot(axes=0)([A, B]), ValueError, ["Dot", "axis 0"]),
    (lambda: L.Dot(axes=0)([A[0], B[0]]), ValueError, ["Dot", "rank < 2", "(3,)"]),
])
def test_bad_inputs_name_the_layer_and_shapes(call, error, mentions):
    assert_clear_error(call, error, *mentions)


# -- against Keras -------------------------------------------------------------------------
@pytest.mark.parametrize("make, inputs", [
    (lambda k: k.layers.Multiply(), [A, B, A]),
    (lambda k: k.layers.Average(), [np.ones((2, 3, 1), "float32"), A]),
    (lambda k: k.layers.Add(), [np.ones((2, 3, 1), "float32"), A, np.array([1.0, 2.0])]),
    (lambda k: k.layers.Subtract(), [np.ones((2, 4, 3), "float32"), A]),
    (lambda k: k.layers.Maximum(), [A, B, np.ones((2, 1), "float32")]),
    (lambda k: k.layers.Minimum(), [A, B.astype("float64")]),
    (lambda k: k.layers.Dot(axes=(2, 1)), [X, Y]),
    (lambda k: k.layers.Dot(axes=(1, 1), normalize=True), [np.ones((2, 3), "float32") + A, X]),
    (lambda k: k.layers.Dot(axes=-1), [X, np.ones((2, 4, 5), "float32")]),
])
def test_matches_keras(make, inputs):
    pytest.importorskip("tensorflow")
    import keras as keras_real

    want = np.asarray(make(keras_real)(inputs))
    got = _np(make(keras)(inputs))
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
