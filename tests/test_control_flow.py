"""tf.cond, tf.case, tf.switch_case and tf.while_loop: eager and traced results, TensorFlow's
errors, one instruction per loop or branch in a traced program, and derivatives (reverse,
forward, second order) against finite differences through `check_grads`."""

import io
import tracemalloc

import numpy as np
import pytest
from bad_input import assert_clear_error

import tapegrad as tf
from tapegrad._core.control import Branch, While


def _loop_power(x, n=3):
    """x ** n by a loop (with a captured tensor and a counter)."""
    _, y = tf.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, y * x),
                         (0, tf.cast(1, x.dtype)))
    return y


def _branchy(x):
    return tf.cond(tf.reduce_sum(x) > 0.0, lambda: tf.sin(x) * x, lambda: tf.exp(x))


def _nested(x):
    def body(i, acc):
        inner = tf.cond(i % 2 == 0, lambda: acc * x, lambda: acc + tf.sin(x))
        return i + 1, inner

    return tf.while_loop(lambda i, acc: i < 4, body, (0, x))[1]


def _switch(x):
    k = tf.cast(tf.reduce_sum(x) > 0.0, "int32") + 1
    return tf.switch_case(k, [lambda: x, lambda: x * x, lambda: tf.tanh(x) * x])


def _ragged_loop(x):
    """A loop whose shape grows (shape_invariants) and a reduction after it."""
    y = tf.while_loop(lambda y: tf.shape(y)[0] < 8, lambda y: [tf.concat([y, y * x], 0)],
                      [tf.reshape(x, [1])], shape_invariants=[tf.TensorShape([None])])[0]
    return tf.reduce_sum(y)


FUNCTIONS = [_loop_power, _branchy, _nested, _switch, _ragged_loop]


@pytest.mark.parametrize("traced", [False, True], ids=["eager", "traced"])
@pytest.mark.parametrize("fn", FUNCTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("x", [0.7, -0.4])
def test_control_flow_derivatives_match_finite_differences(fn, traced, x):
    f = tf.function(fn) if traced else fn
    tf.check_grads(f, [x], order=2, modes=("rev", "fwd"))


def test_traced_loop_is_one_while_instruction_run_at_every_call():
    f = tf.function(lambda x, n: _loop_power(x, n))
    program = f.get_concrete_function(tf.constant(2.0), tf.constant(3)).program
    assert [type(ins) for ins in program.instrs] == [While]
    assert "StatelessWhile" in program.listing()
    assert float(f(tf.constant(2.0), tf.constant(3))) == 8.0
    assert float(f(tf.constant(2.0), tf.constant(10))) == 1024.0  # same trace, more iterations
    assert f.experimental_get_tracing_count() == 1


def test_traced_cond_traces_both_branches_once_and_chooses_per_call():
    calls = []

    def true_fn(x):
        calls.append("true")
        return x * 2.0

    def false_fn(x):
        calls.append("false")
        return x - 1.0

    f = tf.function(lambda x: tf.cond(x > 0.0, lambda: true_fn(x), lambda: false_fn(x)))
    assert float(f(tf.constant(3.0))) == 6.0
    assert float(f(tf.constant(-3.0))) == -4.0
    assert sorted(calls) == ["false", "true"]  # traced once each, not run per call
    program = f.get_concrete_function(tf.constant(1.0)).program
    assert [type(ins) for ins in program.instrs] == [type(program.instrs[0]), Branch]


def test_eager_cond_runs_only_the_chosen_branch_and_returns_it_as_is():
    calls = []
    out = tf.cond(tf.constant(True), lambda: calls.append("t") or [1.0],
                  lambda: calls.append("f") or [2.0])
    assert out == [1.0] and calls == ["t"]
    assert tf.cond(False, lambda: None, lambda: None) is None


def test_while_loop_structures_as_tensorflow():
    # values recorded from TensorFlow 2.21 (eager)
    out = tf.while_loop(lambda i: i < 5, lambda i: (i + 1,), (0,))
    assert type(out) is tuple and int(out[0]) == 5
    out = tf.while_loop(lambda i, x: i < 3, lambda i, x: [i + 1, x * 2.0], [0, 1.5])
    assert type(out) is list and [float(v) for v in out] == [3.0, 12.0]
    out = tf.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, x * 2.0), (0, 1.5),
                        maximum_iterations=2)
    assert [float(v) for v in out] == [2.0, 6.0]
    nested = tf.while_loop(
        lambda s: s["i"] < 3,
        lambda s: ({"i": s["i"] + 1, "v": tuple(v * 2 for v in s["v"])},),
        ({"i": 0, "v": (1.0, 2.0)},))
    assert int(nested[0]["i"]) == 3 and float(nested[0]["v"][1]) == 16.0


