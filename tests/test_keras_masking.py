"""Keras's mask propagation (`_keras_mask`, `compute_mask`, `supports_masking`), Embedding,
Masking, and masked losses and metrics; with TensorFlow, the same programs against Keras 3."""

import warnings

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras
from tapegrad.numeric import jacobian

layers = keras.layers
IDS = np.array([[3, 1, 0, 0], [2, 0, 0, 0], [4, 4, 1, 2]])


def test_embedding_looks_up_rows_and_masks_padding():
    emb = layers.Embedding(5, 3, mask_zero=True)
    out = emb(IDS)
    table = emb.embeddings.numpy()
    np.testing.assert_array_equal(out.numpy(), table[IDS])
    np.testing.assert_array_equal(out._keras_mask.numpy(), IDS != 0)
    assert emb.compute_output_shape((None, 7)) == (None, 7, 3)
    # Floats are cast to ids; a negative id counts from the end, as Keras's take.
    np.testing.assert_array_equal(emb(np.array([[1.0, -1.0]])).numpy(), table[[[1, 4]]])
    assert not hasattr(layers.Embedding(5, 3)(IDS), "_keras_mask")


def test_embedding_weights_argument_and_gradient():
    table = np.arange(10.0).reshape(5, 2)
    emb = layers.Embedding(5, 2, weights=[table], dtype="float64")
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.square(emb(IDS)))
    grad = tape.gradient(loss, emb.embeddings)

    def loss_of(t):
        return float(np.sum(np.square(t[IDS])))

    np.testing.assert_allclose(grad.numpy(), jacobian(loss_of, table), rtol=1e-6, atol=1e-6)


def test_embedding_id_out_of_range_is_a_clear_error():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"input_dim=5.*\[0, 5\)"):
        layers.Embedding(5, 2)(np.array([[5]]))
    with pytest.raises(ValueError, match="input_dim"):
        layers.Embedding(0, 2)


@pytest.mark.filterwarnings("ignore:.*does not support masking")
def test_mask_reaches_call_and_passes_through_masking_layers():
    seen = {}

    class Probe(layers.Layer):
        def call(self, inputs, mask=None):
            seen["mask"] = mask
            return inputs

    emb = layers.Embedding(5, 3, mask_zero=True)
    dense = layers.Dense(2)
    out = Probe()(dense(emb(IDS)))
    np.testing.assert_array_equal(seen["mask"].numpy(), IDS != 0)
    # Probe supports no masking: it drops the mask (Keras warns; here the output is its input,
    # which keeps Dense's mask)
    assert dense.supports_masking and not Probe().supports_masking
    assert out.shape == (3, 4, 2)


def test_layer_without_masking_support_warns_and_drops_the_mask():
    emb = layers.Embedding(5, 3, mask_zero=True)
    with pytest.warns(UserWarning, match="does not support masking"):
        out = layers.Flatten()(emb(IDS))
    assert getattr(out, "_keras_mask", None) is None


@pytest.mark.filterwarnings("ignore:.*does not support masking")
def test_explicit_mask_argument_wins():
    seen = {}

    class Probe(layers.Layer):
        def call(self, inputs, mask=None):
            seen["mask"] = mask
            return inputs

    x = layers.Embedding(5, 3, mask_zero=True)(IDS)
    given = tf.constant(np.ones((3, 4), bool))
    Probe()(x, mask=given)
    assert seen["mask"] is given


def test_masking_layer_zeroes_and_masks_padded_steps():
    x = np.ones((2, 4, 3), np.float32)
    x[0, 2:] = 0.0
    x[1, 1] = 0.0
    out = layers.Masking()(x)
    np.testing.assert_array_equal(out._keras_mask.numpy(), [[1, 1, 0, 0], [1, 0, 1, 1]])
    np.testing.assert_array_equal(out.numpy(), x)
    y = layers.Masking(mask_value=1.0)(x)
    np.testing.assert_array_equal(y._keras_mask.numpy(), ~out._keras_mask.numpy())
    assert layers.Masking(2.0).get_config()["mask_value"] == 2.0


