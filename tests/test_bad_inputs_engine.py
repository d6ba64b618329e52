"""Bad calls of the engine's API: GradientTape, Variable, ForwardAccumulator, custom_gradient,
stop_gradient, tf.function and tf.test.compute_gradient.

Each entry is one bad call, written once as `call(m)` for `m = tapegrad` or `m = tensorflow`.
tapegrad must raise the listed error class with a message naming the operation and the
offending value, shape or dtype (`assert_clear_error`). The class is TensorFlow 2.21's
(`test_tensorflow_raises_the_recorded_class` checks it where TensorFlow is installed), except
where `tf=` records a different one, for one of two reasons:
- TensorFlow crashes on an internal attribute (AttributeError: "'float' object has no
  attribute 'dtype'") where tapegrad names the mistake as a TypeError;
- TensorFlow accepts the call silently (`tf=None`) and computes something meaningless (a
  tangent of the wrong shape, fewer output_gradients than targets, a custom gradient of the
  wrong shape), where tapegrad refuses.
`tf="abort"` marks a call that can abort TensorFlow's process, which is not run under it.
Conversions of bad values into a Variable (ragged lists, strings, objects) and the Variable
entries that overlap them are in the ops' table, tests/test_bad_inputs_ops.py.
"""

import builtins

import numpy as np
import pytest
from bad_input import assert_clear_error

import tapegrad

# -- helpers: each builds a state and makes one bad call on it ----------------------------------


def _recorded(m):
    x = m.constant([1.0, 2.0])
    with m.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    return tape, x, y


def on_tape(fn):
    """A bad call `fn(m, tape, x, y)` on a tape that recorded y = x * x."""
    return lambda m: fn(m, *_recorded(m))


def _after(m, method):
    """Calls `method` on a non-persistent tape that already gave its gradient."""
    tape, x, y = _recorded(m)
    tape.gradient(y, x)
    if method == "batch_jacobian":
        x, y = m.reshape(x, (1, 2)), m.reshape(y, (1, 2))
    getattr(tape, method)(y, x)


def _in_tape(m, fn):
    x = m.constant([1.0, 2.0])
    with m.GradientTape() as tape:
        fn(tape, x)


def _stop_recording_nested(m):
    with m.GradientTape() as tape, tape.stop_recording(), tape.stop_recording():
        pass


def _accumulator_entered_twice(m):
    acc = m.autodiff.ForwardAccumulator(m.constant(1.0), m.constant(1.0))
    with acc, acc:
        pass


def _custom_gradient(m, forward, call_with=(1.0,)):
    v = m.Variable(2.0)

    @m.custom_gradient
    def f(x):
        return forward(m, x, v)

    xs = [m.constant(a) for a in call_with]
    with m.GradientTape() as tape:
        tape.watch(xs)
        y = f(*xs)
    return tape.gradient(y, xs)


def _function_call(m, *args, **kwargs):
    @m.function
    def f(x, y):
        return x + y

    return f(*[m.constant(a) if isinstance(a, float) else a for a in args],
             **{k: m.constant(v) for k, v in kwargs.items()})


def _signature_call(m, *args):
    def f(x):
        return x

    return m.function(f, input_signature=[m.TensorSpec([2], m.float32)])(*args)


class Obj:
    def __repr__(self):
        return "Obj()"


def case(name, call, error, *mentions, tf="same"):
    """One entry: `call(m)` must raise `error` naming `mentions`; `tf` is TensorFlow's class
    name where it differs ("same" otherwise, None for no error)."""
    return pytest.param(call, error, mentions, error.__name__ if tf == "same" else tf, id=name)


IAE = tapegrad.errors.InvalidArgumentError

