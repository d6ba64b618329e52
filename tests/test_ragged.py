"""tf.RaggedTensor and tf.ragged: values recorded from TensorFlow 2.21 (the comparison at the
end runs the same program on both and skips without TensorFlow)."""

import math

import pytest
from bad_input import assert_clear_error

import tapegrad as tf

NAN = math.nan


def L(x):  # short on purpose: one result per line below
    return x.to_list() if hasattr(x, "to_list") else x.numpy().tolist()


def _program(t):
    """The same calls on TensorFlow or tapegrad: every result as nested lists."""
    out = []
    rt = t.ragged.constant([[1.0, 2.0, 3.0], [], [4.0, -5.0]])
    out += [
        L(t.reduce_max(rt, axis=1)),
        L(t.reduce_min(rt, axis=1)),
        L(t.reduce_mean(rt, axis=1)),
        L(t.reduce_sum(rt, axis=0)),
        L(t.reduce_mean(rt, axis=0)),
        L(t.reduce_sum(rt)),
        L(t.reduce_sum(rt, axis=1, keepdims=True)),
    ]
    out += [
        L(rt[0]),
        L(rt[1:]),
        L(rt[2, 1]),
        L(rt[-1]),
        list(rt.shape),
        rt.dtype.name,
        rt.ragged_rank,
    ]
    out += [
        L(rt + 1),
        L(rt * rt),
        L(-rt),
        L(2.0 - rt),
        L(rt / 2.0),
        L(rt**2),
        L(rt + t.constant([[1.0], [2.0], [3.0]])),
    ]
    out += [L(t.concat([rt, rt], axis=0)), L(t.concat([rt, rt], axis=1))]
    out += [
        L(t.RaggedTensor.from_value_rowids([1, 2, 3], [0, 0, 2], nrows=4)),
        L(t.RaggedTensor.from_tensor([[1, 2, 0], [3, 0, 0]], padding=0)),
        L(t.RaggedTensor.from_tensor([[1, 2, 0], [3, 0, 0]], lengths=[1, 3])),
    ]
    out += [
        L(rt.to_tensor(default_value=9.0)),
        L(rt.to_tensor()),
        L(rt.to_tensor(shape=[2, 2])),
        L(rt.value_rowids()),
        int(rt.nrows()),
        L(rt.row_lengths()),
        L(rt.row_splits),
        L(rt.flat_values),
    ]
    out += [
        L(t.ragged.map_flat_values(t.square, rt)),
        L(t.ragged.constant([["a", "bc"], ["d"]])),
        list(t.ragged.constant([[[1, 2], [3, 4]], [[5, 6]]], ragged_rank=1).shape),
    ]
    out += [
        L(t.RaggedTensor.from_row_lengths([1, 2, 3], [2, 0, 1])),
        L(t.RaggedTensor.from_row_splits([1, 2, 3], [0, 1, 3])),
    ]
    out += [L(t.strings.split(t.constant(["a b", "c"])))]
    v = t.Variable([1.0, 2.0, 3.0, 4.0, -5.0])
    with t.GradientTape() as tape:
        r = t.RaggedTensor.from_row_splits(v, [0, 3, 3, 5])
        y = (
            t.reduce_sum(t.reduce_mean(r * r, axis=1)[::2])
            + t.reduce_sum(t.reduce_max(r, axis=1)[::2])
            + t.reduce_sum(r.to_tensor() * t.constant([[1.0, 2, 3], [4, 5, 6], [7, 8, 9]]))
            + t.reduce_sum(t.ragged.map_flat_values(t.exp, r).flat_values)
            + t.reduce_sum(r[0])
        )
    out.append(L(tape.gradient(y, v)))
    return out


