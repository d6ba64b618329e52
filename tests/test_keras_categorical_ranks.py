"""One-hot, multi-hot and count encodings of inputs of rank 2 and more, as Keras 3.15 gives
them (shapes recorded from Keras 3.15 on TensorFlow 2.21): a one-hot encoding adds an axis (a
last axis of size 1 is replaced), multi-hot and count replace the last axis."""

import numpy as np
import pytest

from tapegrad import keras

LAYERS = {
    "string": lambda mode: keras.layers.StringLookup(vocabulary=["a", "b", "c"], output_mode=mode),
    "integer": lambda mode: keras.layers.IntegerLookup(vocabulary=[1, 2, 3], output_mode=mode),
    "hashing": lambda mode: keras.layers.Hashing(num_bins=4, output_mode=mode),
}
PAIRS = {"string": [["a", "b"], ["c", "a"]], "integer": [[1, 2], [3, 1]], "hashing": [[1, 2], [3, 1]]}


@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_lookup_encodings_of_rank_2_and_3(kind):
    pairs = np.array(PAIRS[kind])
    single = pairs[:1, :1, None]  # (1, 1, 1)
    assert LAYERS[kind]("one_hot")(pairs).shape == (2, 2, 4)
    assert LAYERS[kind]("multi_hot")(pairs).shape == (2, 4)
    assert LAYERS[kind]("multi_hot")(single).shape == (1, 1, 4)
    # Keras 3.15: (1, 1, 4) for the lookups, (1, 4) for Hashing
    assert LAYERS[kind]("one_hot")(single).shape == ((1, 4) if kind == "hashing" else (1, 1, 4))


def test_category_encoding_of_rank_2_and_3():
    x = np.array([[0, 1], [2, 3]])
    one_hot = keras.layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")(x)
    np.testing.assert_array_equal(one_hot, np.eye(4)[x])
    counts = keras.layers.CategoryEncoding(4, output_mode="count")(np.array([[0, 0, 3]]))
    np.testing.assert_array_equal(counts, [[2, 0, 0, 1]])
    cube = np.zeros((2, 2, 2), "int32")
    assert keras.layers.CategoryEncoding(4, output_mode="one_hot")(cube).shape == (2, 2, 2, 4)
    assert keras.layers.CategoryEncoding(4, output_mode="multi_hot")(cube).shape == (2, 2, 4)
    symbolic = keras.layers.CategoryEncoding(4, output_mode="one_hot")(keras.Input((2,), dtype="int64"))
    assert tuple(symbolic.shape) == (None, 2, 4)
