"""tf.function's tracing as TensorFlow's: symbolic tensors while tracing, side effects once per
trace, retracing rules, concrete functions and their graphs."""

import warnings

import numpy as np
import pytest

import tapegrad as tf


def test_tensors_print_symbolically_while_tracing(capsys):
    @tf.function
    def f(x, y=2.0):
        print(x)
        print(repr(x), f"{x}")
        z = x**2 + y
        w = tf.matmul(tf.reshape(z, [-1, 1]), tf.ones([1, 1]))
        print(z, w, x * 3, x - 1, x / 2, -x, tf.exp(x), tf.reduce_sum(x), tf.add(x, x))
        return z

    assert float(f(tf.constant(1.0))) == 3.0
    # the names TensorFlow 2.21 prints for the same function (its add is "Add_1")
    assert capsys.readouterr().out.splitlines() == [
        'Tensor("x:0", shape=(), dtype=float32)',
        ("<tapegrad.Tensor 'x:0' shape=() dtype=float32> "
         'Tensor("x:0", shape=(), dtype=float32)'),
        ('Tensor("add:0", shape=(), dtype=float32) Tensor("MatMul:0", shape=(1, 1), '
         'dtype=float32) Tensor("mul:0", shape=(), dtype=float32) Tensor("sub:0", shape=(), '
         'dtype=float32) Tensor("truediv:0", shape=(), dtype=float32) Tensor("Neg:0", '
         'shape=(), dtype=float32) Tensor("Exp:0", shape=(), dtype=float32) Tensor("Sum:0", '
         'shape=(), dtype=float32) Tensor("add_1:0", shape=(), dtype=float32)'),
    ]
    assert f.get_concrete_function(tf.constant(1.0)).traced  # printing read no value


def test_unknown_dimensions_print_as_none(capsys):
    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    def f(x):
        print(x, tf.matmul(x, tf.ones([3, 1])), tf.reduce_sum(x))
        return x

    f(tf.zeros([2, 3]))
    assert capsys.readouterr().out.strip() == (
        'Tensor("x:0", shape=(None, 3), dtype=float32) '
        'Tensor("MatMul:0", shape=(None, 1), dtype=float32) '
        'Tensor("Sum:0", shape=(), dtype=float32)')


def test_side_effects_run_once_per_trace(capsys):
    calls = []

    @tf.function
    def f(x):
        print("Tracing with", x)
        calls.append(1)
        return x * 2

    for _ in range(3):
        f(tf.constant(1.0))
    assert capsys.readouterr().out == 'Tracing with Tensor("x:0", shape=(), dtype=float32)\n'
    f(tf.constant([1.0]))
    assert calls == [1, 1] and f.experimental_get_tracing_count() == 2


def test_untraceable_function_runs_its_python_once_per_call(capsys):
    v = tf.Variable(0.0)

    @tf.function
    def f(x):
        print("running")
        v.assign_add(1.0)
        return x * 2 if float(x) > 0 else x  # a Python read of a value: runs eagerly

    with pytest.warns(UserWarning, match="tf.function f: cannot be traced"):
        assert float(f(tf.constant(3.0))) == 6.0
    assert capsys.readouterr().out == "running\n" and float(v) == 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once per function
        assert float(f(tf.constant(-3.0))) == -3.0
    assert capsys.readouterr().out == "running\n" and float(v) == 2.0


def test_retracing_rules():
    @tf.function
    def f(x, n=1):
        return x * n

    f(tf.constant(1.0))
    f(tf.constant(2.0))  # same shape and dtype
    assert f.experimental_get_tracing_count() == 1
    f(tf.constant([1.0]))  # new shape
    f(tf.constant(1.0, tf.float64))  # new dtype
    f(tf.constant(1.0), 2)  # new Python value
    f(tf.constant(1.0), 2)
    assert f.experimental_get_tracing_count() == 4

    @tf.function
    def g(v):
        return v + 1.0

    a, b = tf.Variable(1.0), tf.Variable(1.0)
    g(a), g(a), g(b)  # per variable
    assert g.experimental_get_tracing_count() == 2