# TensorFlow 2.21's results of _program, in order (the reduce_mean of an empty row is NaN)
EXPECTED = [
    [3.0, -3.4028234663852886e38, 4.0],
    [1.0, 3.4028234663852886e38, -5.0],
    [2.0, NAN, -0.5],
    [5.0, -3.0, 3.0],
    [2.5, -1.5, 3.0],
    5.0,
    [[6.0], [0.0], [-1.0]],
    [1.0, 2.0, 3.0],
    [[], [4.0, -5.0]],
    -5.0,
    [4.0, -5.0],
    [3, None],
    "float32",
    1,
    [[2.0, 3.0, 4.0], [], [5.0, -4.0]],
    [[1.0, 4.0, 9.0], [], [16.0, 25.0]],
    [[-1.0, -2.0, -3.0], [], [-4.0, 5.0]],
    [[1.0, 0.0, -1.0], [], [-2.0, 7.0]],
    [[0.5, 1.0, 1.5], [], [2.0, -2.5]],
    [[1.0, 4.0, 9.0], [], [16.0, 25.0]],
    [[2.0, 3.0, 4.0], [], [7.0, -2.0]],
    [[1.0, 2.0, 3.0], [], [4.0, -5.0], [1.0, 2.0, 3.0], [], [4.0, -5.0]],
    [[1.0, 2.0, 3.0, 1.0, 2.0, 3.0], [], [4.0, -5.0, 4.0, -5.0]],
    [[1, 2], [], [3], []],
    [[1, 2], [3]],
    [[1], [3, 0, 0]],
    [[1.0, 2.0, 3.0], [9.0, 9.0, 9.0], [4.0, -5.0, 9.0]],
    [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [4.0, -5.0, 0.0]],
    [[1.0, 2.0], [0.0, 0.0]],
    [0, 0, 0, 2, 2],
    3,
    [3, 0, 2],
    [0, 3, 3, 5],
    [1.0, 2.0, 3.0, 4.0, -5.0],
    [[1.0, 4.0, 9.0], [], [16.0, 25.0]],
    [[b"a", b"bc"], [b"d"]],
    [2, None, 2],
    [[1, 2], [], [3]],
    [[1], [2, 3]],
    [[b"a", b"b"], [b"c"]],
    [5.38494873046875, 11.722390174865723, 27.08553695678711, 66.59814453125, 3.00673770904541],
]


def _same(got, want):
    if isinstance(want, list):
        return len(got) == len(want) and all(_same(g, w) for g, w in zip(got, want))
    if isinstance(want, float):
        return (math.isnan(want) and math.isnan(got)) or math.isclose(got, want, rel_tol=1e-6)
    return got == want


def test_ragged_ops_give_tensorflows_values():
    got = _program(tf)
    assert len(got) == len(EXPECTED)
    for i, (g, want) in enumerate(zip(got, EXPECTED)):
        assert _same(g, want), (i, g, want)


def test_ragged_ops_match_tensorflow():
    tf_real = pytest.importorskip("tensorflow")
    for i, (g, want) in enumerate(zip(_program(tf), _program(tf_real))):
        assert _same(g, want), (i, g, want)


def test_ragged_bad_inputs():
    rt = tf.ragged.constant([[1.0, 2.0], [3.0]])
    assert_clear_error(
        lambda: rt + tf.ragged.constant([[1.0], [2.0, 3.0]]),
        tf.errors.InvalidArgumentError,
        "row lengths",
        "[2, 1]",
        "[1, 2]",
    )
    assert_clear_error(lambda: rt + tf.ones([3, 2]), tf.errors.InvalidArgumentError, "[3, 2]")
    assert_clear_error(lambda: rt[5], IndexError, "row 5")
    assert_clear_error(
        lambda: tf.RaggedTensor.from_row_splits([1.0, 2.0], [0, 3]),
        ValueError,
        "row_splits",
        "[0, 3]",
    )
    assert_clear_error(
        lambda: tf.ragged.constant([[[1], [2, 3]]]), NotImplementedError, "ragged_rank"
    )
    assert_clear_error(lambda: tf.reduce_prod(rt, axis=1), NotImplementedError, "reduce_prod")
    assert_clear_error(
        lambda: tf.concat([rt, tf.ragged.constant([[1.0]])], axis=1),
        tf.errors.InvalidArgumentError,
        "row counts",
    )
