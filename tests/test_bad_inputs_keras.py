"""The bad-input table of `tapegrad.keras`: each bad call raises the error class Keras 3 raises,
with a message that names the operation and the offending shape, dtype or value.

Each entry runs without TensorFlow (`test_bad_call`); where Keras 3 is installed the same call
runs on it too (`test_bad_call_in_keras`), checking the class. Where Keras's class is an
accident (a raw Python error from deep inside, or no error at all), the entry says what Keras
does in `keras=` and why tapegrad differs in `why=`.
"""

import builtins
import os

import numpy as np
import pytest
from bad_input import assert_clear_error

import tapegrad as tf
from tapegrad import keras

X, Y = np.ones((10, 2), np.float32), np.ones((10, 1), np.float32)
RAGGED = [[1.0, 2.0], [3.0]]


class Bad:
    """One bad call: `call(k, t, tmp)` with k the keras module, t the tensorflow-like module
    and tmp a scratch directory; the error tapegrad raises and what its message names."""

    def __init__(self, call, error, *mentions, keras=None, why=None):
        self.call, self.error, self.mentions = call, error, mentions
        self.keras = keras or error.__name__  # Keras's class name, or "pass"
        self.why = why
        assert (self.keras == error.__name__) or why, "a difference from Keras needs a reason"


def _seq(k, units=1, loss="mse", eager=True):
    # Keras runs eagerly here for speed, except where its error class depends on the mode.
    model = k.Sequential([k.Input((2,)), k.layers.Dense(units)])
    model.compile("sgd", loss, run_eagerly=eager)
    return model


def _two(k):
    a, b = k.Input((2,)), k.Input((3,))
    joined = k.layers.Concatenate()([a, b])
    model = k.Model([a, b], [k.layers.Dense(1)(joined), k.layers.Dense(1)(a)])
    model.compile("sgd", ["mse", "mse"], run_eagerly=True)
    return model


def _two_outputs(k):
    a = k.Input((2,))
    return k.Model(a, [k.layers.Dense(1)(a), k.layers.Dense(1)(a)])


def _functional(k):
    inputs = k.Input((2,))
    return k.Model(inputs, k.layers.Dense(1)(inputs))


def _model_from_a_layer_output(k):
    inputs = k.Input((2,))
    return k.Model(k.layers.Dense(2)(inputs), inputs)


def _disconnected_model(k):
    other = k.Input((2,))
    return k.Model(k.Input((2,)), k.layers.Dense(1)(other))


def _built(layer, shape=(1, 3)):
    layer(np.ones(shape, np.float32))
    return layer


def _compiled(k, loss="mse", **kwargs):
    model = k.Sequential([k.Input((2,)), k.layers.Dense(1)])
    model.compile("sgd", loss, run_eagerly=True, **kwargs)
    return model


def _fit_two_outputs(k, **compile_kwargs):
    model = _two_outputs(k)
    model.compile("sgd", run_eagerly=True, **compile_kwargs)
    return model.fit(X, [Y], verbose=0)


def _write(tmp, name, data):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def _saved_weights(k, tmp, mutate):
    model = _seq(k)
    path = os.path.join(tmp, "model.weights.h5")
    model.save_weights(path)
    with open(path, "rb") as f:
        data = bytearray(f.read())
    with open(path, "wb") as f:
        f.write(mutate(data))
    return _seq(k).load_weights(path)


def _corrupt(data):
    data[100:200] = b"x" * 100
    return bytes(data)


def _other_model_weights(k, tmp):
    path = os.path.join(tmp, "other.weights.h5")
    _seq(k, units=3).save_weights(path)
    return _seq(k).load_weights(path)


def _apply(k, t, optimizer, pairs):
    return optimizer.apply_gradients(
        [(np.asarray(g, np.float32), t.Variable(np.asarray(v, np.float32))) for g, v in pairs]
    )


def _adam_hyper(k, t):
    v = t.Variable(np.ones(2, np.float32))
    return k.optimizers.Adam(beta_1="a").apply_gradients([(np.ones(2, np.float32), v)])


RAW_KERAS = "Keras leaks a raw Python error here"
SILENT_KERAS = "Keras accepts it and trains or predicts on a wrong value, or does nothing"

