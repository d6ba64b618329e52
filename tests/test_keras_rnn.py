"""Recurrent layers: LSTM, GRU, SimpleRNN, their cells, RNN, Bidirectional, TimeDistributed.

The fused whole-sequence paths are checked against the cells run step by step (composed of
tapegrad ops) and against finite differences; `test_keras_rnn_tf.py` compares with Keras 3."""

import gc
import time
import tracemalloc

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras

layers = keras.layers
RNG = np.random.default_rng(0)
X = RNG.normal(size=(3, 6, 4)).astype("float32")
MASK = np.ones((3, 6), bool)
MASK[0, 4:] = False
MASK[1, :2] = False
MASK[2, 3] = False

FUSED = {
    "lstm": (layers.LSTM, layers.LSTMCell),
    "gru": (layers.GRU, layers.GRUCell),
    "simple": (layers.SimpleRNN, layers.SimpleRNNCell),
}


def _pair(kind, units=5, **kwargs):
    """The fused layer and the same cell run step by step by RNN, with equal weights."""
    layer_cls, cell_cls = FUSED[kind]
    fused = layer_cls(units, **kwargs)
    stepwise = layers.RNN(cell_cls(units), **kwargs)
    fused(X[:1])
    stepwise(X[:1])
    stepwise.set_weights(fused.get_weights())
    return fused, stepwise


def _outputs(layer, x, **kwargs):
    with tf.GradientTape() as tape:
        out = layer(x, **kwargs)
        flat = out if isinstance(out, (list, tuple)) else [out]
        loss = tf.add_n([tf.reduce_sum(tf.square(o) * (i + 1.0)) for i, o in enumerate(flat)])
    return [o.numpy() for o in flat], [g.numpy() for g in tape.gradient(loss, layer.weights)]


@pytest.mark.parametrize("kind", sorted(FUSED))
@pytest.mark.parametrize(
    "options",
    [{}, {"return_sequences": True}, {"go_backwards": True, "return_sequences": True},
     {"return_state": True}, {"return_sequences": True, "zero_output_for_mask": True}],
)
@pytest.mark.parametrize("masked", [False, True])
def test_fused_layers_match_their_cells_step_by_step(kind, options, masked):
    fused, stepwise = _pair(kind, **options)
    mask = tf.constant(MASK) if masked else None
    out_a, grad_a = _outputs(fused, X, mask=mask)
    out_b, grad_b = _outputs(stepwise, X, mask=mask)
    for a, b in zip(out_a + grad_a, out_b + grad_b):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", sorted(FUSED))
