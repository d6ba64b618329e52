"""Recurrent layers against Keras 3 itself (skipped without TensorFlow): outputs and weight
gradients for the same weights, masks, initial states, stacked cells, Bidirectional, and the
layers' configs."""

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras

RNG = np.random.default_rng(7)
X = RNG.normal(size=(3, 6, 4)).astype("float32")
MASK = np.ones((3, 6), bool)
MASK[0, 4:] = False
MASK[1, :2] = False
MASK[2, 3] = False

MAKERS = {
    "lstm": lambda m, kw: m.layers.LSTM(5, **kw),
    "gru": lambda m, kw: m.layers.GRU(5, **kw),
    "gru_reset_before": lambda m, kw: m.layers.GRU(5, reset_after=False, **kw),
    "simple": lambda m, kw: m.layers.SimpleRNN(5, **kw),
    "lstm_relu": lambda m, kw: m.layers.LSTM(5, activation="relu", **kw),
    "stacked": lambda m, kw: m.layers.RNN([m.layers.LSTMCell(3), m.layers.GRUCell(5)], **kw),
    "bidirectional": lambda m, kw: m.layers.Bidirectional(m.layers.LSTM(5, **kw)),
    "bidirectional_gru_sum": lambda m, kw: m.layers.Bidirectional(
        m.layers.GRU(5, **kw), merge_mode="sum"
    ),
}
OPTIONS = [{}, {"return_sequences": True}, {"go_backwards": True, "return_sequences": True},
           {"return_state": True}]


def _leaves(x):
    if isinstance(x, (list, tuple)):
        return [leaf for item in x for leaf in _leaves(item)]
    return [x]


@pytest.mark.parametrize("name", sorted(MAKERS))
@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: "-".join(o) or "last")
@pytest.mark.parametrize("masked", [False, True], ids=["unmasked", "masked"])
def test_outputs_and_gradients_match_keras(tf_keras_real, name, options, masked):
    tf_real, k3 = tf_keras_real
    if name.startswith("bidirectional") and "go_backwards" in options:
        pytest.skip("Bidirectional needs a forward layer")
    theirs, ours = MAKERS[name](k3, options), MAKERS[name](keras, options)
    theirs(X)
    ours(X)
    ours.set_weights(theirs.get_weights())
    mask = MASK if masked else None
    with tf_real.GradientTape() as tape:
        t_out = _leaves(theirs(X, mask=mask))
        t_loss = tf_real.add_n([(i + 1.0) * tf_real.reduce_sum(o * o) for i, o in enumerate(t_out)])
    t_grads = tape.gradient(t_loss, theirs.trainable_weights)
    with tf.GradientTape() as tape:
        o_out = _leaves(ours(X, mask=None if mask is None else tf.constant(mask)))
        o_loss = tf.add_n([(i + 1.0) * tf.reduce_sum(o * o) for i, o in enumerate(o_out)])
    o_grads = tape.gradient(o_loss, ours.trainable_weights)
    assert len(o_out) == len(t_out)
    for a, b in zip(o_out + o_grads, t_out + t_grads):
        np.testing.assert_allclose(a.numpy(), np.asarray(b), rtol=1e-5, atol=1e-5)
    if masked and options.get("return_sequences"):
        t_mask = getattr(theirs(X, mask=mask)[0] if options.get("return_state") else
                         theirs(X, mask=mask), "_keras_mask", None)
        o_mask = getattr(_leaves(ours(X, mask=tf.constant(mask)))[0], "_keras_mask", None)
        assert (t_mask is None) == (o_mask is None)


@pytest.mark.parametrize("name", ["lstm", "gru", "simple"])
def test_initial_states_match_keras(tf_keras_real, name):
    _, k3 = tf_keras_real
    options = {"return_sequences": True, "return_state": True}
    theirs, ours = MAKERS[name](k3, options), MAKERS[name](keras, options)
    theirs(X)
    ours(X)
    ours.set_weights(theirs.get_weights())
    states = [RNG.normal(size=(3, 5)).astype("float32") for _ in range(2 if name == "lstm"
                                                                       else 1)]
    a = _leaves(ours(X, initial_state=[tf.constant(s) for s in states], mask=tf.constant(MASK)))
    b = _leaves(theirs(X, initial_state=states, mask=MASK))
    for p, q in zip(a, b):
        np.testing.assert_allclose(p.numpy(), np.asarray(q), rtol=1e-5, atol=1e-6)


def _plain(config):
    """A config with serialized objects reduced to (class_name, config), dtype policies to
    their names: what both libraries must agree on."""
    out = {}
    for key, value in config.items():
        if isinstance(value, dict) and "class_name" in value:
            inner = value.get("config")
            if value["class_name"] == "DTypePolicy":
                out[key] = inner["name"]
            else:
                out[key] = (value["class_name"], _plain(inner) if isinstance(inner, dict)
                            else inner)
        else:
            out[key] = value
    return out


@pytest.mark.parametrize(
    "make",
    [lambda m: m.layers.LSTM(3, dropout=0.1, return_sequences=True, seed=2),
     lambda m: m.layers.GRU(3, reset_after=False, go_backwards=True),
     lambda m: m.layers.SimpleRNN(3, activation="relu", stateful=False),
     lambda m: m.layers.LSTMCell(3), lambda m: m.layers.GRUCell(2),
     lambda m: m.layers.SimpleRNNCell(4)],
)
def test_configs_match_keras(tf_keras_real, make):
    _, k3 = tf_keras_real
    ours, theirs = _plain(make(keras).get_config()), _plain(make(k3).get_config())
    for config in (ours, theirs):
        config.pop("name")
        for key in ("kernel_initializer", "recurrent_initializer"):
            # Keras 3.15 adds input_axes/output_axes to GlorotUniform's config.
            cls, inner = config[key]
            config[key] = (cls, {k: v for k, v in inner.items() if k not in ("input_axes",
                                                                             "output_axes")})
    assert ours == theirs


def test_weights_interchange_with_keras(tf_keras_real):
    _, k3 = tf_keras_real
    theirs = k3.Sequential([k3.Input((6, 4)),
                            k3.layers.Bidirectional(k3.layers.GRU(3, return_sequences=True)),
                            k3.layers.LSTM(2), k3.layers.Dense(1)])
    ours = keras.Sequential([keras.Input((6, 4)),
                             keras.layers.Bidirectional(keras.layers.GRU(3,
                                                                         return_sequences=True)),
                             keras.layers.LSTM(2), keras.layers.Dense(1)])
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(ours(X).numpy(), np.asarray(theirs(X)), rtol=1e-5, atol=1e-6)
