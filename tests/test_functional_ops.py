"""tf.map_fn, tf.scan, tf.foldl, tf.foldr and tf.vectorized_map: values and gradients recorded
from TensorFlow 2.21, nested structures, tf.function, TensorFlow's errors, and comparisons with
TensorFlow itself where it is installed. (Their derivatives of both orders, reverse and forward,
are checked against finite differences by tests/test_gradients.py through tests/_specs.py.)"""

import collections
import warnings

import numpy as np
import pytest
from bad_input import assert_clear_error

import tapegrad as tf

X = [0.5, -1.0, 2.0]
Y = [[1.0, 2.0], [0.5, -0.5], [3.0, 1.5]]


def _close(a, b, rtol=1e-12):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=1e-12)


def _scan(x, y):
    # a nested accumulator over nested elems, scanned last to first
    return tf.scan(lambda a, e: (a[0] * e[0] + tf.sin(e[1]), a[1] + a[0] * e[1]), (x, y),
                   initializer=(tf.ones([2], tf.float64), tf.zeros([2], tf.float64)),
                   reverse=True)


def _fold(fold, x, y):
    return fold(lambda a, e: a * e[0] + tf.reduce_sum(e[1]), (x, y),
                initializer=tf.constant(1.0, tf.float64))


def _inputs():
    return tf.constant(X, tf.float64), tf.constant(Y, tf.float64)


def test_reverse_scan_of_nested_structures_matches_tensorflow():
    x, y = _inputs()
    with tf.GradientTape() as tape:
        tape.watch([x, y])
        s = _scan(x, y)
        loss = tf.reduce_sum(s[0] * s[1])
    # recorded from TensorFlow 2.21
    _close(s[0], [[0.010623750080064331, -0.8291628357784471],
                  [-1.6616944694556643, -3.4769205252082576],
                  [2.1411200080598674, 2.9974949866040546]])
    _close(s[1], [[2.4088655345742698, -6.952588543718543],
                  [4.070560004029934, 0.0012525066979727217], [3.0, 1.5]])
    gx, gy = tape.gradient(loss, [x, y])
    _close(gx, [20.170799274518366, -4.070103867064091, 5.675257236126611])
    _close(gy, [[1.2838621761038451, 5.776231010740341],
                [1.1034243360408809, -17.412417032696553],
                [3.5700663067427127, -0.6870623807235136]])


def test_map_fn_with_another_output_structure_matches_tensorflow():
    x, y = _inputs()
    with tf.GradientTape() as tape:
        tape.watch([x, y])
        m = tf.map_fn(lambda e: {"p": tf.sin(e[0]) * e[1]}, (x, y),
                      fn_output_signature={"p": tf.float64})
    assert set(m) == {"p"} and m["p"].shape == (3, 2)
    # recorded from TensorFlow 2.21
    _close(m["p"], [[0.479425538604203, 0.958851077208406],
                    [-0.42073549240394825, 0.42073549240394825],
                    [2.727892280477045, 1.3639461402385225]])
    gx, gy = tape.gradient(m, [x, y])
    _close(gx, [2.6327476856711183, 0.0, -1.872660764462141])
    _close(gy, [[0.479425538604203] * 2, [-0.8414709848078965] * 2, [0.9092974268256817] * 2])


@pytest.mark.parametrize("fold, value, gx, gy", [
    # recorded from TensorFlow 2.21
    (tf.foldl, -2.5, [-2.0, 7.0, -3.5], [[-2.0, -2.0], [2.0, 2.0], [1.0, 1.0]]),
    (tf.foldr, -0.25, [-6.5, 3.25, -0.5], [[1.0, 1.0], [0.5, 0.5], [-0.5, -0.5]]),
])
def test_folds_match_tensorflow(fold, value, gx, gy):
    x, y = _inputs()
    with tf.GradientTape() as tape:
        tape.watch([x, y])
        out = _fold(fold, x, y)
    _close(out, value)
    got = tape.gradient(out, [x, y])
    _close(got[0], gx)
    _close(got[1], gy)


def test_scan_without_initializer_starts_from_the_first_slice():
    # recorded from TensorFlow 2.21: tf.scan(lambda a, x: a * x, tf.range(1., 5.), ...)
    v = tf.range(1.0, 5.0)
    _close(tf.scan(lambda a, e: a * e, v), [1.0, 2.0, 6.0, 24.0])
    _close(tf.scan(lambda a, e: a * e, v, reverse=True), [24.0, 24.0, 12.0, 4.0])
    _close(tf.scan(lambda a, e: a * e, v, initializer=2.0, reverse=True), [48.0, 48.0, 24.0, 8.0])
    _close(tf.foldl(lambda a, e: a - e, v), -8.0)
    _close(tf.foldr(lambda a, e: a - e, v), -2.0)


