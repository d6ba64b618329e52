"""The probability-input losses and metrics follow Keras 3's order of operations exactly.

Keras (TensorFlow backend) clips and normalizes in a different order for each cross-entropy:
categorical divides by the sum and then clips; sparse categorical clips, takes the log and
normalizes through a softmax; binary clips. It scores the outputs of its softmax and sigmoid
activations from their logits, and a sparse loss with `ignore_class` averages over the other
labels only. The first tests run without TensorFlow; the last compare with Keras 3 itself.
"""

import math
import warnings

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras

L, M = keras.losses, keras.metrics
LOG3, LOG4 = math.log(3.0), math.log(4.0)


def _close(a, b, tol=1e-6):
    np.testing.assert_allclose(np.asarray(a, dtype=np.float64), b, rtol=tol, atol=tol)


def test_sparse_categorical_crossentropy_clips_before_normalizing():
    # [2, 1, 1] clips to [1 - eps] * 3, a uniform distribution: -log(1/3) (Keras: 1.0986123).
    probs = np.array([[2.0, 1.0, 1.0], [0.0, 0.0, 0.0], [-1.0, 0.5, 2.0]], np.float32)
    out = L.sparse_categorical_crossentropy(np.array([2, 0, 2]), probs)
    _close(out, [LOG3, LOG3, math.log(1.5)], 1e-6)
    _close(L.SparseCategoricalCrossentropy()(np.array([[2], [0], [2]]), probs), np.mean(out))


def test_categorical_crossentropy_normalizes_before_clipping():
    # [2, 1, 1] normalizes to [1/2, 1/4, 1/4] first: -log(1/4), not log(3).
    probs = np.array([[2.0, 1.0, 1.0]], np.float32)
    _close(L.categorical_crossentropy(np.array([[0.0, 0.0, 1.0]]), probs), [LOG4])
    # An all-zero row is 0 / 0, NaN, as in Keras.
    assert np.isnan(L.categorical_crossentropy([[0.0, 0.0, 1.0]], np.zeros((1, 3), np.float32)))


def test_categorical_label_smoothing_spreads_over_the_last_axis_whatever_axis_is():
    # Keras divides the smoothing by y_true.shape[-1] even for axis=0 (recorded from Keras
    # 3.15: [0.07019852, 1.04308, 0.35978213]).
    y = np.array([[0.0, 0.0, 1.0], [0.0, 1.0, 0.0]], np.float32)
    logits = np.array([[2.0, 1.0, 1.0], [0.2, 0.3, 0.1]], np.float32)
    out = L.categorical_crossentropy(y, logits, from_logits=True, label_smoothing=0.1, axis=0)
    _close(out, [0.07019852, 1.04308, 0.35978213], 1e-5)


def test_sparse_loss_class_with_ignore_class_averages_over_the_other_labels():
    probs = np.array([[2.0, 1.0, 1.0], [0.2, 0.3, 0.1]], np.float32)
    labels = np.array([2, 1])
    per_sample = L.sparse_categorical_crossentropy(labels, probs, ignore_class=1)
    _close(per_sample, [LOG3, 0.0])
    _close(L.SparseCategoricalCrossentropy(ignore_class=1)(labels, probs), LOG3)
    _close(L.SparseCategoricalCrossentropy(ignore_class=1, reduction="sum")(labels, probs), LOG3)
    weighted = L.SparseCategoricalCrossentropy(ignore_class=1, reduction="mean_with_sample_weight")
    _close(weighted(labels, probs, sample_weight=np.array([2.0, 5.0])), LOG3)
    all_ignored = L.SparseCategoricalCrossentropy(ignore_class=1)(np.array([1, 1]), probs)
    _close(all_ignored, 0.0)


