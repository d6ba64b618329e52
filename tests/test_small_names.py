"""The small names TensorFlow's guides use: tf.slice, tf.py_function / tf.numpy_function,
tf.TensorSpec of unknown rank, tf.init_scope, tf.types.experimental.TraceType and tf.version.
Expected values were recorded from TensorFlow 2.21; the tests at the end compare with it where
it is installed."""

import numpy as np
import pytest
from bad_input import assert_clear_error

import tapegrad as tf

T = [[1, 2, 3], [4, 5, 6]]


# -- tf.slice -----------------------------------------------------------------------------------

_SLICES = [
    ([0, 1], [2, 2], [[2, 3], [5, 6]]),
    ([1, 0], [-1, -1], [[4, 5, 6]]),
    ([1, 0], [0, 2], []),
    (np.array([0, 0], np.int64), [1, 1], [[1]]),
]


@pytest.mark.parametrize("begin, size, expected", _SLICES)
def test_slice(begin, size, expected):
    out = tf.slice(tf.constant(T), begin, size)
    assert out.dtype == tf.int32 and out.numpy().tolist() == expected


def test_slice_takes_tensor_arguments_and_lists():
    out = tf.slice(tf.constant(T), tf.constant([0, 2]), tf.constant([2, -1]))
    assert out.numpy().tolist() == [[3], [6]]
    assert tf.slice([[1.0, 2.0]], [0, 1], [1, 1]).numpy().tolist() == [[2.0]]


def test_slice_gradient_scatters_back():
    x = tf.Variable([[1.0, 2.0, 3.0]])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.slice(x, [0, 1], [1, 2]) ** 2)
    assert tape.gradient(y, x).numpy().tolist() == [[0.0, 4.0, 6.0]]  # TensorFlow's


@pytest.mark.parametrize(
    "begin, size, mentions",
    [
        ([0], [1, 1], ("slice", "size 2", "[1] and [2]")),
        ([0, 0], [1], ("slice", "[2] and [1]")),
        ([[0, 0]], [[1, 1]], ("slice", "[1, 2]")),
        ([-1, 0], [1, 1], ("slice", "begin[0] in [0, 2]", "-1")),
        ([3, 0], [0, 1], ("slice", "begin[0] in [0, 2]", "3")),
        ([1, 0], [2, 1], ("slice", "size[0] in [0, 1]", "2")),
        ([0, 0], [-2, 1], ("slice", "size[0] in [0, 2]", "-2")),
        ([0.0, 0], [1, 1], ("slice", "begin", "int32 or int64")),
    ],
)
def test_slice_bad_arguments(begin, size, mentions):
    assert_clear_error(
        lambda: tf.slice(tf.constant(T), begin, size), tf.errors.InvalidArgumentError, *mentions
    )


# -- tf.py_function and tf.numpy_function ---------------------------------------------------------


def _cube(a):
    return a * a * a


def test_py_function_runs_and_converts_to_tout():
    x = tf.constant([1.0, 2.0])
    out = tf.py_function(lambda a: a * 2, [x], tf.float32)
    assert out.numpy().tolist() == [2.0, 4.0]
    pair = tf.py_function(lambda a: (a, a + 1), [x], (tf.float32, tf.float32))
    assert isinstance(pair, list) and [p.numpy().tolist() for p in pair] == [[1, 2], [2, 3]]
    assert isinstance(tf.py_function(lambda a: a, [x], [tf.float32]), list)
    assert tf.py_function(lambda a: 3.5, [x], tf.float32).dtype == tf.float32
    assert tf.py_function(lambda a, b: a + b, [1.0, 2.0], tf.float32).numpy() == 3.0
    assert tf.py_function(lambda a: None, [x], []) == []
    spec = tf.TensorSpec([2], tf.float32)
    assert tf.py_function(lambda a: a, [x], spec).numpy().tolist() == [1.0, 2.0]

    @tf.py_function(Tout=tf.float32)
    def plus_one(a):
        return a + 1

    assert plus_one(x).numpy().tolist() == [2.0, 3.0]


def test_py_function_is_differentiable_through_its_ops():
    tf.check_grads(
        lambda x: tf.py_function(_cube, [x], tf.float64), [np.array([0.5, -1.5])], order=2
    )
    v = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = tf.py_function(_cube, [v], tf.float32)
    assert float(tape.gradient(y, v)) == 27.0  # TensorFlow's