TABLE = {
    # -- layer constructor arguments ------------------------------------------------------------
    "dense_units_zero": Bad(lambda k, t, d: k.layers.Dense(0), ValueError, "Dense", "units=0"),
    "dense_units_negative": Bad(lambda k, t, d: k.layers.Dense(-2), ValueError, "Dense", "-2"),
    "dense_units_string": Bad(lambda k, t, d: k.layers.Dense("abc"), ValueError, "Dense", "abc"),
    "dense_units_float": Bad(lambda k, t, d: k.layers.Dense(2.5), ValueError, "units", "2.5"),
    "dense_units_none": Bad(lambda k, t, d: k.layers.Dense(None), ValueError, "units", "None"),
    "dense_activation_unknown": Bad(
        lambda k, t, d: k.layers.Dense(2, activation="nope"), ValueError, "activation", "nope"
    ),
    "dense_initializer_unknown": Bad(
        lambda k, t, d: k.layers.Dense(2, kernel_initializer="nope"),
        ValueError,
        "initializer",
        "nope",
    ),
    "dense_initializer_int": Bad(
        lambda k, t, d: k.layers.Dense(2, kernel_initializer=3), ValueError, "initializer", "3"
    ),
    "dense_regularizer_unknown": Bad(
        lambda k, t, d: k.layers.Dense(2, kernel_regularizer="nope"),
        ValueError,
        "regularizer",
        "nope",
    ),
    "dense_unknown_keyword": Bad(
        lambda k, t, d: k.layers.Dense(2, bogus=1), ValueError, "Dense", "bogus"
    ),
    "dense_dtype_unknown": Bad(
        lambda k, t, d: k.layers.Dense(2, dtype="nope"), ValueError, "Dense", "nope"
    ),
    "dropout_rate_above_one": Bad(
        lambda k, t, d: k.layers.Dropout(1.5), ValueError, "Dropout", "rate", "1.5"
    ),
    "dropout_rate_negative": Bad(
        lambda k, t, d: k.layers.Dropout(-0.1), ValueError, "Dropout", "-0.1"
    ),
    "dropout_rate_string": Bad(
        lambda k, t, d: k.layers.Dropout("a"), TypeError, "Dropout", "rate", "'a'"
    ),
    "dropout_noise_shape_string": Bad(
        lambda k, t, d: k.layers.Dropout(0.5, noise_shape="ab"), ValueError, "noise_shape", "ab"
    ),
    "dropout_noise_shape_negative": Bad(
        lambda k, t, d: k.layers.Dropout(0.5, noise_shape=(None, -3)),
        ValueError,
        "noise_shape",
        "negative",
    ),
    "dropout_seed_string": Bad(
        lambda k, t, d: k.layers.Dropout(0.5, seed="a"), ValueError, "seed", "'a'"
    ),
    "activation_unknown": Bad(
        lambda k, t, d: k.layers.Activation("nope"), ValueError, "activation", "nope"
    ),
    "activation_not_callable": Bad(
        lambda k, t, d: k.layers.Activation(3), ValueError, "activation", "3"
    ),
    "reshape_two_unknown_dimensions": Bad(
        lambda k, t, d: k.layers.Reshape((-1, -1)), ValueError, "Reshape", "(-1, -1)"
    ),
    "reshape_negative_dimension": Bad(
        lambda k, t, d: k.layers.Reshape((2, -4)), ValueError, "Reshape", "-4"
    ),
    "reshape_target_shape_string": Bad(
        lambda k, t, d: k.layers.Reshape("ab"),
        ValueError,
        "Reshape",
        "'ab'",
        keras="pass",
        why="Keras stores ('a', 'b') and fails only when the layer runs",
    ),
    "flatten_data_format": Bad(
        lambda k, t, d: k.layers.Flatten(data_format="bad"), ValueError, "data_format", "bad"
    ),
    "lambda_not_callable": Bad(
        lambda k, t, d: k.layers.Lambda(3), TypeError, "Lambda", "callable", "3"
    ),
    "concatenate_axis_string": Bad(
        lambda k, t, d: k.layers.Concatenate(axis="a"),
        ValueError,
        "Concatenate",
        "axis",
        "'a'",
        keras="pass",
        why="Keras stores the string and fails only when the layer runs",
    ),
    "batchnorm_axis_string": Bad(
        lambda k, t, d: k.layers.BatchNormalization(axis="a"),
        ValueError,
        "BatchNormalization",
        "axis",
        "'a'",
    ),
    "batchnorm_momentum_string": Bad(
        lambda k, t, d: k.layers.BatchNormalization(momentum="a"),
        TypeError,
        "BatchNormalization",
        "momentum",
        "'a'",
        keras="ValueError",
        why=RAW_KERAS + " (float('a')); a string where a number belongs is a TypeError",
    ),
    "batchnorm_momentum_above_one": Bad(
        lambda k, t, d: k.layers.BatchNormalization(momentum=1.5),
        ValueError,
        "momentum",
        "1.5",
        keras="pass",
        why="Keras accepts it; the moving averages then diverge",
    ),
    "input_no_shape": Bad(lambda k, t, d: k.Input(), ValueError, "Input", "shape"),
    "input_negative_dimension": Bad(
        lambda k, t, d: k.Input(shape=(-1,)), ValueError, "Input", "(-1,)", "negative"
    ),
    "input_float_dimension": Bad(
        lambda k, t, d: k.Input(shape=(2.0,)), ValueError, "Input", "2.0", "float"
    ),
    "input_shape_string": Bad(lambda k, t, d: k.Input(shape="ab"), ValueError, "Input", "'ab'"),
    "input_negative_batch_size": Bad(
        lambda k, t, d: k.Input((2,), batch_size=-1), ValueError, "Input", "-1"
    ),
    "input_dtype_unknown": Bad(
        lambda k, t, d: k.Input((2,), dtype="nope"), ValueError, "dtype", "nope"
    ),
    # -- layer calls ----------------------------------------------------------------------------
    "dense_on_scalar": Bad(
        lambda k, t, d: k.layers.Dense(2)(np.float32(3.0)), ValueError, "Dense", "ndim=0", "()"
    ),
    "dense_on_vector": Bad(
        lambda k, t, d: k.layers.Dense(2)(np.ones(3, np.float32)), ValueError, "Dense", "ndim=1"
    ),
    "dense_on_strings": Bad(
        lambda k, t, d: k.layers.Dense(2)(np.array([["a", "b"]])), ValueError, "Dense", "<U1"
    ),
    "dense_on_ragged_list": Bad(
        lambda k, t, d: k.layers.Dense(2)(RAGGED), ValueError, "Dense", "rectangular", "list"
    ),
    "dense_wrong_feature_count": Bad(
        lambda k, t, d: _built(k.layers.Dense(2))(np.ones((1, 4), np.float32)),
        ValueError,
        "Dense",
        "value 3",
        "(1, 4)",
    ),
    "reshape_wrong_size": Bad(
        lambda k, t, d: k.layers.Reshape((3,))(np.ones((2, 4), np.float32)),
        ValueError,
        "Reshape",
        "(4,)",
        "(3,)",
    ),
    "concatenate_one_tensor": Bad(
        lambda k, t, d: k.layers.Concatenate()(np.ones((2, 3), np.float32)),
        ValueError,
        "Concatenate",
        "(2, 3)",
    ),
    "concatenate_shape_mismatch": Bad(
        lambda k, t, d: k.layers.Concatenate()(
            [np.ones((2, 3), np.float32), np.ones((3, 3), np.float32)]
        ),
        ValueError,
        "Concatenate",
        "(2, 3)",
        "(3, 3)",
    ),
    "add_shape_mismatch": Bad(
        lambda k, t, d: k.layers.Add()([np.ones((2, 3), np.float32), np.ones((2, 4), np.float32)]),
        ValueError,
        "Add",
        "(2, 3)",
        "(2, 4)",
    ),
    "batchnorm_axis_out_of_range": Bad(
        lambda k, t, d: k.layers.BatchNormalization(axis=5)(np.ones((2, 3), np.float32)),
        ValueError,
        "BatchNormalization",
        "axis 5",
        "(2, 3)",
        keras="IndexError",
        why=RAW_KERAS + " ('tuple index out of range')",
    ),
    "batchnorm_wrong_feature_count": Bad(
        lambda k, t, d: _built(k.layers.BatchNormalization())(np.ones((2, 4), np.float32)),
        ValueError,
        "BatchNormalization",
        "value 3",
        "(2, 4)",
    ),
    "set_weights_count": Bad(
        lambda k, t, d: _built(k.layers.Dense(2)).set_weights([np.ones((3, 2))]),
        ValueError,
        "2",
        "1",
    ),
    "set_weights_shape": Bad(
        lambda k, t, d: _built(k.layers.Dense(2)).set_weights([np.ones((3, 3)), np.ones(2)]),
        ValueError,
        "(3, 2)",
        "(3, 3)",
    ),
    "count_params_unbuilt": Bad(
        lambda k, t, d: k.layers.Dense(2).count_params(), ValueError, "count_params", "built"
    ),
    "layer_input_never_called": Bad(
        lambda k, t, d: k.layers.Dense(2).input, AttributeError, "never been called"
    ),
    "layer_output_never_called": Bad(
        lambda k, t, d: k.layers.Dense(2).output, AttributeError, "never been called"
    ),
    # -- models ---------------------------------------------------------------------------------
    "sequential_add_not_a_layer": Bad(
        lambda k, t, d: k.Sequential().add(3), ValueError, "Sequential", "3", "int"
    ),
    "sequential_duplicate_names": Bad(
        lambda k, t, d: k.Sequential([k.layers.Dense(1, name="a"), k.layers.Dense(1, name="a")]),
        ValueError,
        "unique names",
        "'a'",
    ),
    "sequential_pop_empty": Bad(
        lambda k, t, d: k.Sequential().pop(), IndexError, "pop", "no layers"
    ),
    "sequential_output_shape_unbuilt": Bad(
        lambda k, t, d: k.Sequential([k.layers.Dense(1)]).output_shape,
        AttributeError,
        "Sequential",
    ),
    "functional_outputs_not_keras_tensors": Bad(
        lambda k, t, d: k.Model(k.Input((2,)), np.ones(2)), ValueError, "Keras tensors", "array"
    ),
    "functional_inputs_not_inputs": Bad(
        lambda k, t, d: _model_from_a_layer_output(k),
        ValueError,
        "keras.Input",
    ),
    "functional_disconnected_input": Bad(
        lambda k, t, d: _disconnected_model(k),
        ValueError,
        "not among the model's inputs",
    ),
    "functional_wrong_input_count": Bad(
        lambda k, t, d: _two(k)([np.ones((1, 2), np.float32)]), ValueError, "expects 2", "1"
    ),
    "functional_wrong_feature_count": Bad(
        lambda k, t, d: _functional(k)(np.ones((1, 5), np.float32)),
        ValueError,
        "(None, 2)",
        "(1, 5)",
    ),
    "model_one_positional_argument": Bad(
        lambda k, t, d: k.Model(k.Input((2,))),
        TypeError,
        "Model",
        "inputs, outputs",
    ),
    "get_layer_unknown_name": Bad(
        lambda k, t, d: _seq(k).get_layer("nope"), ValueError, "No such layer", "nope"
    ),
    "get_layer_index_out_of_range": Bad(
        lambda k, t, d: _seq(k).get_layer(index=99), ValueError, "index 99", "1 layers"
    ),
    # -- compile --------------------------------------------------------------------------------
    "compile_unknown_optimizer": Bad(
        lambda k, t, d: _seq(k).compile("nope", "mse"), ValueError, "optimizer", "nope"
    ),
    "compile_optimizer_int": Bad(
        lambda k, t, d: _seq(k).compile(3, "mse"), ValueError, "optimizer", "3"
    ),
    "compile_unknown_loss": Bad(
        lambda k, t, d: _compiled(k, "nope").fit(X, Y, verbose=0), ValueError, "loss", "nope"
    ),
    "compile_loss_int": Bad(
        lambda k, t, d: _compiled(k, 3).fit(X, Y, verbose=0), ValueError, "loss", "3"
    ),
    "compile_unknown_metric": Bad(
        lambda k, t, d: _compiled(k, metrics=["nope"]).fit(X, Y, verbose=0),
        ValueError,
        "metric",
        "nope",
    ),
    "compile_metrics_string": Bad(
        lambda k, t, d: _compiled(k, metrics="mae").fit(X, Y, verbose=0),
        ValueError,
        "metrics",
        "'mae'",
    ),
    "compile_loss_weights_count": Bad(
        lambda k, t, d: _fit_two_outputs(k, loss=["mse", "mse"], loss_weights=[1.0]),
        ValueError,
        "loss_weights",
        "2 losses and 1 weights",
    ),
    "compile_loss_dict_keys": Bad(
        lambda k, t, d: _fit_two_outputs(k, loss={"nope": "mse"}),
        ValueError,
        "loss dict",
        "nope",
    ),
    # -- fit, evaluate, predict -----------------------------------------------------------------
    "fit_before_compile": Bad(
        lambda k, t, d: k.Sequential([k.Input((2,)), k.layers.Dense(1)]).fit(X, Y, verbose=0),
        ValueError,
        "compile()",
    ),
    "fit_y_longer_than_x": Bad(
        lambda k, t, d: _seq(k).fit(X, np.ones((12, 1)), verbose=0), ValueError, "fit", "10", "12"
    ),
    "fit_x_longer_than_y": Bad(
        lambda k, t, d: _seq(k).fit(np.ones((12, 2)), Y, verbose=0), ValueError, "fit", "12", "10"
    ),
    "fit_sample_weight_length": Bad(
        lambda k, t, d: _seq(k).fit(X, Y, sample_weight=np.ones(7), verbose=0),
        ValueError,
        "fit",
        "sample_weight",
        "7",
    ),
    "fit_validation_data_length": Bad(
        lambda k, t, d: _seq(k).fit(X, Y, validation_data=(X, np.ones((12, 1))), verbose=0),
        ValueError,
        "validation_data",
        "12",
    ),
    "fit_validation_data_not_a_tuple": Bad(
        lambda k, t, d: _seq(k).fit(X, Y, validation_data=X, verbose=0),
        ValueError,
        "validation_data",
        "(10, 2)",
    ),
    "fit_batch_size_zero": Bad(
        lambda k, t, d: _seq(k).fit(X, Y, batch_size=0, verbose=0),
        ValueError,
        "fit",
        "batch_size",
        "0",
        keras="pass",
        why=SILENT_KERAS,
    ),
    "fit_batch_size_negative": Bad(
        lambda k, t, d: _seq(k).fit(X, Y, batch_size=-1, verbose=0),
        ValueError,
        "fit",
        "batch_size",
        "-1",
    ),
    "fit_batch_size_string": Bad(
        lambda k, t, d: _seq(k).fit(X, Y, batch_size="a", verbose=0),
        TypeError,
        "fit",
        "batch_size",
        "'a'",
    ),
    "fit_epochs_string": Bad(
        lambda k, t, d: _seq(k).fit(X, Y, epochs="a", verbose=0), TypeError, "fit", "epochs", "'a'"
    ),
    "fit_epochs_float": Bad(
        lambda k, t, d: _seq(k).fit(X, Y, epochs=1.5, verbose=0), TypeError, "epochs", "1.5"
    ),
    "fit_initial_epoch_string": Bad(
        lambda k, t, d: _seq(k).fit(X, Y, initial_epoch="a", verbose=0),
        TypeError,
        "initial_epoch",
        "'a'",
    ),
    "fit_steps_per_epoch_negative": Bad(
        lambda k, t, d: _seq(k).fit(X, Y, steps_per_epoch=-1, verbose=0),
        ValueError,
        "fit",
        "steps_per_epoch",
        "-1",
    ),
    "fit_validation_freq_zero": Bad(
        lambda k, t, d: _seq(k).fit(X, Y, validation_data=(X, Y), validation_freq=0, verbose=0),
        ValueError,
        "fit",
        "validation_freq",
        "0",
        keras="ZeroDivisionError",
        why=RAW_KERAS + " ('integer modulo by zero')",
    ),
    "fit_validation_split_above_one": Bad(
        lambda k, t, d: _seq(k).fit(X, Y, validation_split=1.5, verbose=0),
        ValueError,
        "validation_split",
        "1.5",
        keras="pass",
        why=SILENT_KERAS,
    ),
    "fit_validation_split_negative": Bad(
        lambda k, t, d: _seq(k).fit(X, Y, validation_split=-0.1, verbose=0),
        ValueError,
        "validation_split",
        "-0.1",
        keras="pass",
        why=SILENT_KERAS,
    ),
    "fit_validation_split_one": Bad(
        lambda k, t, d: _seq(k).fit(X, Y, validation_split=1.0, verbose=0),
        ValueError,
        "validation_split",
        "1.0",
    ),
    "fit_wrong_feature_count": Bad(
        lambda k, t, d: _seq(k).fit(np.ones((10, 3)), Y, verbose=0),
        ValueError,
        "value 2",
        "(10, 3)",
    ),
    "fit_string_data": Bad(
        lambda k, t, d: _seq(k).fit(np.full((10, 2), "a"), Y, verbose=0),
        ValueError,
        "fit",
        "<U1",
    ),
    "fit_ragged_data": Bad(
        lambda k, t, d: _seq(k).fit(RAGGED, [1.0, 2.0], verbose=0),
        ValueError,
        "rectangular",
        "list",
    ),
    "fit_missing_y": Bad(
        lambda k, t, d: _seq(k).fit(X, verbose=0), ValueError, "fit", "y", "'mse'"
    ),
    "fit_x_none": Bad(lambda k, t, d: _seq(k).fit(None, Y, verbose=0), ValueError, "fit", "None"),
    "fit_scalar_x": Bad(
        lambda k, t, d: _seq(k).fit(np.float32(1.0), Y, verbose=0),
        ValueError,
        "fit",
        "scalar",
        keras="IndexError",
        why=RAW_KERAS + " ('tuple index out of range')",
    ),
    "fit_labels_wrong_width": Bad(
        lambda k, t, d: _seq(k, units=3, loss="categorical_crossentropy").fit(
            X, np.ones((10, 2)), verbose=0
        ),
        ValueError,
        "categorical_crossentropy",
        "(10, 2)",
        "(10, 3)",
    ),
    "fit_sparse_labels_out_of_range": Bad(
        lambda k, t, d: _seq(k, units=3, loss="sparse_categorical_crossentropy").fit(
            X, np.full((10, 1), 7), verbose=0
        ),
        tf.errors.InvalidArgumentError,
        "sparse_categorical_crossentropy",
        "7",
        "[0, 3)",
    ),
    "fit_class_weight_not_a_dict": Bad(
        lambda k, t, d: _seq(k).fit(X, Y, class_weight=[1, 2], verbose=0),
        TypeError,
        "class_weight",
        "list",
        keras="AttributeError",
        why=RAW_KERAS + " (\"'list' object has no attribute 'get'\")",
    ),
    "fit_callback_not_a_callback": Bad(
        lambda k, t, d: _seq(k).fit(X, Y, callbacks=[object()], verbose=0),
        TypeError,
        "callbacks",
        "object",
        keras="AttributeError",
        why=RAW_KERAS + " (\"'object' object has no attribute 'set_model'\")",
    ),
    "fit_multi_input_count": Bad(
        lambda k, t, d: _two(k).fit([X], [Y, Y], verbose=0), ValueError, "expects 2", "got 1"
    ),
    "fit_multi_input_lengths": Bad(
        lambda k, t, d: _two(k).fit([X, np.ones((12, 3))], [Y, Y], verbose=0),
        ValueError,
        "10, 12",
    ),
    "fit_multi_output_lengths": Bad(
        lambda k, t, d: _two(k).fit([X, np.ones((10, 3))], [Y, np.ones((12, 1))], verbose=0),
        ValueError,
        "10, 12",
    ),
    "fit_fewer_targets_than_outputs": Bad(
        lambda k, t, d: _fit_two_outputs(k, loss=["mse", "mse"]),
        ValueError,
        "2 outputs",
        "1 target",
    ),
    "evaluate_y_longer_than_x": Bad(
        lambda k, t, d: _seq(k).evaluate(X, np.ones((12, 1)), verbose=0),
        ValueError,
        "evaluate",
        "12",
    ),
    "evaluate_batch_size_zero": Bad(
        lambda k, t, d: _seq(k).evaluate(X, Y, batch_size=0, verbose=0),
        ValueError,
        "evaluate",
        "batch_size",
        keras="pass",
        why=SILENT_KERAS,
    ),
    "evaluate_missing_y": Bad(
        lambda k, t, d: _seq(k).evaluate(X, verbose=0), ValueError, "evaluate", "y", "'mse'"
    ),
    "predict_wrong_feature_count": Bad(
        lambda k, t, d: _seq(k).predict(np.ones((10, 3)), verbose=0),
        ValueError,
        "value 2",
        "(10, 3)",
    ),
    "predict_x_none": Bad(
        lambda k, t, d: _seq(k).predict(None, verbose=0),
        ValueError,
        "predict",
        "None",
        keras="KeyError",
        why=RAW_KERAS + " ('pop from an empty set')",
    ),
    "predict_batch_size_zero": Bad(
        lambda k, t, d: _seq(k).predict(X, batch_size=0, verbose=0),
        ValueError,
        "predict",
        "batch_size",
        keras="pass",
        why=SILENT_KERAS,
    ),
    "predict_multi_input_lengths": Bad(
        lambda k, t, d: _two(k).predict([X, np.ones((12, 3))], verbose=0),
        ValueError,
        "predict",
        "10, 12",
    ),
    "train_on_batch_y_longer_than_x": Bad(
        lambda k, t, d: _seq(k, eager=False).train_on_batch(X, np.ones((12, 1))),
        ValueError,
        "train_on_batch",
        "12",
    ),
    "test_on_batch_x_longer_than_y": Bad(
        lambda k, t, d: _seq(k, eager=False).test_on_batch(np.ones((12, 2)), Y),
        ValueError,
        "test_on_batch",
        "12",
    ),
    "train_on_batch_sample_weight_length": Bad(
        lambda k, t, d: _seq(k, eager=False).train_on_batch(X, Y, sample_weight=np.ones(3)),
        ValueError,
        "train_on_batch",
        "3",
    ),
    # -- optimizers -----------------------------------------------------------------------------
    "optimizer_unknown_keyword": Bad(
        lambda k, t, d: k.optimizers.SGD(bogus=1), ValueError, "not recognized", "bogus"
    ),
    "optimizer_learning_rate_string": Bad(
        lambda k, t, d: k.optimizers.SGD(learning_rate="a"), ValueError, "learning_rate", "'a'"
    ),
    "optimizer_learning_rate_none": Bad(
        lambda k, t, d: k.optimizers.Adam(learning_rate=None), ValueError, "learning_rate", "None"
    ),
    "optimizer_learning_rate_set_string": Bad(
        lambda k, t, d: setattr(k.optimizers.SGD(), "learning_rate", "a"),
        TypeError,
        "learning_rate",
        "'a'",
    ),
    "optimizer_two_clipping_options": Bad(
        lambda k, t, d: k.optimizers.SGD(clipnorm=1.0, clipvalue=1.0),
        ValueError,
        "clipnorm=1.0",
        "clipvalue=1.0",
    ),
    "sgd_momentum_negative": Bad(
        lambda k, t, d: k.optimizers.SGD(momentum=-1.0), ValueError, "momentum", "[0, 1]"
    ),
    "sgd_momentum_string": Bad(
        lambda k, t, d: k.optimizers.SGD(momentum="a"), ValueError, "momentum", "[0, 1]"
    ),
    "adam_beta_string": Bad(
        lambda k, t, d: _adam_hyper(k, t),
        ValueError,
        "Adam",
        "beta_1",
        "'a'",
        keras="UnimplementedError",
        why="Keras fails inside a string cast on the first update",
    ),
    "optimizers_get_unknown": Bad(
        lambda k, t, d: k.optimizers.get("nope"), ValueError, "optimizer", "nope"
    ),
    "apply_gradients_shape_mismatch": Bad(
        lambda k, t, d: _apply(k, t, k.optimizers.Adam(), [(np.ones(2), np.ones(3))]),
        tf.errors.InvalidArgumentError,
        "apply_gradients",
        "[2]",
        "[3]",
    ),
    "apply_gradients_all_none": Bad(
        lambda k, t, d: k.optimizers.SGD().apply_gradients([(None, t.Variable(1.0))]),
        ValueError,
        "No gradients",
    ),
    "apply_gradients_not_a_variable": Bad(
        lambda k, t, d: k.optimizers.SGD().apply_gradients([(np.ones(2), np.ones(2))]),
        TypeError,
        "apply_gradients",
        "ndarray",
        keras="AttributeError",
        why=RAW_KERAS + " (\"'numpy.ndarray' object has no attribute '_unique_id'\")",
    ),
    "apply_gradients_not_pairs": Bad(
        lambda k, t, d: k.optimizers.SGD().apply_gradients([np.ones(2, np.float32)]),
        TypeError,
        "apply_gradients",
        "pairs",
        keras="AttributeError",
        why=RAW_KERAS + " (\"'numpy.float32' object has no attribute '_unique_id'\")",
    ),
    "apply_gradients_string_gradient": Bad(
        lambda k, t, d: k.optimizers.SGD().apply_gradients([(np.array(["a"]), t.Variable([1.0]))]),
        TypeError,
        "apply_gradients",
        "<U1",
        keras="UnimplementedError",
        why="Keras fails inside a string cast; tapegrad names the gradient's dtype",
    ),
    "apply_without_variables_unbuilt": Bad(
        lambda k, t, d: k.optimizers.SGD().apply([np.ones(2, np.float32)]),
        ValueError,
        "build",
    ),
    # -- losses and metrics ---------------------------------------------------------------------
    "loss_shape_mismatch": Bad(
        lambda k, t, d: k.losses.MeanSquaredError()(np.ones((2, 3)), np.ones((2, 4))),
        tf.errors.InvalidArgumentError,
        "[2, 4]",
        "[2, 3]",
    ),
    "loss_ragged_labels": Bad(
        lambda k, t, d: k.losses.mean_squared_error(RAGGED, np.ones((2, 2))),
        ValueError,
        "y_true",
        "rectangular",
    ),
    "loss_reduction_unknown": Bad(
        lambda k, t, d: k.losses.MeanSquaredError(reduction="bad"), ValueError, "reduction", "bad"
    ),
    "losses_get_unknown": Bad(lambda k, t, d: k.losses.get("nope"), ValueError, "loss", "nope"),
    "binary_crossentropy_ranks": Bad(
        lambda k, t, d: k.losses.binary_crossentropy(np.ones(2), np.full((2, 1), 0.5)),
        ValueError,
        "binary_crossentropy",
        "(2,)",
        "(2, 1)",
    ),
    "categorical_crossentropy_shapes": Bad(
        lambda k, t, d: k.losses.CategoricalCrossentropy()(np.ones((2, 2)), np.full((2, 3), 0.5)),
        ValueError,
        "categorical_crossentropy",
        "(2, 2)",
        "(2, 3)",
    ),
    "sparse_crossentropy_label_out_of_range": Bad(
        lambda k, t, d: k.losses.SparseCategoricalCrossentropy()(
            np.array([0, 5]), np.full((2, 3), 1 / 3)
        ),
        tf.errors.InvalidArgumentError,
        "label value of 5",
        "[0, 3)",
    ),
    "metrics_get_unknown": Bad(lambda k, t, d: k.metrics.get("nope"), ValueError, "metric", "nope"),
    "metric_shape_mismatch": Bad(
        lambda k, t, d: k.metrics.MeanSquaredError().update_state(np.ones((2, 3)), np.ones((2, 4))),
        tf.errors.InvalidArgumentError,
        "(2, 3)",
        "(2, 4)",
    ),
    "metric_sample_weight_shape": Bad(
        lambda k, t, d: k.metrics.Mean().update_state(np.ones(3), sample_weight=np.ones(2)),
        tf.errors.InvalidArgumentError,
        "sample_weight",
        "(2,)",
        "(3,)",
    ),
    "accuracy_shape_mismatch": Bad(
        lambda k, t, d: k.metrics.Accuracy().update_state(np.ones((2, 3)), np.ones((3, 3))),
        tf.errors.InvalidArgumentError,
        "Accuracy",
        "(2, 3)",
        "(3, 3)",
    ),
    "categorical_accuracy_shape_mismatch": Bad(
        lambda k, t, d: k.metrics.CategoricalAccuracy().update_state(
            np.ones((2, 3)), np.ones((3, 3))
        ),
        tf.errors.InvalidArgumentError,
        "CategoricalAccuracy",
        "(2, 3)",
        "(3, 3)",
    ),
    "metric_ragged_values": Bad(
        lambda k, t, d: k.metrics.Mean().update_state(RAGGED), ValueError, "Mean", "rectangular"
    ),
    "regularizer_negative_factor": Bad(
        lambda k, t, d: k.regularizers.L2(-1.0), ValueError, "l2", "-1.0"
    ),
    "regularizer_string_factor": Bad(
        lambda k, t, d: k.regularizers.L2("a"), ValueError, "l2", "'a'"
    ),
    "initializers_get_unknown": Bad(
        lambda k, t, d: k.initializers.get("nope"), ValueError, "initializer", "nope"
    ),
    # -- weights files --------------------------------------------------------------------------
    "load_weights_missing_file": Bad(
        lambda k, t, d: _seq(k).load_weights(os.path.join(d, "none.weights.h5")),
        FileNotFoundError,
        "load_weights",
        "none.weights.h5",
    ),
    "load_weights_not_a_weights_file": Bad(
        lambda k, t, d: _seq(k).load_weights(_write(d, "t.weights.h5", b"hello, not weights")),
        OSError,
        "load_weights",
        "t.weights.h5",
        "not a weights file",
    ),
    "load_weights_truncated_file": Bad(
        lambda k, t, d: _saved_weights(k, d, lambda data: bytes(data[: len(data) // 2])),
        OSError,
        "load_weights",
        "truncated or corrupt",
    ),
    "load_weights_corrupt_file": Bad(
        lambda k, t, d: _saved_weights(k, d, _corrupt),
        OSError,
        "load_weights",
        "truncated or corrupt",
    ),
    "load_weights_other_model": Bad(
        lambda k, t, d: _other_model_weights(k, d), ValueError, "(2, 1)", "(2, 3)"
    ),
    "save_weights_missing_directory": Bad(
        lambda k, t, d: _seq(k).save_weights(os.path.join(d, "no", "dir", "x.weights.h5")),
        FileNotFoundError,
        "save_weights",
        "x.weights.h5",
    ),
}


@pytest.mark.parametrize("case", sorted(TABLE))
def test_bad_call(case, tmp_path):
    entry = TABLE[case]
    assert_clear_error(lambda: entry.call(keras, tf, str(tmp_path)), entry.error, *entry.mentions)


def test_table_is_large_and_each_difference_from_keras_is_explained():
    assert len(TABLE) >= 60
    for name, entry in TABLE.items():
        assert entry.keras == entry.error.__name__ or entry.why, name


@pytest.fixture(scope="module")
def real():
    tf_real = pytest.importorskip("tensorflow")
    return pytest.importorskip("keras"), tf_real


@pytest.mark.parametrize("case", sorted(TABLE))
def test_bad_call_in_keras(case, real, tmp_path):
    keras_real, tf_real = real
    entry = TABLE[case]
    if entry.keras == "pass":
        entry.call(keras_real, tf_real, str(tmp_path))
        return
    wanted = getattr(tf_real.errors, entry.keras, None) or getattr(builtins, entry.keras)
    with pytest.raises(wanted):
        entry.call(keras_real, tf_real, str(tmp_path))


# -- an error leaves no state half-updated ------------------------------------------------------


def _snapshot(*objects):
    out = []
    for obj in objects:
        variables = obj.variables if hasattr(obj, "variables") else [obj]
        out.extend(np.array(v.numpy(), copy=True) for v in variables)
    return out


def _assert_unchanged(before, after):
    assert len(before) == len(after)
    for a, b in zip(before, after):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "second",
    [
        lambda v: (np.ones(3, np.float32), v),  # wrong shape
        lambda v: (np.array(["a", "b"]), v),  # string gradient
        lambda v: (np.ones(2, np.float32), np.ones(2, np.float32)),  # not a variable
        lambda v: np.ones(2, np.float32),  # not a pair
    ],
    ids=["shape", "dtype", "not_variable", "not_pair"],
)
def test_failing_apply_gradients_changes_no_variable_slot_or_step(second):
    v1, v2 = tf.Variable([1.0, 2.0]), tf.Variable([3.0, 4.0])
    optimizer = keras.optimizers.Adam(0.1)
    optimizer.apply_gradients([(np.ones(2, np.float32), v1), (np.ones(2, np.float32), v2)])
    before = _snapshot(v1, v2, optimizer)
    with pytest.raises((TypeError, ValueError)):
        optimizer.apply_gradients([(np.ones(2, np.float32), v1), second(v2)])
    _assert_unchanged(before, _snapshot(v1, v2, optimizer))


def test_bad_hyperparameter_fails_before_the_first_update():
    v = tf.Variable([1.0, 2.0])
    optimizer = keras.optimizers.Nadam(beta_1="a")
    with pytest.raises(ValueError, match="beta_1"):
        optimizer.apply_gradients([(np.ones(2, np.float32), v)])
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])
    assert int(optimizer.iterations.numpy()) == 0 and optimizer._u_product is None


