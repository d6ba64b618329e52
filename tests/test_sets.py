"""tf.sets: values recorded from TensorFlow 2.21 (the comparison at the end runs the same
program on both and skips without TensorFlow)."""

import pytest
from bad_input import assert_clear_error

import tapegrad as tf


def P(sp):  # one SparseTensor as lists
    return [
        sp.indices.numpy().tolist(),
        sp.values.numpy().tolist(),
        sp.dense_shape.numpy().tolist(),
        sp.values.dtype.name,
    ]


def _program(t):
    out = []
    a = t.constant([[1, 2, 3], [4, 5, 5]])
    b = t.constant([[3, 1, 7], [6, 5, 4]])
    out.append(P(t.sets.union(a, b)))
    out.append(P(t.sets.intersection(a, b)))
    out.append(P(t.sets.difference(a, b)))
    out.append(P(t.sets.difference(a, b, aminusb=False)))
    out.append(
        [
            t.sets.size(t.sparse.from_dense(a)).numpy().tolist(),
            t.sets.size(t.sparse.from_dense(a)).dtype.name,
        ]
    )
    try:
        t.sets.size(a)
    except TypeError:
        out.append("TypeError")
    sa = t.SparseTensor([[0, 0], [0, 1], [1, 0]], [9, 2, 4], [2, 3])
    out.append(P(t.sets.union(sa, b)))
    out.append(P(t.sets.intersection(a, sa)))
    out.append(t.sets.size(sa).numpy().tolist())
    out.append(
        P(t.sets.union(t.constant([[[1], [2]], [[3], [4]]]), t.constant([[[1], [5]], [[3], [3]]])))
    )
    out.append(P(t.sets.union(t.constant([["a", "b"]]), t.constant([["c", "a"]]))))
    return out


# TensorFlow 2.21's results of _program, in order
EXPECTED = [
    [
        [[0, 0], [0, 1], [0, 2], [0, 3], [1, 0], [1, 1], [1, 2]],
        [1, 2, 3, 7, 4, 5, 6],
        [2, 4],
        "int32",
    ],
    [[[0, 0], [0, 1], [1, 0], [1, 1]], [1, 3, 4, 5], [2, 2], "int32"],
    [[[0, 0]], [2], [2, 1], "int32"],
    [[[0, 0], [1, 0]], [7, 6], [2, 1], "int32"],
    [[3, 2], "int32"],
    "TypeError",
    [
        [[0, 0], [0, 1], [0, 2], [0, 3], [0, 4], [1, 0], [1, 1], [1, 2]],
        [1, 2, 3, 7, 9, 4, 5, 6],
        [2, 5],
        "int32",
    ],
    [[[0, 0], [1, 0]], [2, 4], [2, 1], "int32"],
    [2, 1],
    [
        [[0, 0, 0], [0, 1, 0], [0, 1, 1], [1, 0, 0], [1, 1, 0], [1, 1, 1]],
        [1, 2, 5, 3, 3, 4],
        [2, 2, 2],
        "int32",
    ],
    [[[0, 0], [0, 1], [0, 2]], [b"a", b"b", b"c"], [1, 3], "string"],
]


def test_sets_give_tensorflows_values():
    assert _program(tf) == EXPECTED


def test_sets_match_tensorflow():
    tf_real = pytest.importorskip("tensorflow")
    assert _program(tf) == _program(tf_real)


def test_sets_bad_inputs():
    assert_clear_error(
        lambda: tf.sets.union(tf.constant([[1.0]]), tf.constant([[1.0]])), TypeError, "float32"
    )
    assert_clear_error(
        lambda: tf.sets.union(tf.constant([1, 2]), tf.constant([1, 2])),
        tf.errors.InvalidArgumentError,
        "rank 1 < 2",
    )
    assert_clear_error(
        lambda: tf.sets.intersection(tf.constant([[1, 2]]), tf.constant([[1, 2], [3, 4]])),
        tf.errors.InvalidArgumentError,
        "[1] vs [2]",
    )
    assert_clear_error(lambda: tf.sets.size(tf.constant([[1]])), TypeError, "SparseTensor")