@pytest.mark.parametrize("activation", ["softmax", "sigmoid"])
def test_crossentropy_of_an_activation_output_is_computed_from_its_logits(activation):
    logits = tf.constant([[30.0, -30.0, 2.0]])
    probs = getattr(keras.activations, activation)(logits)
    y = np.array([[0.0, 1.0, 0.0]], np.float32)
    # Saturated: the clipped probabilities would give -log(eps) = 16.118; the logits give the
    # exact cross-entropy, and Keras does the same with the logits whichever activation.
    want = L.categorical_crossentropy(y, logits, from_logits=True)
    _close(L.categorical_crossentropy(y, probs), want)
    assert float(want[0]) > 59.0
    want = L.binary_crossentropy(y, logits, from_logits=True)
    _close(L.binary_crossentropy(y, probs), want)
    want = L.sparse_categorical_crossentropy(np.array([1]), logits, from_logits=True)
    _close(L.sparse_categorical_crossentropy(np.array([1]), probs), want)
    # A copy of the values has no logits: the probability path, clipped.
    assert float(L.categorical_crossentropy(y, np.asarray(probs))[0]) < 17.0


def test_logits_path_keeps_the_gradient_where_probabilities_saturate():
    x = tf.Variable([[30.0, -30.0, 2.0]])
    y = np.array([[0.0, 1.0, 0.0]], np.float32)
    with tf.GradientTape(persistent=True) as tape:
        through_softmax = L.CategoricalCrossentropy()(y, keras.activations.softmax(x))
        from_logits = L.CategoricalCrossentropy(from_logits=True)(y, x)
    g = tape.gradient(through_softmax, x)
    _close(g, tape.gradient(from_logits, x))
    assert np.abs(np.asarray(g)).max() > 0.5


def test_dense_softmax_layer_output_is_scored_from_its_logits():
    layer = keras.layers.Dense(3, activation="softmax", kernel_initializer="ones")
    x = np.array([[10.0, -10.0, 4.0]], np.float32)
    out = layer(x)
    logits = keras.layers.Dense(3, kernel_initializer="ones")(x)
    y = np.array([[0.0, 1.0, 0.0]], np.float32)
    _close(L.categorical_crossentropy(y, out), L.categorical_crossentropy(y, logits, True))


def test_from_logits_on_an_activation_output_warns_and_uses_the_logits():
    logits = tf.constant([[1.0, 2.0, 0.5]])
    probs = keras.activations.softmax(logits)
    y = np.array([[0.0, 1.0, 0.0]], np.float32)
    with pytest.warns(UserWarning, match="Softmax activation"):
        out = L.categorical_crossentropy(y, probs, from_logits=True)
    _close(out, L.categorical_crossentropy(y, logits, from_logits=True))


def test_binary_crossentropy_function_refuses_different_ranks_the_class_matches_them():
    y, p = np.array([1.0, 0.0]), np.array([[0.8], [0.3]], np.float32)
    with pytest.raises(ValueError, match=r"same rank.*\(2,\).*\(2, 1\)"):
        L.binary_crossentropy(y, p)
    with pytest.raises(ValueError, match=r"same shape.*\(2, 1\).*\(2, 3\)"):
        L.binary_crossentropy(np.ones((2, 1)), np.full((2, 3), 0.5, np.float32))
    _close(L.BinaryCrossentropy()(y, p), -(math.log(0.8) + math.log(0.7)) / 2, 1e-6)


def test_sparse_labels_out_of_range_raise_invalid_argument():
    probs = np.full((2, 3), 1 / 3, np.float32)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"label value of 3.*\[0, 3\)"):
        L.sparse_categorical_crossentropy(np.array([1, 3]), probs)
    with pytest.raises(ValueError, match=r"y_true.shape=\(3,\).*y_pred.shape=\(2, 3\)"):
        L.sparse_categorical_crossentropy(np.array([1, 2, 0]), probs)


def test_categorical_axis_must_be_an_int():
    with pytest.raises(ValueError, match="axis=True"):
        L.categorical_crossentropy([[0.0, 1.0]], [[0.5, 0.5]], axis=True)