def test_input_signature_with_unknown_dimensions_traces_once(capsys):
    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def f(x):
        print("tracing")
        return tf.reduce_sum(x * 2.0)

    for n in (1, 2, 5, 2):
        assert float(f(tf.ones([n]))) == 2.0 * n
    assert f.experimental_get_tracing_count() == 1
    assert capsys.readouterr().out == "tracing\n"
    concrete = f.get_concrete_function()  # from the input_signature
    assert concrete is f.get_concrete_function(tf.TensorSpec([None], tf.float32))
    assert concrete.structured_input_signature == (
        (tf.TensorSpec([None], tf.float32, "x"),), {})


def test_incompatible_input_raises_tensorflows_error():
    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def h(x):
        return x * 2

    with pytest.raises(TypeError) as err:
        h(tf.constant([[1.0]]))
    assert str(err.value).startswith(
        "Binding inputs to tf.function failed due to `Can not cast TensorSpec(shape=(1, 1), "
        "dtype=tapegrad.float32, name=None) to TensorSpec(shape=(None,), "
        "dtype=tapegrad.float32, name=None)`. Received args: (")
    assert "for signature: (x: TensorSpec(shape=(None,)" in str(err.value)
    with pytest.raises(TypeError, match="dtype=tapegrad.int32"):
        h(tf.constant([1], tf.int32))


def test_reduce_retracing_generalises_shapes():
    @tf.function(reduce_retracing=True)
    def r(x):
        return x * 2

    for n in (1, 2, 3, 4):
        np.testing.assert_array_equal(r(tf.ones([n])).numpy(), np.full(n, 2.0))
    assert r.experimental_get_tracing_count() == 2
    spec = r.get_concrete_function(tf.zeros([7])).structured_input_signature
    assert spec == ((tf.TensorSpec([None], tf.float32, "x"),), {})


def test_concrete_function_is_the_same_object_per_signature():
    @tf.function
    def f(x):
        return x + 1

    a = f.get_concrete_function(tf.TensorSpec([2], tf.float32))
    assert a is f.get_concrete_function(tf.constant([1.0, 2.0]))
    assert a is f.get_concrete_function(tf.TensorSpec([2], tf.float32))
    np.testing.assert_array_equal(a(tf.constant([1.0, 2.0])).numpy(), [2.0, 3.0])
    assert f.experimental_get_tracing_count() == 1


def test_concrete_function_graph_as_tensorflows():
    v = tf.Variable(1.0)

    @tf.function
    def g(x):
        v.assign_add(x)
        return v

    concrete = g.get_concrete_function(tf.constant(1.0))
    assert float(v) == 1.0  # tracing for a concrete function changes nothing
    ops = [(op.name, op.type, [t.name for t in op.inputs], [t.name for t in op.outputs])
           for op in concrete.graph.get_operations()]
    # as TensorFlow 2.21 lists them
    assert ops == [
        ("x", "Placeholder", [], ["x:0"]),
        ("AssignAddVariableOp/resource", "Placeholder", [], ["AssignAddVariableOp/resource:0"]),
        ("AssignAddVariableOp", "AssignAddVariableOp", ["AssignAddVariableOp/resource:0", "x:0"],
         []),
        ("ReadVariableOp", "ReadVariableOp", ["AssignAddVariableOp/resource:0"],
         ["ReadVariableOp:0"]),
        ("Identity", "Identity", ["ReadVariableOp:0"], ["Identity:0"]),
        ("NoOp", "NoOp", [], []),
    ]
    assert concrete.variables == (v,)
    assert [t.name for t in concrete.inputs] == ["x:0", "AssignAddVariableOp/resource:0"]
    assert [t.name for t in concrete.outputs] == ["Identity:0"]
    assert str(concrete.structured_outputs) == 'Tensor("Identity:0", shape=(), dtype=float32)'
    signature = concrete.function_def.signature
    assert [(a.name, a.type) for a in signature.input_arg] == [
        ("x", "DT_FLOAT"), ("assignaddvariableop_resource", "DT_RESOURCE")]
    assert [a.name for a in signature.output_arg] == ["identity"]
    assert concrete.graph.get_operation_by_name("AssignAddVariableOp").type == (
        "AssignAddVariableOp")
    assert concrete.graph.get_tensor_by_name("x:0").op.type == "Placeholder"
    with pytest.raises(KeyError, match="'nothing'"):
        concrete.graph.get_operation_by_name("nothing")
    assert float(g(tf.constant(2.0))) == 3.0 and float(v) == 3.0