def test_nested_elems_namedtuples_and_dicts_keep_their_structure():
    Pair = collections.namedtuple("Pair", "a b")
    elems = {"u": tf.constant([1.0, 2.0]), "v": Pair(tf.constant([[1.0], [2.0]]),
                                                     tf.constant([3, 4]))}
    out = tf.map_fn(lambda e: Pair(e["u"] * e["v"].a, e["v"].b * 2), elems,
                    fn_output_signature=Pair(tf.float32, tf.int32))
    assert isinstance(out, Pair) and out.b.dtype == tf.int32
    _close(out.a, [[1.0], [4.0]])
    _close(out.b, [6, 8])
    same = tf.map_fn(lambda e: e, elems)  # no signature: the structure and dtypes of elems
    assert isinstance(same["v"], Pair) and same["v"].b.dtype == tf.int32
    summed = tf.scan(lambda a, e: {"u": a["u"] + e["u"], "v": a["v"]}, elems)
    _close(summed["u"], [1.0, 3.0])
    # Python numbers from fn take the signature's dtype; constant results are stacked
    _close(tf.map_fn(lambda e: 1.0, tf.ones([2])), [1.0, 1.0])
    _close(tf.vectorized_map(lambda e: 2.0, tf.range(3.0)), [2.0, 2.0, 2.0])
    _close(tf.vectorized_map(lambda e: e[0] * e[1], (tf.range(3.0), tf.ones([3, 2]))),
           [[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])


def test_empty_elems_give_empty_results_as_tensorflow():
    # shapes recorded from TensorFlow 2.21's eager results
    assert tf.map_fn(tf.sin, tf.zeros([0, 3])).shape == (0,)
    spec = tf.TensorSpec([3], tf.float32)
    assert tf.map_fn(tf.sin, tf.zeros([0, 3]), fn_output_signature=spec).shape == (0, 3)
    assert tf.map_fn(tf.sin, tf.zeros([0, 3]), dtype=tf.int32).dtype == tf.int32
    assert tf.scan(lambda a, e: a, tf.zeros([0]), initializer=tf.ones([2])).shape == (0, 2)
    _close(tf.foldl(lambda a, e: a + e, tf.zeros([0]), initializer=1.0), 1.0)
    assert tf.vectorized_map(lambda e: e * 2, tf.zeros([0, 2])).shape == (0, 2)


def test_fold_accumulators_may_change_shape():
    # as TensorFlow 2.21's foldl (its scan refuses the same fn)
    out = tf.foldl(lambda a, e: tf.concat([a, a], 0), tf.ones([3]), initializer=tf.ones([1]))
    assert out.shape == (8,)


def test_back_prop_false_stops_gradients():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.map_fn(tf.square, x, back_prop=False))
    assert tape.gradient(y, x) is None


def test_forward_mode_goes_through_the_loop():
    x, y = _inputs()
    tangent = tf.constant([1.0, 0.0, -1.0], tf.float64)
    with tf.autodiff.ForwardAccumulator(x, tangent) as acc:
        out = _fold(tf.foldl, x, y)
    with tf.GradientTape() as tape:
        tape.watch(x)
        again = _fold(tf.foldl, x, y)
    _close(acc.jvp(out), np.dot(tape.gradient(again, x), tangent.numpy()))


def test_inside_tf_function_the_loop_is_traced_and_replayed():
    def body(v, w):
        return (tf.scan(lambda a, e: a * e + 1.0, v, reverse=True),
                tf.map_fn(lambda r: {"s": tf.reduce_sum(r * w)}, tf.stack([v, v], 1),
                          fn_output_signature={"s": tf.float32}),
                tf.foldl(lambda a, e: a * e, v), tf.foldr(lambda a, e: a - e, v),
                tf.vectorized_map(tf.sin, v))

    traced = tf.function(body)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "cannot be traced", no retracing warning
        for v in ([1.0, 2.0, 3.0], [2.0, -2.0, 0.5], [4.0, 0.25]):
            args = tf.constant(v), tf.constant([0.5, 2.0])
            got, want = traced(*args), body(*args)
            for a, b in zip(tf.nest.flatten(got), tf.nest.flatten(want)):
                _close(a, b, rtol=1e-6)
    assert traced.experimental_get_tracing_count() == 2  # one per length