def test_fused_layers_with_initial_state(kind):
    fused, stepwise = _pair(kind, return_sequences=True, return_state=True)
    n_states = 2 if kind == "lstm" else 1
    states = [tf.constant(RNG.normal(size=(3, 5)).astype("float32")) for _ in range(n_states)]
    for masked in (False, True):
        mask = tf.constant(MASK) if masked else None
        a = fused(X, initial_state=states, mask=mask)
        b = stepwise(X, initial_state=states, mask=mask)
        for p, q in zip(a, b):
            np.testing.assert_allclose(p.numpy(), q.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", sorted(FUSED))
def test_recurrent_gradients_match_finite_differences(kind):
    layer_cls = FUSED[kind][0]
    layer = layer_cls(2, return_sequences=True, dtype="float64")
    x0 = RNG.normal(size=(2, 3, 3))
    layer(x0)
    weights = layer.get_weights()

    def f(x, kernel, recurrent, bias):
        # The weights as arguments: the cell reads them from its attributes.
        cell = layer.cell
        saved = cell.kernel, cell.recurrent_kernel, cell.bias
        cell.__dict__.update(kernel=kernel, recurrent_kernel=recurrent, bias=bias)
        try:
            return layer(x, mask=tf.constant(np.array([[1, 1, 0], [0, 1, 1]], bool)))
        finally:
            cell.__dict__.update(kernel=saved[0], recurrent_kernel=saved[1], bias=saved[2])

    tf.check_grads(f, [x0, *weights], order=1, modes=("rev", "fwd"))


def test_weight_layouts_and_names_are_keras():
    lstm = layers.LSTM(3)
    lstm(X)
    assert [(w.name, tuple(w.shape)) for w in lstm.weights] == [
        ("kernel", (4, 12)), ("recurrent_kernel", (3, 12)), ("bias", (12,))]
    np.testing.assert_array_equal(lstm.cell.bias.numpy(), [0, 0, 0, 1, 1, 1] + [0] * 6)
    rk = lstm.cell.recurrent_kernel.numpy()  # orthogonal blocks: rk rk^T = I
    np.testing.assert_allclose(rk @ rk.T, np.eye(3), atol=1e-5)
    gru = layers.GRU(3)
    gru(X)
    assert [tuple(w.shape) for w in gru.weights] == [(4, 9), (3, 9), (2, 9)]
    gru = layers.GRU(3, reset_after=False, use_bias=True)
    gru(X)
    assert tuple(gru.weights[2].shape) == (9,)
    simple = layers.SimpleRNN(3, use_bias=False)
    simple(X)
    assert [tuple(w.shape) for w in simple.weights] == [(4, 3), (3, 3)]
    assert lstm.units == 3 and gru.reset_after is False and simple.use_bias is False


def test_gru_reset_before_and_other_activations_run_step_by_step():
    for layer in (layers.GRU(4, reset_after=False), layers.LSTM(4, activation="relu"),
                  layers.SimpleRNN(4, activation="relu")):
        out = layer(X, mask=tf.constant(MASK))
        assert out.shape == (3, 4) and np.isfinite(out.numpy()).all()


def test_masked_steps_keep_state_and_repeat_output():
    layer = layers.LSTM(4, return_sequences=True, return_state=True)
    seq, h, c = layer(X, mask=tf.constant(MASK))
    seq = seq.numpy()
    np.testing.assert_array_equal(seq[0, 4], seq[0, 3])  # trailing padding repeats the output
    np.testing.assert_array_equal(seq[0, 5], seq[0, 3])
    np.testing.assert_array_equal(seq[1, :2], 0.0)  # before the first step: zeros
    np.testing.assert_array_equal(seq[2, 3], seq[2, 2])
    np.testing.assert_array_equal(h.numpy(), seq[:, -1])
    full, _, _ = layer(X[:1, :4])
    np.testing.assert_allclose(full.numpy()[0, -1], seq[0, 3], rtol=1e-6)
    zeros = layers.LSTM(4, return_sequences=True, zero_output_for_mask=True)
    zeros(X[:1])
    zeros.set_weights(layer.get_weights())
    out = zeros(X, mask=tf.constant(MASK)).numpy()
    np.testing.assert_array_equal(out[0, 4:], 0.0)


def test_mask_from_embedding_reaches_rnn_and_loss():
    ids = np.array([[1, 2, 3, 0, 0], [4, 0, 0, 0, 0]])
    model = keras.Sequential([keras.Input((5,), dtype="int32"),
                              layers.Embedding(6, 3, mask_zero=True),
                              layers.GRU(4, return_sequences=True), layers.Dense(2)])
    out = model(ids)
    np.testing.assert_array_equal(out._keras_mask.numpy(), ids != 0)
    seq = model.layers[1](model.layers[0](ids)).numpy()
    np.testing.assert_array_equal(seq[1, 1], seq[1, 4])
    last = keras.Sequential([keras.Input((5,), dtype="int32"),
                             layers.Embedding(6, 3, mask_zero=True), layers.LSTM(4)])
    assert getattr(last(ids), "_keras_mask", None) is None  # return_sequences=False: no mask


def test_custom_cell_and_stacked_cells():
    class MinimalRNNCell(layers.Layer):  # Keras's documentation example
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.state_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units),
                                          initializer="uniform", name="kernel")
            self.recurrent_kernel = self.add_weight(shape=(self.units, self.units),
                                                    initializer="uniform",
                                                    name="recurrent_kernel")

        def call(self, inputs, states):
            output = tf.matmul(inputs, self.kernel) + tf.matmul(states[0], self.recurrent_kernel)
            return output, [output]

    inputs = keras.Input((None, 4))
    y = layers.RNN(MinimalRNNCell(8))(inputs)
    assert y.shape == (None, 8)
    y, state1, state2 = layers.RNN([MinimalRNNCell(8), MinimalRNNCell(6)],
                                   return_state=True)(inputs)
    assert (y.shape, state1.shape, state2.shape) == ((None, 6), (None, 8), (None, 6))
    stacked = layers.RNN([layers.LSTMCell(3), layers.GRUCell(2)], return_sequences=True,
                         return_state=True)
    seq, (h1, c1), (h2,) = stacked(X)  # a GRU cell's state is a list of one, as in Keras
    assert seq.shape == (3, 6, 2) and h1.shape == c1.shape == (3, 3) and h2.shape == (3, 2)
    np.testing.assert_allclose(seq.numpy()[:, -1], h2.numpy(), rtol=1e-6)


