"""keras.layers.HashedCrossing as Keras 3's on TensorFlow, and tf.sparse.cross_hashed: its bins
(FarmHash Fingerprint64 of strings, an integer's own bits, folded by FingerprintCat64 from the
default key), checked against recorded Keras 3.15 values and, where installed, TensorFlow's
kernel itself."""

import numpy as np
import pytest
from bad_input import assert_clear_error

import tapegrad as tf
from tapegrad import keras

HashedCrossing = keras.layers.HashedCrossing
A = np.array(["A", "B", "A", "B", "A"])
B = np.array([101, 101, 101, 102, 102])


def test_hashed_crossing_bins_match_keras():
    out = HashedCrossing(num_bins=5)((A, B))
    # recorded from Keras 3.15 (its docstring's example)
    assert out.dtype == tf.int64 and out.numpy().tolist() == [1, 4, 1, 1, 3]
    column = HashedCrossing(num_bins=5)((A[:, None], tf.constant(B[:, None])))
    assert column.numpy().tolist() == [[1], [4], [1], [1], [3]]
    assert HashedCrossing(num_bins=5)((np.array("A"), np.array(3))).numpy() == 1
    three = HashedCrossing(num_bins=7)((B.astype("int32"), B, A))
    assert three.numpy().tolist() == [2, 1, 2, 3, 0]  # recorded from Keras 3.15
    assert HashedCrossing(num_bins=5, dtype="int32")((A, B)).dtype == tf.int32


def _crossed(inputs, num_buckets, **kwargs):
    out = tf.sparse.cross_hashed(inputs, num_buckets, **kwargs)
    return out.indices.numpy().tolist(), out.values.numpy().tolist(), out.dense_shape.numpy(
        ).tolist()


def test_sparse_cross_hashed_matches_tensorflow_kernel_values():
    # each recorded from TensorFlow 2.21's tf.sparse.cross_hashed on the same inputs
    column = np.array  # one feature per row
    assert _crossed([column([[b"a"], [b"b"], [b"hello"]]), column([["x"], [""], ["world"]])],
                    1000)[1] == [892, 392, 615]
    assert _crossed([column([[1], [-5], [123456789012]]), column([[7], [0], [3]])],
                    1000)[1] == [889, 635, 872]
    assert _crossed([column([[1], [-5], [123456789012]]), column([["x"], [""], ["world"]])],
                    0)[1] == [854275097015501859, 4966040899630419304, 2494964361615509201]
    two_by_three = _crossed([tf.constant([["a", "b"], ["c", "d"]]),
                             tf.constant([["x", "y", "z"], ["u", "v", "w"]])], 100)
    assert two_by_three[1] == [92, 47, 22, 4, 5, 60, 91, 31, 35, 12, 37, 51]  # a-x, a-y, ...
    assert two_by_three[2] == [2, 6]
    sparse = tf.SparseTensor([[0, 0], [1, 0], [1, 1]], ["a", "b", "c"], [3, 2])
    assert _crossed([sparse, tf.constant([["d"], ["e"], ["f"]])], 100, hash_key=7) == (
        [[0, 0], [1, 0], [1, 1]], [10, 23, 88], [3, 2])  # row 2: no feature, no cross


def test_sparse_cross_hashed_bad_inputs():
    words = tf.constant([["a", "b"], ["c", "d"]])
    assert_clear_error(lambda: tf.sparse.cross_hashed([words, tf.constant([["d"]] * 3)]),
                       tf.errors.InvalidArgumentError, "batch size 2", "3")
    assert_clear_error(lambda: tf.sparse.cross_hashed([tf.constant(["a"]), words]),
                       tf.errors.InvalidArgumentError, "matri", "[1]")
    assert_clear_error(lambda: tf.sparse.cross_hashed([words, words], -1),
                       tf.errors.InvalidArgumentError, "num_buckets", "-1")
    assert_clear_error(lambda: tf.sparse.cross_hashed([tf.constant([[1.5], [2.0]]), words]),
                       TypeError, "int64", "float32")


