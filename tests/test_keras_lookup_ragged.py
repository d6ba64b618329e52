"""The lookup layers and tf.strings.reduce_join on RaggedTensors, as Keras 3 on TensorFlow does
them (the text-generation tutorial's pipeline: unicode_split -> StringLookup -> inverse lookup ->
reduce_join). Expected values recorded from TensorFlow 2.21 / Keras 3.15; compared with them
where installed."""

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras


def _run(m, k):
    out = {}
    chars = m.strings.unicode_split(["aab", "c", ""], "UTF-8")
    for mode in ("multi_hot", "count", "tf_idf"):
        extra = {"idf_weights": [1.0, 2.0, 3.0]} if mode == "tf_idf" else {}
        layer = k.layers.StringLookup(vocabulary=list("abc"), mask_token=None, output_mode=mode,
                                      **extra)
        out[mode] = layer(chars).numpy().tolist()
    ids = k.layers.StringLookup(vocabulary=list("abc"), mask_token=None)(chars)
    out["ids"] = ids.to_list()
    back = k.layers.StringLookup(vocabulary=list("abc"), mask_token=None, invert=True)(ids)
    out["joined"] = m.strings.reduce_join(back, axis=-1).numpy().tolist()
    ints = k.layers.IntegerLookup(vocabulary=[5, 7])(m.ragged.constant([[5, 7, 9], [7]]))
    out["ints"] = ints.to_list()
    out["inverted"] = k.layers.IntegerLookup(vocabulary=[5, 7], invert=True)(ints).to_list()
    return out


EXPECTED = {  # recorded from TensorFlow 2.21 with Keras 3.15
    "multi_hot": [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]],
    "count": [[0, 2, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]],
    "tf_idf": [[0.0, 2.0, 2.0, 0.0], [0.0, 0.0, 0.0, 3.0], [0.0, 0.0, 0.0, 0.0]],
    "ids": [[1, 1, 2], [3], []],
    "joined": [b"aab", b"c", b""],
    "ints": [[1, 2, 0], [2]],
    "inverted": [[5, 7, -1], [7]],
}


def test_lookups_keep_rows_and_encode_each_row():
    assert _run(tf, keras) == EXPECTED


def test_reduce_join_of_ragged_rows_keepdims_and_separator():
    rows = tf.strings.unicode_split(["ab", "", "cde"], "UTF-8")
    out = tf.strings.reduce_join(rows, axis=1, separator="-", keepdims=True)
    assert out.shape == (3, 1) and out.numpy()[:, 0].tolist() == [b"a-b", b"", b"c-d-e"]


def test_one_hot_of_ragged_rows_is_refused_clearly():
    layer = keras.layers.StringLookup(vocabulary=list("abc"), output_mode="one_hot")
    with pytest.raises(ValueError, match="one_hot.*RaggedTensor"):
        layer(tf.strings.unicode_split(["ab"], "UTF-8"))


def test_a_dense_layer_still_refuses_ragged_input():
    with pytest.raises(ValueError, match="rectangular"):
        keras.layers.Dense(2)(tf.ragged.constant([[1.0, 2.0], [3.0]]))


def test_against_tensorflow():
    tf_real = pytest.importorskip("tensorflow")
    got = _run(tf_real, tf_real.keras)
    assert {k: np.asarray(v, dtype=object).tolist() for k, v in got.items()} == EXPECTED