def test_stateful_layers_carry_and_reset_state():
    layer = layers.LSTM(4, stateful=True, return_state=True)
    model_input = keras.Input(batch_shape=(3, 6, 4))
    layer(model_input)
    assert [tuple(v.shape) for v in layer.states] == [(3, 4), (3, 4)]
    assert len(layer.weights) == 3  # the states are not weights, as in Keras
    # Named as Keras 3 names them (a Keras variable's name, without TensorFlow's ":0").
    assert [v.name for v in layer.states] == ["rnn_state", "rnn_state"]
    assert layer.states[0].path == f"{layer.name}/rnn_state"
    np.testing.assert_array_equal(layer.states[0].numpy(), 0.0)  # the symbolic call set none
    _, h1, _ = layer(X[:, :3])
    _, h2, c2 = layer(X[:, 3:])
    plain = layers.LSTM(4, return_state=True)
    plain(X)
    plain.set_weights(layer.get_weights())
    _, h, c = plain(X)
    np.testing.assert_allclose(h2.numpy(), h.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.states[1].numpy(), c.numpy(), rtol=1e-5, atol=1e-6)
    layer.reset_states()
    np.testing.assert_array_equal(layer.states[0].numpy(), 0.0)
    with pytest.raises(ValueError, match="Expected batch size: 3"):
        layer(X[:2])
    with pytest.raises(ValueError, match="batch size must be static"):
        layers.GRU(2, stateful=True)(keras.Input((6, 4)))


def test_dropout_applies_in_training_only():
    keras.utils.set_random_seed(3)
    layer = layers.LSTM(4, dropout=0.5, recurrent_dropout=0.3, seed=1)
    a = layer(X, training=False).numpy()
    np.testing.assert_array_equal(a, layer(X).numpy())
    b = layer(X, training=True).numpy()
    assert not np.allclose(a, b)
    for kind in sorted(FUSED):
        fused = FUSED[kind][0](3, dropout=0.5, seed=4)
        out = fused(X, training=True)
        assert np.isfinite(out.numpy()).all() and fused.cell.__dict__.get("_dropout_mask") is None


def test_bidirectional_merge_modes_and_states():
    fwd = layers.LSTM(3, return_sequences=True, return_state=True)
    bidi = layers.Bidirectional(fwd, merge_mode="concat")
    out, fh, fc, bh, bc = bidi(X)
    assert out.shape == (3, 6, 6) and fh.shape == bh.shape == (3, 3)
    assert bidi.forward_layer.name.startswith("forward_") and bidi.backward_layer.go_backwards
    back = bidi.backward_layer(X)[0].numpy()
    np.testing.assert_allclose(out.numpy()[:, :, 3:], back[:, ::-1], rtol=1e-6)
    for mode, combine in (("sum", np.add), ("mul", np.multiply),
                          ("ave", lambda a, b: (a + b) / 2)):
        b = layers.Bidirectional(layers.GRU(2), merge_mode=mode)
        b(X)
        f = b.forward_layer(X).numpy()
        r = b.backward_layer(X).numpy()
        np.testing.assert_allclose(b(X).numpy(), combine(f, r), rtol=1e-5, atol=1e-6)
    pair = layers.Bidirectional(layers.SimpleRNN(2), merge_mode=None)(X)
    assert isinstance(pair, tuple) and len(pair) == 2
    with pytest.raises(ValueError, match="Invalid merge mode"):
        layers.Bidirectional(layers.LSTM(2), merge_mode="max")
    masked = layers.Bidirectional(layers.LSTM(2, return_sequences=True))
    y = masked(X, mask=tf.constant(MASK))
    np.testing.assert_array_equal(y._keras_mask.numpy(), MASK)
    np.testing.assert_array_equal(y.numpy()[0, 4:], 0.0)  # zero_output_for_mask, as Keras


def test_time_distributed():
    dense = layers.Dense(2)
    td = layers.TimeDistributed(dense)
    out = td(X)
    np.testing.assert_allclose(out.numpy(), dense(X).numpy(), rtol=1e-6)
    assert td.compute_output_shape((None, 6, 4)) == (None, 6, 2)
    norm = layers.TimeDistributed(layers.BatchNormalization())
    y = norm(X, training=True).numpy()
    np.testing.assert_allclose(y.mean(axis=0), 0.0, atol=1e-5)  # statistics per time step
    with pytest.raises(ValueError, match="at least 3 dimensions"):
        layers.TimeDistributed(layers.Dense(2))(np.ones((2, 3), "float32"))