def test_numpy_function_gets_arrays_and_has_no_gradient():
    v = tf.Variable(3.0)
    seen = []

    def square(a):
        seen.append(type(a))
        return a * a

    with tf.GradientTape() as tape:
        y = tf.numpy_function(square, [v], tf.float32)
    assert seen == [np.ndarray] and float(y) == 9.0 and tape.gradient(y, v) is None
    x = tf.constant([1.0, 2.0])
    assert tf.numpy_function(lambda a: a.astype(np.float64), [x], tf.float32).dtype == tf.float64
    assert tf.numpy_function(lambda a: 1.5, [x], tf.float32).dtype == tf.float32
    pair = tf.numpy_function(lambda a: [a, a], [x], [tf.float32, tf.float32], stateful=False)
    assert len(pair) == 2


@pytest.mark.parametrize(
    "call, error, mentions",
    [
        (lambda x: tf.py_function(lambda a: a, [x], None), TypeError, ("Tout", "py_function")),
        (
            lambda x: tf.py_function(lambda a: (a, a), [x], [tf.float32]),
            tf.errors.InvalidArgumentError,
            ("returns 2 values", "expects to see 1"),
        ),
        (
            lambda x: tf.py_function(lambda a: None, [x], tf.float32),
            tf.errors.InvalidArgumentError,
            ("returns 0 values",),
        ),
        (
            lambda x: tf.py_function(lambda a: 3.5, [x], tf.int32),
            tf.errors.InvalidArgumentError,
            ("value 0", "int32", "3.5"),
        ),
        (
            lambda x: tf.py_function(lambda a: tf.cast(a, tf.float64), [x], tf.float32),
            tf.errors.InvalidArgumentError,
            ("float32", "float64"),
        ),
        (
            lambda x: tf.numpy_function(lambda a: "text", [x], tf.float32),
            tf.errors.InvalidArgumentError,
            ("numpy_function", "value 0", "float32"),
        ),
    ],
)
def test_py_function_bad_results(call, error, mentions):
    assert_clear_error(lambda: call(tf.constant([1.0, 2.0])), error, *mentions)


def test_py_function_inside_tf_function_runs_on_every_call():
    calls = []

    def record(a):
        calls.append(1)
        return a * 2

    @tf.function
    def f(x):
        return tf.py_function(record, [x], tf.float32) + 1

    x = tf.constant([1.0])
    before = len(calls)
    assert f(x).numpy().tolist() == [3.0]
    first = len(calls)
    assert f(x).numpy().tolist() == [3.0]
    assert len(calls) == first + 1 > before  # the second call ran the Python function again
    assert not f.get_concrete_function(x).traced


# -- TensorSpec(None), init_scope, TraceType, version ----------------------------------------------


def test_tensor_spec_of_unknown_rank():
    spec = tf.TensorSpec(None, tf.float32)
    assert spec.shape.rank is None and str(spec.shape) == "<unknown>"
    assert repr(tf.TensorShape(None)) == "TensorShape(None)"
    assert spec.is_compatible_with(tf.constant([[1.0]])) and spec.is_compatible_with(tf.ones([]))
    assert tf.TensorShape([None, 2]).is_compatible_with(tf.TensorShape(None))

    @tf.function(input_signature=[spec])
    def double(x):
        return x * 2

    assert double(tf.constant(1.0)).numpy() == 2.0
    assert double(tf.constant([1.0, 2.0])).numpy().tolist() == [2.0, 4.0]
    with pytest.raises(TypeError, match="Binding inputs to tf.function failed"):
        double(tf.constant([1, 2]))
    concrete = double.get_concrete_function(spec)  # as TensorFlow's: any shape
    assert str(concrete.structured_input_signature[0][0].shape) == "<unknown>"
    assert concrete(tf.ones([2, 2])).numpy().tolist() == [[2.0, 2.0], [2.0, 2.0]]

    @tf.function
    def triple(x):
        print("tracing", x)
        return x * 3

    triple(tf.constant(1.0))
    concrete = triple.get_concrete_function(spec)  # a new trace (TensorFlow's), shape unknown
    assert concrete(tf.ones([3])).numpy().tolist() == [3.0, 3.0, 3.0]
    assert str(concrete.structured_outputs) == 'Tensor("Identity:0", dtype=float32)'
    with pytest.raises(tf.errors.InvalidArgumentError):
        concrete(tf.constant(1))


