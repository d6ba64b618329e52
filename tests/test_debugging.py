"""tf.print (TensorFlow's format, standard error, at every call of a traced function),
tf.debugging's checks (TensorFlow's error classes and messages, eager and traced) and
tf.config.run_functions_eagerly."""

import io
import sys

import numpy as np
import pytest

import tapegrad as tf


def _printed(*args, **kwargs):
    stream = io.StringIO()
    tf.print(*args, output_stream=stream, **kwargs)
    return stream.getvalue()


def test_print_formats_as_tensorflow():
    # the expected lines were printed by TensorFlow 2.21's tf.print
    x = tf.constant([1.0, 2.0, 3.0])
    assert _printed("hi", x, 3, {"a": x}, [1, 2], tf.constant(2.5), tf.constant(7),
                    tf.constant("s"), tf.range(10), tf.zeros([2, 2])) == (
        'hi [1 2 3] 3 {\'a\': [1 2 3]} [1, 2] 2.5 7 "s" [0 1 2 ... 7 8 9] [[0 0]\n [0 0]]\n')
    assert _printed(tf.zeros([2, 2, 2])) == "[[[0 0]\n  [0 0]]\n\n [[0 0]\n  [0 0]]]\n"
    assert _printed(tf.constant([1.0, 0.5, -2.0, 1e20, np.nan, np.inf]),
                    tf.constant(1.0, tf.float64) / 3, tf.constant(1.0) / 3) == (
        "[1 0.5 -2 1e+20 nan inf] 0.33333333333333331 0.333333343\n")
    assert _printed(tf.constant([[True, False]]), tf.range(10), summarize=-1) == (
        "[[1 0]] [0 1 2 3 4 5 6 7 8 9]\n")
    assert _printed(x, sep=",", end="!\n") == "[1 2 3]!\n"
    rows = _printed(tf.reshape(tf.range(64), [8, 8])).splitlines()
    assert rows[0] == "[[0 1 2 ... 5 6 7]" and rows[3] == " ..." and len(rows) == 7


def test_print_goes_to_stderr_by_default(capsys):
    tf.print("value", tf.constant(4))
    captured = capsys.readouterr()
    assert captured.err == "value 4\n" and captured.out == ""


def test_print_in_a_traced_function_prints_at_every_call_not_at_tracing():
    stream = io.StringIO()

    @tf.function
    def f(x):
        tf.print("x =", x, output_stream=stream)
        return x + 1.0

    f(tf.constant(1.0))
    f(tf.constant(2.0))
    assert stream.getvalue() == "x = 1\nx = 2\n"
    assert f.experimental_get_tracing_count() == 1


def test_print_inside_a_traced_loop_prints_each_iteration():
    stream = io.StringIO()

    @tf.function
    def f(n):
        def body(i):
            tf.print("i", i, output_stream=stream)
            return i + 1

        return tf.while_loop(lambda i: i < n, body, [tf.constant(0)])

    f(tf.constant(3))
    assert stream.getvalue() == "i 0\ni 1\ni 2\n"


def test_assert_equal_and_less_messages_as_tensorflow():
    # the messages were raised by TensorFlow 2.21 (eager)
    x, y = tf.constant([1.0, 2.0, 3.0]), tf.constant([1.0, 2.5, 3.0])
    assert tf.debugging.assert_equal(x, x) is None
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        tf.debugging.assert_equal(x, y, message="hello")
    assert str(info.value) == (
        "hello\nCondition x == y did not hold.\nIndices of first 1 different values:\n[[1]]\n"
        "Corresponding x values:\n[2.]\nCorresponding y values:\n[2.5]\n"
        "First 3 elements of x:\n[1. 2. 3.]\nFirst 3 elements of y:\n[1.  2.5 3. ]")
    with pytest.raises(tf.errors.InvalidArgumentError, match="Condition x < y did not hold"):
        tf.debugging.assert_less(x, y)
    tf.debugging.assert_less(x, x + 1.0)


def test_static_shape_checks_raise_value_error_as_tensorflow():
    x = tf.constant([1.0, 2.0, 3.0])
    tf.debugging.assert_rank(x, 1)
    with pytest.raises(ValueError, match=r"must have rank 2.  Received rank 1, shape \(3,\)"):
        tf.debugging.assert_rank(x, 2)
    tf.debugging.assert_shapes([(x, ("N",)), (tf.zeros([3, 3]), ("N", 3))])
    with pytest.raises(ValueError, match=r"dimension 0 must have size 3.  Received size 2"):
        tf.debugging.assert_shapes([(x, ("N",)), (tf.zeros([2, 3]), ("N", 3))])


def test_check_numerics_and_assert_all_finite():
    x = tf.constant([1.0, 2.0])
    assert tf.debugging.check_numerics(x, "fine").numpy().tolist() == [1.0, 2.0]
    assert tf.debugging.assert_all_finite(x, "fine").numpy().tolist() == [1.0, 2.0]
    with pytest.raises(tf.errors.InvalidArgumentError, match="bad : Tensor had NaN values"):
        tf.debugging.check_numerics(tf.constant([1.0, np.nan]), "bad")
    with pytest.raises(tf.errors.InvalidArgumentError, match="bad : Tensor had Inf values"):
        tf.debugging.assert_all_finite(tf.constant([np.inf]), "bad")


def test_checks_in_a_traced_function_run_at_every_call():
    @tf.function
    def f(x):
        x = tf.debugging.check_numerics(x, "input")
        tf.debugging.assert_less(x, 10.0)
        return tf.sqrt(x)

    assert float(f(tf.constant(4.0))) == 2.0
    with pytest.raises(tf.errors.InvalidArgumentError, match="input : Tensor had NaN values"):
        f(tf.constant(np.nan))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Condition x < y"):
        f(tf.constant(12.0))
    assert f.experimental_get_tracing_count() == 1
    x = tf.constant(4.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    assert float(tape.gradient(y, x)) == 0.25


def test_assert_raises_with_its_data():
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        tf.debugging.Assert(False, ["oops", tf.constant([1.0, 2.0, 3.0])])
    assert "Summarized data: b'oops'\n1.0, 2.0, 3.0" in str(info.value)
    tf.Assert(True, ["fine"])


def test_run_functions_eagerly_switches_tracing_off_and_on():
    calls = []

    @tf.function
    def f(x):
        calls.append(1)
        return x * 2.0

    assert tf.config.functions_run_eagerly() is False
    tf.config.run_functions_eagerly(True)
    try:
        assert tf.config.functions_run_eagerly() is True
        f(tf.constant(1.0))
        f(tf.constant(1.0))
        assert len(calls) == 2 and f.experimental_get_tracing_count() == 0
    finally:
        tf.config.run_functions_eagerly(False)
    f(tf.constant(1.0))
    f(tf.constant(1.0))
    assert len(calls) == 3 and f.experimental_get_tracing_count() == 1


def test_print_matches_tensorflow(capfd):
    tf_real = pytest.importorskip("tensorflow")
    values = [np.array([[1.5, -2.25e-7], [3.0, 1e10]], np.float32), np.arange(20),
              np.array([True, False]), np.float64(1.0) / 7]
    capfd.readouterr()
    out = []
    for lib in (tf_real, tf):
        lib.print(*[lib.constant(v) for v in values], output_stream=sys.stderr)
        out.append(capfd.readouterr().err)
    assert out[0] == out[1]