def test_crossentropy_metric_classes_average_the_loss_functions():
    probs = np.array([[2.0, 1.0, 1.0], [0.2, 0.3, 0.1]], np.float32)
    labels, onehot = np.array([2, 1]), np.eye(3, dtype=np.float32)[[2, 1]]
    cases = [
        (
            M.SparseCategoricalCrossentropy(),
            labels,
            L.sparse_categorical_crossentropy(labels, probs),
        ),
        (M.CategoricalCrossentropy(), onehot, L.categorical_crossentropy(onehot, probs)),
        (M.BinaryCrossentropy(), onehot, L.binary_crossentropy(onehot, probs / 2)),
    ]
    for metric, y, per_sample in cases:
        p = probs / 2 if isinstance(metric, M.BinaryCrossentropy) else probs
        metric.update_state(y, p, sample_weight=[1.0, 3.0])
        _close(metric.result(), np.average(np.asarray(per_sample), weights=[1.0, 3.0]), 1e-6)
    named = M.get("sparse_categorical_crossentropy")
    named.update_state(labels[:, None], probs)
    _close(named.result(), np.mean(L.sparse_categorical_crossentropy(labels, probs)))


def test_metric_of_an_activation_output_uses_its_logits():
    logits = tf.constant([[30.0, -30.0, 2.0]])
    y = np.array([[0.0, 1.0, 0.0]], np.float32)
    m = M.BinaryCrossentropy()
    m.update_state(y, keras.activations.sigmoid(logits))
    _close(m.result(), float(L.binary_crossentropy(y, logits, from_logits=True)[0]), 1e-5)


def test_training_through_a_saturated_softmax_matches_keras():
    # Recorded from Keras 3.15 (TensorFlow 2.21): the loss from the logits is 63, not the
    # clipped -log(1e-7) = 16.1, and SGD still moves the weights although the probabilities are
    # saturated.
    x = np.array([[10.0, -10.0], [5.0, 5.0], [-8.0, 3.0]], np.float32)
    y = np.array([1, 0, 2])
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.set_weights([np.array([[3.0, -3, 1], [2, 4, -5]], np.float32), np.zeros(3, np.float32)])
    _close(model.evaluate(x, y, verbose=0), [63.0, 1 / 3], 1e-6)
    model.fit(x, y, epochs=3, batch_size=3, shuffle=False, verbose=0)
    kernel, bias = model.get_weights()
    _close(kernel, [[3.0, -2.82, 0.82], [2.0, 3.87, -4.87]], 1e-6)
    _close(bias, [0.0, 0.0, 0.0])


# -- compared with Keras 3 itself (skipped where it is not installed) ---------------------------

AWKWARD = {
    "unnormalized": [[2.0, 1.0, 1.0], [0.2, 0.3, 0.1]],
    "zeros": [[0.0, 0.0, 0.0], [0.0, 1.0, 0.0]],
    "ones": [[1.0, 1.0, 1.0], [1.0, 0.0, 0.0]],
    "above_one": [[3.0, 0.5, 2.0], [5.0, 0.0, 0.0]],
    "negative": [[-1.0, 0.5, 2.0], [0.5, -0.5, 1.0]],
    "tiny": [[1e-9, 1.0 - 1e-9, 0.0], [0.3, 0.3, 0.4]],
}
ONEHOT = np.array([[0.0, 0.0, 1.0], [0.0, 1.0, 0.0]], np.float32)
SOFT = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.5]], np.float32)
SPARSE = np.array([2, 1])


@pytest.fixture(scope="module")
def keras_real():
    pytest.importorskip("tensorflow")
    return pytest.importorskip("keras")


def _both(keras_real, call, **kwargs):
    """`call(module, **kwargs)` with Keras 3 and with tapegrad.keras: float64 arrays, or the
    error class names."""
    out = []
    for module in (keras_real, keras):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out.append(np.asarray(call(module, **kwargs), dtype=np.float64))
        except Exception as err:  # noqa: BLE001 - the error classes are compared
            out.append(type(err).__name__)
    return out


def _same(keras_real, call, **kwargs):
    want, got = _both(keras_real, call, **kwargs)
    if isinstance(want, str) or isinstance(got, str):
        assert want == got
    else:
        assert want.shape == got.shape
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, equal_nan=True)


