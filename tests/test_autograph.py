"""AutoGraph: Python control flow on tensors in a traced function is converted (AST, once per
function) into tf.cond / tf.while_loop calls; on Python values it runs as plain Python."""

import importlib.util
import inspect
import warnings

import numpy as np
import pytest

import tapegrad as tf


def absolute(x):
    if x > 0:
        y = x
    else:
        y = -x
    return y


def sign_by_return(x):
    if x > 0:
        return tf.ones_like(x)
    return -tf.ones_like(x)


def loops(x, n):
    total = tf.zeros_like(x)
    i = 0
    while i < n:  # on a Python value: a Python loop while tracing
        total += x
        i += 1
    for k in range(6):
        if k == 1:
            continue
        if k == 4:
            break
        total += float(k)
    return total


def tensor_loops(x):
    total = tf.constant(0.0)
    for k in tf.range(5):
        if k == 1:
            continue
        total += tf.cast(k, tf.float32) * x
    j = tf.constant(0)
    while j < 10:
        j += 1
        if j > 3:
            break
        total += 1.0
    return total


def _select_cond(pred, true_fn, false_fn):
    """A traceable stand-in for tf.cond (both branches computed, one selected), so these
    tests check AutoGraph's plumbing whatever tf.cond does."""
    a, b = true_fn(), false_fn()
    return tf.nest.map_structure(lambda x, y: tf.where(pred, x, y), a, b)


def test_to_code_shows_the_converted_statements():
    code = tf.autograph.to_code(absolute)
    assert "def absolute(x):" in code and "ag__.if_stmt(x > 0, if_true_1, if_false_1" in code
    code = tf.autograph.to_code(tf.function(tensor_loops).python_function)
    assert "ag__.for_stmt(ag__.range_iterable(tf.range, 5)" in code and "ag__.while_stmt(" in code
    assert "ag__break_" in code and "ag__continue_" in code
    with pytest.raises(ValueError, match="not a `def` function"):
        tf.autograph.to_code(lambda x: x)


def test_python_conditions_run_as_python_while_tracing(capsys):
    @tf.function
    def f(x, training):
        if training:
            print("training branch")
            return x * 2
        return x

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # traced, not run eagerly
        assert float(f(tf.constant(3.0), True)) == 6.0
        assert float(f(tf.constant(3.0), True)) == 6.0
        assert float(f(tf.constant(3.0), False)) == 3.0
    assert capsys.readouterr().out == "training branch\n"
    assert f.experimental_get_tracing_count() == 2
    np.testing.assert_array_equal(tf.function(loops)(tf.constant([1.0]), 2).numpy(), [7.0])


def test_tensor_if_becomes_cond(monkeypatch, capsys):
    monkeypatch.setattr(tf, "cond", _select_cond, raising=False)

    @tf.function
    def f(x):
        print("tracing")
        return absolute(x) + sign_by_return(x)

    g = tf.function(absolute)
    h = tf.function(sign_by_return)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for value in (3.0, -2.0, 5.0):
            assert float(g(tf.constant(value))) == abs(value)
            assert float(h(tf.constant(value))) == np.sign(value)
    assert g.experimental_get_tracing_count() == 1 and h.experimental_get_tracing_count() == 1
    graph = g.get_concrete_function(tf.constant(1.0)).graph
    assert "SelectV2" in [op.type for op in graph.get_operations()]  # both branches kept
    del f, capsys


def test_tensor_loops_become_while_loops():
    traced = tf.function(tensor_loops)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # traced: no eager fallback
        for value in (1.0, 2.0):
            # k in 0, 2, 3, 4 (1 skipped): 9 * x; j = 1, 2, 3 add 1 each
            assert float(traced(tf.constant(value))) == 9.0 * value + 3.0
    assert traced.experimental_get_tracing_count() == 1
    graph = traced.get_concrete_function(tf.constant(1.0)).graph
    assert [op.type for op in graph.get_operations()].count("StatelessWhile") == 2


def test_tensor_if_and_while_trace_with_tensorflows_control_flow(capsys):
    @tf.function
    def collatz(n):
        print("tracing")
        steps = tf.constant(0)
        while n > 1:
            if n % 2 == 0:
                n = n // 2
            else:
                n = 3 * n + 1
            steps += 1
        return steps

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [int(collatz(tf.constant(k))) for k in (6, 7, 1)] == [8, 16, 0]
    assert capsys.readouterr().out == "tracing\n"
    types = [op.type for op in collatz.get_concrete_function(tf.constant(6)).graph
             .get_operations()]
    assert "StatelessWhile" in types


def test_autograph_false_traces_the_python_as_written():
    f = tf.function(absolute, autograph=False)
    with pytest.warns(UserWarning, match="cannot be traced into a program"):
        assert float(f(tf.constant(-2.0))) == 2.0
    assert f._traced_function() is absolute


def test_unconvertible_function_warns_once_and_runs_as_is():
    def returns_in_loop(x):
        for i in range(3):
            if i == 2:
                return x * i
        return x

    f = tf.function(returns_in_loop)
    with pytest.warns(UserWarning, match="AutoGraph could not transform .* a return inside a"):
        assert float(f(tf.constant(2.0))) == 4.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert float(tf.function(returns_in_loop)(tf.constant(3.0))) == 6.0