@pytest.mark.parametrize(
    "make",
    [lambda: layers.LSTM(3, dropout=0.1, return_sequences=True, go_backwards=True),
     lambda: layers.GRU(3, reset_after=False, recurrent_dropout=0.2, stateful=False),
     lambda: layers.SimpleRNN(3, activation="relu", unroll=True),
     lambda: layers.RNN([layers.LSTMCell(2), layers.SimpleRNNCell(3)], return_state=True),
     lambda: layers.Bidirectional(layers.GRU(2, return_sequences=True), merge_mode="sum"),
     lambda: layers.TimeDistributed(layers.Dense(4))],
)
def test_configs_round_trip(make):
    layer = make()
    clone = type(layer).from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    layer(X)
    clone(X)
    clone.set_weights(layer.get_weights())
    a, b = layer(X), clone(X)
    for p, q in zip(a if isinstance(a, tuple) else [a], b if isinstance(b, tuple) else [b]):
        p = p if not isinstance(p, list) else p[0]
        q = q if not isinstance(q, list) else q[0]
        np.testing.assert_allclose(p.numpy(), q.numpy(), rtol=1e-6)


def test_functional_api_shapes_and_summary(capsys):
    inputs = keras.Input((None, 4))
    seq, h, c = layers.LSTM(5, return_sequences=True, return_state=True)(inputs)
    assert seq.shape == (None, None, 5) and h.shape == (None, 5)
    y = layers.Bidirectional(layers.GRU(3))(seq)
    assert y.shape == (None, 6)
    model = keras.Model(inputs, [y, h])
    outs = model(X)
    assert outs[0].shape == (3, 6) and outs[1].shape == (3, 5)
    model.summary()
    text = capsys.readouterr().out
    assert "lstm" in text and "bidirectional" in text
    assert layers.LSTM(5, return_state=True).compute_output_shape((None, 7, 4)) == (
        (None, 5), (None, 5), (None, 5))
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=2"):
        layers.LSTM(2)(np.ones((2, 3), "float32"))
    unrolled = layers.LSTM(2, unroll=True)(keras.Input((None, 3)))  # as Keras: no error
    assert unrolled.shape == (None, 2)


def test_traced_training_step_matches_eager():
    def model():
        keras.utils.set_random_seed(5)
        return keras.Sequential([keras.Input((6, 4)), layers.LSTM(3), layers.Dense(1)])

    y = RNG.normal(size=(3, 1)).astype("float32")
    results = []
    for traced in (False, True):
        m, opt = model(), keras.optimizers.SGD(0.1)

        def step():
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(m(X, training=True) - y))
            grads = tape.gradient(loss, m.trainable_variables)
            opt.apply_gradients(zip(grads, m.trainable_variables))
            return loss

        run = tf.function(step) if traced else step
        losses = [float(run()) for _ in range(3)]
        results.append((losses, m.get_weights()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-6)
    for a, b in zip(results[0][1], results[1][1]):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_fit_learns_a_sequence_task():
    keras.utils.set_random_seed(0)
    x = RNG.normal(size=(64, 8, 2)).astype("float32")
    y = (x[:, :, 0].sum(axis=1) > 0).astype("float32")
    model = keras.Sequential([keras.Input((8, 2)), layers.GRU(8), layers.Dense(1)])
    model.compile(keras.optimizers.Adam(0.05), "mse")
    history = model.fit(x, y, epochs=15, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


def _bptt(layer, steps):
    x = tf.constant(RNG.normal(size=(2, steps, 3)).astype("float32"))
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(layer(x))
    return tape.gradient(loss, [x] + layer.trainable_weights)


@pytest.mark.parametrize("fused", [True, False])
def test_backpropagation_through_1000_steps_is_linear(fused):
    # The fused primitive, and the step-by-step loop (a cell in composed ops): neither
    # recursion nor time or memory growing faster than the sequence.
    layer = layers.LSTM(4) if fused else layers.RNN(layers.LSTMCell(4))
    grads = _bptt(layer, 1000)
    assert all(np.isfinite(g.numpy()).all() for g in grads)
    short, long = (200, 800) if fused else (100, 400)
    # the objects earlier tests left alive (TensorFlow's graphs, in the full suite) would make
    # each garbage collection slower, in proportion to them: freeze them out of the timing
    gc.collect()
    gc.freeze()
    try:
        costs = _bptt_costs(layer, short, long)
    finally:
        gc.unfreeze()
    # 4x the steps: linear is 4x; quadratic would be 16x (generous bounds: shared machine).
    assert costs[long][1] < 6 * costs[short][1]
    assert costs[long][0] < 10 * costs[short][0]


def _bptt_costs(layer, short, long):
    costs = {}
    for steps in (short, long):
        tracemalloc.start()
        start = time.perf_counter()
        _bptt(layer, steps)
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        costs[steps] = (elapsed, peak)
    return costs
