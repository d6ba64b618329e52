"""The bad-input table of `tapegrad.keras`, part 1: layers, models, compile and weight files.
Part 2 (fit, evaluate, predict, optimizers, losses and metrics) is
`test_bad_inputs_keras_training.py`.

Each bad call raises the error class Keras 3 raises, with a message that names the operation
and the offending shape, dtype or value (`test_bad_call`, without TensorFlow); where Keras 3 is
installed the same call runs on it too (`test_bad_call_in_keras`) and must raise that class.
Where Keras's class is an accident (a raw Python error from deep inside, or no error at all),
the entry says what Keras does in `keras=` and why tapegrad differs in `why=`.
"""

import os

import numpy as np
import pytest
from _keras_bad_inputs import (
    RAGGED,
    RAW_KERAS,
    Bad,
    X,
    Y,
    built,
    check_keras,
    check_table,
    check_tapegrad,
    compiled,
    corrupt,
    disconnected_model,
    fit_two_outputs,
    functional,
    model_from_a_layer_output,
    needs_h5,
    other_model_weights,
    saved_weights,
    seq,
    two_io,
    write,
)

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
        lambda k, t, d: built(k.layers.Dense(2))(np.ones((1, 4), np.float32)),
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
        "incompatible shapes",
        "(3,)",
        "(4,)",
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
        lambda k, t, d: built(k.layers.BatchNormalization())(np.ones((2, 4), np.float32)),
        ValueError,
        "BatchNormalization",
        "value 3",
        "(2, 4)",
    ),
    "set_weights_count": Bad(
        lambda k, t, d: built(k.layers.Dense(2)).set_weights([np.ones((3, 2))]),
        ValueError,
        "2",
        "1",
    ),
    "set_weights_shape": Bad(
        lambda k, t, d: built(k.layers.Dense(2)).set_weights([np.ones((3, 3)), np.ones(2)]),
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
        lambda k, t, d: model_from_a_layer_output(k),
        ValueError,
        "keras.Input",
    ),
    "functional_disconnected_input": Bad(
        lambda k, t, d: disconnected_model(k),
        ValueError,
        "not among the model's inputs",
    ),
    "functional_wrong_input_count": Bad(
        lambda k, t, d: two_io(k)([np.ones((1, 2), np.float32)]), ValueError, "expects 2", "1"
    ),
    "functional_wrong_feature_count": Bad(
        lambda k, t, d: functional(k)(np.ones((1, 5), np.float32)),
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
        lambda k, t, d: seq(k).get_layer("nope"), ValueError, "No such layer", "nope"
    ),
    "get_layer_index_out_of_range": Bad(
        lambda k, t, d: seq(k).get_layer(index=99), ValueError, "index 99", "1 layers"
    ),
    # -- compile --------------------------------------------------------------------------------
    "compile_unknown_optimizer": Bad(
        lambda k, t, d: seq(k).compile("nope", "mse"), ValueError, "optimizer", "nope"
    ),
    "compile_optimizer_int": Bad(
        lambda k, t, d: seq(k).compile(3, "mse"), ValueError, "optimizer", "3"
    ),
    "compile_unknown_loss": Bad(
        lambda k, t, d: compiled(k, "nope").fit(X, Y, verbose=0), ValueError, "loss", "nope"
    ),
    "compile_loss_int": Bad(
        lambda k, t, d: compiled(k, 3).fit(X, Y, verbose=0), ValueError, "loss", "3"
    ),
    "compile_unknown_metric": Bad(
        lambda k, t, d: compiled(k, metrics=["nope"]).fit(X, Y, verbose=0),
        ValueError,
        "metric",
        "nope",
    ),
    "compile_metrics_string": Bad(
        lambda k, t, d: compiled(k, metrics="mae").fit(X, Y, verbose=0),
        ValueError,
        "metrics",
        "'mae'",
    ),
    "compile_loss_weights_count": Bad(
        lambda k, t, d: fit_two_outputs(k, loss=["mse", "mse"], loss_weights=[1.0]),
        ValueError,
        "loss_weights",
        "2 losses and 1 weights",
    ),
    "compile_loss_dict_keys": Bad(
        lambda k, t, d: fit_two_outputs(k, loss={"nope": "mse"}),
        ValueError,
        "loss dict",
        "nope",
    ),
    # -- weights files --------------------------------------------------------------------------
    "load_weights_missing_file": Bad(
        lambda k, t, d: seq(k).load_weights(os.path.join(d, needs_h5("none.weights.h5"))),
        FileNotFoundError,
        "load_weights",
        "none.weights.h5",
    ),
    "load_weights_not_a_weights_file": Bad(
        lambda k, t, d: seq(k).load_weights(write(d, needs_h5("t.weights.h5"), b"hello, not")),
        OSError,
        "load_weights",
        "t.weights.h5",
        "not a weights file",
    ),
    "load_weights_truncated_file": Bad(
        lambda k, t, d: saved_weights(k, d, lambda data: bytes(data[: len(data) // 2])),
        OSError,
        "load_weights",
        "truncated or corrupt",
    ),
    "load_weights_corrupt_file": Bad(
        lambda k, t, d: saved_weights(k, d, corrupt),
        OSError,
        "load_weights",
        "truncated or corrupt",
    ),
    "load_weights_other_model": Bad(
        lambda k, t, d: other_model_weights(k, d), ValueError, "(2, 1)", "(2, 3)"
    ),
    # The same with tapegrad's NumPy archives, for users without h5py (Keras 3 refuses the
    # names: only `.weights.h5`).
    "load_weights_npz_missing_file": Bad(
        lambda k, t, d: seq(k).load_weights(os.path.join(d, "none.npz")),
        FileNotFoundError,
        "load_weights",
        "none.npz",
        keras="ValueError",
        why="tapegrad reads .npz weights; Keras 3 refuses the name",
    ),
    "load_weights_npz_not_a_weights_file": Bad(
        lambda k, t, d: seq(k).load_weights(write(d, "t.npz", b"hello, not weights")),
        OSError,
        "load_weights",
        "t.npz",
        "not a weights file",
        keras="ValueError",
        why="tapegrad reads .npz weights; Keras 3 refuses the name",
    ),
    "load_weights_npz_truncated_file": Bad(
        lambda k, t, d: saved_weights(k, d, lambda data: bytes(data[: len(data) // 2]), "w.npz"),
        OSError,
        "load_weights",
        "truncated or corrupt",
        keras="ValueError",
        why="tapegrad writes .npz weights; Keras 3 refuses the name",
    ),
    "load_weights_npz_other_model": Bad(
        lambda k, t, d: other_model_weights(k, d, "other.npz"),
        ValueError,
        "(2, 1)",
        "(2, 3)",
        why="tapegrad writes .npz weights; Keras 3 refuses the name (also a ValueError)",
    ),
    "save_weights_npz_missing_directory": Bad(
        lambda k, t, d: seq(k).save_weights(os.path.join(d, "no", "dir", "x.npz")),
        FileNotFoundError,
        "save_weights",
        "x.npz",
        keras="ValueError",
        why="tapegrad writes .npz weights; Keras 3 refuses the name",
    ),
    "save_weights_missing_directory": Bad(
        lambda k, t, d: seq(k).save_weights(os.path.join(d, "no", "dir", needs_h5("x.weights.h5"))),
        FileNotFoundError,
        "save_weights",
        "x.weights.h5",
    ),
}


@pytest.mark.parametrize("case", sorted(TABLE))
def test_bad_call(case, tmp_path):
    check_tapegrad(TABLE[case], str(tmp_path))


@pytest.mark.parametrize("case", sorted(TABLE))
def test_bad_call_in_keras(case, tmp_path):
    check_keras(TABLE[case], str(tmp_path))


def test_table_is_large_and_each_difference_from_keras_is_explained():
    check_table(TABLE)