def test_op_types_are_tensorflows():
    @tf.function
    def f(x, w):
        return tf.nn.relu(tf.matmul(x, w) ** 3 - 1.0)

    graph = f.get_concrete_function(tf.TensorSpec([None, 2]), tf.TensorSpec([2, 1])).graph
    assert [(op.name, op.type) for op in graph.get_operations()] == [
        ("x", "Placeholder"), ("w", "Placeholder"), ("pow/y", "Const"), ("sub/y", "Const"),
        ("MatMul", "MatMul"), ("pow", "Pow"), ("sub", "Sub"), ("Relu", "Relu"),
        ("Identity", "Identity"),
    ]  # TensorFlow puts each Const just before its op
    printed = f.get_concrete_function(tf.TensorSpec([None, 2]), tf.TensorSpec([2, 1]))
    assert printed.pretty_printed_signature() == (
        "Input Parameters:\n"
        "  x (POSITIONAL_OR_KEYWORD): TensorSpec(shape=(None, 2), dtype=tapegrad.float32, "
        "name=None)\n"
        "  w (POSITIONAL_OR_KEYWORD): TensorSpec(shape=(2, 1), dtype=tapegrad.float32, "
        "name=None)\n"
        "Output Type:\n"
        "  TensorSpec(shape=(None, 1), dtype=tapegrad.float32, name=None)\n"
        "Captures:\n"
        "  None")


def test_graph_op_types_match_tensorflow():
    tf_real = pytest.importorskip("tensorflow")

    def build(m):
        @m.function
        def f(x, w):
            y = m.matmul(x, w)
            return m.nn.relu(y * y + 1.0), m.reduce_mean(m.exp(-y))

        graph = f.get_concrete_function(m.TensorSpec([None, 2], m.float32),
                                        m.TensorSpec([2, 1], m.float32)).graph
        return [op.type for op in graph.get_operations()]

    ours, theirs = build(tf), build(tf_real)
    computed = [t for t in theirs if t not in ("Const", "Placeholder", "Identity")]
    assert [t for t in ours if t not in ("Const", "Placeholder", "Identity")] == computed


def test_nested_functions_inline_their_program():
    @tf.function
    def inner(x):
        return x * 2

    @tf.function
    def outer(x):
        return inner(x) + 1

    assert float(outer(tf.constant(1.0))) == 3.0
    assert float(outer(tf.constant(2.0))) == 5.0
    assert outer.get_concrete_function(tf.constant(1.0)).traced


def test_same_tensor_twice_is_two_inputs():
    @tf.function
    def f(a, b):
        return a - b

    x = tf.constant(1.0)
    assert float(f(x, x)) == 0.0
    assert float(f(x, tf.constant(3.0))) == -2.0
    w = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = f(w * 1.0, tf.constant(0.0))
    assert float(tape.gradient(y, w)) == 1.0


def test_get_concrete_function_after_calls_does_not_print_again(capsys):
    # TensorFlow hands back the signature's concrete function: no new trace, no new print
    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    def f(x):
        print("tracing")
        return tf.reduce_sum(x, axis=1)

    f(tf.ones((2, 3)))
    f(tf.ones((4, 3)))
    concrete = f.get_concrete_function()
    assert concrete is f.get_concrete_function()
    assert capsys.readouterr().out == "tracing\n"
    assert f.experimental_get_tracing_count() == 1


def test_variables_made_at_the_first_call_only(capsys):
    # As TensorFlow 2.21: a trace that makes variables is followed by a second trace (its
    # Python runs twice, the count is 2), which must make none
    class Scale(tf.Module):
        def __init__(self):
            super().__init__()
            self.v = None

        @tf.function
        def __call__(self, x):
            print("tracing")
            if self.v is None:
                self.v = tf.Variable(tf.ones_like(x) * 2)
            return self.v * x

    m = Scale()
    assert m(tf.constant([1.0, 2.0])).numpy().tolist() == [2.0, 4.0]
    assert m(tf.constant([3.0, 4.0])).numpy().tolist() == [6.0, 8.0]
    assert capsys.readouterr().out == "tracing\ntracing\n"
    assert m.__call__.experimental_get_tracing_count() == 2

    @tf.function
    def fresh(x):
        return tf.Variable(1.0) + x

    with pytest.raises(ValueError, match="only supports singleton tf.Variables created on the "
                                         "first call"):
        fresh(tf.constant(1.0))