CASES = [
    # -- GradientTape ---------------------------------------------------------------------------
    case("tape_gradient_twice", lambda m: _after(m, "gradient"), RuntimeError,
         "non-persistent", "gradient was called again"),
    case("tape_jacobian_after_gradient", lambda m: _after(m, "jacobian"), RuntimeError,
         "non-persistent", "jacobian"),
    case("tape_batch_jacobian_after_gradient", lambda m: _after(m, "batch_jacobian"),
         RuntimeError, "non-persistent", "batch_jacobian"),
    case("tape_source_python_float", on_tape(lambda m, t, x, y: t.gradient(y, 3.0)),
         TypeError, "GradientTape.gradient", "source #0", "float", tf="AttributeError"),
    case("tape_source_string", on_tape(lambda m, t, x, y: t.gradient(y, [x, "w"])),
         TypeError, "GradientTape.gradient", "source #1", "'w'"),
    case("tape_source_none", on_tape(lambda m, t, x, y: t.gradient(y, None)), TypeError,
         "GradientTape.gradient", "source #0", "None"),
    case("tape_source_object_in_dict", on_tape(
        lambda m, t, x, y: t.gradient(y, {"a": x, "b": Obj()})), TypeError,
         "GradientTape.gradient", "Obj()"),
    case("tape_target_python_float", on_tape(lambda m, t, x, y: t.gradient(2.0, x)),
         TypeError, "GradientTape.gradient", "target #0", "2.0", tf="AttributeError"),
    case("tape_target_ndarray", on_tape(lambda m, t, x, y: t.gradient(np.ones(2), x)),
         TypeError, "GradientTape.gradient", "target #0", "ndarray", tf="AttributeError"),
    case("tape_output_gradients_shape", on_tape(
        lambda m, t, x, y: t.gradient(y, x, output_gradients=m.ones((3,)))), IAE,
         "output_gradients", "[3]", "[2]"),
    case("tape_output_gradients_dtype", on_tape(
        lambda m, t, x, y: t.gradient(y, x, output_gradients=m.ones((2,), m.float64))), IAE,
         "output_gradients", "float64", "float32"),
    case("tape_output_gradients_string", on_tape(
        lambda m, t, x, y: t.gradient(y, x, output_gradients="abc")), IAE,
         "output_gradients", "'abc'"),
    case("tape_output_gradients_too_few", on_tape(
        lambda m, t, x, y: t.gradient([y, y], x, output_gradients=[m.ones((2,))])),
         ValueError, "output_gradients", "1", "2 targets", tf=None),
    case("tape_output_gradients_none_entry", on_tape(
        lambda m, t, x, y: t.gradient([y, y], x, output_gradients=[None, m.ones((2,))])),
         ValueError, "output_gradients", "None", tf="abort"),
    case("tape_unconnected_gradients_unknown", on_tape(
        lambda m, t, x, y: t.gradient(y, x, unconnected_gradients="sometimes")), ValueError,
         "GradientTape.gradient", "'sometimes'"),
    case("tape_jacobian_unconnected_gradients_unknown", on_tape(
        lambda m, t, x, y: t.jacobian(y, x, unconnected_gradients="sometimes")), ValueError,
         "GradientTape.jacobian", "'sometimes'"),
    case("tape_jacobian_without_pfor_not_persistent", on_tape(
        lambda m, t, x, y: t.jacobian(y, x, experimental_use_pfor=False)), RuntimeError,
         "jacobian", "experimental_use_pfor=False", "persistent=True"),
    case("tape_jacobian_target_python_float", on_tape(lambda m, t, x, y: t.jacobian(3.0, x)),
         TypeError, "GradientTape.jacobian", "target", "3.0", tf="AttributeError"),
    case("tape_jacobian_source_string", on_tape(lambda m, t, x, y: t.jacobian(y, "x")),
         TypeError, "GradientTape.jacobian", "source #0", "'x'"),
    case("tape_batch_jacobian_rank_1", on_tape(lambda m, t, x, y: t.batch_jacobian(y, x)),
         ValueError, "batch_jacobian", "[2]", "rank at least 2"),
    case("tape_batch_jacobian_batch_mismatch", on_tape(
        lambda m, t, x, y: t.batch_jacobian(m.reshape(y, (2, 1)), m.reshape(x, (1, 2)))),
         ValueError, "batch_jacobian", "[2, 1]", "[1, 2]"),
    case("tape_batch_jacobian_without_pfor_not_persistent", on_tape(
        lambda m, t, x, y: t.batch_jacobian(m.reshape(y, (1, 2)), m.reshape(x, (1, 2)),
                                            experimental_use_pfor=False)),
         RuntimeError, "batch_jacobian", "persistent=True"),
    case("tape_batch_jacobian_source_list", on_tape(
        lambda m, t, x, y: t.batch_jacobian(m.reshape(y, (1, 2)), [x])), TypeError,
         "batch_jacobian", "list", tf="AttributeError"),
    case("tape_watch_python_float", lambda m: _in_tape(m, lambda t, x: t.watch(3.0)),
         ValueError, "watch", "float", "3.0"),
    case("tape_watch_string", lambda m: _in_tape(m, lambda t, x: t.watch("x")), ValueError,
         "watch", "str", "'x'"),
    case("tape_watch_none", lambda m: _in_tape(m, lambda t, x: t.watch(None)), ValueError,
         "watch", "None"),
    case("tape_watch_ndarray", lambda m: _in_tape(m, lambda t, x: t.watch(np.ones(2))),
         ValueError, "watch", "ndarray"),
    case("tape_stop_recording_never_entered", lambda m: m.GradientTape().stop_recording()
         .__enter__(), RuntimeError, "stop_recording", "not recording"),
    case("tape_stop_recording_nested", _stop_recording_nested, ValueError, "stop_recording",
         "not recording"),
    case("tape_entered_twice", lambda m: _in_tape(m, lambda t, x: t.__enter__()), ValueError,
         "GradientTape", "entered twice"),
    # -- Variable -------------------------------------------------------------------------------
    case("variable_without_initial_value", lambda m: m.Variable(), ValueError, "Variable",
         "initial_value"),
    case("variable_unknown_dtype", lambda m: m.Variable(1.0, dtype="nonsense"), TypeError,
         "'nonsense'", "dtype"),
    case("variable_shape_not_dimensions", lambda m: m.Variable([1.0], shape="abc"), TypeError,
         "TensorShape", "'a'", "dimension"),
    case("variable_shape_float_dimension", lambda m: m.Variable([1.0], shape=[1.5]),
         TypeError, "TensorShape", "1.5"),
    case("variable_shape_negative_dimension", lambda m: m.Variable([1.0], shape=[-2]),
         ValueError, "dimension -2", ">= 0"),
    case("variable_float_value_for_int_dtype", lambda m: m.Variable(1.5, dtype=m.int32),
         TypeError, "1.5", "int32"),
    case("variable_assign_float_to_int", lambda m: m.Variable(1).assign(1.5), TypeError,
         "assign", "1.5", "int32"),
    case("variable_assign_add_shape", lambda m: m.Variable([1.0, 2.0]).assign_add(
        m.ones((2, 2))), ValueError, "assign_add", "[2, 2]", "[2]", tf="InvalidArgumentError"),
    case("variable_assign_sub_dtype", lambda m: m.Variable([1.0, 2.0]).assign_sub(
        m.constant([1, 2])), ValueError, "assign_sub", "int32", "float32"),
    case("variable_item_assignment", lambda m: m.Variable([1.0, 2.0]).__setitem__(0, 5.0),
         TypeError, "Variable", "item assignment", tf="AttributeError"),
    # -- ForwardAccumulator ---------------------------------------------------------------------
    case("accumulator_count_mismatch", lambda m: m.autodiff.ForwardAccumulator(
        [m.constant(1.0), m.constant(2.0)], [m.constant(1.0)]), ValueError,
         "ForwardAccumulator", "2 primals", "1 tangents"),
    case("accumulator_tangent_shape", lambda m: m.autodiff.ForwardAccumulator(
        m.constant([1.0, 2.0]), m.constant([1.0, 2.0, 3.0])), ValueError,
         "ForwardAccumulator", "[3]", "[2]", tf=None),
    case("accumulator_tangent_dtype", lambda m: m.autodiff.ForwardAccumulator(
        m.constant([1.0, 2.0]), m.constant([1.0, 2.0], m.float64)), ValueError,
         "ForwardAccumulator", "float64", "float32"),
    case("accumulator_primal_python_float", lambda m: m.autodiff.ForwardAccumulator(1.0, 1.0),
         TypeError, "ForwardAccumulator", "primal #0", "float", tf="AttributeError"),
    case("accumulator_primal_string", lambda m: m.autodiff.ForwardAccumulator(
        "x", m.constant(1.0)), TypeError, "ForwardAccumulator", "'x'", tf="AttributeError"),
    case("accumulator_jvp_unconnected_unknown", lambda m: m.autodiff.ForwardAccumulator(
        m.constant(1.0), m.constant(1.0)).jvp(m.constant(1.0), unconnected_gradients="often"),
         ValueError, "ForwardAccumulator.jvp", "'often'"),
    case("accumulator_jvp_of_python_float", lambda m: m.autodiff.ForwardAccumulator(
        m.constant(1.0), m.constant(1.0)).jvp(2.0), TypeError, "ForwardAccumulator.jvp",
         "float", "2.0", tf="AttributeError"),
    case("accumulator_entered_twice", _accumulator_entered_twice, ValueError,
         "ForwardAccumulator", "already recording"),
    # -- custom_gradient ------------------------------------------------------------------------
    case("custom_gradient_too_many_gradients", lambda m: _custom_gradient(
        m, lambda m, x, v: (x * 2.0, lambda dy: (dy, dy))), ValueError, "custom_gradient",
         "returned 2 gradients", "1 tensor argument"),
    case("custom_gradient_no_grad_fn", lambda m: _custom_gradient(
        m, lambda m, x, v: x * 2.0), TypeError, "custom_gradient", "(y, grad_fn)", "Tensor"),
    case("custom_gradient_variables_not_accepted", lambda m: _custom_gradient(
        m, lambda m, x, v: (x * v, lambda dy: dy)), TypeError, "custom_gradient", "variables",
         "Variable:0"),
    case("custom_gradient_gradient_shape", lambda m: _custom_gradient(
        m, lambda m, x, v: (x * 2.0, lambda dy: m.ones((3,))), call_with=([1.0, 2.0],)),
         ValueError, "custom_gradient", "argument 0", "[3]", "[2]", tf=None),
    # -- stop_gradient --------------------------------------------------------------------------
    case("stop_gradient_of_a_tape", lambda m: m.stop_gradient(m.GradientTape()), ValueError,
         "stop_gradient", "GradientTape"),
    case("stop_gradient_of_none", lambda m: m.stop_gradient(None), ValueError,
         "stop_gradient", "None"),
    case("stop_gradient_of_ragged_tensors", lambda m: m.stop_gradient(
        [m.ones((2,)), m.ones((3,))]), IAE, "stop_gradient", "different shapes"),
    # -- tf.function ----------------------------------------------------------------------------
    case("function_signature_not_a_list", lambda m: m.function(
        lambda x: x, input_signature=m.TensorSpec([], m.float32)), TypeError,
         "input_signature", "list or tuple", "TensorSpec"),
    case("function_signature_element_not_a_spec", lambda m: m.function(
        lambda x: x, input_signature=["float32"]), TypeError, "input_signature", "'float32'"),
    case("function_too_many_arguments", lambda m: _function_call(m, 1.0, 1.0, 1.0), TypeError,
         "tf.function f", "3 arguments", "(x, y)"),
    case("function_missing_argument", lambda m: _function_call(m, 1.0), TypeError,
         "tf.function f", "missing a required argument: 'y'"),
    case("function_unexpected_keyword", lambda m: _function_call(m, 1.0, 1.0, z=1.0),
         TypeError, "tf.function f", "unexpected keyword argument 'z'"),
    case("function_argument_given_twice", lambda m: _function_call(m, 1.0, 1.0, x=1.0),
         TypeError, "tf.function f", "multiple values for argument 'x'"),
    case("function_signature_wrong_shape", lambda m: _signature_call(
        m, m.constant([1.0, 2.0, 3.0])), TypeError, "tf.function f", "shape=(3,)",
         "input_signature"),
    case("function_signature_wrong_dtype", lambda m: _signature_call(m, m.constant([1, 2])),
         TypeError, "tf.function f", "int32", "input_signature"),
    case("function_signature_too_many_arguments", lambda m: _signature_call(
        m, m.constant([1.0, 2.0]), m.constant([1.0, 2.0])), TypeError, "tf.function f",
         "2 arguments"),
    case("function_signature_missing_argument", lambda m: _signature_call(m), TypeError,
         "tf.function f", "missing a required argument: 'x'"),
    case("function_signature_unconvertible_argument", lambda m: _signature_call(m, Obj()),
         TypeError, "tf.function f", "Obj()", "input_signature"),
    case("function_of_a_non_callable", lambda m: m.function(3), TypeError, "tf.function",
         "3 is not a callable"),
    case("function_returns_an_object", lambda m: m.function(lambda x: Obj())(m.constant(1.0)),
         TypeError, "tf.function", "type Obj"),
    case("tensorspec_unknown_dtype", lambda m: m.TensorSpec([2], "nonsense"), TypeError,
         "'nonsense'", "dtype"),
    case("tensorspec_shape_not_dimensions", lambda m: m.TensorSpec("ab"), TypeError,
         "TensorShape", "'a'"),
    # -- tf.test.compute_gradient ---------------------------------------------------------------
    case("compute_gradient_x_not_a_list", lambda m: m.test.compute_gradient(lambda a: a, 3.0),
         ValueError, "compute_gradient", "list or tuple", "float"),
    case("compute_gradient_integer_argument", lambda m: m.test.compute_gradient(
        lambda a: a * 2, [m.constant([1, 2])]), AssertionError, "compute_gradient", "int32",
         "argument 0"),
    case("compute_gradient_integer_result", lambda m: m.test.compute_gradient(
        lambda a: m.cast(a, m.int32), [m.constant([1.0])]), AssertionError,
         "compute_gradient", "int32", "result"),
]


@pytest.mark.parametrize("call, error, mentions, tf_error", CASES)
def test_bad_call_raises_a_clear_error(call, error, mentions, tf_error):
    with np.errstate(all="raise"):  # a NumPy warning on the way would be a silent result
        assert_clear_error(lambda: call(tapegrad), error, *mentions)


def test_the_table_is_large_and_distinct():
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("call, error, mentions, tf_error", CASES)
def test_tensorflow_raises_the_recorded_class(call, error, mentions, tf_error):
    tf = pytest.importorskip("tensorflow")
    if tf_error == "abort":  # TensorFlow's answer (ValueError) sometimes ends the process
        pytest.skip("TensorFlow 2.21 can abort the process on this call")
    if tf_error is None:
        call(tf)  # TensorFlow accepts it; tapegrad refuses (see the module docstring)
        return
    expected = getattr(tf.errors, tf_error, None) or getattr(builtins, tf_error)
    with pytest.raises(expected):
        call(tf)