@pytest.mark.parametrize("probs", sorted(AWKWARD))
@pytest.mark.parametrize("from_logits", [False, True])
def test_crossentropies_match_keras_on_awkward_inputs(keras_real, probs, from_logits):
    p = np.array(AWKWARD[probs], np.float32)
    for smoothing in (0.0, 0.1):
        for axis in (-1, 0):
            kw = {"from_logits": from_logits, "label_smoothing": smoothing, "axis": axis}
            _same(
                keras_real, lambda k, **kw: k.losses.categorical_crossentropy(ONEHOT, p, **kw), **kw
            )
            _same(
                keras_real, lambda k, **kw: k.losses.CategoricalCrossentropy(**kw)(ONEHOT, p), **kw
            )
            _same(keras_real, lambda k, **kw: k.losses.binary_crossentropy(SOFT, p, **kw), **kw)
            _same(keras_real, lambda k, **kw: k.losses.BinaryCrossentropy(**kw)(SOFT, p), **kw)
    for ignore in (None, 1, 2):
        kw = {"from_logits": from_logits, "ignore_class": ignore}
        _same(
            keras_real,
            lambda k, **kw: k.losses.sparse_categorical_crossentropy(SPARSE, p, **kw),
            **kw,
        )
        _same(
            keras_real,
            lambda k, **kw: k.losses.SparseCategoricalCrossentropy(**kw)(SPARSE, p),
            **kw,
        )
        for reduction in ("sum", "mean_with_sample_weight", "none"):

            def weighted(k, **kw):
                loss = k.losses.SparseCategoricalCrossentropy(**kw)
                return loss(SPARSE[:, None], p, sample_weight=[0.5, 2.0])

            _same(keras_real, weighted, reduction=reduction, **kw)
    for name, y in (("Binary", SOFT), ("Categorical", ONEHOT), ("SparseCategorical", SPARSE)):

        def metric(k, name=name, y=y):
            m = getattr(k.metrics, f"{name}Crossentropy")(from_logits=from_logits)
            m.update_state(y, p, sample_weight=[1.0, 3.0])
            m.update_state(y[:1], p[:1])
            return m.result()

        _same(keras_real, metric)
    p64 = p.astype(np.float64)
    _same(keras_real, lambda k: k.losses.sparse_categorical_crossentropy(SPARSE, p64, from_logits))


@pytest.mark.parametrize("activation", ["softmax", "sigmoid"])
def test_activation_outputs_match_keras(keras_real, activation):
    import tensorflow as tf_real

    x = np.array([[30.0, -30.0, 2.0], [0.5, 0.1, -0.2]], np.float32)

    def probs(k):
        framework = tf_real if k is keras_real else tf
        return getattr(k.activations, activation)(framework.constant(x))

    for from_logits in (False, True):
        kw = {"from_logits": from_logits}
        _same(
            keras_real,
            lambda k, **kw: k.losses.CategoricalCrossentropy(**kw)(ONEHOT, probs(k)),
            **kw,
        )
        _same(keras_real, lambda k, **kw: k.losses.binary_crossentropy(SOFT, probs(k), **kw), **kw)
        _same(
            keras_real,
            lambda k, **kw: k.losses.sparse_categorical_crossentropy(SPARSE, probs(k), **kw),
            **kw,
        )
        _same(keras_real, lambda k, **kw: k.metrics.BinaryCrossentropy(**kw)(SOFT, probs(k)), **kw)


def test_crossentropy_errors_match_keras(keras_real):
    p = np.array(AWKWARD["unnormalized"], np.float32)
    _same(keras_real, lambda k: k.losses.binary_crossentropy(np.array([1.0, 0.0]), p[:, :1]))
    _same(keras_real, lambda k: k.losses.binary_crossentropy(np.ones((2, 1)), p))
    _same(keras_real, lambda k: k.losses.categorical_crossentropy(np.ones((2, 2)), p))
    _same(keras_real, lambda k: k.losses.categorical_crossentropy(ONEHOT, p, axis=True))
    _same(keras_real, lambda k: k.losses.sparse_categorical_crossentropy(np.array([1, 2, 0]), p))
    _same(keras_real, lambda k: k.losses.sparse_categorical_crossentropy(np.array([1, 3]), p))
