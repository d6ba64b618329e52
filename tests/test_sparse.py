"""tf.SparseTensor and tf.sparse.*: values recorded from TensorFlow 2.21 (the comparison at the
end runs the same program on both and skips without TensorFlow)."""

import numpy as np
import pytest
from bad_input import assert_clear_error

import tapegrad as tf


def _parts(sp):
    return [sp.indices.numpy().tolist(), sp.values.numpy().tolist(),
            sp.dense_shape.numpy().tolist()]


def _program(t):
    """The same calls on TensorFlow or tapegrad: every result as nested lists."""
    out = []
    st = t.SparseTensor([[0, 1], [2, 0], [2, 3]], [1.0, 2.0, 3.0], [3, 4])
    out += [t.sparse.to_dense(st).numpy().tolist(),
            t.sparse.to_dense(st, default_value=-1.0).numpy().tolist()]
    out.append(_parts(t.sparse.from_dense(t.constant([[0.0, 5.0], [6.0, 0.0]]))))
    a = t.SparseTensor([[1, 0], [0, 2]], [1.0, 2.0], [2, 3])
    r = t.sparse.reorder(a)
    out.append(_parts(r))
    out.append(_parts(t.sparse.add(r, t.SparseTensor([[1, 0], [1, 1]], [-1.0, 0.5], [2, 3]),
                                   threshold=0.6)))
    out.append(t.sparse.add(r, t.ones([2, 3])).numpy().tolist())
    b = t.constant(np.arange(12.0, dtype=np.float32).reshape(3, 4))
    out += [t.sparse.sparse_dense_matmul(r, b).numpy().tolist(),
            t.sparse.sparse_dense_matmul(r, t.transpose(b), adjoint_b=True).numpy().tolist(),
            t.sparse.sparse_dense_matmul(t.ones([4, 2]), r).numpy().tolist()]
    x = t.SparseTensor([[0, 0], [0, 2], [1, 1]], [-1.0, -2.0, -3.0], [3, 3])
    out += [float(t.sparse.reduce_max(x)), t.sparse.reduce_max(x, 1).numpy().tolist(),
            t.sparse.reduce_max(x, 0).numpy().tolist(), float(t.sparse.reduce_sum(x)),
            t.sparse.reduce_sum(x, 1).numpy().tolist(),
            t.sparse.reduce_sum(x, 0, keepdims=True).numpy().tolist(),
            _parts(t.sparse.reduce_sum(x, 1, output_is_sparse=True)),
            _parts(t.sparse.concat(1, [a, r])), _parts(t.sparse.reshape(x, [9])),
            _parts(t.sparse.reshape(x, [-1, 1])), _parts(t.sparse.slice(x, [0, 1], [2, 5])),
            _parts(t.sparse.transpose(x)), _parts(t.sparse.retain(x, [True, False, True]))]
    out += [_parts(st * 42.0), _parts(st * t.constant([1.0, 2.0, 3.0, 4.0])), _parts(st / 2.0)]
    m = t.sparse.mask(t.IndexedSlices(t.constant([[1.0], [2.0], [3.0]]), t.constant([0, 4, 2]),
                                      t.constant([5, 1])), [4])
    out.append([m.indices.numpy().tolist(), m.values.numpy().tolist()])
    v, w = t.Variable([1.0, 2.0, 3.0]), t.Variable(np.ones((3, 4), np.float32))
    with t.GradientTape() as tape:
        sp = t.SparseTensor([[0, 1], [2, 0], [2, 2]], v * 2.0, [3, 3])
        y = (t.reduce_sum(t.sparse.sparse_dense_matmul(sp, w) ** 2)
             + t.reduce_sum(t.sparse.to_dense(t.sparse.reorder(sp)) * 3.0)
             + t.reduce_sum(t.sparse.reduce_sum(sp, 0)))
    out.append([g.numpy().tolist() for g in tape.gradient(y, [v, w])])
    return out