def test_bad_input_raises_tensorflows_errors_naming_the_op():
    ok = tf.ones([2, 3])
    assert_clear_error(lambda: tf.map_fn(tf.sin, ()), ValueError, "map_fn", "elems")
    assert_clear_error(lambda: tf.map_fn(tf.sin, tf.constant(3.0)), ValueError, "map_fn",
                       "scalar")
    assert_clear_error(lambda: tf.foldl(lambda a, e: a, tf.constant(3.0)), ValueError, "foldl",
                       "scalar")
    assert_clear_error(lambda: tf.map_fn(lambda e: e[0], (ok, tf.ones([3, 3]))), ValueError,
                       "map_fn", "(2, 3)", "(3, 3)", "first dimension")
    assert_clear_error(lambda: tf.vectorized_map(lambda e: e[0], (ok, tf.ones([3, 3]))),
                       tf.errors.InvalidArgumentError, "vectorized_map", "(3, 3)")
    for op in (tf.scan, tf.foldl, tf.foldr):
        assert_clear_error(lambda op=op: op(lambda a, e: a + e, tf.zeros([0])),
                           tf.errors.OutOfRangeError, op.__name__, "empty", "initializer")
    assert_clear_error(lambda: tf.map_fn(lambda e: (e, e), ok), ValueError, "map_fn",
                       "structure")
    assert_clear_error(lambda: tf.map_fn(lambda e: e, ok, fn_output_signature=(tf.float32,) * 2),
                       ValueError, "map_fn", "structure")
    assert_clear_error(lambda: tf.scan(lambda a, e: (a, a), ok, initializer=tf.ones([3])),
                       ValueError, "scan", "structure")
    assert_clear_error(lambda: tf.map_fn(lambda e: tf.cast(e, tf.int32), ok),
                       tf.errors.InvalidArgumentError, "map_fn", "int32", "float32")
    assert_clear_error(lambda: tf.scan(lambda a, e: tf.cast(a, tf.int32), ok),
                       tf.errors.InvalidArgumentError, "scan", "int32", "float32")
    assert_clear_error(lambda: tf.scan(lambda a, e: tf.concat([a, a], 0), tf.ones([3]),
                                       initializer=tf.ones([1])),
                       ValueError, "scan", "(2,)", "(1,)")
    assert_clear_error(lambda: tf.map_fn(lambda e: e[:1] if e[0] > 0 else e, tf.constant(
        [[1.0, 2.0], [-1.0, 2.0]])), ValueError, "map_fn", "(1,)", "(2,)")
    assert_clear_error(lambda: tf.map_fn(lambda e: e, ok, fn_output_signature=tf.TensorSpec(
        [2], tf.float32)), ValueError, "map_fn", "(3,)", "(2,)")
    assert_clear_error(lambda: tf.map_fn(tf.sin, ok, dtype=tf.float32,
                                         fn_output_signature=tf.float32),
                       ValueError, "map_fn", "dtype", "fn_output_signature")
    assert_clear_error(lambda: tf.map_fn(tf.sin, ok, fn_output_signature="no such dtype"),
                       TypeError, "map_fn", "no such dtype")


# -- against TensorFlow itself, where it is installed ------------------------------------------

CASES = {
    "scan_nested_reverse": lambda m, x, y: m.scan(
        lambda a, e: (a[0] * e[0] + m.sin(e[1]), a[1] + a[0] * e[1]), (x, y),
        initializer=(m.ones([2], m.float64), m.zeros([2], m.float64)), reverse=True),
    "scan_plain": lambda m, x, y: m.scan(lambda a, e: a * 0.5 + m.tanh(e), y),
    "map_fn_dict": lambda m, x, y: m.map_fn(
        lambda e: {"p": m.sin(e[0]) * e[1], "n": m.cast(m.size(e[1]), m.int32)}, (x, y),
        fn_output_signature={"p": m.float64, "n": m.int32}),
    "foldl": lambda m, x, y: m.foldl(lambda a, e: a * e[0] + m.reduce_sum(e[1]), (x, y),
                                     initializer=m.constant(1.0, m.float64)),
    "foldr": lambda m, x, y: m.foldr(lambda a, e: a * m.cos(e) + e, y),
    "vectorized_map": lambda m, x, y: m.vectorized_map(lambda e: m.tanh(e[1] * e[0]), (x, y)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_values_and_gradients_match_tensorflow(case):
    tf_real = pytest.importorskip("tensorflow")

    def run(m):
        x, y = m.constant(X, m.float64), m.constant(Y, m.float64)
        with m.GradientTape() as tape:
            tape.watch([x, y])
            out = CASES[case](m, x, y)
            floats = [t for t in m.nest.flatten(out) if t.dtype == m.float64]
            loss = m.add_n([m.reduce_sum(t * t) for t in floats])
        grads = tape.gradient(loss, [x, y])
        return [np.asarray(t) for t in m.nest.flatten(out)], [
            None if g is None else np.asarray(g) for g in grads]

    (values, grads), (want_values, want_grads) = run(tf), run(tf_real)
    for a, b in zip(values, want_values):
        _close(a, b, rtol=1e-10)
    for a, b in zip(grads, want_grads):
        assert (a is None) == (b is None)
        if a is not None:
            _close(a, b, rtol=1e-10)


def test_a_ragged_output_signature_is_refused_clearly():
    tf_real = pytest.importorskip("tensorflow")
    spec = tf_real.RaggedTensorSpec(shape=[None], dtype=tf_real.int32)
    assert_clear_error(lambda: tf.map_fn(lambda e: e, tf.constant([[1, 2]]),
                                         fn_output_signature=spec),
                       NotImplementedError, "map_fn", "ragged")
