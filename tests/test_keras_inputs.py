"""Keras 3's input handling as TensorFlow's tutorials meet it: 1-D data for a model whose input
has one feature, inputs converted to their `keras.Input` dtype, dicts of columns, merging layers
promoting mixed dtypes, pandas data (duck-typed: tapegrad never imports pandas), empty model
names and `summary()` of subclassed models. Expected values were recorded from Keras 3.15 /
TensorFlow 2.21; the tests at the end compare with them where TensorFlow is installed."""

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras

layers = keras.layers


def _one_feature_models(keras):
    keras.utils.set_random_seed(0)
    return [
        keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)]),
        keras.Sequential([keras.layers.Dense(1, input_shape=(1,))]),
        keras.Model(*_io(keras)),
    ]


def _io(keras):
    x = keras.Input(shape=(1,))
    return x, keras.layers.Dense(1)(x)


@pytest.mark.parametrize("k", range(3))
def test_one_dimensional_data_feeds_a_one_feature_input(k):
    model = _one_feature_models(keras)[k]
    assert model.predict(np.arange(10.0), verbose=0).shape == (10, 1)
    assert model.predict(tf.linspace(0.0, 250.0, 251), verbose=0).shape == (251, 1)
    assert tuple(model(np.arange(4.0)).shape) == (4, 1)
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(np.arange(8.0), 2 * np.arange(8.0), epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert isinstance(model.evaluate(np.arange(8.0), 2 * np.arange(8.0), verbose=0), float)


def test_evaluate_without_targets_is_refused_naming_them():
    model = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    for call in (model.evaluate, model.test_on_batch):
        with pytest.raises(ValueError, match="no target data `y`"):  # Keras: ValueError too
            call(np.ones((4, 2)))


def test_targets_of_shape_n_and_n_1_give_the_same_loss():
    model = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    x = np.random.default_rng(0).normal(size=(8, 2))
    y = np.arange(8.0)
    assert model.evaluate(x, y, verbose=0) == model.evaluate(x, y[:, None], verbose=0)


def test_trailing_axis_of_one_is_dropped_for_a_scalar_input():
    x = keras.Input(shape=())
    model = keras.Model(x, x * 3.0)
    assert model(np.array([[1.0], [2.0]])).numpy().tolist() == [3.0, 6.0]


def test_other_ranks_are_refused_naming_the_input():
    x = keras.Input(shape=(2,), name="features")
    model = keras.Model(x, layers.Dense(1)(x))
    with pytest.raises(ValueError, match=r"'features'.*expected shape=\(None, 2\)"):
        model(np.ones((3, 2, 2)))


def test_unbuilt_sequential_refuses_one_dimensional_data():
    model = keras.Sequential([layers.Dense(1)])
    with pytest.raises(ValueError, match="min_ndim=2"):
        model.predict(np.arange(10.0), verbose=0)


def test_subclassed_model_gets_one_dimensional_data_as_is():
    """The "basic training loops" guide: raw variables in a subclassed model, 1-D x and y."""

    class Linear(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.w = tf.Variable(5.0)
            self.b = tf.Variable(0.0)

        def call(self, x):
            return self.w * x + self.b

    model = Linear()
    x = tf.linspace(-2.0, 2.0, 201)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    losses = model.fit(x, 3.0 * x + 2.0, epochs=5, batch_size=1000, verbose=0).history["loss"]
    assert len(model.trainable_variables) == 2  # tracked as tf.keras 2 did (README)
    assert losses[-1] < losses[0] / 4


def test_functional_inputs_take_their_input_dtype():
    i = keras.Input(shape=(2,), dtype="int32")
    model = keras.Model(i, i + 1)
    out = model(np.array([[1.5, 2.0]]))
    assert out.dtype == tf.int32 and out.numpy().tolist() == [[2, 3]]  # truncated, as Keras
    d = keras.Input(shape=(1,), dtype="float64")
    exact = keras.Model(d, d * 1)(np.array([[0.1]]))
    assert exact.dtype == tf.float64 and exact.numpy()[0, 0] == 0.1  # no float32 round trip


def test_dict_of_columns_feeds_inputs_by_name():
    a, b = keras.Input(shape=(1,), name="a"), keras.Input(shape=(1,), name="b", dtype="int64")
    model = keras.Model([a, b], layers.Concatenate()([a, b]))
    out = model({"b": np.array([3, 4]), "a": np.array([1.0, 2.0]), "unused": np.zeros(2)})
    assert out.dtype == tf.float32 and out.numpy().tolist() == [[1.0, 3.0], [2.0, 4.0]]
    with pytest.raises(ValueError, match=r"missing \['b'\]"):
        model({"a": np.array([1.0])})


def test_a_dict_model_asks_for_a_dict():
    inputs = {name: keras.Input(shape=(1,), name=name) for name in ("a", "b")}
    model = keras.Model(inputs, layers.Concatenate()(list(inputs.values())))
    with pytest.raises(ValueError, match=r"expects 2 named input\(s\) with keys \['a', 'b'\]"):
        model(np.ones((2, 2)))  # Keras's message


@pytest.mark.parametrize(
    "dtypes, expected",
    [
        (("int64", "float32"), tf.float32),
        (("int32", "float32"), tf.float32),
        (("uint8", "int8"), tf.int16),
        (("int32", "int64"), tf.int64),
        (("float64", "float32"), tf.float32),  # the layer casts floats to its own dtype first
    ],
)
def test_merging_layers_promote_mixed_dtypes(dtypes, expected):
    values = [tf.constant([[1, 2]], dtype=d) for d in dtypes]
    assert layers.Concatenate()(values).dtype == expected
    assert layers.Add()(values).dtype == expected
    assert layers.Add()(values).numpy().tolist() == [[2, 4]]


class _Frame:
    """A stand-in for a pandas DataFrame: a table that converts itself with `__array__`."""

    def __init__(self, **columns):
        self.columns = columns

    def __array__(self, dtype=None, copy=None):
        values = list(self.columns.values())
        out = np.empty((len(values[0]), len(values)), dtype=np.result_type(*values))
        for j, column in enumerate(values):
            out[:, j] = column
        return out if dtype is None else out.astype(dtype)


def test_array_likes_keep_their_numpy_dtype():
    floats = _Frame(a=np.array([1.0, 2.0]), b=np.array([3, 4]))
    ints = _Frame(b=np.array([3, 4]))
    assert tf.convert_to_tensor(floats).dtype == tf.float64  # a Python list would be float32
    assert tf.convert_to_tensor(ints).dtype == tf.int64
    assert tf.constant(floats).dtype == tf.float64 and tf.Variable(ints).dtype == tf.int64
    assert tf.convert_to_tensor(floats, dtype=tf.float32).dtype == tf.float32
    assert tf.reduce_mean(floats).dtype == tf.float64


def test_array_like_of_mixed_objects_is_refused():
    mixed = _Frame(x=np.array([1.0, 2.0], dtype=object), y=np.array([True, False], dtype=object))
    with pytest.raises(ValueError, match="Unsupported object type float.*astype"):
        tf.convert_to_tensor(mixed)


@pytest.mark.parametrize(
    "name_of", [lambda name: keras.Sequential(name=name), lambda name: keras.Model(name=name)]
)
def test_empty_model_name_stays_empty(name_of):
    assert name_of("").name == ""
    x = keras.Input(shape=(1,))
    assert keras.Model(x, x, name="").name == ""


class _Block(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(4, activation="relu")
        self.out = layers.Dense(2)

    def call(self, x):
        return self.out(self.hidden(x))


def _shape_column(model):
    printed = []
    model.summary(print_fn=lambda text, **kwargs: printed.append(text))
    lines = "\n".join(printed).splitlines()
    return [line.split("│")[2].strip() for line in lines if line.startswith("│")]


def test_summary_shows_output_shapes_of_a_built_subclassed_model():
    block = _Block()
    assert _shape_column(block) == ["?", "?"]
    block(np.ones((3, 5), np.float32))
    assert _shape_column(block) == ["(3, 4)", "(3, 2)"]  # Keras: the shapes they were built for
    assert block.hidden._inbound_nodes == []  # summary left no graph node behind
    built = _Block()
    built.build((None, 7))
    assert _shape_column(built) == ["(None, 4)", "(None, 2)"]


def _param_lines(keras):
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    before = _summary_lines(model)
    model.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0)
    return before, _summary_lines(model)


def _summary_lines(model):
    printed = []
    model.summary(print_fn=lambda text, **kwargs: printed.append(text))
    return [line for line in "\n".join(printed).splitlines() if "params" in line]


_PARAM_LINES = (  # recorded from Keras 3.15
    [
        " Total params: 8 (32.00 B)",
        " Trainable params: 8 (32.00 B)",
        " Non-trainable params: 0 (0.00 B)",
    ],
    [
        " Total params: 26 (108.00 B)",
        " Trainable params: 8 (32.00 B)",
        " Non-trainable params: 0 (0.00 B)",
        " Optimizer params: 18 (76.00 B)",
    ],
)


def test_summary_counts_the_optimizer_state_once_trained():
    assert _param_lines(keras) == _PARAM_LINES


# -- against Keras and pandas themselves -----------------------------------------------------


def test_one_dimensional_predict_matches_keras(tf_keras_real):
    _, keras_real = tf_keras_real
    for model in _one_feature_models(keras_real):
        assert model.predict(np.arange(10.0), verbose=0).shape == (10, 1)


def test_input_dtype_and_merging_match_keras(tf_keras_real):
    tf_real, keras_real = tf_keras_real
    i = keras_real.Input(shape=(2,), dtype="int32")
    out = keras_real.Model(i, i + 1)(np.array([[1.5, 2.0]]))
    assert out.dtype == tf_real.int32 and out.numpy().tolist() == [[2, 3]]
    for dtypes in [("int64", "float32"), ("uint8", "int8"), ("int32", "float32")]:
        values = [tf_real.constant([[1, 2]], dtype=d) for d in dtypes]
        theirs = keras_real.layers.Concatenate()(values).dtype.name
        ours = layers.Concatenate()([tf.constant([[1, 2]], dtype=d) for d in dtypes]).dtype.name
        assert ours == theirs


def test_pandas_conversion_matches_tensorflow(tf_keras_real):
    tf_real, _ = tf_keras_real
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [4, 5, 6]})
    for value in (df, df[["a"]], df["a"], df["b"], df[["b"]]):
        ours, theirs = tf.convert_to_tensor(value), tf_real.convert_to_tensor(value)
        assert ours.dtype.name == theirs.dtype.name
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    assert {k: tf.convert_to_tensor(v).dtype.name for k, v in dict(df).items()} == {
        "a": "float64",
        "b": "int64",
    }


