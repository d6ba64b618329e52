"""Scatters, partial updates of Variables and IndexedSlices gradients.

Expected values marked "TensorFlow 2.21" were printed by TensorFlow itself; the TensorFlow
comparisons at the end run the same programs on both (they skip without TensorFlow).
"""

import numpy as np
import pytest
from bad_input import assert_clear_error

import tapegrad as tf


def _v():
    return tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


def test_variable_slice_assign_writes_the_slice_and_returns_the_variable():
    v = _v()
    assert v[0, 1].assign(5.0) is v
    v[:, 0].assign([7.0, 8.0])
    np.testing.assert_array_equal(v.numpy(), [[7, 5, 3], [8, 5, 6]])
    v[:, 0].assign(7.0)  # a scalar broadcasts over the slice (TensorFlow 2.21)
    v[1:3].assign([[1.0, 1.0, 1.0]])  # the slice is clipped to the variable, as TensorFlow
    np.testing.assert_array_equal(v.numpy(), [[7, 5, 3], [1, 1, 1]])
    v[0].assign_add([1.0, 1.0, 1.0])
    v[:, 2].assign_sub(tf.constant([0.5, 0.5]))
    np.testing.assert_array_equal(v.numpy(), [[8, 6, 3.5], [1, 1, 0.5]])
    assert v[0, 1].assign(2.0, read_value=False) is None


def test_variable_slice_reads_as_a_tensor_with_the_variables_gradient():
    v = _v()
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(v[1] * 2.0)
    np.testing.assert_array_equal(tape.gradient(y, v).numpy(), [[0, 0, 0], [2, 2, 2]])
    assert isinstance(v[0], tf.Tensor)


def test_variable_slice_assign_refuses_a_bad_value_and_leaves_the_variable():
    v = _v()
    assert_clear_error(lambda: v[0].assign([1.0, 2.0]), tf.errors.InvalidArgumentError,
                       "[3]", "[2]")
    assert_clear_error(lambda: v[0, 5], tf.errors.InvalidArgumentError, "shape [2, 3]")
    np.testing.assert_array_equal(v.numpy(), _v().numpy())


def test_variable_scatter_methods():
    v = _v()
    v.scatter_nd_update([[0, 0]], [100.0])
    v.scatter_update(tf.IndexedSlices([[9.0, 9.0, 9.0]], [1]))
    v.scatter_max(tf.IndexedSlices([[0.0, 90.0, 9.0]], [1]))
    v.scatter_add(tf.IndexedSlices([[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]], [1, 1]))
    v.batch_scatter_update(tf.IndexedSlices([[5.0], [6.0]], [[1], [0]]))
    # TensorFlow 2.21, the same calls in order
    np.testing.assert_array_equal(v.numpy(), [[100, 5, 3], [6, 92, 11]])
    v.scatter_sub(tf.IndexedSlices([[1.0, 2.0, 1.0]], [0]))
    v.scatter_min(tf.IndexedSlices([[0.0, 9.0, 9.0]], [0]))
    v.scatter_nd_add([[1, 2]], [1.0])
    v.scatter_nd_sub([[1, 1]], [2.0])
    np.testing.assert_array_equal(v.numpy(), [[0, 3, 2], [6, 90, 12]])


def test_variable_scatter_refuses_bad_indices_and_dense_deltas():
    v = _v()
    assert_clear_error(lambda: v.scatter_nd_update([[5, 0]], [1.0]),
                       tf.errors.InvalidArgumentError, "indices[0] = [5, 0]", "[2, 3]")
    assert_clear_error(lambda: v.scatter_update([1.0]), TypeError, "sparse_delta",
                       "IndexedSlices")
    np.testing.assert_array_equal(v.numpy(), _v().numpy())


def test_scatter_nd_adds_repeated_indices():
    out = tf.scatter_nd([[1], [3], [1]], [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], [4, 2])
    np.testing.assert_array_equal(out.numpy(), [[0, 0], [6, 8], [0, 0], [3, 4]])


def test_tensor_scatter_nd_values():
    t = tf.constant([1.0, 2.0, 3.0, 4.0])
    # TensorFlow 2.21
    np.testing.assert_array_equal(tf.tensor_scatter_nd_add(t, [[1], [1]], [9.0, 3.0]),
                                  [1, 14, 3, 4])
    np.testing.assert_array_equal(tf.tensor_scatter_nd_sub(t, [[0]], [1.0]), [0, 2, 3, 4])
    np.testing.assert_array_equal(tf.tensor_scatter_nd_max(t, [[1], [1]], [9.0, 3.0]),
                                  [1, 9, 3, 4])
    np.testing.assert_array_equal(tf.tensor_scatter_nd_min(t, [[1], [2]], [9.0, 0.0]),
                                  [1, 2, 0, 4])
    np.testing.assert_array_equal(tf.tensor_scatter_nd_update(t, [[2]], [7.0]), [1, 2, 7, 4])
    m = tf.zeros([2, 3])
    np.testing.assert_array_equal(tf.tensor_scatter_nd_update(m, [[1]], [[1.0, 2.0, 3.0]]),
                                  [[0, 0, 0], [1, 2, 3]])


@pytest.mark.parametrize("op", ["tensor_scatter_nd_update", "tensor_scatter_nd_add",
                                "tensor_scatter_nd_max"])
