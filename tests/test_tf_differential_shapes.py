"""Differential test against TensorFlow: shapes, indexing, creation and linear algebra.

Skipped unless `import tensorflow` works. As in test_tf_differential.py, each case is one
function `f(m, *xs)` run with `m = tapegrad` and `m = tensorflow` in float64, comparing values,
the reverse gradient of <u, f(x)>, the forward JVP along v and the second derivative (None where
TensorFlow gives None: the ops here are mostly linear). Creation ops are compared by value and
dtype, and jacobian / batch_jacobian by shape and value.

    PYTHONPATH=src /path/to/python-with-tensorflow -m pytest tests/test_tf_differential_shapes.py
"""

import numpy as np
import pytest

import tapegrad

tf = pytest.importorskip("tensorflow")

from test_tf_differential import (  # noqa: E402
    ANY, POS, RTOL, _same, check_against_tensorflow,
)

M = (2, 3)
T = (2, 3, 4)
SQ = (3, 3)
I3 = 3.0 * np.eye(3)  # added to random square inputs to keep them well conditioned
MASK = np.array([[True, False, True], [False, True, True]])


def _spd(m, a):
    return m.matmul(a, a, transpose_b=True) + I3


# (id, f(m, *xs), [(shape, domain), ...], order[, rtol[, forward]]).
CASES = [
    # -- reshaping
    ("reshape", lambda m, x: m.reshape(x, [3, 2]) * x[0, 0], [(M, ANY)], 2),
    ("reshape_infer", lambda m, x: m.reshape(x, [-1, 2]), [(T, ANY)], 2),
    ("transpose", lambda m, x: m.transpose(x, perm=[2, 0, 1]), [(T, ANY)], 2),
    ("transpose_default", lambda m, x: m.transpose(x), [(T, ANY)], 2),
    ("matrix_transpose", lambda m, x: m.linalg.matrix_transpose(x), [(T, ANY)], 2),
    ("squeeze_all", lambda m, x: m.squeeze(x), [((1, 3, 1), ANY)], 2),
    ("squeeze_axis", lambda m, x: m.squeeze(x, axis=[-1]), [((1, 3, 1), ANY)], 2),
    ("expand_dims_0", lambda m, x: m.expand_dims(x, 0), [(M, ANY)], 2),
    ("expand_dims_neg", lambda m, x: m.expand_dims(x, -1) * x[:, None, :], [(M, ANY)], 2),
    ("concat", lambda m, x, y: m.concat([x, y], axis=0), [(M, ANY), ((1, 3), ANY)], 2),
    ("concat_neg", lambda m, x, y: m.concat([x, y, x], axis=-1), [(M, ANY), ((2, 1), ANY)], 2),
    ("stack", lambda m, x, y: m.stack([x, y], axis=1), [(M, ANY), (M, ANY)], 2),
    ("stack_neg", lambda m, x, y: m.stack([x, y * x], axis=-1), [(M, ANY), (M, ANY)], 2),
    ("unstack", lambda m, x: m.unstack(x, axis=1), [(M, ANY)], 2),
    ("split_equal", lambda m, x: m.split(x, 3, axis=1), [(M, ANY)], 2),
    ("split_sizes", lambda m, x: m.split(x, [1, -1, 2], axis=2), [(T, ANY)], 2),
    ("tile", lambda m, x: m.tile(x, [2, 1, 3]), [(T, ANY)], 2),
    ("broadcast_to", lambda m, x: m.broadcast_to(x, [4, 2, 3]), [((2, 1), ANY)], 2),
    ("pad_constant", lambda m, x: m.pad(x, [[1, 0], [2, 1]], constant_values=1.5) * 2.0,
     [(M, ANY)], 2),
    ("pad_reflect", lambda m, x: m.pad(x, [[1, 1], [2, 2]], mode="REFLECT"), [(M, ANY)], 2),
    ("pad_symmetric", lambda m, x: m.pad(x, [[2, 1], [3, 0]], mode="symmetric"), [(M, ANY)], 2),
    ("reverse", lambda m, x: m.reverse(x, axis=[0, -1]), [(T, ANY)], 2),
    # -- gathering and indexing
    ("gather", lambda m, x: m.gather(x, [2, 0, 2]), [((3, 2), ANY)], 2),
    ("gather_axis", lambda m, x: m.gather(x, [[2, 1], [0, 0]], axis=1), [(T, ANY)], 2),
    ("gather_batch", lambda m, x: m.gather(x, [[1, 0, 1], [2, 2, 0]], axis=1, batch_dims=1),
     [(T, ANY)], 2),
    ("gather_batch_axis2", lambda m, x: m.gather(x, [[3], [0]], axis=2, batch_dims=1),
     [(T, ANY)], 2),
    ("gather_neg_axis", lambda m, x: m.gather(x, [1, 1], axis=-1), [(T, ANY)], 2),
    ("gather_nd", lambda m, x: m.gather_nd(x, [[0, 1], [1, 3], [0, 1]]), [((2, 4), ANY)], 2),
    # TensorFlow's forward mode fails here (its gradient is IndexedSlices): reverse mode only.
    ("gather_nd_slices", lambda m, x: m.gather_nd(x, [[1], [0]]), [(T, ANY)], 2, RTOL, False),
    ("gather_nd_batch", lambda m, x: m.gather_nd(x, [[[2]], [[0]]], batch_dims=1),
     [(T, ANY)], 2),
    ("boolean_mask", lambda m, x: m.boolean_mask(x, MASK), [(T, ANY)], 2),
    ("boolean_mask_axis", lambda m, x: m.boolean_mask(x, [True, False, True, True], axis=2),
     [(T, ANY)], 2),
    ("where", lambda m, x, y: m.where(MASK, x * y, y), [(M, ANY), (M, ANY)], 2),
    ("where_broadcast", lambda m, x, y: m.where(MASK[0], x, y), [(M, ANY), ((), ANY)], 2),
    ("where_data", lambda m, x: m.where(x > 0.0, m.square(x), -x), [(M, ANY)], 2),
    ("one_hot_product", lambda m, x: m.one_hot([2, 0], 3, dtype=m.float64) * x, [(M, ANY)], 2),
    ("getitem_int", lambda m, x: x[1], [(T, ANY)], 2),
    ("getitem_negative_step", lambda m, x: x[-1, ::-2], [(T, ANY)], 2),
    ("getitem_reverse_range", lambda m, x: x[:, 3:0:-2, 1], [(T, ANY)], 2),
    ("getitem_ellipsis", lambda m, x: x[..., 1:2] * x[0, ...], [(M, ANY)], 2),
    ("getitem_list", lambda m, x: x[[1, -1]] * x[[0, 2, 1]], [(T, ANY)], 2),
    ("getitem_newaxis", lambda m, x: x[:, m.newaxis, 1:, None], [(M, ANY)], 2),
    ("getitem_tensor", lambda m, x: x[m.constant(1), m.constant(0):m.constant(2)], [(T, ANY)],
     2),
    ("getitem_mask", lambda m, x: x[MASK], [(M, ANY)], 2),
    ("getitem_square", lambda m, x: x[0] * x[1:, ::-1][0], [(M, ANY)], 2),
    ("linspace", lambda m, a, b: m.linspace(a, b, 5), [((), ANY), ((), POS)], 2),
    ("linspace_axis", lambda m, a, b: m.linspace(a, b, 4, axis=-1), [((2,), ANY), ((2,), POS)],
     2),
    ("fill", lambda m, v: m.fill([2, 3], v) * v, [((), ANY)], 2),
    # -- linear algebra
    ("matmul", lambda m, a, b: m.matmul(a, b), [(M, ANY), ((3, 4), ANY)], 2),
    ("matmul_transpose_a", lambda m, a, b: m.matmul(a, b, transpose_a=True),
     [((3, 2), ANY), ((3, 4), ANY)], 2),
    ("matmul_transpose_b", lambda m, a, b: m.matmul(a, b, transpose_b=True),
     [(M, ANY), ((4, 3), ANY)], 2),
    ("matmul_transpose_both", lambda m, a, b: m.linalg.matmul(a, b, transpose_a=True,
                                                              transpose_b=True),
     [((3, 2), ANY), ((4, 3), ANY)], 2),
    ("matmul_batch", lambda m, a, b: m.matmul(a, b), [(T, ANY), ((2, 4, 2), ANY)], 2),
    ("matmul_batch_broadcast", lambda m, a, b: m.matmul(a, b), [(T, ANY), ((4, 2), ANY)], 2),
    ("matmul_operator", lambda m, a, b: a @ b, [((2, 2, 3), ANY), ((1, 3, 2), ANY)], 2),
    ("inv", lambda m, a: m.linalg.inv(a + I3), [(SQ, ANY)], 2),
    ("inv_batch", lambda m, a: m.linalg.inv(a + I3), [((2, 3, 3), ANY)], 2),
    ("det", lambda m, a: m.linalg.det(a + I3), [(SQ, ANY)], 2),
    ("det_negative", lambda m, a: m.linalg.det(a - I3), [((2, 3, 3), ANY)], 2),
    ("slogdet", lambda m, a: m.linalg.slogdet(a - I3)[1], [((2, 3, 3), ANY)], 2),
    ("slogdet_sign", lambda m, a: m.linalg.slogdet(a - I3)[0] * a, [(SQ, ANY)], 2),
    ("solve", lambda m, a, b: m.linalg.solve(a + I3, b), [(SQ, ANY), ((3, 2), ANY)], 2),
    ("solve_adjoint", lambda m, a, b: m.linalg.solve(a + I3, b, adjoint=True),
     [((2, 3, 3), ANY), ((2, 3, 1), ANY)], 2),
    ("cholesky", lambda m, a: m.linalg.cholesky(_spd(m, a)), [(SQ, ANY)], 2),
    ("cholesky_batch", lambda m, a: m.linalg.cholesky(_spd(m, a)), [((2, 3, 3), ANY)], 2),
    ("trace", lambda m, a: m.linalg.trace(a * a), [(SQ, ANY)], 2),
    ("trace_batch", lambda m, a: m.linalg.trace(a), [((2, 3, 3), ANY)], 2),
    ("diag_part", lambda m, a: m.linalg.diag_part(a) * a[..., 0, :3], [(T, ANY)], 2),
    ("diag_part_square", lambda m, a: m.linalg.diag_part(a), [(SQ, ANY)], 2),
    ("norm_default", lambda m, x: m.norm(x), [(T, ANY)], 2),
    ("norm_vector_axis", lambda m, x: m.linalg.norm(x, axis=1, keepdims=True), [(T, ANY)], 2),
    ("norm_1", lambda m, x: m.norm(x, ord=1), [(M, ANY)], 2),
    ("norm_inf_axis", lambda m, x: m.norm(x, ord=np.inf, axis=-1), [(T, ANY)], 2),
    ("norm_p", lambda m, x: m.norm(x, ord=2.5, axis=0), [(M, ANY)], 2),
    ("norm_euclidean_matrix", lambda m, x: m.norm(x, axis=[-2, -1]), [(T, ANY)], 2),
    ("norm_fro", lambda m, x: m.norm(x, ord="fro", axis=(1, 2), keepdims=True), [(T, ANY)], 2),
    ("norm_matrix_1", lambda m, x: m.norm(x, ord=1, axis=[1, 2]), [(T, ANY)], 2),
    ("norm_matrix_inf", lambda m, x: m.norm(x, ord=np.inf, axis=(0, 1)), [(M, ANY)], 2),
    ("tensordot_1", lambda m, a, b: m.tensordot(a, b, 1), [(T, ANY), ((4, 2), ANY)], 2),
    ("tensordot_2", lambda m, a, b: m.tensordot(a, b, axes=2), [(T, ANY), ((3, 4), ANY)], 2),
    ("tensordot_lists", lambda m, a, b: m.tensordot(a, b, axes=[[0, 2], [1, 0]]),
     [(T, ANY), ((4, 2), ANY)], 2),
    ("tensordot_outer", lambda m, a, b: m.tensordot(a, b, axes=0), [((2,), ANY), (M, ANY)], 2),
    ("einsum_matmul", lambda m, a, b: m.einsum("ij,jk->ik", a, b), [(M, ANY), ((3, 4), ANY)], 2),
    ("einsum_batch", lambda m, a, b: m.einsum("bij,bjk->bik", a, b),
     [(T, ANY), ((2, 4, 2), ANY)], 2),
    ("einsum_implicit", lambda m, a, b: m.einsum("ij,jk", a, b), [(M, ANY), ((3, 4), ANY)], 2),
    ("einsum_outer", lambda m, a, b: m.einsum("i,j->ij", a, b), [((2,), ANY), ((3,), ANY)], 2),
    ("einsum_rowdot", lambda m, a, b: m.einsum("ij,ij->i", a, b), [(M, ANY), (M, ANY)], 2),
    ("einsum_trace", lambda m, a: m.einsum("ii", a), [(SQ, ANY)], 2),
    ("einsum_diag", lambda m, a: m.einsum("ii->i", a) * a[0], [(SQ, ANY)], 2),
    ("einsum_sum", lambda m, a: m.einsum("ijk->", a * a), [(T, ANY)], 2),
    ("einsum_ellipsis", lambda m, a: m.einsum("...ij->...ji", a), [(T, ANY)], 2),
    ("einsum_ellipsis_broadcast", lambda m, a, b: m.einsum("...ij,jk->...ik", a, b),
     [(T, ANY), ((4, 2), ANY)], 2),
    ("einsum_three", lambda m, a, b, c: m.einsum("ij,jk,kl->il", a, b, c),
     [(M, ANY), ((3, 4), ANY), ((4, 2), ANY)], 2),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_matches_tensorflow(case):
    check_against_tensorflow(case)


# -- creation and metadata: value and dtype -------------------------------------------------

CREATION = [
    ("range_int", lambda m: m.range(5)),
    ("range_start_limit", lambda m: m.range(2, 9, 3)),
    ("range_negative_delta", lambda m: m.range(5, -3, -2)),
    ("range_float", lambda m: m.range(0.5, 3)),
    ("range_float_delta", lambda m: m.range(1, 2, 0.25)),
    ("range_dtype", lambda m: m.range(4, dtype=m.float64)),
    ("range_tensor", lambda m: m.range(m.constant(3, dtype=m.int64))),
    ("range_empty", lambda m: m.range(0)),
    ("range_reverse", lambda m: m.range(3, 1, -1)),
    ("range_int_tensor_float", lambda m: m.range(m.constant(1), 4.5)),
    ("range_int64_float64", lambda m: m.range(m.constant(1, m.int64), np.float64(3.0))),
    ("linspace_floats", lambda m: m.linspace(0.0, 1.0, 5)),
    ("linspace_ints", lambda m: m.linspace(1, 4, 4)),
    ("linspace_one", lambda m: m.linspace(2.0, 3.0, 1)),
    ("linspace_vectors", lambda m: m.linspace([0.0, 1.0], [1.0, 3.0], 3, axis=1)),
    ("eye", lambda m: m.eye(3)),
    ("eye_rectangular", lambda m: m.eye(2, 4, dtype=m.float64)),
    ("eye_batch", lambda m: m.eye(2, batch_shape=[3])),
    ("fill", lambda m: m.fill([2, 3], 7)),
    ("fill_float", lambda m: m.fill((2,), 0.5)),
    ("zeros", lambda m: m.zeros([2, 1])),
    ("ones_int", lambda m: m.ones(3, dtype=m.int32)),
    ("zeros_like", lambda m: m.zeros_like(m.constant([[1, 2]]))),
    ("ones_like_dtype", lambda m: m.ones_like(m.constant([1.5]), dtype=m.float64)),
    ("one_hot", lambda m: m.one_hot([0, 2, -1, 3], 3)),
    ("one_hot_values", lambda m: m.one_hot([1, 0], 3, on_value=5, off_value=-1)),
    ("one_hot_axis0", lambda m: m.one_hot([[0, 1], [2, 0]], 3, axis=0)),
    ("one_hot_axis1", lambda m: m.one_hot([[0, 1], [2, 0]], 3, axis=1, dtype=m.float64)),
    ("one_hot_float_on", lambda m: m.one_hot([1], 2, on_value=2.5)),
    ("shape", lambda m: m.shape(m.zeros([2, 3, 1]))),
    ("shape_int64", lambda m: m.shape(m.zeros([4]), out_type=m.int64)),
    ("shape_scalar", lambda m: m.shape(m.constant(1.0))),
    ("size", lambda m: m.size(m.zeros([2, 3]))),
    ("size_int64", lambda m: m.size(m.zeros([2, 3]), out_type=m.int64)),
    ("rank", lambda m: m.rank(m.zeros([2, 3, 1]))),
    ("rank_scalar", lambda m: m.rank(3.0)),
    ("where_indices", lambda m: m.where(MASK)),
    ("where_indices_1d", lambda m: m.where([False, True, True])),
    ("where_indices_numeric", lambda m: m.where(m.constant([[0.0, 2.0], [3.0, 0.0]]) > 1.0)),
    ("boolean_mask_int", lambda m: m.boolean_mask(m.constant([[1, 2, 3], [4, 5, 6]]), MASK)),
    ("boolean_mask_numeric_mask", lambda m: m.boolean_mask([1.0, 2.0, 3.0], [1, 0, 2])),
    ("boolean_mask_float_mask", lambda m: m.boolean_mask([1.0, 2.0, 3.0], [0.5, 0.0, -1.0])),
    ("getitem_numpy_mask", lambda m: m.constant([[1, 2], [3, 4]])[np.array([False, True])]),
    ("where_python_float_int", lambda m: m.where([True, False], 1.0, 2)),
    ("where_python_lists", lambda m: m.where([True, False], [1.0, 1.0], [2, 2])),
    ("where_python_tensor", lambda m: m.where([True, False], 1, m.constant([1.0, 2.0],
                                                                          m.float64))),
    ("where_numpy_python", lambda m: m.where([True, False], np.array([1.0, 2.0]), 3.0)),
    ("gather_int", lambda m: m.gather(m.constant([10, 20, 30]), [[2, 0]])),
    ("reverse_int", lambda m: m.reverse(m.constant([[1, 2], [3, 4]]), [1])),
    ("getitem_int", lambda m: m.constant([[1, 2, 3], [4, 5, 6]])[::-1, -2:]),
    ("getitem_scalar", lambda m: m.constant([1.0, 2.0])[-1]),
    ("split_int", lambda m: m.split(m.range(6), [2, 4])[1]),
    ("unstack_int", lambda m: m.unstack(m.constant([[1, 2], [3, 4]]))[0]),
    ("concat_int", lambda m: m.concat([m.constant([1]), m.constant([2, 3])], 0)),
    ("concat_python_lists", lambda m: m.concat([[1.0, 2.0], [3.0]], axis=0)),
    ("stack_python_scalars", lambda m: m.stack([1.0, 2.0, 3.0])),
    ("stack_python_ints", lambda m: m.stack([1, 2])),
    ("stack_python_mixed", lambda m: m.stack([1, 2.0])),
    ("concat_python_mixed", lambda m: m.concat([[1.0], [2]], 0)),
    ("tile_int", lambda m: m.tile(m.constant([[1, 2]]), [2, 2])),
    ("pad_int", lambda m: m.pad(m.constant([[1, 2]]), [[0, 1], [1, 0]], constant_values=9)),
    ("squeeze_python", lambda m: m.squeeze([[1.0], [2.0]])),
    ("expand_dims_python", lambda m: m.expand_dims(3, 0)),
    ("broadcast_to_int", lambda m: m.broadcast_to([1, 2], [2, 2])),
    ("transpose_python", lambda m: m.transpose([[1, 2, 3]])),
    ("reshape_python", lambda m: m.reshape([1, 2, 3, 4], [2, -1])),
    ("matmul_int", lambda m: m.matmul(m.constant([[1, 2]]), m.constant([[3], [4]]))),
    ("tensordot_python", lambda m: m.tensordot([1.0, 2.0], [3.0, 4.0], 1)),
    ("einsum_int", lambda m: m.einsum("i,i->", m.constant([1, 2]), m.constant([3, 4]))),
    ("trace_int", lambda m: m.linalg.trace(m.constant([[1, 2], [3, 4]]))),
    ("diag_part_rect", lambda m: m.linalg.diag_part(m.reshape(m.range(6.0), [2, 3]))),
    ("det_float32", lambda m: m.linalg.det([[2.0, 1.0], [1.0, 3.0]])),
    ("slogdet_negative", lambda m: m.linalg.slogdet(m.constant([[0.0, 2.0], [1.0, 0.0]]))[0]),
    ("norm_int_axis_none", lambda m: m.norm(m.constant([[3.0, 4.0]]), axis=None)),
]


def _dtype_name(t):
    return t.dtype.name


@pytest.mark.parametrize("case", CREATION, ids=[c[0] for c in CREATION])
def test_creation_matches_tensorflow(case):
    name, fn = case
    got, want = fn(tapegrad), fn(tf)
    assert _dtype_name(got) == _dtype_name(want), name
    assert tuple(got.shape) == tuple(want.shape), name
    np.testing.assert_allclose(np.asarray(got), want.numpy(), rtol=1e-7, err_msg=name)


# -- jacobian and batch_jacobian ------------------------------------------------------------

JACOBIANS = [
    # (id, f(m, x), x shape, batch): batch_jacobian needs f to keep axis 0 as the batch
    ("reshape", lambda m, x: m.reshape(x, [4, 3, 2]), (4, 6), True),
    ("transpose", lambda m, x: m.transpose(x, [0, 2, 1]), (4, 2, 3), True),
    ("matmul", lambda m, x: m.matmul(x, np.arange(6.0).reshape(3, 2)), (4, 3), True),
    ("einsum", lambda m, x: m.einsum("bi,bj->bij", x, x), (4, 2), True),
    ("gather_batch", lambda m, x: m.gather(x, [[1, 0], [2, 2], [0, 1], [1, 1]], batch_dims=1),
     (4, 3), True),
    ("softmax_getitem", lambda m, x: m.nn.softmax(x[:, ::-1]), (4, 3), True),
    ("scalar", lambda m, x: m.reduce_sum(x * x), (2, 3), False),
    ("inv", lambda m, x: m.linalg.inv(x + I3), SQ, False),
    ("gather", lambda m, x: m.gather(x, [2, 0]), (3, 2), False),
    ("tensordot", lambda m, x: m.tensordot(x, x, 1), (2, 2), False),
]


def _jacobians(m, fn, x, batch):
    x = m.constant(x)
    with m.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = fn(m, x)
    out = [tape.jacobian(y, x)]
    if batch:
        out.append(tape.batch_jacobian(y, x))
    return out


@pytest.mark.parametrize("case", JACOBIANS, ids=[c[0] for c in JACOBIANS])
def test_jacobian_matches_tensorflow(case):
    name, fn, shape, batch = case
    x = np.random.default_rng(3).uniform(-1.0, 1.0, size=shape)
    got = _jacobians(tapegrad, fn, x, batch)
    want = _jacobians(tf, fn, x, batch)
    for what, g, w in zip(("jacobian", "batch_jacobian"), got, want):
        assert tuple(g.shape) == tuple(w.shape), f"{name}: {what} shape"
        _same(f"{name}: {what}", g, w, RTOL)


def test_jacobian_unconnected_matches_tensorflow():
    results = []
    for m in (tapegrad, tf):
        x, z = m.constant([1.0, 2.0]), m.constant([[3.0, 4.0, 5.0]])
        with m.GradientTape(persistent=True) as tape:
            tape.watch([x, z])
            y = x * 2.0
        results.append((
            tape.jacobian(y, z),
            tape.jacobian(y, z, unconnected_gradients=m.UnconnectedGradients.ZERO),
        ))
    assert results[0][0] is None and results[1][0] is None
    _same("jacobian ZERO", results[0][1], results[1][1], RTOL)
    assert tuple(results[0][1].shape) == tuple(results[1][1].shape)


# -- errors: both libraries refuse the same calls -------------------------------------------

ERRORS = [
    ("range_wrong_direction", lambda m: m.range(3, 1)),
    ("range_wrong_direction_negative", lambda m: m.range(1, 3, -1)),
    ("range_zero_delta", lambda m: m.range(0, 3, 0)),
    ("reshape_count", lambda m: m.reshape(m.zeros([2, 3]), [4, 2])),
    ("squeeze_not_one", lambda m: m.squeeze(m.zeros([2, 3]), axis=0)),
    ("expand_dims_axis", lambda m: m.expand_dims(m.zeros([2, 3]), 3)),
    ("split_uneven", lambda m: m.split(m.zeros([2, 3]), 2, axis=1)),
    ("tile_rank", lambda m: m.tile(m.zeros([2, 3]), [2])),
    ("concat_scalars", lambda m: m.concat([1.0, 2.0], 0)),
    ("pad_reflect_too_wide", lambda m: m.pad(m.zeros([2, 3]), [[2, 0], [0, 0]], "REFLECT")),
    ("gather_out_of_range", lambda m: m.gather(m.zeros([2, 3]), [2])),
    ("gather_negative", lambda m: m.gather(m.zeros([2, 3]), [-1])),
    ("gather_nd_out_of_range", lambda m: m.gather_nd(m.zeros([2, 3]), [[1, 3]])),
    ("reverse_repeated_axis", lambda m: m.reverse(m.zeros([2, 3]), [0, -2])),
    ("getitem_out_of_range", lambda m: m.zeros([2, 3])[2]),
    ("getitem_too_many", lambda m: m.zeros([2, 3])[0, 0, 0]),
    ("getitem_zero_step", lambda m: m.zeros([2, 3])[::0]),
    ("getitem_float", lambda m: m.zeros([2, 3])[1.0]),
    ("getitem_vector_tensor", lambda m: m.zeros([2, 3])[m.constant([0, 1])]),
    ("getitem_scalar_mask", lambda m: m.zeros([2])[m.constant(True)]),
    ("one_hot_float_indices", lambda m: m.one_hot([1.0], 2)),
    ("matmul_vector", lambda m: m.matmul(m.zeros([2, 3]), m.zeros([3]))),
    ("matmul_inner", lambda m: m.matmul(m.zeros([2, 3]), m.zeros([2, 3]))),
    ("inv_singular", lambda m: m.linalg.inv([[1.0, 2.0], [2.0, 4.0]])),
    ("det_not_square", lambda m: m.linalg.det(m.zeros([2, 3]))),
    ("diag_part_vector", lambda m: m.linalg.diag_part(m.zeros([2]))),
    ("norm_ord_zero", lambda m: m.norm(m.ones([3]), ord=0)),
    ("norm_axis_one_tuple", lambda m: m.norm(m.ones([2, 3]), axis=(1,))),
    ("einsum_unknown_output", lambda m: m.einsum("ij->k", m.zeros([2, 3]))),
    ("broadcast_to_incompatible", lambda m: m.broadcast_to(m.zeros([2, 3]), [3, 3])),
]


def _error(fn, m):
    try:
        fn(m)
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        return e
    return None


@pytest.mark.parametrize("case", ERRORS, ids=[c[0] for c in ERRORS])
def test_errors_match_tensorflow(case):
    name, fn = case
    got, want = _error(fn, tapegrad), _error(fn, tf)
    assert want is not None, f"{name}: TensorFlow accepts it"
    assert got is not None, f"{name}: tapegrad accepts what TensorFlow refuses ({want!r})"
    assert type(got).__name__ == type(want).__name__ or isinstance(got, type(want)), (
        f"{name}: tapegrad raises {type(got).__name__}, TensorFlow {type(want).__name__}")