def test_do_not_convert_and_methods():
    @tf.autograph.experimental.do_not_convert
    def plain(x):
        if x > 0:
            return x
        return -x

    assert tf.function(plain)._traced_function() is plain

    class Scale:
        factor = 3.0

        @tf.function
        def __call__(self, x, double):
            if double:
                x = x * 2.0
            return x * self.factor

    assert float(Scale()(tf.constant(1.0), True)) == 6.0

    class Twice(Scale):
        @tf.function
        def __call__(self, x, double):
            if double:
                return super().__call__(x, double) * 2.0  # zero-argument super()
            return x

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert float(Twice()(tf.constant(1.0), True)) == 12.0


def test_matches_tensorflow(tmp_path):
    tf_real = pytest.importorskip("tensorflow")
    # the same source in a module of its own with TensorFlow as `tf` (AutoGraph reads files)
    source = "import tensorflow as tf\n\n" + "\n\n".join(
        inspect.getsource(fn) for fn in (absolute, sign_by_return, tensor_loops))
    (tmp_path / "ag_theirs.py").write_text(source)
    spec = importlib.util.spec_from_file_location("ag_theirs", tmp_path / "ag_theirs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for fn, value in [(absolute, -3.0), (absolute, 2.0), (sign_by_return, -1.5),
                      (tensor_loops, 2.0)]:
        theirs = float(tf_real.function(getattr(module, fn.__name__))(tf_real.constant(value)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours = float(tf.function(fn)(tf.constant(value)))
        assert ours == theirs
    theirs = tf_real.autograph.to_code(absolute)
    assert "ag__.if_stmt" in theirs and "ag__.if_stmt" in tf.autograph.to_code(absolute)


def test_a_lambda_is_traced_as_written_without_a_warning():
    f = tf.function(lambda x: x if x.shape.rank else -x)  # a conditional expression
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert float(f(tf.constant(2.0))) == -2.0


def test_for_over_tf_range_of_a_traced_bound_is_one_loop():
    # as TensorFlow's AutoGraph: a counter in a while loop, traced once, for any bound
    @tf.function
    def squares(n):
        ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        for i in tf.range(n):
            ta = ta.write(i, tf.cast(i, tf.float32) ** 2)
        return ta.stack()

    @tf.function
    def countdown(start):
        total = tf.constant(0.0)
        for x in tf.range(start, 0.0, -0.5):
            total += x
            if total > 10.0:
                break
        return total

    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*cannot be traced")
        assert squares(tf.constant(5)).numpy().tolist() == [0.0, 1.0, 4.0, 9.0, 16.0]
        assert squares(tf.constant(2)).numpy().tolist() == [0.0, 1.0]
        assert float(countdown(tf.constant(2.0))) == 5.0  # 2 + 1.5 + 1 + 0.5
        assert float(countdown(tf.constant(4.0))) == 10.5  # 4 + 3.5 + 3: past 10, it stops
    assert squares.experimental_get_tracing_count() == 1
    assert countdown.experimental_get_tracing_count() == 1


def test_a_concrete_function_takes_its_signature_only():
    @tf.function
    def double(a):
        return a + a

    strings = double.get_concrete_function(tf.TensorSpec(shape=[], dtype=tf.string))
    assert strings(tf.constant("b")).numpy() == b"bb"
    with pytest.raises(tf.errors.InvalidArgumentError, match="expected to be a string tensor "
                                                            "but is a int32 tensor"):
        strings(tf.constant(1))
    with pytest.raises(TypeError, match="do not match its input signature"):
        strings(tf.constant(["a", "b"]))
    assert [op.type for op in strings.graph.get_operations()] == ["Placeholder", "Add",
                                                                  "Identity"]


def test_indexing_at_a_loop_counter_traces():
    # `values[i]` with the loop's counter: each call indexes its own row (TensorFlow's strided
    # slice); its gradient is dense, at that row
    @tf.function
    def clipped_sum(values, limit):
        total = tf.constant(0.0)
        for i in tf.range(tf.shape(values)[0]):
            if total + values[i] > limit:
                break
            total += values[i]
        return total

    @tf.function
    def grad_of_row(x, i):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(x[i] ** 2)
        return tape.gradient(y, x)

    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*cannot be traced")
        values = tf.constant([1.0, 2.0, 3.0, 4.0])
        got = [float(clipped_sum(values, tf.constant(limit))) for limit in (0.5, 3.5, 100.0)]
        assert got == [0.0, 3.0, 10.0]  # TensorFlow 2.21's
        x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
        assert grad_of_row(x, tf.constant(1)).numpy().tolist() == [[0.0, 0.0], [6.0, 8.0]]
        assert grad_of_row(x, tf.constant(-2)).numpy().tolist() == [[2.0, 4.0], [0.0, 0.0]]
        with pytest.raises(tf.errors.InvalidArgumentError, match="index 5 is out of bounds"):
            grad_of_row(x, tf.constant(5))
    assert clipped_sum.experimental_get_tracing_count() == 1
