"""The checks every layer table runs (tests/test_keras_layers_extra.py,
tests/test_keras_conv_layers.py): finite differences in float64, a config round trip, and
outputs, gradients, weights and configs against Keras 3 where it is installed."""

import numpy as np

import tapegrad as tf
from tapegrad import keras


def check_gradients(make, x):
    """The layer (rebuilt in float64) to second order in both modes against finite
    differences, with respect to its input."""
    layer = type(make(keras)).from_config({**make(keras).get_config(), "dtype": "float64"})
    x64 = np.asarray(x, np.float64)
    layer(x64)  # build
    tf.check_grads(lambda inputs: layer(inputs), [x64], order=2, modes=("rev", "fwd"),
                   rtol=1e-4, atol=1e-4)


def check_config_round_trip(make, x):
    """`from_config(get_config())` gives the same config and, with the same weights, the same
    outputs."""
    layer = make(keras)
    clone = type(layer).from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    layer(x)
    clone(x)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone(x).numpy(), layer(x).numpy(), rtol=1e-6)


def _plain(config):
    out = {}
    for key, value in config.items():
        if key in ("name", "dtype"):
            continue
        if isinstance(value, dict) and "class_name" in value:
            value = (value["class_name"], value.get("config"))
        if isinstance(value, tuple) and key in ("dims", "axis"):
            value = list(value)
        out[key] = value
    return out


def check_against_keras(tf_real, k3, make, x, rtol=1e-5, grad_rtol=1e-4, skip_grads=()):
    """Keras 3's layer and ours, with Keras's weights copied to ours: the same weight shapes,
    outputs, gradients (input and weights, except the positions in `skip_grads`: 0 the input,
    then the trainable weights), config and declared output shape."""
    theirs, ours = make(k3), make(keras)
    theirs(x)
    ours(x)
    ours.set_weights(theirs.get_weights())
    assert [w.shape for w in ours.get_weights()] == [tuple(w.shape) for w in theirs.weights]
    xt = tf_real.constant(x)
    with tf_real.GradientTape() as tape:
        tape.watch(xt)
        t_out = theirs(xt)
        t_loss = tf_real.reduce_sum(t_out * t_out * tf_real.range(1.0, 1.0 + t_out.shape[-1]))
    t_grads = tape.gradient(t_loss, [xt] + theirs.trainable_weights)
    xo = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xo)
        o_out = ours(xo)
        o_loss = tf.reduce_sum(o_out * o_out * tf.range(1.0, 1.0 + o_out.shape[-1]))
    o_grads = tape.gradient(o_loss, [xo] + ours.trainable_weights)
    np.testing.assert_allclose(o_out.numpy(), np.asarray(t_out), rtol=rtol, atol=1e-6)
    for i, (a, b) in enumerate(zip(o_grads, t_grads)):
        if i in skip_grads:
            continue
        np.testing.assert_allclose(a.numpy(), np.asarray(b), rtol=grad_rtol, atol=1e-5)
    assert _plain(ours.get_config()) == _plain(theirs.get_config())
    assert ours.compute_output_shape(x.shape) == tuple(theirs.compute_output_shape(x.shape))