# TensorFlow 2.21's results of _program, in order
EXPECTED = [
    [[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [2.0, 0.0, 0.0, 3.0]],
    [[-1.0, 1.0, -1.0, -1.0], [-1.0, -1.0, -1.0, -1.0], [2.0, -1.0, -1.0, 3.0]],
    ([[0, 1], [1, 0]], [5.0, 6.0], [2, 2]),
    ([[0, 2], [1, 0]], [2.0, 1.0], [2, 3]),
    ([[0, 2], [1, 1]], [2.0, 0.5], [2, 3]),
    [[1.0, 1.0, 3.0], [2.0, 1.0, 1.0]],
    [[16.0, 18.0, 20.0, 22.0], [0.0, 1.0, 2.0, 3.0]],
    [[16.0, 18.0, 20.0, 22.0], [0.0, 1.0, 2.0, 3.0]],
    [[1.0, 0.0, 2.0], [1.0, 0.0, 2.0], [1.0, 0.0, 2.0], [1.0, 0.0, 2.0]],
    -1.0, [-1.0, -3.0, 0.0], [-1.0, -3.0, -2.0], -6.0, [-3.0, -3.0, 0.0],
    [[-1.0, -3.0, -2.0]],
    ([[0], [1]], [-3.0, -3.0], [3]),
    ([[0, 2], [0, 5], [1, 0], [1, 3]], [2.0, 2.0, 1.0, 1.0], [2, 6]),
    ([[0], [2], [4]], [-1.0, -2.0, -3.0], [9]),
    ([[0, 0], [2, 0], [4, 0]], [-1.0, -2.0, -3.0], [9, 1]),
    ([[0, 1], [1, 0]], [-2.0, -3.0], [2, 2]),
    ([[0, 0], [1, 1], [2, 0]], [-1.0, -3.0, -2.0], [3, 3]),
    ([[0, 0], [1, 1]], [-1.0, -3.0], [3, 3]),
    [[[0, 1], [2, 0], [2, 3]], [42.0, 84.0, 126.0], [3, 4]],
    [[[0, 1], [2, 0], [2, 3]], [2.0, 2.0, 12.0], [3, 4]],
    [[[0, 1], [2, 0], [2, 3]], [0.5, 1.0, 1.5], [3, 4]],
    [[0, 2], [[1.0], [3.0]]],
    [[40.0, 168.0, 168.0],
     [[80.0, 80.0, 80.0, 80.0], [8.0, 8.0, 8.0, 8.0], [120.0, 120.0, 120.0, 120.0]]],
]


def test_sparse_ops_give_tensorflows_values():
    got = _program(tf)
    assert len(got) == len(EXPECTED)
    for g, want in zip(got, EXPECTED):
        assert g == (list(want) if isinstance(want, tuple) else want)


def test_sparse_ops_match_tensorflow():
    tf_real = pytest.importorskip("tensorflow")
    assert _program(tf) == _program(tf_real)


def test_sparse_tensor_properties():
    st = tf.SparseTensor([[0, 1]], [2.0], [2, 3])
    assert st.shape == tf.TensorShape([2, 3]) and st.dtype == tf.float32
    assert st.indices.dtype == tf.int64 and st.dense_shape.dtype == tf.int64
    assert _parts(st.with_values([5.0])) == [[[0, 1]], [5.0], [2, 3]]
    assert tf.SparseTensor is tf.sparse.SparseTensor


def test_sparse_bad_inputs():
    a = tf.SparseTensor([[1, 0], [0, 2]], [1.0, 2.0], [2, 3])
    assert_clear_error(lambda: tf.sparse.to_dense(a), tf.errors.InvalidArgumentError,
                       "out of order", "tf.sparse.reorder")
    assert_clear_error(lambda: tf.sparse.to_dense(tf.SparseTensor([[0, 0], [0, 0]], [1.0, 2.0],
                                                                  [2, 2])),
                       tf.errors.InvalidArgumentError, "repeated")
    assert_clear_error(lambda: tf.sparse.to_dense(tf.SparseTensor([[5, 0]], [1.0], [2, 2])),
                       tf.errors.InvalidArgumentError, "[5, 0]", "out of bounds")
    assert_clear_error(lambda: tf.sparse.add(a, tf.SparseTensor([[0, 0]], [1.0], [3, 3])),
                       tf.errors.InvalidArgumentError, "[2, 3]", "[3, 3]")
    assert_clear_error(lambda: tf.sparse.sparse_dense_matmul(a, tf.ones([2, 2])),
                       tf.errors.InvalidArgumentError, "inner dimensions", "[2, 2]")
    assert_clear_error(lambda: tf.SparseTensor([[0, 0]], [1.0, 2.0], [2, 2]), ValueError,
                       "values of shape [2]")
    assert_clear_error(lambda: tf.sparse.reshape(a, [4, 2]), tf.errors.InvalidArgumentError,
                       "[4, 2]")
    assert_clear_error(lambda: tf.sparse.to_dense(tf.ones([2])), TypeError, "SparseTensor")
    assert_clear_error(lambda: a * a, TypeError, "must be dense", "tf.sparse.to_dense")
