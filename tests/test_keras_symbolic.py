"""Keras 3's symbolic tensors: Python operators and Keras operations on `keras.Input` build the
functional graph, `tf.*` ops refuse them with Keras's advice, and mixed dtypes promote on Keras's
lattice. Expected values were recorded from Keras 3.15 / TensorFlow 2.21 (the comparison tests
at the end rerun them where TensorFlow is installed)."""

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras
from tapegrad.keras.operation import keras_op
from tapegrad.keras.promotion import result_type

layers = keras.layers


def _calc(keras, tf):
    """The "Load CSV data" tutorial's symbolic calculator: `2 * input + 1` as a model."""
    inputs = keras.Input(shape=(), dtype=tf.float32)
    calc = keras.Model(inputs=inputs, outputs=2 * inputs + 1)
    return calc(np.array([1])), calc(np.array([[1.0], [2.0]]))


def test_operators_on_an_input_build_a_model():
    one, two = _calc(keras, tf)
    assert one.dtype == tf.float32 and one.numpy().tolist() == [3.0]
    assert two.numpy().tolist() == [3.0, 5.0]  # (n, 1) data squeezed to the input's rank


def test_keras_tensor_reads_as_keras_3():
    x = keras.Input(shape=(3,), name="feat", dtype="int64")
    assert x.shape == (None, 3) and type(x.shape) is tuple
    assert x.dtype == "int64" and x.dtype == tf.int64 and x.ndim == 2 and x.name == "feat"
    assert (
        repr(x)
        == "<KerasTensor shape=(None, 3), dtype=int64, sparse=False, ragged=False, name=feat>"
    )
    assert keras.Input(shape=(2,), dtype=np.float64).dtype == "float64"
    assert keras.Input(shape=(2,)).dtype == "float32"
    assert keras.KerasTensor((None, 2), np.dtype("float64")).dtype == "float64"
    assert keras.KerasTensor((None,), float).dtype == "float32"
    assert keras.KerasTensor((None,), int).dtype == "int64"  # Keras's TensorFlow backend