def test_fit_on_pandas_matches_keras(tf_keras_real):
    _, keras_real = tf_keras_real
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [4, 5, 6, 7]})
    target = df.pop("b") * 1.0
    df["c"] = [1, 0, 1, 0]
    for k in (keras, keras_real):
        k.utils.set_random_seed(0)
        model = k.Sequential([k.Input(shape=(2,)), k.layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        assert len(model.fit(df, target, epochs=2, verbose=0).history["loss"]) == 2
        assert model.predict(df, verbose=0).shape == (4, 1)
        inputs = {name: k.Input(shape=(1,), name=name) for name in df.columns}
        out = k.layers.Dense(1)(k.layers.Concatenate()(list(inputs.values())))
        model = k.Model(inputs, out)
        model.compile(optimizer="adam", loss="mse")
        model.fit(dict(df), target, epochs=1, verbose=0)
        assert model.predict(dict(df), verbose=0).shape == (4, 1)


def test_summary_shapes_match_keras(tf_keras_real):
    _, keras_real = tf_keras_real

    class Block(keras_real.Model):
        def __init__(self):
            super().__init__()
            self.hidden = keras_real.layers.Dense(4, activation="relu")
            self.out = keras_real.layers.Dense(2)

        def call(self, x):
            return self.out(self.hidden(x))

    block = Block()
    block(np.ones((3, 5), np.float32))
    ours = _Block()
    ours(np.ones((3, 5), np.float32))
    assert _shape_column(ours) == _shape_column(block)


def test_summary_param_lines_match_keras(tf_keras_real):
    _, keras_real = tf_keras_real
    assert _param_lines(keras_real) == _PARAM_LINES
