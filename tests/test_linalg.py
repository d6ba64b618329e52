"""tf.linalg, tf.tensordot and tf.einsum: values, TensorFlow's conventions, errors, and
derivatives that the generated checks cannot take elementwise (cholesky reads one triangle)."""

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import numeric
from tapegrad.errors import InvalidArgumentError

RNG = np.random.default_rng(7)
A = RNG.uniform(-1, 1, (3, 3)) + 3 * np.eye(3)
B = RNG.uniform(-1, 1, (3, 2))
BATCH = RNG.uniform(-1, 1, (2, 3, 3)) + 3 * np.eye(3)


def _spd(a):
    """a a^T + n I: symmetric positive definite for any a, so the checks may move every entry."""
    n = a.shape[-1]
    return tf.matmul(a, a, transpose_b=True) + n * tf.eye(n, dtype=tf.float64)


def test_matrix_functions_match_numpy():
    np.testing.assert_allclose(tf.linalg.inv(A).numpy(), np.linalg.inv(A))
    np.testing.assert_allclose(tf.linalg.inv(A, adjoint=True).numpy(), np.linalg.inv(A.T))
    np.testing.assert_allclose(tf.linalg.det(BATCH).numpy(), np.linalg.det(BATCH))
    sign, logabs = tf.linalg.slogdet(-tf.eye(3))
    assert float(sign) == -1.0 and float(logabs) == 0.0
    np.testing.assert_allclose(tf.linalg.solve(A, B).numpy(), np.linalg.solve(A, B))
    np.testing.assert_allclose(tf.linalg.solve(A, B, adjoint=True).numpy(),
                               np.linalg.solve(A.T, B))
    s = A @ A.T
    np.testing.assert_allclose(tf.linalg.cholesky(s).numpy(), np.linalg.cholesky(s))
    np.testing.assert_allclose(tf.linalg.logdet(s).numpy(), np.log(np.linalg.det(s)))
    np.testing.assert_allclose(tf.linalg.trace(BATCH).numpy(), np.trace(BATCH, axis1=1, axis2=2))
    np.testing.assert_array_equal(tf.linalg.diag_part(np.arange(6.0).reshape(2, 3)).numpy(),
                                  [0.0, 4.0])
    np.testing.assert_allclose(tf.linalg.matvec(A, B[:, 0]).numpy(), A @ B[:, 0])
    assert tf.linalg.matrix_transpose(BATCH).shape == (2, 3, 3)
    assert tf.linalg.matmul(BATCH, B).shape == (2, 3, 2)


def test_cholesky_reads_the_lower_triangle_with_tensorflows_symmetric_gradient():
    # Values from TensorFlow 2.21 for a matrix whose upper triangle is garbage.
    a = tf.Variable([[4.0, 100.0], [2.0, 3.0]], dtype=tf.float64)
    with tf.GradientTape() as tape:
        lower = tf.linalg.cholesky(a)
        y = tf.reduce_sum(lower * tf.constant([[1.0, 0.0], [2.0, 3.0]], tf.float64))
    np.testing.assert_allclose(lower.numpy(), [[2.0, 0.0], [1.0, np.sqrt(2.0)]])
    np.testing.assert_allclose(tape.gradient(y, a).numpy(),
                               [[0.26516504, -0.03033009], [-0.03033009, 1.06066017]], atol=1e-8)


def test_cholesky_under_tf_function_reads_the_lower_triangle_of_every_input():
    # Traced on a symmetric matrix, then called with garbage in the upper triangle: the same
    # values and gradient as eagerly (TensorFlow's, as in the test above).
    def f(a):
        return tf.reduce_sum(tf.linalg.cholesky(a) * tf.constant([[1.0, 0.0], [2.0, 3.0]],
                                                                 tf.float64))

    traced = tf.function(f)
    traced(tf.constant([[4.0, 2.0], [2.0, 3.0]], tf.float64))
    a = tf.constant([[4.0, 100.0], [2.0, 3.0]], tf.float64)
    results = []
    for fn in (traced, f):
        with tf.GradientTape() as tape:
            tape.watch(a)
            y = fn(a)
        results.append((float(y), tape.gradient(y, a).numpy()))
    assert results[0][0] == results[1][0] == pytest.approx(2.0 + 2.0 + 3.0 * np.sqrt(2.0))
    np.testing.assert_allclose(results[0][1], results[1][1])


def test_cholesky_of_a_matrix_that_is_not_positive_definite_gives_nan_as_tensorflow():
    out = tf.linalg.cholesky(np.stack([np.eye(2), -np.eye(2)])).numpy()
    np.testing.assert_array_equal(out[0], np.eye(2))
    assert np.isnan(out[1][np.tril_indices(2)]).all()


@pytest.mark.parametrize(("matrix", "factor"), [
    # recorded from TensorFlow 2.21: what lies above the diagonal is never read, inf and NaN
    # included; an inf on the diagonal stays there
    ([[4.0, np.inf], [1.0, 3.0]], [[2.0, 0.0], [0.5, np.sqrt(2.75)]]),
    ([[4.0, np.nan], [1.0, 3.0]], [[2.0, 0.0], [0.5, np.sqrt(2.75)]]),
    ([[4.0, 2.0], [1.0, np.inf]], [[2.0, 0.0], [0.5, np.inf]]),
    ([[np.inf, 0.0], [1.0, 2.0]], [[np.inf, 0.0], [0.0, np.sqrt(2.0)]]),
])
def test_cholesky_never_reads_inf_or_nan_above_the_diagonal(matrix, factor):
    for fn in (tf.linalg.cholesky, tf.function(tf.linalg.cholesky)):
        np.testing.assert_allclose(fn(tf.constant(matrix, tf.float64)).numpy(), factor)


