"""Every layer of issue 13 in the functional API: the symbolic output's shape equals the eager
output's (batch unknown) and the layer's `compute_output_shape`, and `summary()` lists it."""

import numpy as np
import pytest

from tapegrad import keras

layers = keras.layers
SEQ = np.random.default_rng(0).normal(size=(2, 5, 4)).astype("float32")
IDS = np.array([[1, 2, 0, 3, 0], [4, 4, 1, 0, 0]])
TEXT = np.array([["a b c"], ["b d"]])

# (constructor, input data, Input dtype)
CASES = {
    "SimpleRNN": (lambda: layers.SimpleRNN(3, return_sequences=True), SEQ, "float32"),
    "LSTM": (lambda: layers.LSTM(3), SEQ, "float32"),
    "GRU_state": (lambda: layers.GRU(3, return_state=True), SEQ, "float32"),
    "RNN": (lambda: layers.RNN(layers.LSTMCell(2), return_sequences=True), SEQ, "float32"),
    "Bidirectional": (lambda: layers.Bidirectional(layers.LSTM(2, return_sequences=True)), SEQ,
                      "float32"),
    "TimeDistributed": (lambda: layers.TimeDistributed(layers.Dense(2)), SEQ, "float32"),
    "Embedding": (lambda: layers.Embedding(5, 3, mask_zero=True), IDS, "int32"),
    "Masking": (lambda: layers.Masking(), SEQ, "float32"),
    "LayerNormalization": (lambda: layers.LayerNormalization(), SEQ, "float32"),
    "GroupNormalization": (lambda: layers.GroupNormalization(2), SEQ, "float32"),
    "UnitNormalization": (lambda: layers.UnitNormalization(), SEQ, "float32"),
    "LeakyReLU": (lambda: layers.LeakyReLU(), SEQ, "float32"),
    "PReLU": (lambda: layers.PReLU(), SEQ, "float32"),
    "ELU": (lambda: layers.ELU(), SEQ, "float32"),
    "ReLU": (lambda: layers.ReLU(), SEQ, "float32"),
    "Softmax": (lambda: layers.Softmax(), SEQ, "float32"),
    "SpatialDropout1D": (lambda: layers.SpatialDropout1D(0.2), SEQ, "float32"),
    "GaussianNoise": (lambda: layers.GaussianNoise(0.2), SEQ, "float32"),
    "GaussianDropout": (lambda: layers.GaussianDropout(0.2), SEQ, "float32"),
    "AlphaDropout": (lambda: layers.AlphaDropout(0.2), SEQ, "float32"),
    "Rescaling": (lambda: layers.Rescaling(0.5), SEQ, "float32"),
    "Normalization": (lambda: layers.Normalization(mean=0.0, variance=1.0), SEQ, "float32"),
    "Permute": (lambda: layers.Permute((2, 1)), SEQ, "float32"),
    "RepeatVector": (lambda: layers.RepeatVector(3), SEQ[:, 0], "float32"),
    "GlobalAveragePooling1D": (lambda: layers.GlobalAveragePooling1D(), SEQ, "float32"),
    "GlobalMaxPooling1D": (lambda: layers.GlobalMaxPooling1D(), SEQ, "float32"),
    "EinsumDense": (lambda: layers.EinsumDense("abc,cd->abd", (None, 3), bias_axes="d"), SEQ,
                    "float32"),
    "TextVectorization": (lambda: layers.TextVectorization(vocabulary=["a", "b"],
                                                           output_sequence_length=4), TEXT,
                          "string"),
    "StringLookup": (lambda: layers.StringLookup(vocabulary=["a", "b"],
                                                 output_mode="multi_hot"),
                     np.array([["a", "c"], ["b", "b"]]), "string"),
    "IntegerLookup": (lambda: layers.IntegerLookup(vocabulary=[1, 2]), IDS, "int64"),
    "CategoryEncoding": (lambda: layers.CategoryEncoding(5), IDS, "int32"),
    "Hashing": (lambda: layers.Hashing(7), IDS, "int64"),
}


def _shapes(out):
    return [tuple(o.shape) for o in (out if isinstance(out, (list, tuple)) else [out])]


@pytest.mark.parametrize("name", sorted(CASES))
def test_symbolic_eager_and_declared_shapes_agree(name):
    make, data, dtype = CASES[name]
    layer = make()
    inputs = keras.Input(shape=data.shape[1:], dtype=dtype)
    outputs = layer(inputs)
    symbolic = _shapes(outputs)
    eager = _shapes(layer(data))
    for s, e in zip(symbolic, eager):  # None (unknown) matches any size
        assert len(s) == len(e) and all(a is None or a == b for a, b in zip(s, e)), (s, e)
        assert s[0] is None
    declared = layer.compute_output_shape((None,) + data.shape[1:])
    declared = [declared] if not isinstance(declared[0], (tuple, list)) else list(declared)
    assert [tuple(d) for d in declared] == symbolic  # as Keras's symbolic shapes
    model = keras.Model(inputs, outputs)
    model.summary(print_fn=lambda *a, **k: None)
    assert model.count_params() == sum(int(np.prod(w.shape)) for w in layer.weights)