def test_init_scope_lifts_out_of_tracing_and_tapes():
    made = []

    @tf.function
    def scaled(x):
        with tf.init_scope():
            if not made:
                made.append(tf.Variable(2.0))
        return x * made[0]

    x = tf.constant(3.0)
    assert float(scaled(x)) == 6.0 and float(scaled(x)) == 6.0
    assert len(made) == 1 and scaled.get_concrete_function(x).traced
    v = tf.Variable(1.0)
    with tf.GradientTape(persistent=True) as tape:
        with tf.init_scope():
            hidden = v * 5.0
        seen = v * 2.0
    assert tape.gradient(hidden, v) is None and float(tape.gradient(seen, v)) == 2.0


class _FruitTraceType(tf.types.experimental.TraceType):
    """The tf.function guide's custom TraceType."""

    def __init__(self, fruit):
        self.fruit_type = type(fruit)
        self.fruit_value = fruit

    def is_subtype_of(self, other):
        return type(other) is _FruitTraceType and self.fruit_type is other.fruit_type

    def most_specific_common_supertype(self, others):
        return self if all(self == other for other in others) else None

    def placeholder_value(self, placeholder_context=None):
        return self.fruit_value

    def __eq__(self, other):
        return type(other) is _FruitTraceType and self.fruit_type == other.fruit_type

    def __hash__(self):
        return hash(self.fruit_type)


def _fruit_program(tf, trace_type):
    class Fruit:
        def __tf_tracing_type__(self, context):
            return trace_type(self)

    class Apple(Fruit):
        flavor = tf.constant([1, 2])

    class Mango(Fruit):
        flavor = tf.constant([3, 4])

    class PlainApple:
        flavor = tf.constant([1, 2])

    @tf.function
    def mixed_flavor(a, b):
        return a.flavor + b.flavor

    counts = []
    for make in (lambda: (PlainApple(), PlainApple()), lambda: (Apple(), Mango())):
        for _ in range(2):
            assert mixed_flavor(*make()).numpy().tolist() in ([2, 4], [4, 6])
            counts.append(mixed_flavor.experimental_get_tracing_count())
    return counts


def test_trace_type_of_the_tf_function_guide():
    assert _fruit_program(tf, _FruitTraceType) == [1, 2, 3, 3]  # TensorFlow's counts
    with pytest.raises(TypeError):
        tf.types.experimental.TraceType()  # abstract


def test_version():
    assert tf.version.VERSION == tf.__version__
    assert isinstance(tf.version.GIT_VERSION, str) and tf.version.GIT_VERSION


@pytest.mark.parametrize(
    "make",
    [
        lambda: tf.ones([]),
        lambda: tf.zeros([]),
        lambda: tf.fill([], 1.0),
        lambda: tf.reshape(tf.ones([1]), []),
        lambda: tf.random.normal([]),
        lambda: tf.broadcast_to(1.0, []),
    ],
)
def test_empty_list_is_a_scalar_shape(make):
    assert make().shape == ()


# -- against TensorFlow ---------------------------------------------------------------------------


def test_matches_tensorflow(tf_keras_real):
    tf_real, _ = tf_keras_real
    for begin, size, expected in _SLICES:
        assert tf_real.slice(tf_real.constant(T), begin, size).numpy().tolist() == expected
    v = tf_real.Variable(3.0)
    with tf_real.GradientTape() as tape:
        y = tf_real.py_function(_cube, [v], tf_real.float32)
    assert float(tape.gradient(y, v)) == 27.0
    assert str(tf_real.TensorSpec(None, tf_real.float32).shape) == "<unknown>"

    class TheirFruitTraceType(tf_real.types.experimental.TraceType):
        __init__ = _FruitTraceType.__init__
        most_specific_common_supertype = _FruitTraceType.most_specific_common_supertype
        placeholder_value = _FruitTraceType.placeholder_value
        __hash__ = _FruitTraceType.__hash__

        def is_subtype_of(self, other):
            return type(other) is TheirFruitTraceType and self.fruit_type is other.fruit_type

        def __eq__(self, other):
            return type(other) is TheirFruitTraceType and self.fruit_type == other.fruit_type

    assert _fruit_program(tf_real, TheirFruitTraceType) == [1, 2, 3, 3]
    assert set(dir(tf.version)) >= {"VERSION", "GIT_VERSION"}