def test_merge_layers_combine_masks():
    a = layers.Embedding(5, 2, mask_zero=True)(IDS)
    b = layers.Embedding(5, 2, mask_zero=True)(IDS[::-1].copy())
    added = layers.Add()([a, b])
    np.testing.assert_array_equal(added._keras_mask.numpy(), (IDS != 0) | (IDS[::-1] != 0))
    unmasked = tf.ones((3, 4, 2))
    joined = layers.Concatenate()([a, unmasked])
    np.testing.assert_array_equal(joined._keras_mask.numpy(), np.ones((3, 4), bool))
    joined = layers.Concatenate(axis=1)([a, unmasked])
    np.testing.assert_array_equal(
        joined._keras_mask.numpy(), np.concatenate([IDS != 0, np.ones((3, 4), bool)], axis=1)
    )


def test_symbolic_masks_and_unknown_lengths():
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(5, 3, mask_zero=True)(inputs)
    assert x.shape == (None, None, 3)
    assert x._keras_mask.shape == (None, None) and x._keras_mask.dtype == "bool"
    y = layers.Dense(2)(x)
    assert y.shape == (None, None, 2) and y._keras_mask.shape == (None, None)
    model = keras.Model(inputs, y)
    out = model(IDS)
    np.testing.assert_array_equal(out._keras_mask.numpy(), IDS != 0)


def test_loss_and_metric_ignore_masked_steps():
    model = keras.Sequential([keras.Input((4,), dtype="int32"),
                              layers.Embedding(5, 3, mask_zero=True), layers.Dense(2)])
    labels = np.array([[1, 0, 1, 1], [0, 1, 1, 0], [1, 1, 0, 0]])
    pred = model(IDS)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    per_step = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="none")
    values = per_step(labels, tf.identity(pred)).numpy()
    valid = IDS != 0
    np.testing.assert_allclose(loss(labels, pred).numpy(), values[valid].mean(), rtol=1e-6)
    # (batch, 1) weights: Keras, as TensorFlow, refuses to broadcast (3,) against (3, 4)
    weighted = loss(labels, pred, sample_weight=np.array([[1.0], [2.0], [0.5]])).numpy()
    w = np.array([1.0, 2.0, 0.5])[:, None] * valid * valid.size / valid.sum()
    np.testing.assert_allclose(weighted, (values * w).sum() / values.size, rtol=1e-6)
    metric = keras.metrics.SparseCategoricalAccuracy()
    metric.update_state(labels, pred)
    hits = np.argmax(pred.numpy(), -1) == labels
    np.testing.assert_allclose(metric.result().numpy(), hits[valid].mean(), rtol=1e-6)