def test_tensor_scatter_refuses_out_of_range_indices(op):
    t = tf.constant([1.0, 2.0, 3.0, 4.0])
    for bad in ([[5]], [[-1]]):  # TensorFlow 2.21: "indices[0] = [5] does not index into ..."
        assert_clear_error(lambda bad=bad: getattr(tf, op)(t, bad, [9.0]),
                           tf.errors.InvalidArgumentError, op, f"indices[0] = {bad[0]}",
                           "shape [4]")
    assert_clear_error(lambda: getattr(tf, op)(t, [[1]], [9.0, 3.0]),
                       tf.errors.InvalidArgumentError, "Indices shape: [1, 1]",
                       "updates shape: [2]")
    assert_clear_error(lambda: tf.scatter_nd([[5]], [9.0], [4]), tf.errors.InvalidArgumentError,
                       "scatter_nd", "indices[0] = [5]")


def test_tensor_scatter_gradients_follow_tensorflow():
    x = tf.Variable([1.0, 2.0, 3.0, 4.0])
    u = tf.constant([10.0, 20.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(u)
        y = tf.tensor_scatter_nd_update(x, [[1], [1]], u)
        z = tf.tensor_scatter_nd_max(x, [[1], [2]], [2.0, 1.0]) * tf.constant([1.0, 2, 3, 4])
    gx, gu = tape.gradient(y, [x, u])
    # TensorFlow 2.21: the updated position sends nothing to x; both repeated updates get 1
    np.testing.assert_array_equal(gx.numpy(), [1, 0, 1, 1])
    np.testing.assert_array_equal(gu.numpy(), [1, 1])
    # TensorFlow 2.21: x[1] == update: the tie splits the gradient
    np.testing.assert_array_equal(tape.gradient(z, x).numpy(), [1, 1, 3, 4])


def test_gather_gradient_is_indexed_slices():
    x = tf.Variable([1.0, 2.0, 3.0, 4.0])
    with tf.GradientTape(persistent=True) as tape:
        w = tf.gather(x, [0, 0, 3])
        both = [w, tf.gather(x, [1])]
        dense = tf.reduce_sum(w) + tf.reduce_sum(x * 2.0)
        on_axis_1 = tf.gather(tf.reshape(x, [2, 2]), [1], axis=1)
    g = tape.gradient(w, x)
    assert isinstance(g, tf.IndexedSlices)
    np.testing.assert_array_equal(g.indices.numpy(), [0, 0, 3])
    np.testing.assert_array_equal(g.values.numpy(), [1, 1, 1])
    assert g.indices.dtype == tf.int32 and g.dense_shape.numpy().tolist() == [4]
    np.testing.assert_array_equal(tf.convert_to_tensor(g).numpy(), [2, 0, 0, 1])
    summed = tape.gradient(both, x)  # TensorFlow 2.21: both IndexedSlices, rows concatenated
    assert isinstance(summed, tf.IndexedSlices)
    np.testing.assert_array_equal(summed.indices.numpy(), [1, 0, 0, 3])
    np.testing.assert_array_equal(tape.gradient(dense, x).numpy(), [4, 2, 2, 3])
    np.testing.assert_array_equal(tape.gradient(on_axis_1, x).numpy(), [0, 1, 0, 1])


def test_indexed_slices_gradient_differentiates_again():
    emb = tf.Variable(tf.reshape(tf.range(12.0), [4, 3]))
    with tf.GradientTape(persistent=True) as outer:
        with tf.GradientTape() as inner:
            y = tf.reduce_sum(tf.gather(emb, [1, 3, 1]) ** 2)
        g = inner.gradient(y, emb)
        dense = tf.reduce_sum(tf.convert_to_tensor(g) ** 2)
        rows = tf.reduce_sum(g.values ** 2)
    # TensorFlow 2.21
    np.testing.assert_array_equal(outer.gradient(dense, emb).values.numpy(),
                                  [[48, 64, 80], [72, 80, 88], [48, 64, 80]])
    np.testing.assert_array_equal(outer.gradient(rows, emb).values.numpy(),
                                  [[24, 32, 40], [72, 80, 88], [24, 32, 40]])


def test_indexed_slices_in_ops_reads_dense():
    s = tf.IndexedSlices(tf.constant([[1.0, 2.0]]), [2], [3, 2])
    np.testing.assert_array_equal((tf.ones([3, 2]) + s).numpy(), [[1, 1], [1, 1], [2, 3]])
    assert s.shape == tf.TensorShape([3, 2]) and s.dtype == tf.float32
    np.testing.assert_array_equal(np.asarray(-s), [[0, 0], [0, 0], [-1, -2]])


# -- against TensorFlow -------------------------------------------------------------------------

def _program(t):
    v = t.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    v[0, 1].assign(5.0)
    v[:, 0].assign([7.0, 8.0])
    v.scatter_nd_update([[0, 2], [1, 1]], [30.0, 50.0])
    x = t.Variable(np.linspace(-1.0, 1.0, 12).reshape(4, 3).astype(np.float32))
    with t.GradientTape(persistent=True) as tape:
        a = t.tensor_scatter_nd_update(x * 2.0, [[1], [3]], t.ones([2, 3]))
        b = t.tensor_scatter_nd_min(x, [[0, 0], [2, 1], [0, 0]], [0.0, -2.0, -0.5])
        c = t.scatter_nd([[2], [0], [2]], x[:3] * x[:3], [5, 3])
        e = t.gather(x, [[3, 1], [1, 1]]) * t.constant([1.0, 2.0, 3.0])
        loss = [t.reduce_sum(a * a), t.reduce_sum(b * x), t.reduce_sum(c), t.reduce_sum(e)]
    grads = [t.convert_to_tensor(tape.gradient(y, x)).numpy() for y in loss]
    return [v.numpy(), a.numpy(), b.numpy(), c.numpy()] + grads


def test_scatter_program_matches_tensorflow():
    tf_real = pytest.importorskip("tensorflow")
    for got, want in zip(_program(tf), _program(tf_real)):
        np.testing.assert_allclose(got, want, rtol=1e-6)
