"""tf.function's results that no tensor argument computes, its retracing warning and its
bounded trace cache. The expected results are TensorFlow 2.21's (tests/test_engine_tf.py runs
the same programs through TensorFlow)."""

import importlib
import warnings

import numpy as np
import pytest

import tapegrad as tf

function_module = importlib.import_module("tapegrad._impl.function")  # tf.function is the decorator


def _twice(f, *args):
    """Calls `f` twice (the first call traces, the second replays) and returns both results."""
    return f(*args), f(*args)


def test_result_computed_from_a_python_number_argument():
    for result in _twice(tf.function(lambda x: x ** 3), 2):
        assert isinstance(result, tf.Tensor) and result.dtype == tf.int32
        assert int(result) == 8


def test_none_in_a_result_tuple_stays_none():
    for result in _twice(tf.function(lambda x: (x * 2.0, None)), tf.constant(1.0)):
        assert float(result[0]) == 2.0 and result[1] is None


def test_python_and_numpy_results_become_tensors():
    f = tf.function(lambda x: {"a": 3.5, "b": [1, np.ones(2)], "c": x})
    for result in _twice(f, tf.constant(1.0)):
        assert result["a"].dtype == tf.float32 and float(result["a"]) == 3.5
        assert result["b"][0].dtype == tf.int32 and int(result["b"][0]) == 1
        assert result["b"][1].dtype == tf.float64
        np.testing.assert_array_equal(result["b"][1].numpy(), [1.0, 1.0])


def test_tensor_made_without_the_arguments():
    for result in _twice(tf.function(lambda x: tf.zeros(3)), tf.constant(1.0)):
        np.testing.assert_array_equal(result.numpy(), [0.0, 0.0, 0.0])


def test_constant_gradients():
    def grads(x):
        c = tf.constant(3.0)
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(c)
            y = c * 2.0
        return tape.gradient(y, c), tape.gradient(y, x, unconnected_gradients="zero")

    for dc, dx in _twice(tf.function(grads), tf.constant([1.0, 2.0])):
        assert float(dc) == 2.0
        np.testing.assert_array_equal(dx.numpy(), [0.0, 0.0])


def test_assign_add_result_is_the_value_after_the_call():
    v = tf.Variable(1.0)
    f = tf.function(lambda: v.assign_add(1.0))
    first, second = _twice(f)
    assert isinstance(first, tf.Tensor) and float(first) == 2.0 and float(second) == 3.0
    assert float(v) == 3.0


def test_returned_variable_is_read_after_every_assignment():
    v = tf.Variable(1.0)
    f = tf.function(lambda: (v.assign_add(1.0), v.assign_add(1.0), v))
    assert [float(t) for t in f()] == [3.0, 3.0, 3.0]  # TensorFlow reads them all at the end
    assert [float(t) for t in f()] == [5.0, 5.0, 5.0]


def test_eagerly_run_function_converts_its_results_too():
    v = tf.Variable(2.0)

    @tf.function
    def f(x):
        if x > 0:  # value-dependent: runs eagerly
            return v, 1.5, None
        return x, 0.0, None

    for read, number, nothing in _twice(f, tf.constant(1.0)):
        assert isinstance(read, tf.Tensor) and float(read) == 2.0
        assert isinstance(number, tf.Tensor) and float(number) == 1.5
        assert nothing is None


def test_object_result_raises_type_error_naming_its_type():
    class Thing:
        pass

    with pytest.raises(TypeError, match="type Thing"):
        tf.function(lambda x: Thing())(tf.constant(1.0))


# -- retracing ----------------------------------------------------------------------------------

def _retracing_warnings(record):
    return [str(w.message) for w in record if "triggered tf.function retracing" in str(w.message)]


def test_distinct_python_scalars_trace_once_each():
    @tf.function
    def f(x, n):
        return x * n

    x = tf.constant(2.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for n in range(8):
            assert float(f(x, n)) == 2.0 * n
    for n in range(8):
        f(x, n)
    assert f.experimental_get_tracing_count() == 8


def test_five_retraces_in_a_row_warn_as_tensorflow():
    def square(x):
        return x * x

    f = tf.function(square)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        for n in range(12):
            f(n)
    messages = _retracing_warnings(record)
    # TensorFlow: two warnings at most per function, at the 5th and 6th consecutive trace
    assert [m.split(" calls to")[0] for m in messages] == [
        "5 out of the last 5", "6 out of the last 6"]
    assert "square" in messages[0] and "(3) passing Python objects instead of tensors" in (
        messages[0])


def test_retraces_spread_over_many_calls_do_not_warn():
    def cube(x):
        return x * x * x

    f = tf.function(cube)
    x = tf.constant(1.0)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        for n in range(8):
            f(n)
            for _ in range(3):  # replays push the traces out of the 10-call window
                f(x)
    assert _retracing_warnings(record) == []


def test_function_recreated_in_a_loop_warns():
    def body(y):
        return y + 1.0

    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        for _ in range(5):
            tf.function(body)(tf.constant(1.0))
    assert len(_retracing_warnings(record)) == 1


def test_trace_cache_is_a_bounded_lru(monkeypatch):
    monkeypatch.setattr(function_module, "CACHE_SIZE", 3)

    @tf.function
    def f(x, n):
        return x + n

    x = tf.constant(1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for n in (0, 1, 2, 0, 3):  # 0 is used again, so 1 is the least recently used
            f(x, n)
        assert f.experimental_get_tracing_count() == 4
        assert len(f._cache) == 3
        f(x, 0)
        f(x, 2)
        assert f.experimental_get_tracing_count() == 4
        f(x, 1)  # dropped: traced again
        assert f.experimental_get_tracing_count() == 5
        for shape in [(1,), (2,), (3,), (4,)]:  # tensor-only calls take the fast path
            f(tf.zeros(shape), tf.constant(1.0))
    assert len(f._cache) == 3 and 1 <= len(f._fast) <= 3


# -- input_signature: keywords and nested specs ---------------------------------------------------

def test_input_signature_binds_keyword_arguments():
    f = tf.function(lambda x, y: x * y,
                    input_signature=[tf.TensorSpec([], tf.float32), tf.TensorSpec([], tf.float32)])
    assert float(f(tf.constant(3.0), y=4.0)) == 12.0
    assert float(f(y=5, x=1.0)) == 5.0  # Python values converted to the spec's dtype
    assert f.experimental_get_tracing_count() == 1


def test_nested_input_signature_checks_each_leaf():
    f = tf.function(lambda pair: pair[0] + pair[1],
                    input_signature=[[tf.TensorSpec([2], tf.float32)] * 2])
    np.testing.assert_array_equal(f([[1.0, 2.0], [3.0, 4.0]]).numpy(), [4.0, 6.0])
    with pytest.raises(TypeError, match="structure"):
        f(tf.constant([1.0, 2.0]))
    with pytest.raises(TypeError, match=r"Can not cast TensorSpec\(shape=\(3,\)"):
        f([[1.0, 2.0], [3.0, 4.0, 5.0]])