def test_traced_while_loop_structures_and_maximum_iterations():
    @tf.function
    def f(x, m):
        state = {"i": tf.constant(0), "v": (x, x * 2.0)}
        return tf.while_loop(lambda s: s["i"] < 10, lambda s: [{"i": s["i"] + 1,
                             "v": (s["v"][0] + 1.0, s["v"][1] * 2.0)}], [state],
                             maximum_iterations=m)

    out = f(tf.constant(1.0), tf.constant(3))
    assert isinstance(out, list) and int(out[0]["i"]) == 3
    assert float(out[0]["v"][0]) == 4.0 and float(out[0]["v"][1]) == 16.0
    assert int(f(tf.constant(1.0), tf.constant(50))[0]["i"]) == 10


def test_long_loop_differentiates_without_recursion():
    x = tf.constant(1.0001, dtype=tf.float64)

    def run(fn):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = fn(x)
        return float(tape.gradient(y, x))

    f = tf.function(lambda x: _loop_power(x, 10_000))
    expected = 10_000 * 1.0001 ** 9_999
    assert run(lambda x: _loop_power(x, 10_000)) == pytest.approx(expected, rel=1e-9)
    assert run(f) == pytest.approx(expected, rel=1e-9)


def _inner_gradient(x):
    """The gradient, taken inside the function, of a loop followed by a branch."""
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = _loop_power(x, 4)
        z = tf.cond(tf.reduce_sum(y) > 3.0, lambda: y * tf.sin(x), lambda: y - x)
    return tape.gradient(z, x)


def test_tape_inside_a_traced_function_differentiates_its_loop_and_branch():
    f = tf.function(_inner_gradient)
    cf = f.get_concrete_function(tf.constant(2.0))
    assert cf.traced
    assert "SymbolicGradient[StatelessWhile]" in cf.program.listing()
    for x in (2.0, 0.5, 1.5):  # both branches from one trace
        assert float(f(tf.constant(x))) == pytest.approx(float(_inner_gradient(
            tf.constant(x))), rel=1e-6)
    assert f.experimental_get_tracing_count() == 1


@pytest.mark.parametrize("x", [1.3, 0.6])
def test_gradient_inside_a_traced_function_has_derivatives_of_its_own(x):
    tf.check_grads(tf.function(_inner_gradient), [x], order=2, modes=("rev", "fwd"))


def test_switch_case_and_case_choose_as_tensorflow():
    # results recorded from TensorFlow 2.21
    fns = [lambda: 1.0, lambda: 2.0]
    assert tf.switch_case(tf.constant(5), fns) == 2.0  # out of range: the last
    assert tf.switch_case(tf.constant(-1), fns, default=lambda: 7.0) == 7.0
    assert tf.switch_case(tf.constant(1), {0: fns[0], 1: fns[1]}) == 2.0
    x = tf.constant(3.0)
    assert tf.case([(x > 5, lambda: 1.0), (x > 2, lambda: 2.0)]) == 2.0
    assert tf.case([(x > 5, lambda: 1.0)], default=lambda: 3.0) == 3.0
    f = tf.function(lambda k: tf.switch_case(k, [lambda: tf.constant(1.0),
                                                 lambda: tf.constant(2.0)]))
    assert [float(f(tf.constant(k))) for k in (0, 1, 7, -2)] == [1.0, 2.0, 2.0, 2.0]