@pytest.mark.parametrize("fn", [
    lambda a: tf.linalg.cholesky(_spd(a)),
    lambda a: tf.linalg.logdet(_spd(a)),
    lambda a: tf.linalg.solve(tf.linalg.cholesky(_spd(a)), tf.constant(B)),
], ids=["cholesky", "logdet", "solve_cholesky"])
def test_spd_functions_to_second_order(fn):
    tf.check_grads(fn, [RNG.uniform(-1, 1, (3, 3))], order=2)


@pytest.mark.parametrize("fn", [
    tf.linalg.inv, tf.linalg.det, lambda a: tf.linalg.slogdet(a)[1],
    lambda a: tf.linalg.solve(a, tf.constant(np.stack([B, -B]))),
    lambda a: tf.linalg.cholesky(_spd(a)),
    lambda a: tf.einsum("bij,jk->bki", a, tf.constant(B)), lambda a: tf.einsum("...ii->...i", a),
], ids=["inv", "det", "slogdet", "solve", "cholesky", "einsum", "einsum_diagonal"])
def test_jacobian_with_batched_cotangents(fn):
    t = tf.constant(BATCH)
    with tf.GradientTape() as tape:
        tape.watch(t)
        y = fn(t)
    want = numeric.jacobian(lambda v: fn(tf.constant(v)), BATCH)
    np.testing.assert_allclose(tape.jacobian(y, t).numpy(), want, atol=1e-6)


@pytest.mark.parametrize("equation, shapes", [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk", [(2, 3), (3, 4)]), ("ij->ji", [(2, 3)]),
    ("ii->", [(3, 3)]), ("ii", [(3, 3)]), ("i,j->ij", [(2,), (3,)]), ("...ij,...jk->...ik",
    [(2, 1, 2, 3), (5, 3, 4)]), ("b i j, b j k -> b i k", [(2, 2, 3), (2, 3, 4)]),
    ("...i->...", [(2, 3)]), ("ij,ij->", [(2, 3), (2, 3)]), ("iij->ij", [(2, 2, 3)]),
], ids=lambda v: v if isinstance(v, str) else None)
def test_einsum_matches_numpy(equation, shapes):
    xs = [RNG.uniform(-1, 1, s) for s in shapes]
    np.testing.assert_allclose(tf.einsum(equation, *xs).numpy(),
                               np.einsum(equation.replace(" ", ""), *xs), atol=1e-12)
    tf.check_grads(lambda *ts: tf.einsum(equation, *ts), xs, order=2)


def test_tensordot_matches_numpy():
    a, b = RNG.uniform(-1, 1, (2, 3, 4)), RNG.uniform(-1, 1, (4, 3, 5))
    np.testing.assert_allclose(tf.tensordot(a, b, [[1, 2], [1, 0]]).numpy(),
                               np.tensordot(a, b, [[1, 2], [1, 0]]))
    np.testing.assert_allclose(tf.tensordot(a, b, 1).numpy(), np.tensordot(a, b, 1))
    assert tf.tensordot(tf.ones(2), tf.ones(3), 0).shape == (2, 3)
    assert float(tf.linalg.tensordot(np.ones(3), np.ones(3), 1)) == 3.0


@pytest.mark.parametrize("call, error, words", [
    (lambda: tf.matmul(tf.zeros((3, 4)), tf.zeros((3, 4))), InvalidArgumentError,
     ["matmul", "(3, 4)"]),
    (lambda: tf.einsum("ij,jk->ik", tf.zeros((3, 4)), tf.zeros((3, 4))), InvalidArgumentError,
     ["einsum", "label j", "[3, 4]"]),
    (lambda: tf.einsum("ij,jk->iq", tf.zeros((3, 4)), tf.zeros((4, 3))), ValueError,
     ["einsum", "label q"]),
    (lambda: tf.einsum("ij,jk->ik", tf.zeros((3, 4))), ValueError, ["einsum", "2 operands"]),
    (lambda: tf.einsum("ijk->i", tf.zeros((3, 4))), InvalidArgumentError,
     ["einsum", "'ijk'", "[3, 4]"]),
    (lambda: tf.tensordot(tf.zeros((3, 4)), tf.zeros((3, 4)), 1), InvalidArgumentError,
     ["tensordot", "(3, 4)"]),
    (lambda: tf.linalg.inv(tf.zeros((2, 3))), InvalidArgumentError, ["inv", "(2, 3)"]),
    (lambda: tf.linalg.inv(tf.zeros((2, 2))), InvalidArgumentError, ["inv"]),
    (lambda: tf.linalg.solve(tf.eye(2), tf.ones(2)), InvalidArgumentError,
     ["solve", "(2,)", "(2, 2)"]),
    (lambda: tf.linalg.det(tf.zeros(3)), InvalidArgumentError, ["det", "(3,)"]),
], ids=lambda v: None)
def test_bad_input_raises_a_clear_error(call, error, words):
    with pytest.raises(error) as info:
        call()
    for w in words:
        assert w in str(info.value)


def test_a_linalg_error_leaves_the_tape_usable():
    x = tf.Variable(A)
    with tf.GradientTape() as tape:
        y = tf.linalg.inv(x)
        with pytest.raises(InvalidArgumentError):
            tf.linalg.inv(x * 0.0)
        with pytest.raises(InvalidArgumentError):
            tf.einsum("ij,jk->ik", y, tf.zeros((2, 2)))
        z = tf.linalg.trace(y)
    inv = np.linalg.inv(A)
    np.testing.assert_allclose(tape.gradient(z, x).numpy(), -(inv @ inv).T)