def test_masked_fit_matches_weighted_fit():
    keras.utils.set_random_seed(1)
    x = np.random.default_rng(0).integers(1, 5, size=(16, 6))
    x[:, 4:] = 0
    y = np.random.default_rng(1).integers(0, 2, size=(16, 6))

    def model(mask_zero):
        keras.utils.set_random_seed(2)
        return keras.Sequential([keras.Input((6,), dtype="int32"),
                                 layers.Embedding(5, 4, mask_zero=mask_zero), layers.Dense(2)])

    masked = model(True)
    masked.compile("sgd", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    weighted = model(False)
    weighted.compile("sgd", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    masked.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=False)
    w = (x != 0).astype("float32") * x.size / np.count_nonzero(x)
    weighted.fit(x, y, sample_weight=w, batch_size=16, epochs=2, verbose=0, shuffle=False)
    for a, b in zip(masked.get_weights(), weighted.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_embedding_lookup_is_gather_with_max_norm():
    p = tf.constant(np.arange(12.0).reshape(4, 3))
    np.testing.assert_array_equal(tf.nn.embedding_lookup(p, [[1, 3]]).numpy(),
                                  p.numpy()[[[1, 3]]])
    np.testing.assert_array_equal(tf.nn.embedding_lookup([p[:2], p[2:]], [3, 0]).numpy(),
                                  p.numpy()[[3, 0]])
    row = tf.nn.embedding_lookup(p, [3], max_norm=1.0).numpy()
    np.testing.assert_allclose(np.linalg.norm(row), 1.0, rtol=1e-6)


# -- against Keras 3 itself -----------------------------------------------------------------------


def test_masking_and_embedding_match_keras(tf_keras_real):
    _, k3 = tf_keras_real
    table = np.random.default_rng(3).normal(size=(5, 3)).astype("float32")
    ours = layers.Embedding(5, 3, mask_zero=True, weights=[table])
    theirs = k3.layers.Embedding(5, 3, mask_zero=True, weights=[table])
    np.testing.assert_array_equal(ours(IDS).numpy(), np.asarray(theirs(IDS)))
    np.testing.assert_array_equal(ours(IDS)._keras_mask.numpy(),
                                  np.asarray(theirs(IDS)._keras_mask))
    cfg, kcfg = ours.get_config(), theirs.get_config()
    for key in ("input_dim", "output_dim", "mask_zero", "trainable"):
        assert cfg[key] == kcfg[key], key
    init, kinit = cfg["embeddings_initializer"], kcfg["embeddings_initializer"]
    assert (init["class_name"], init["config"]) == (kinit["class_name"], kinit["config"])
    x = np.ones((2, 3, 2), np.float32)
    x[0, 1] = 0
    np.testing.assert_array_equal(layers.Masking()(x)._keras_mask.numpy(),
                                  np.asarray(k3.layers.Masking()(x)._keras_mask))


def test_masked_loss_and_metric_match_keras(tf_keras_real):
    tf_real, k3 = tf_keras_real
    logits = np.random.default_rng(4).normal(size=(3, 4, 2)).astype("float32")
    labels = np.array([[1, 0, 1, 1], [0, 1, 1, 0], [1, 1, 0, 0]])
    mask = IDS != 0
    ours = tf.constant(logits)
    ours._keras_mask = tf.constant(mask)
    theirs = tf_real.constant(logits)
    theirs._keras_mask = tf_real.constant(mask)
    for sw in (None, np.array([[1.0], [2.0], [0.5]], "float32")):
        a = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, ours, sw)
        b = k3.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, theirs, sw)
        np.testing.assert_allclose(a.numpy(), np.asarray(b), rtol=1e-6)
    m1, m2 = keras.metrics.SparseCategoricalAccuracy(), k3.metrics.SparseCategoricalAccuracy()
    m1.update_state(labels, ours)
    m2.update_state(labels, theirs)
    np.testing.assert_allclose(m1.result().numpy(), np.asarray(m2.result()), rtol=1e-6)


def test_warning_text_matches_keras(tf_keras_real):
    _, k3 = tf_keras_real
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        k3.layers.Flatten(name="f")(k3.layers.Embedding(5, 2, mask_zero=True)(IDS))
    with pytest.warns(UserWarning) as ours:
        layers.Flatten(name="f")(layers.Embedding(5, 2, mask_zero=True)(IDS))
    assert str(ours[0].message) == str(caught[-1].message)


def test_only_layers_that_may_make_masks_look_at_masks_before_any_exists():
    # A model, merge, pooling or recurrent layer passes masks on; a user's compute_mask (as
    # the masking guide's custom embedding) may make one from nothing, so its calls look.
    class ZeroMask(keras.layers.Layer):
        def call(self, x):
            return tf.cast(x, "float32")

        def compute_mask(self, x, previous_mask=None):
            return tf.not_equal(x, 0)

    seq = keras.Sequential([keras.layers.Dense(2)])
    assert not seq._makes_masks and seq.supports_masking
    assert not keras.layers.Concatenate()._makes_masks
    assert not keras.layers.LSTM(2)._makes_masks
    assert keras.layers.Embedding(3, 2, mask_zero=True)._makes_masks
    layer = ZeroMask()
    assert layer._makes_masks
    out = layer(tf.constant([[1, 0, 2]]))
    np.testing.assert_array_equal(out._keras_mask, [[True, False, True]])
