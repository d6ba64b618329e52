"""Optimizers applying IndexedSlices gradients (an embedding table's): the same trajectory as
the gradient made dense (repeated rows summed first), rows only where the rule allows, and
TensorFlow's (Keras 3's) results where no row repeats.

With repeated rows Keras 3's TensorFlow backend squares each repeat's values separately (its
Adam, Adagrad and RMSprop second moments and the global norm then differ from the dense
gradient's); tapegrad sums the repeats first, as the dense gradient and Keras 2's optimizers do.
"""

import numpy as np
import pytest
from bad_input import assert_clear_error

import tapegrad as tf
from tapegrad import keras

RNG = np.random.default_rng(0)
TABLE = RNG.standard_normal((20, 4)).astype(np.float32)
IDS = np.array([[7, 7, 3], [19, 0, 7]])  # repeated ids: their rows add up
OPTIMIZERS = {
    "sgd": lambda t: t.keras.optimizers.SGD(0.1),
    "sgd_momentum": lambda t: t.keras.optimizers.SGD(0.1, momentum=0.9),
    "sgd_nesterov": lambda t: t.keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
    "adagrad": lambda t: t.keras.optimizers.Adagrad(0.1),
    "adam": lambda t: t.keras.optimizers.Adam(0.1),
    "adamw": lambda t: t.keras.optimizers.AdamW(0.1),
    "amsgrad": lambda t: t.keras.optimizers.Adam(0.1, amsgrad=True),
    "rmsprop": lambda t: t.keras.optimizers.RMSprop(0.1),
    "adam_clipnorm": lambda t: t.keras.optimizers.Adam(0.1, clipnorm=1.0),
    "sgd_global_clipnorm": lambda t: t.keras.optimizers.SGD(0.1, global_clipnorm=1.0),
    "adagrad_clipvalue": lambda t: t.keras.optimizers.Adagrad(0.1, clipvalue=0.5),
}


def _train(t, optimizer, sparse=True, steps=3, ids=IDS):
    v = t.Variable(TABLE.copy())
    weights = np.arange(1.0, 5.0, dtype=np.float32)
    for _ in range(steps):
        with t.GradientTape() as tape:
            loss = t.reduce_sum(t.gather(v, ids) ** 2 * weights)
        g = tape.gradient(loss, v)
        assert isinstance(g, t.IndexedSlices)
        optimizer.apply_gradients([(g if sparse else t.convert_to_tensor(g), v)])
    return v.numpy()


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_indexed_slices_update_equals_the_dense_update(name):
    sparse = _train(tf, OPTIMIZERS[name](tf))
    dense = _train(tf, OPTIMIZERS[name](tf), sparse=False)
    # equal but for the order of a norm's sum (clipnorm): rounding
    np.testing.assert_allclose(sparse, dense, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", ["sgd", "adagrad"])
def test_row_local_rules_touch_only_the_given_rows(name):
    out = _train(tf, OPTIMIZERS[name](tf), steps=1)
    untouched = np.setdiff1d(np.arange(20), IDS)
    np.testing.assert_array_equal(out[untouched], TABLE[untouched])
    assert not np.array_equal(out[IDS.ravel()], TABLE[IDS.ravel()])


def test_sparse_update_leaves_an_earlier_read_as_it_was():
    v = tf.Variable(TABLE.copy())
    before = tf.convert_to_tensor(v)
    keras.optimizers.Adam(0.1).apply_gradients(
        [(tf.IndexedSlices(tf.ones([1, 4]), [2], [20, 4]), v)])
    np.testing.assert_array_equal(before.numpy(), TABLE)
    assert not np.array_equal(v.numpy(), TABLE)


def test_bad_indexed_slices_gradient_changes_nothing():
    v = tf.Variable(TABLE.copy())
    opt = keras.optimizers.Adam(0.1)
    assert_clear_error(
        lambda: opt.apply_gradients([(tf.IndexedSlices(tf.ones([1, 4]), [25], [20, 4]), v)]),
        tf.errors.InvalidArgumentError, "outside [0, 20)", "nothing was updated")
    assert_clear_error(
        lambda: opt.apply_gradients([(tf.IndexedSlices(tf.ones([1, 3]), [2], [20, 3]), v)]),
        tf.errors.InvalidArgumentError, "[20, 3]", "[20, 4]")
    np.testing.assert_array_equal(v.numpy(), TABLE)
    assert int(opt.iterations) == 0


def test_embedding_layer_gradient_is_indexed_slices():
    layer = keras.layers.Embedding(20, 4)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(IDS))
    (g,) = tape.gradient(loss, layer.trainable_variables)
    assert isinstance(g, tf.IndexedSlices)
    np.testing.assert_array_equal(tf.convert_to_tensor(g).numpy()[7], [3, 3, 3, 3])


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_indexed_slices_updates_match_tensorflow(name):
    tf_real = pytest.importorskip("tensorflow")
    ids = np.array([[7, 2, 3], [19, 0, 11]])
    np.testing.assert_allclose(_train(tf, OPTIMIZERS[name](tf), ids=ids),
                               _train(tf_real, OPTIMIZERS[name](tf_real), ids=ids), rtol=2e-6,
                               atol=2e-6)


def _clip_program(t):
    x = t.Variable(np.arange(12.0, dtype=np.float32).reshape(4, 3) / 10)
    w = t.Variable([1.0, -2.0, 3.0])
    with t.GradientTape() as tape:
        loss = t.reduce_sum(t.gather(x, [1, 1, 3]) * w)
    gx, gw = tape.gradient(loss, [x, w])
    out, norm = t.clip_by_global_norm([gx, gw, None], 2.0)
    by_norm = t.clip_by_norm(gx, 1.0)
    assert type(out[0]).__name__ == type(by_norm).__name__ == "IndexedSlices"
    assert out[2] is None
    return [out[0].values.numpy(), out[1].numpy(), norm.numpy(),
            t.linalg.global_norm([gx, gw]).numpy(), by_norm.values.numpy()]


def test_clipping_accepts_indexed_slices():
    values, dense, norm, global_norm, by_norm = _clip_program(tf)
    # TensorFlow 2.21: the repeated row's values count twice in the norm
    np.testing.assert_allclose(norm, 7.204165458679199, rtol=1e-6)
    np.testing.assert_allclose(global_norm, norm)
    np.testing.assert_allclose(values[0], [0.2776171565, -0.5552343130, 0.8328514695], rtol=1e-6)
    np.testing.assert_allclose(dense, [0.4164257347, 0.4997108578, 0.5829960107], rtol=1e-6)
    np.testing.assert_allclose(by_norm[0], [0.1543033570, -0.3086067140, 0.4629100561], rtol=1e-6)


def test_clipping_indexed_slices_matches_tensorflow():
    tf_real = pytest.importorskip("tensorflow")
    for got, want in zip(_clip_program(tf), _clip_program(tf_real)):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_clip_by_global_norm_refuses_a_single_tensor():
    assert_clear_error(lambda: tf.clip_by_global_norm(tf.ones([2]), 1.0), TypeError,
                       "clip_by_global_norm", "list")
