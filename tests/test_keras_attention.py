"""Attention, AdditiveAttention, MultiHeadAttention and EinsumDense: gradients against finite
differences, masks, configs; with TensorFlow, against Keras 3 for the same weights."""

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras

layers = keras.layers
RNG = np.random.default_rng(0)
Q = RNG.normal(size=(2, 4, 6)).astype("float32")
V = RNG.normal(size=(2, 5, 6)).astype("float32")
K = RNG.normal(size=(2, 5, 3)).astype("float32")
QM = np.array([[1, 1, 1, 0], [1, 1, 0, 0]], bool)
VM = np.array([[1, 1, 1, 1, 0], [1, 0, 1, 1, 1]], bool)
AM = RNG.uniform(size=(2, 4, 5)) > 0.3


def _masked(module, x, mask):
    x = module.constant(x)
    x._keras_mask = module.constant(mask)
    return x


# (name, constructor(module), call(layer, module)): the same program for tapegrad and Keras.
CASES = [
    ("attention", lambda m: m.layers.Attention(), lambda lay, m: lay([Q, V])),
    ("attention_concat", lambda m: m.layers.Attention(use_scale=True, score_mode="concat"),
     lambda lay, m: lay([Q, V, V], mask=[m.constant(QM), m.constant(VM)],
                        return_attention_scores=True)),
    ("attention_causal", lambda m: m.layers.Attention(),
     lambda lay, m: lay([Q, Q], use_causal_mask=True, mask=[m.constant(QM), m.constant(QM)])),
    ("additive", lambda m: m.layers.AdditiveAttention(),
     lambda lay, m: lay([Q, V], mask=[m.constant(QM), m.constant(VM)])),
    ("mha", lambda m: m.layers.MultiHeadAttention(2, 3), lambda lay, m: lay(Q, V)),
    ("mha_key_mask", lambda m: m.layers.MultiHeadAttention(2, 3, value_dim=4),
     lambda lay, m: lay(Q, V, K, attention_mask=m.constant(AM))),
    ("mha_scores", lambda m: m.layers.MultiHeadAttention(2, 3, output_shape=7),
     lambda lay, m: lay(Q, V, attention_mask=m.constant(AM), return_attention_scores=True)),
    ("mha_causal", lambda m: m.layers.MultiHeadAttention(3, 2),
     lambda lay, m: lay(Q, Q, use_causal_mask=True)),
    ("mha_causal_scores", lambda m: m.layers.MultiHeadAttention(3, 2),
     lambda lay, m: lay(Q, Q, use_causal_mask=True, return_attention_scores=True)),
    ("mha_input_masks", lambda m: m.layers.MultiHeadAttention(2, 3),
     lambda lay, m: lay(_masked(m, Q, QM), _masked(m, V, VM))),
    ("mha_gate_axes", lambda m: m.layers.MultiHeadAttention(2, 3, use_gate=True,
                                                            attention_axes=(1,)),
     lambda lay, m: lay(Q, V)),
]


def _leaves(out):
    return list(out) if isinstance(out, tuple) else [out]


def test_attention_gradients_match_finite_differences():
    q, v = Q.astype("float64")[:1, :3], V.astype("float64")[:1, :4]
    for layer in (layers.Attention(use_scale=True, dtype="float64"),
                  layers.AdditiveAttention(dtype="float64"),
                  layers.Attention(score_mode="concat", dtype="float64")):
        layer([q, v])
        tf.check_grads(lambda a, b, lay=layer: lay([a, b], mask=[None, tf.constant(VM[:1, :4])]),
                       [q, v], order=2, modes=("rev", "fwd"))
    mha = layers.MultiHeadAttention(2, 2, dtype="float64")
    mha(q, v)
    weights = mha.get_weights()

    def f(query, value, qk):
        mha.query_dense.__dict__["kernel"] = qk
        try:
            return mha(query, value, attention_mask=tf.constant(AM[:1, :3, :4]))
        finally:
            mha.query_dense.__dict__["kernel"] = mha.query_dense.weights[0]

    tf.check_grads(f, [q, v, weights[0]], order=1, modes=("rev", "fwd"))


def test_masks_and_causal_attention():
    att = layers.Attention(use_scale=False)
    out, scores = att([Q, Q], use_causal_mask=True, return_attention_scores=True)
    np.testing.assert_array_equal(np.triu(scores.numpy()[0], 1), 0.0)
    np.testing.assert_allclose(scores.numpy().sum(-1), 1.0, rtol=1e-6)
    out, scores = att([Q, V], mask=[tf.constant(QM), tf.constant(VM)],
                      return_attention_scores=True)
    np.testing.assert_array_equal(out.numpy()[~QM], 0.0)  # masked queries give zeros
    np.testing.assert_allclose(scores.numpy()[0, :, 4], 0.0, atol=1e-7)
    assert out._keras_mask.numpy().tolist() == QM.tolist()
    mha = layers.MultiHeadAttention(2, 3)
    _, scores = mha(Q, V, attention_mask=tf.constant(AM), return_attention_scores=True)
    assert scores.shape == (2, 2, 4, 5)
    np.testing.assert_allclose(scores.numpy()[:, :, ~AM[0]][0], 0.0, atol=1e-7)
    ids = np.array([[3, 1, 0, 0], [2, 2, 2, 0]])
    x = layers.Embedding(5, 6, mask_zero=True)(ids)
    y = layers.MultiHeadAttention(2, 3)(x, x)
    assert y._keras_mask.numpy().tolist() == (ids != 0).tolist()
    with pytest.raises(ValueError, match="list of inputs"):
        layers.Attention()(Q)
    with pytest.raises(ValueError, match="key_dim"):
        layers.MultiHeadAttention(2, 0)