def test_failing_set_weights_and_load_weights_assign_nothing(tmp_path):
    model = _seq(keras)
    model.predict(X[:1], verbose=0)
    before = _snapshot(model)
    kernel = model.get_weights()[0]
    with pytest.raises(ValueError):
        model.set_weights([kernel + 1.0, np.ones(3, np.float32)])
    path = str(tmp_path / "other.weights.h5")
    _seq(keras, units=3).save_weights(path)
    with pytest.raises(ValueError):
        model.load_weights(path)
    _assert_unchanged(before, _snapshot(model))


def test_failing_metric_update_keeps_the_state():
    metric = keras.metrics.MeanSquaredError()
    metric.update_state(np.ones((2, 3)), np.zeros((2, 3)))
    before = _snapshot(metric)
    with pytest.raises(ValueError):
        metric.update_state(np.ones((2, 3)), np.zeros((2, 4)))
    with pytest.raises(ValueError):
        metric.update_state(np.ones((2, 3)), np.zeros((2, 3)), sample_weight=np.ones(5))
    _assert_unchanged(before, _snapshot(metric))


def test_batchnorm_given_other_features_in_training_keeps_its_moving_statistics():
    layer = _built(keras.layers.BatchNormalization())
    before = _snapshot(layer)
    with pytest.raises(ValueError):
        layer(np.ones((2, 4), np.float32), training=True)
    _assert_unchanged(before, _snapshot(layer))