def test_case_without_a_true_predicate_raises_invalid_argument():
    x = tf.constant(3.0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="None of conditions evaluated"):
        tf.case([(x > 5, lambda: 1.0), (x > 4, lambda: 2.0)])
    f = tf.function(lambda x: tf.case([(x > 5, lambda: 1.0), (x > 4, lambda: 2.0)]))
    assert float(f(tf.constant(4.5))) == 2.0
    with pytest.raises(tf.errors.InvalidArgumentError, match="None of conditions evaluated"):
        f(tf.constant(0.0))


@pytest.mark.parametrize("call, error, words", [
    (lambda: tf.while_loop(1, lambda i: i, [0]), TypeError, ["'cond' must be callable"]),
    (lambda: tf.while_loop(lambda i: i < 3, 2, [0]), TypeError, ["'body' must be callable"]),
    (lambda: tf.while_loop(lambda i: i < 3, lambda i: i + 1, []), ValueError,
     ["'loop_vars' must be provided"]),
    (lambda: tf.while_loop(lambda i: i < 3, lambda i: i + 1, [0], parallel_iterations=0),
     TypeError, ["'parallel_iterations' must be a positive integer"]),
    (lambda: tf.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1,), (0, 1.5)), ValueError,
     ["same nested structure"]),
    (lambda: tf.cond(True, 1, lambda: 2.0), TypeError, ["'true_fn' must be callable"]),
    (lambda: tf.cond(tf.constant([True, False]), lambda: 1.0, lambda: 2.0), ValueError,
     ["pred must be a scalar", "[2]"]),
    (lambda: tf.switch_case(1, [lambda: 1.0]), TypeError, ["'branch_index' must be a Tensor"]),
    (lambda: tf.switch_case(tf.constant(1.0), [lambda: 1.0]), TypeError,
     ["integer Tensor", "float32"]),
    (lambda: tf.switch_case(tf.constant(1), [(0, lambda: 1.0), (2, lambda: 2.0)]), ValueError,
     ["contiguous range", "{0,2}"]),
    (lambda: tf.case([(True, lambda: 1.0)]), TypeError, ["pred must be a Tensor", "True"]),
])
def test_bad_control_flow_arguments_raise_tensorflow_errors(call, error, words):
    assert_clear_error(call, error, *words)


@pytest.mark.parametrize("fn, error, words", [
    (lambda x: tf.cond(x > 0, lambda: x, lambda: [x]), TypeError,
     ["true_fn and false_fn", "same number, type, and overall structure"]),
    (lambda x: tf.cond(x > 0, lambda: x, lambda: 1), TypeError,
     ["different types", "float32", "int32"]),
    (lambda x: tf.cond(x, lambda: 1.0, lambda: 2.0), tf.errors.InvalidArgumentError,
     ["pred must be a scalar bool tensor", "float32"]),
    (lambda x: tf.while_loop(lambda v: v < 3, lambda v: 3, [x]), TypeError,
     ["enters the loop with type", "float32", "int32"]),
    (lambda x: tf.while_loop(lambda v: tf.reduce_sum(v) < 30, lambda v: tf.concat([v, v], 0),
                             [tf.reshape(x, [1])]), ValueError,
     ["enters the loop with shape", "shape_invariants"]),
])
def test_traced_control_flow_mismatches_raise_tensorflow_errors(fn, error, words):
    assert_clear_error(lambda: tf.function(fn)(tf.constant(1.0)), error, *words)