def test_weight_layouts_configs_and_functional_use(capsys):
    mha = layers.MultiHeadAttention(4, 8, value_dim=5)
    mha(Q, V)
    assert [(w.path.split("/", 1)[1] if "/" in w.path else w.name, tuple(w.shape))
            for w in mha.weights] == [
        ("query/kernel", (6, 4, 8)), ("query/bias", (4, 8)), ("key/kernel", (6, 4, 8)),
        ("key/bias", (4, 8)), ("value/kernel", (6, 4, 5)), ("value/bias", (4, 5)),
        ("attention_output/kernel", (4, 5, 6)), ("attention_output/bias", (6,))]
    for layer in (mha, layers.Attention(use_scale=True, dropout=0.1),
                  layers.AdditiveAttention(use_scale=False),
                  layers.EinsumDense("abc,cd->abd", (None, 4), bias_axes="d",
                                     activation="relu")):
        clone = type(layer).from_config(layer.get_config())
        assert clone.get_config() == layer.get_config()
    inputs = keras.Input((None, 6))
    y, scores = layers.MultiHeadAttention(2, 3)(inputs, inputs, return_attention_scores=True)
    assert y.shape == (None, None, 6) and scores.shape == (None, 2, None, None)
    model = keras.Model(inputs, layers.GlobalAveragePooling1D()(y))
    assert model(Q).shape == (2, 6)
    model.summary()
    text = capsys.readouterr().out
    assert "multi_head_attenti" in text and "168" in text  # 3 x (6 x 2 x 3 + 6) + 36 + 6
    dense = layers.EinsumDense("...b,bc->...c", 3, bias_axes="c")
    assert dense(Q).shape == (2, 4, 3) and dense.compute_output_shape((None, 7, 6)) == (
        None, 7, 3)


def test_transformer_block_trains():
    class TransformerBlock(layers.Layer):
        def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1):
            super().__init__()
            self.att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
            self.ffn = keras.Sequential([layers.Dense(ff_dim, activation="relu"),
                                         layers.Dense(embed_dim)])
            self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
            self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
            self.dropout1 = layers.Dropout(rate)
            self.dropout2 = layers.Dropout(rate)

        def call(self, inputs):
            attn = self.dropout1(self.att(inputs, inputs))
            out1 = self.layernorm1(inputs + attn)
            return self.layernorm2(out1 + self.dropout2(self.ffn(out1)))

    keras.utils.set_random_seed(0)
    x = RNG.integers(1, 20, size=(64, 8))
    y = (x[:, 0] > 10).astype("int32")
    inputs = keras.Input(shape=(8,))
    h = layers.Embedding(20, 8)(inputs)
    h = TransformerBlock(8, 2, 16)(h)
    h = layers.GlobalAveragePooling1D()(h)
    outputs = layers.Dense(2, activation="softmax")(h)
    model = keras.Model(inputs, outputs)
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=16, epochs=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


# -- against Keras 3 ------------------------------------------------------------------------------


@pytest.mark.parametrize("name,make,call", CASES, ids=[c[0] for c in CASES])
def test_attention_layers_match_keras(tf_keras_real, name, make, call):
    tf_real, k3 = tf_keras_real
    ours, theirs = make(keras), make(k3)
    call(theirs, tf_real)
    call(ours, tf)
    ours.set_weights(theirs.get_weights())
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]
    with tf_real.GradientTape() as tape:
        t_out = _leaves(call(theirs, tf_real))
        t_loss = tf_real.add_n([tf_real.reduce_sum(o * o) for o in t_out])
    t_grads = tape.gradient(t_loss, theirs.trainable_weights)
    with tf.GradientTape() as tape:
        o_out = _leaves(call(ours, tf))
        o_loss = tf.add_n([tf.reduce_sum(o * o) for o in o_out])
    o_grads = tape.gradient(o_loss, ours.trainable_weights)
    for a, b in zip(o_out + o_grads, t_out + t_grads):
        np.testing.assert_allclose(a.numpy(), np.asarray(b), rtol=1e-4, atol=1e-5)
    for a, b in zip(o_out, t_out):
        assert (getattr(a, "_keras_mask", None) is None) == (getattr(b, "_keras_mask", None)
                                                            is None)
    config, kconfig = ours.get_config(), theirs.get_config()
    for c in (config, kconfig):
        for key in ("name", "dtype", "kernel_initializer", "bias_initializer"):
            c.pop(key, None)
    assert config == kconfig