# (expression, shape, dtype) recorded from Keras 3 on x = keras.Input(shape=(3,))
_OPERATORS = [
    (lambda x: x + x, (None, 3), "float32"),
    (lambda x: 1 - x, (None, 3), "float32"),
    (lambda x: x / 2, (None, 3), "float32"),
    (lambda x: 2 / x, (None, 3), "float32"),
    (lambda x: -x, (None, 3), "float32"),
    (lambda x: x**2, (None, 3), "float32"),
    (lambda x: abs(x), (None, 3), "float32"),
    (lambda x: x[:, 0], (None,), "float32"),
    (lambda x: x @ np.ones((3, 2), "float32"), (None, 2), "float32"),
    (lambda x: x > 0, (None, 3), "bool"),
    (lambda x: x != 0, (None, 3), "bool"),
    (lambda x: x // 2, (None, 3), "float32"),
    (lambda x: x % 2, (None, 3), "float32"),
    (lambda x: round(x), (None, 3), "float32"),
    (lambda x: x.reshape((-1, 3, 1)), (None, 3, 1), "float32"),
    (lambda x: (x > 0) & (x < 1), (None, 3), "bool"),
    (lambda x: ~(x > 0), (None, 3), "bool"),
]


@pytest.mark.parametrize("k", range(len(_OPERATORS)))
def test_operator_shapes_and_dtypes(k):
    expression, shape, dtype = _OPERATORS[k]
    out = expression(keras.Input(shape=(3,)))
    assert isinstance(out, keras.KerasTensor)
    assert out.shape == shape and out.dtype == dtype


def test_operators_promote_as_keras_ops():
    i = keras.Input(shape=(2,), dtype="int32")
    assert (i * 0.5).dtype == "float32"  # TensorFlow would refuse int32 * 0.5
    assert (i + 1).dtype == "int32" and (i / 2).dtype == "float32"
    assert (i > 1.5).dtype == "bool"
    model = keras.Model(i, [i * 0.5, i // 2, i / 2])
    half, floor, div = model(np.array([[3, 4]]))
    assert half.numpy().tolist() == [[1.5, 2.0]] and half.dtype == tf.float32
    assert floor.numpy().tolist() == [[1, 2]] and floor.dtype == tf.int32
    assert div.dtype == tf.float32


def test_operations_are_listed_by_summary_but_are_not_layers():
    x = keras.Input(shape=(3,))
    model = keras.Model(x, layers.Dense(2)(x * 2.0 + 1.0))
    assert [type(layer).__name__ for layer in model.layers] == ["InputLayer", "Dense"]
    lines = []
    model.summary(print_fn=lines.append)
    rows = [line for line in lines if line.startswith("│")]
    names = [row.split("│")[1].strip() for row in rows]
    assert names[0].endswith("(InputLayer)") and names[-1].endswith("(Dense)")
    assert [n.split(" ")[1] for n in names[1:3]] == ["(Multiply)", "(Add)"]
    assert model.count_params() == 8


def test_a_model_with_operations_trains():
    keras.utils.set_random_seed(0)
    x = keras.Input(shape=(1,))
    model = keras.Model(x, layers.Dense(1)(x * 2.0 - 1.0))
    model.compile(optimizer=keras.optimizers.SGD(0.3), loss="mse")
    data = np.linspace(-1, 1, 32)
    history = model.fit(data, 3 * data, epochs=40, verbose=0)
    assert history.history["loss"][-1] < 1e-3 * history.history["loss"][0]


def test_keras_op_makes_any_function_a_graph_node():
    @keras_op
    def column_sums(x):
        return tf.reduce_sum(x, axis=0)  # over the batch: the result's size is known

    @keras_op
    def scaled_log(x, scale=1.0):
        return tf.math.log(x) * scale

    x = keras.Input(shape=(3,))
    sums, logs = column_sums(x), scaled_log(x, scale=2.0)
    assert sums.shape == (3,) and logs.shape == (None, 3)
    model = keras.Model(x, [sums, logs])
    data = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], np.float32)
    out_sums, out_logs = model(data)
    np.testing.assert_allclose(out_sums.numpy(), [5.0, 7.0, 9.0])
    np.testing.assert_allclose(out_logs.numpy(), 2 * np.log(data), rtol=1e-6)
    assert column_sums(tf.constant(data)).numpy().tolist() == [5.0, 7.0, 9.0]  # eager


def test_gradient_flows_through_operation_nodes():
    x = keras.Input(shape=(2,))
    dense = layers.Dense(1, kernel_initializer="ones")
    model = keras.Model(x, dense(x * x))
    data = tf.constant([[1.0, 2.0]])
    with tf.GradientTape() as tape:
        tape.watch(data)
        y = model(data)
    assert tape.gradient(y, data).numpy().tolist() == [[2.0, 4.0]]


@pytest.mark.parametrize(
    "call",
    [
        lambda x: tf.math.log(x),
        lambda x: tf.cast(x, tf.float32),
        lambda x: tf.concat([x, x], axis=-1),
        lambda x: tf.convert_to_tensor(x),
        lambda x: tf.reduce_sum(x),
    ],
)
def test_tf_ops_refuse_keras_tensors_with_keras_advice(call):
    with pytest.raises(ValueError) as info:
        call(keras.Input(shape=(3,)))
    message = str(info.value)
    assert "A KerasTensor cannot be used as input to a TensorFlow function" in message
    assert "keras.ops" in message and "MyLayer" in message


def test_a_tensor_on_the_left_defers_to_the_keras_tensor():
    x = keras.Input(shape=(3,))
    for out in (
        tf.constant(2.0) * x,
        tf.Variable(2.0) - x,
        tf.constant(1.0) < x,
        tf.constant([[1.0, 0.0, 0.0]]) @ keras.Input(shape=(3, 2))[0],
        tf.constant(2.0) ** x,
    ):
        assert isinstance(out, keras.KerasTensor)
    model = keras.Model(x, tf.constant(10.0) - x)
    assert model(np.ones((1, 3))).numpy().tolist() == [[9.0, 9.0, 9.0]]
    with pytest.raises(TypeError, match="holds strings"):  # without a reflected operator,
        tf.constant(1.0) + "a"  # the conversion error stands


def test_keras_tensor_has_no_value():
    x = keras.Input(shape=(3,))
    with pytest.raises(ValueError, match="You cannot convert it to a NumPy array"):
        np.asarray(x)
    with pytest.raises(TypeError, match="cannot be used as a boolean"):
        bool(x)
    with pytest.raises(NotImplementedError, match="Iterating over a symbolic KerasTensor"):
        list(x)
    with pytest.raises(ValueError, match="convert it to a float"):
        float(x)


def test_keras_tensors_compare_by_identity():
    a, b = keras.Input(shape=(1,)), keras.Input(shape=(1,))
    assert a == a and not (a == b) and len({a, b}) == 2 and a in [b, a]


# result_type, recorded from keras.backend.result_type (TensorFlow backend)
_PROMOTIONS = [
    (("int64", "float32"), "float32"),
    (("int32", "int64"), "int64"),
    (("uint8", "int8"), "int16"),
    (("uint32", "int32"), "int64"),
    (("uint64", "int64"), "float32"),
    (("uint64", "uint8"), "uint32"),
    (("bool", "int8"), "int8"),
    (("float16", "int64"), "float16"),
    (("float16", "bfloat16"), "float32"),
    (("float32", "float64"), "float64"),
    (("int32", float), "float32"),
    (("int8", int), "int8"),
    (("float16", float), "float16"),
    ((bool, int), "int32"),
    ((int,), "int32"),
    ((int, float), "float32"),
    (("bfloat16", "int32"), "bfloat16"),
    ((), "float32"),
]


@pytest.mark.parametrize("dtypes, expected", _PROMOTIONS)
def test_result_type_follows_keras_lattice(dtypes, expected):
    assert result_type(*dtypes) == expected
    assert keras.backend.result_type(*dtypes) == expected


def test_result_type_names_an_unknown_dtype():
    with pytest.raises(ValueError, match="'string' is not a dtype Keras promotes"):
        result_type("string", "float32")


# -- against Keras itself ------------------------------------------------------------------------


def test_calculator_matches_keras(tf_keras_real):
    tf_real, keras_real = tf_keras_real
    for ours, theirs in zip(_calc(keras, tf), _calc(keras_real, tf_real)):
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_operator_table_matches_keras(tf_keras_real):
    _, keras_real = tf_keras_real
    for expression, shape, dtype in _OPERATORS:
        out = expression(keras_real.Input(shape=(3,)))
        assert (out.shape, out.dtype) == (shape, dtype)


def test_result_type_table_matches_keras(tf_keras_real):
    from keras.src.backend.common.dtypes import result_type as keras_result_type

    names = ["bool", "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64"]
    names += ["float16", "bfloat16", "float32", "float64", int, float, bool]
    for a in names:
        for b in names:
            assert result_type(a, b) == keras_result_type(a, b), (a, b)
    for dtypes, expected in _PROMOTIONS:
        assert keras_result_type(*dtypes) == expected


def test_tf_op_error_matches_keras(tf_keras_real):
    tf_real, keras_real = tf_keras_real
    with pytest.raises(ValueError) as theirs:
        tf_real.math.log(keras_real.Input(shape=(3,)))
    with pytest.raises(ValueError) as ours:
        tf.math.log(keras.Input(shape=(3,)))
    assert str(theirs.value) in str(ours.value)