def test_traced_loop_body_side_effects_run_at_tracing_and_variables_update_per_call():
    v = tf.Variable(0.0)
    traced = []

    @tf.function
    def f(n):
        def body(i):
            traced.append(1)
            v.assign_add(1.0)
            return i + 1

        return tf.while_loop(lambda i: i < n, body, [tf.constant(0)])

    f(tf.constant(3))
    f(tf.constant(4))
    assert float(v) == 7.0 and len(traced) == 1


def test_control_flow_matches_tensorflow():
    tf_real = pytest.importorskip("tensorflow")
    results = []
    for lib in (tf, tf_real):
        x = lib.constant(np.array([0.3, -1.2, 2.0]))

        def f(x, lib=lib):
            y = _generic_program(lib, x)
            return y

        with lib.GradientTape() as tape:
            tape.watch(x)
            y = f(x)
        eager = (y.numpy(), tape.gradient(y, x).numpy())
        g = lib.function(f)
        with lib.GradientTape() as tape:
            tape.watch(x)
            y = g(x)
        traced = (y.numpy(), tape.gradient(y, x).numpy())
        results.append((eager, traced))
    for mine, theirs in zip(results[0], results[1]):
        np.testing.assert_allclose(mine[0], theirs[0], rtol=1e-12)
        np.testing.assert_allclose(mine[1], theirs[1], rtol=1e-12)


def _generic_program(lib, x):
    def body(i, acc):
        acc = lib.cond(lib.reduce_sum(acc) > 1.0, lambda: acc * 0.5 + lib.sin(x),
                       lambda: acc * x + 1.0)
        return i + 1, acc

    _, acc = lib.while_loop(lambda i, acc: i < 6, body, (lib.constant(0), x))
    k = lib.cast(lib.reduce_sum(acc) > 0, lib.int32)
    return lib.switch_case(k, [lambda: acc * 2.0, lambda: lib.tanh(acc) * x])


def test_traced_branch_is_not_eager_and_an_accumulator_inside_runs_eagerly():
    seen = []

    @tf.function
    def f(x):
        return tf.cond(x > 0.0, lambda: seen.append(tf.executing_eagerly()) or x, lambda: -x)

    f(tf.constant(1.0))
    assert seen == [False]

    @tf.function
    def jvp(x):
        with tf.autodiff.ForwardAccumulator(x, tf.ones_like(x)) as acc:
            y = _loop_power(x, 3)
        return acc.jvp(y)

    assert float(jvp(tf.constant(2.0))) == 12.0
    assert not jvp.get_concrete_function(tf.constant(2.0)).traced


def test_differentiated_traced_loop_runs_its_body_effects_once_per_iteration():
    stream = io.StringIO()
    v = tf.Variable(0.0)

    @tf.function
    def step(x, n):
        def body(i, y):
            tf.print("i", i, output_stream=stream)
            v.assign_add(1.0)
            return i + 1, y * x

        with tf.GradientTape() as tape:
            tape.watch(x)
            _, y = tf.while_loop(lambda i, y: i < n, body, (0, tf.constant(1.0)))
        return tape.gradient(y, x)

    assert float(step(tf.constant(2.0), tf.constant(3))) == 12.0
    assert float(step(tf.constant(2.0), tf.constant(2))) == 4.0
    assert stream.getvalue() == "i 0\ni 1\ni 2\ni 0\ni 1\n" and float(v) == 5.0
    assert step.get_concrete_function(tf.constant(2.0), tf.constant(3)).traced


@pytest.mark.parametrize("traced", [False, True], ids=["eager", "traced"])
def test_loop_gradient_memory_grows_linearly_with_iterations(traced):
    def step(x, n):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = _loop_power(x, n)
        return tape.gradient(y, x)

    fn = tf.function(step) if traced else step
    x = tf.constant(1.0001, dtype=tf.float64)
    fn(x, tf.constant(10))  # traced once, outside the measurement

    def peak(n):
        tracemalloc.start()
        fn(x, tf.constant(n))
        top = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return top

    ratio = peak(3000) / peak(1500)
    assert 1.5 < ratio < 2.5, ratio
