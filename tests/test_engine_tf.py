"""The engine against TensorFlow itself: what tapes track, batch_jacobian of unconnected
sources, tf.test.compute_gradient's layout, tf.function's results and retracing.

Skipped unless `import tensorflow` works. Each program is written once as `program(m)` and run
with `m = tapegrad` and `m = tensorflow`; the answers must agree in structure (None where
TensorFlow gives None), dtype, shape and value. tests/test_tape_tracking.py and
tests/test_function_results.py check the same behaviour without TensorFlow.

    PYTHONPATH=src /path/to/python-with-tensorflow -m pytest tests/test_engine_tf.py
"""

import warnings

import numpy as np
import pytest

import tapegrad

tf_real = pytest.importorskip("tensorflow")


def _plain(value):
    """A comparable picture of a result: nested lists with (dtype, shape, array) per tensor."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in sorted(value.items())}
    if isinstance(value, np.ndarray):
        return ("ndarray", value.dtype.name, value.shape, value)
    return (value.dtype.name, tuple(value.shape), np.asarray(value))


def _assert_same(got, want, path="result", rtol=1e-5):
    if want is None or got is None:
        assert got is None and want is None, f"{path}: tapegrad {got!r}, TensorFlow {want!r}"
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), f"{path}: {got!r} != {want!r}"
        for i, (g, w) in enumerate(zip(got, want)):
            _assert_same(g, w, f"{path}[{i}]", rtol)
    elif isinstance(want, dict):
        assert sorted(got) == sorted(want), path
        for k in want:
            _assert_same(got[k], want[k], f"{path}[{k!r}]", rtol)
    else:
        assert got[:-1] == want[:-1], f"{path}: tapegrad {got[:-1]}, TensorFlow {want[:-1]}"
        np.testing.assert_allclose(got[-1], want[-1], rtol=rtol, atol=1e-6, err_msg=path)


def watch_accessed_variables_false(m):
    x, w = m.Variable(2.0), m.Variable(3.0)
    with m.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(w)
        y = x * w * w
    return tape.gradient(y, [x, w])


def unwatched_constant(m):
    c, d = m.constant(2.0), m.constant(3.0)
    with m.GradientTape() as other:
        other.watch(c)
    with m.GradientTape() as tape:
        tape.watch(d)
        y = c * d * d
    return tape.gradient(y, [c, d])


def nested_tapes(m):
    c, d = m.constant(2.0), m.constant(3.0)
    with m.GradientTape() as outer:
        outer.watch(c)
        with m.GradientTape() as inner:
            inner.watch(d)
            y = c * d * d
        gc, gd = inner.gradient(y, [c, d])
    return [gc, gd, outer.gradient(gd, c)]


def target_is_source(m):
    c, v = m.constant([2.0, 5.0]), m.Variable(3.0)
    with m.GradientTape(persistent=True, watch_accessed_variables=False) as tape:
        pass
    return [tape.gradient(c, c), tape.gradient(v, v), tape.gradient(c, v)]


def jacobian_untracked(m):
    c, d = m.constant(2.0), m.constant([3.0, 4.0])
    with m.GradientTape(persistent=True) as tape:
        tape.watch(d)
        y = c * d
    return [tape.jacobian(y, [c, d]), tape.jacobian(y, [c, d], experimental_use_pfor=False),
            tape.jacobian(y, c, unconnected_gradients="zero")]


def persistent_tape_reentered(m):
    x = m.constant(2.0)
    tape = m.GradientTape(persistent=True)
    with tape:
        tape.watch(x)
    for _ in range(9):
        with m.GradientTape() as other:
            other.watch(x)
    with tape:
        y = x * x
    return tape.gradient(y, x)


def batch_jacobian_unconnected(m):
    x = m.ones((2, 3))
    w = m.ones((2, 4), m.float64)
    results = []
    for pfor in (True, False):
        with m.GradientTape(persistent=True) as tape:
            tape.watch([w, x])
            y = w * 2.0
        results.append(tape.batch_jacobian(y, x, experimental_use_pfor=pfor))
        results.append(tape.batch_jacobian(y, x, unconnected_gradients="none",
                                           experimental_use_pfor=pfor))
    with m.GradientTape() as tape:
        tape.watch([w, x])
        y = w * 2.0
    results.append(tape.batch_jacobian(y, x, unconnected_gradients="zero"))
    x, w = m.ones((2, 3)), m.ones((2, 3))
    with m.GradientTape() as tape:
        tape.watch(w)
        y = x * w
    results.append(tape.batch_jacobian(y, x))
    return results


PROGRAMS = [
    watch_accessed_variables_false, unwatched_constant, nested_tapes, target_is_source,
    jacobian_untracked, persistent_tape_reentered, batch_jacobian_unconnected,
]


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_tape_program_gives_tensorflows_answers(program):
    _assert_same(_plain(program(tapegrad)), _plain(program(tf_real)))


COMPUTE_GRADIENT_CASES = [
    ("stack", lambda m: (lambda x: m.stack([x[0] * x[1], x[0], x[1] ** 2]),
                         [m.constant([1.0, 2.0])])),
    ("two_args", lambda m: (lambda a, b: m.reduce_sum(a * b, axis=0),
                            [np.ones((2, 3)), np.full((2, 3), 2.0)])),
    ("python_scalar", lambda m: (lambda a: a * a, [3.0])),
    ("float32_matrix", lambda m: (m.exp, [np.array([[0.5, 1.0]], np.float32)])),
    ("unconnected", lambda m: (lambda a, b: a * 2.0, [np.array([1.0, 2.0]), np.array(3.0)])),
    ("empty_result", lambda m: (lambda a: m.zeros((0,)) + m.reduce_sum(a) * 0.0,
                                [np.array([1.0], np.float32)])),
]


@pytest.mark.parametrize("case", COMPUTE_GRADIENT_CASES, ids=lambda c: c[0])
def test_compute_gradient_matches_tensorflow(case):
    _, build = case
    got = tapegrad.test.compute_gradient(*build(tapegrad))
    want = tf_real.test.compute_gradient(*build(tf_real))
    # float32 central differences amplify the last-bit differences of NumPy's and
    # TensorFlow's forwards (exp) by 1 / (2 delta)
    _assert_same(_plain([list(got[0]), list(got[1])]), _plain([list(want[0]), list(want[1])]),
                 rtol=1e-4)


def _constant_gradients(m):
    def grads(x):
        c = m.constant(3.0)
        with m.GradientTape(persistent=True) as tape:
            tape.watch(c)
            y = c * 2.0
        return tape.gradient(y, c), tape.gradient(y, x, unconnected_gradients="zero")

    return grads, [m.constant([1.0, 2.0])]


def _assign_add(m):
    v = m.Variable(1.0)
    return (lambda: (v.assign_add(1.0), v.assign_add(1.0), v)), []


FUNCTION_CASES = [
    ("python_power", lambda m: (lambda x: x ** 3, [2])),
    ("none_in_tuple", lambda m: (lambda x: (x * 2.0, None), [m.constant(1.0)])),
    ("python_number", lambda m: (lambda x: 3.5, [m.constant(1.0)])),
    ("zeros", lambda m: (lambda x: m.zeros(3), [m.constant(1.0)])),
    ("nested_python", lambda m: (lambda x: {"a": x, "b": [1, 2.0, np.ones(2)]},
                                 [m.constant(1.0)])),
    ("constant_gradients", _constant_gradients),
    ("assign_add", _assign_add),
]


@pytest.mark.parametrize("case", FUNCTION_CASES, ids=lambda c: c[0])
def test_function_results_match_tensorflow(case):
    _, build = case
    for m in (tapegrad, tf_real):
        fn, args = build(m)
        f = m.function(fn)
        results = [_plain(f(*args)), _plain(f(*args))]  # a trace, then a replay
        if m is tapegrad:
            got = results
        else:
            _assert_same(got, results)


def test_retracing_warnings_match_tensorflow(monkeypatch):
    from tensorflow.python.eager.polymorphic_function import polymorphic_function

    said = []
    monkeypatch.setattr(polymorphic_function.logging, "warning", lambda msg, *a: said.append(msg))
    patterns = [list(range(12)), [0, 1, "x", "x", 2, 3, "x", 4, 5, 6, 7, 8],
                [0, "x", 1, "x", 2, "x", 3, "x", 4, "x", 5, "x", 6],
                [0, 1, 2, 3] + ["x"] * 20 + [4, 5, 6, 7, 8]]
    for k, pattern in enumerate(patterns):
        answers = []
        for m in (tapegrad, tf_real):
            namespace = {}  # a new code object per run: the warning history is per code
            exec(f"def pattern_{k}(x):\n    return x * 2", namespace)  # noqa: S102
            f, x = m.function(namespace[f"pattern_{k}"]), m.constant(1.0)
            said.clear()
            with warnings.catch_warnings(record=True) as record:
                warnings.simplefilter("always")
                for p in pattern:
                    f(x if p == "x" else p)
            texts = [str(w.message) for w in record] + said
            texts = [t.split(" calls to")[0] for t in texts if "triggered tf.function" in t]
            answers.append((texts, f.experimental_get_tracing_count()))
        assert answers[0] == answers[1], f"pattern {pattern}"
