"""Ops that could hand back their input: whether they do decides TensorFlow's gradient answers.

For `y = op(x)` and `z = 3 x` (which does not use y), `tape.gradient(z, y)` is None when y is a
new tensor and 3 when y is x itself. TensorFlow 2.21 returns the input itself from
`tf.add_n([x])`, `tf.cast` to the same dtype, `tf.convert_to_tensor` and `tf.nn.dropout` with
rate 0 (a Python number), and a new tensor from every other op below (recorded from it;
`test_tensorflow_agrees` reruns the table where TensorFlow is installed).
"""

import pytest

import tapegrad

ZERO_PADS = [[0, 0], [0, 0]]

# (id, op(m, x), returns x itself in TensorFlow)
CASES = [
    ("add_n_of_one", lambda m, x: m.add_n([x]), True),
    ("add_n_of_one_named", lambda m, x: m.add_n([x], name="total"), False),
    ("cast_to_same_dtype", lambda m, x: m.cast(x, m.float32), True),
    ("convert_to_tensor", lambda m, x: m.convert_to_tensor(x), True),
    ("dropout_rate_0", lambda m, x: m.nn.dropout(x, 0.0), True),
    ("dropout_rate_0_tensor", lambda m, x: m.nn.dropout(x, m.constant(0.0)), False),
    ("pad_zero_constant", lambda m, x: m.pad(x, ZERO_PADS), False),
    ("pad_zero_reflect", lambda m, x: m.pad(x, ZERO_PADS, mode="REFLECT"), False),
    ("pad_zero_symmetric", lambda m, x: m.pad(x, ZERO_PADS, mode="SYMMETRIC"), False),
    ("reshape_to_same_shape", lambda m, x: m.reshape(x, [1, 2]), False),
    ("transpose_identity", lambda m, x: m.transpose(x, [0, 1]), False),
    ("squeeze_no_axis", lambda m, x: m.squeeze(x, axis=[]), False),
    ("identity", lambda m, x: m.identity(x), False),
    ("broadcast_to_same_shape", lambda m, x: m.broadcast_to(x, [1, 2]), False),
    ("tile_by_ones", lambda m, x: m.tile(x, [1, 1]), False),
    ("concat_of_one", lambda m, x: m.concat([x], 0), False),
    ("stack_of_one", lambda m, x: m.stack([x]), False),
    ("reverse_no_axis", lambda m, x: m.reverse(x, []), False),
    ("clip_by_value_infinite", lambda m, x: m.clip_by_value(x, -float("inf"), float("inf")),
     False),
    ("reduce_sum_no_axis", lambda m, x: m.reduce_sum(x, axis=[]), False),
    ("reduce_max_no_axis", lambda m, x: m.reduce_max(x, axis=[]), False),
    ("getitem_all", lambda m, x: x[:], False),
    ("getitem_ellipsis", lambda m, x: x[...], False),
    ("split_in_one", lambda m, x: m.split(x, 1)[0], False),
    ("einsum_identity", lambda m, x: m.einsum("ij->ij", x), False),
    ("where_same_branches", lambda m, x: m.where(m.constant([[True, True]]), x, x), False),
    ("add_zero", lambda m, x: x + 0, False),
    ("multiply_one", lambda m, x: x * 1, False),
]


def _answers(m, op):
    x = m.constant([[1.0, 2.0]])
    with m.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = op(m, x)
        z = x * 3.0
        w = y * 2.0
    through_y = tape.gradient(z, y)
    through_x = tape.gradient(w, x)
    return y is x, None if through_y is None else through_y.numpy().tolist(), (
        through_x.numpy().tolist())


def _check(m, op, itself):
    same, through_y, through_x = _answers(m, op)
    assert same is itself
    assert through_y == ([[3.0, 3.0]] if itself else None)
    assert through_x == [[2.0, 2.0]]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_gradient_answers_match_tensorflow(case):
    _, op, itself = case
    _check(tapegrad, op, itself)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_tensorflow_agrees(case):
    tf_real = pytest.importorskip("tensorflow")
    _, op, itself = case
    _check(tf_real, op, itself)