def test_hashed_crossing_one_hot_and_models():
    hot = HashedCrossing(num_bins=5, output_mode="one_hot")((A, B))
    assert hot.dtype == tf.float32 and hot.shape == (5, 5)
    np.testing.assert_array_equal(hot.numpy().argmax(-1), [1, 4, 1, 1, 3])
    assert HashedCrossing(5, output_mode="one_hot")((A[:, None], B[:, None])).shape == (5, 5)
    assert HashedCrossing(5).get_config() | {"name": None} == {
        "num_bins": 5, "output_mode": "int", "sparse": False, "name": None, "dtype": "int64"}
    words, ids = keras.Input((1,), dtype="string"), keras.Input((1,), dtype="int64")
    crossed = HashedCrossing(num_bins=5)((words, ids))
    assert crossed.shape == (None, 1) and crossed.dtype == "int64"
    model = keras.Model([words, ids], crossed)
    out = model.predict([A[:, None], B[:, None]], verbose=0)
    np.testing.assert_array_equal(out[:, 0], [1, 4, 1, 1, 3])


def test_hashed_crossing_bad_inputs():
    assert_clear_error(lambda: HashedCrossing(5, output_mode="multi_hot"), ValueError,
                       "output_mode", "multi_hot")
    assert_clear_error(lambda: HashedCrossing(0), ValueError, "num_bins", "0")
    assert_clear_error(lambda: HashedCrossing(5, sparse=True), ValueError, "sparse")
    assert_clear_error(lambda: HashedCrossing(5)(A), ValueError, "list or tuple")
    assert_clear_error(lambda: HashedCrossing(5)((A,)), ValueError, "at least two")
    assert_clear_error(lambda: HashedCrossing(5)((A, B[:3])), ValueError, "equal shape",
                       "(5,)", "(3,)")
    assert_clear_error(lambda: HashedCrossing(5)((A[:, None, None], B[:, None, None])),
                       ValueError, "(batch_size, 1)", "(5, 1, 1)")
    assert_clear_error(lambda: HashedCrossing(5)((np.ones(5), B)), ValueError,
                       "integer or string", "float64")


def test_hashed_crossing_matches_tensorflow(tf_keras_real):
    tf_real, k3 = tf_keras_real
    rng = np.random.default_rng(0)
    words = np.array(["".join(rng.choice(list("abcdé"), size=rng.integers(0, 70)))
                      for _ in range(40)])
    ints = rng.integers(-(2 ** 62), 2 ** 62, size=40)
    small = rng.integers(0, 9, size=40).astype("int32")
    for num_bins in (1, 7, 1000):
        for columns in ((words, ints), (small, words, ints), (ints, small)):
            ours = HashedCrossing(num_bins)(columns).numpy()
            theirs = np.asarray(k3.layers.HashedCrossing(num_bins)(columns))
            np.testing.assert_array_equal(ours, theirs)
    rows = [words.reshape(20, 2), ints.reshape(20, 2), small[:, None][:20]]
    for key in (None, 12345):
        want = tf_real.sparse.cross_hashed([tf_real.constant(r) for r in rows], 0,
                                           hash_key=key)
        got = tf.sparse.cross_hashed(rows, 0, hash_key=key)
        np.testing.assert_array_equal(got.indices.numpy(), want.indices.numpy())
        np.testing.assert_array_equal(got.values.numpy(), want.values.numpy())


@pytest.mark.parametrize("mode", ["int", "one_hot"])
def test_hashed_crossing_config_matches_keras(tf_keras_real, mode):
    _, k3 = tf_keras_real
    assert HashedCrossing(9, output_mode=mode, name="h").get_config() == (
        k3.layers.HashedCrossing(9, output_mode=mode, name="h").get_config())
