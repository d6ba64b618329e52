"""The bad-input table of `tapegrad.keras`, part 2: fit, evaluate, predict, optimizers, losses
and metrics (part 1 and the conventions are in `test_bad_inputs_keras.py`); then checks that an
error leaves no state half-updated.
"""

import numpy as np
import pytest
from _keras_bad_inputs import (
    RAGGED,
    RAW_KERAS,
    SILENT_KERAS,
    Bad,
    X,
    Y,
    adam_hyper,
    apply,
    built,
    check_keras,
    check_table,
    check_tapegrad,
    fit_two_outputs,
    seq,
    two_io,
)

import tapegrad as tf
from tapegrad import keras

TABLE = {
    # -- fit, evaluate, predict -----------------------------------------------------------------
    "fit_before_compile": Bad(
        lambda k, t, d: k.Sequential([k.Input((2,)), k.layers.Dense(1)]).fit(X, Y, verbose=0),
        ValueError,
        "compile()",
    ),
    "fit_y_longer_than_x": Bad(
        lambda k, t, d: seq(k).fit(X, np.ones((12, 1)), verbose=0), ValueError, "fit", "10", "12"
    ),
    "fit_x_longer_than_y": Bad(
        lambda k, t, d: seq(k).fit(np.ones((12, 2)), Y, verbose=0), ValueError, "fit", "12", "10"
    ),
    "fit_sample_weight_length": Bad(
        lambda k, t, d: seq(k).fit(X, Y, sample_weight=np.ones(7), verbose=0),
        ValueError,
        "fit",
        "sample_weight",
        "7",
    ),
    "fit_validation_data_length": Bad(
        lambda k, t, d: seq(k).fit(X, Y, validation_data=(X, np.ones((12, 1))), verbose=0),
        ValueError,
        "validation_data",
        "12",
    ),
    "fit_validation_data_not_a_tuple": Bad(
        lambda k, t, d: seq(k).fit(X, Y, validation_data=X, verbose=0),
        ValueError,
        "validation_data",
        "(10, 2)",
    ),
    "fit_batch_size_zero": Bad(
        lambda k, t, d: seq(k).fit(X, Y, batch_size=0, verbose=0),
        ValueError,
        "fit",
        "batch_size",
        "0",
        keras="pass",
        why=SILENT_KERAS,
    ),
    "fit_batch_size_negative": Bad(
        lambda k, t, d: seq(k).fit(X, Y, batch_size=-1, verbose=0),
        ValueError,
        "fit",
        "batch_size",
        "-1",
    ),
    "fit_batch_size_string": Bad(
        lambda k, t, d: seq(k).fit(X, Y, batch_size="a", verbose=0),
        TypeError,
        "fit",
        "batch_size",
        "'a'",
    ),
    "fit_epochs_string": Bad(
        lambda k, t, d: seq(k).fit(X, Y, epochs="a", verbose=0), TypeError, "fit", "epochs", "'a'"
    ),
    "fit_epochs_float": Bad(
        lambda k, t, d: seq(k).fit(X, Y, epochs=1.5, verbose=0), TypeError, "epochs", "1.5"
    ),
    "fit_initial_epoch_string": Bad(
        lambda k, t, d: seq(k).fit(X, Y, initial_epoch="a", verbose=0),
        TypeError,
        "initial_epoch",
        "'a'",
    ),
    "fit_steps_per_epoch_negative": Bad(
        lambda k, t, d: seq(k).fit(X, Y, steps_per_epoch=-1, verbose=0),
        ValueError,
        "fit",
        "steps_per_epoch",
        "-1",
    ),
    "fit_validation_freq_zero": Bad(
        lambda k, t, d: seq(k).fit(X, Y, validation_data=(X, Y), validation_freq=0, verbose=0),
        ValueError,
        "fit",
        "validation_freq",
        "0",
        keras="ZeroDivisionError",
        why=RAW_KERAS + " ('integer modulo by zero')",
    ),
    "fit_validation_split_above_one": Bad(
        lambda k, t, d: seq(k).fit(X, Y, validation_split=1.5, verbose=0),
        ValueError,
        "validation_split",
        "1.5",
        keras="pass",
        why=SILENT_KERAS,
    ),
    "fit_validation_split_negative": Bad(
        lambda k, t, d: seq(k).fit(X, Y, validation_split=-0.1, verbose=0),
        ValueError,
        "validation_split",
        "-0.1",
        keras="pass",
        why=SILENT_KERAS,
    ),
    "fit_validation_split_one": Bad(
        lambda k, t, d: seq(k).fit(X, Y, validation_split=1.0, verbose=0),
        ValueError,
        "validation_split",
        "1.0",
    ),
    "fit_wrong_feature_count": Bad(
        lambda k, t, d: seq(k).fit(np.ones((10, 3)), Y, verbose=0),
        ValueError,
        "value 2",
        "(10, 3)",
    ),
    "fit_string_data": Bad(
        lambda k, t, d: seq(k).fit(np.full((10, 2), "a"), Y, verbose=0),
        ValueError,
        "fit",
        "<U1",
    ),
    "fit_ragged_data": Bad(
        lambda k, t, d: seq(k).fit(RAGGED, [1.0, 2.0], verbose=0),
        ValueError,
        "rectangular",
        "list",
    ),
    "fit_missing_y": Bad(lambda k, t, d: seq(k).fit(X, verbose=0), ValueError, "fit", "y", "'mse'"),
    "fit_x_none": Bad(lambda k, t, d: seq(k).fit(None, Y, verbose=0), ValueError, "fit", "None"),
    "fit_scalar_x": Bad(
        lambda k, t, d: seq(k).fit(np.float32(1.0), Y, verbose=0),
        ValueError,
        "fit",
        "scalar",
        keras="IndexError",
        why=RAW_KERAS + " ('tuple index out of range')",
    ),
    "fit_labels_wrong_width": Bad(
        lambda k, t, d: seq(k, units=3, loss="categorical_crossentropy").fit(
            X, np.ones((10, 2)), verbose=0
        ),
        ValueError,
        "categorical_crossentropy",
        "(10, 2)",
        "(10, 3)",
    ),
    "fit_sparse_labels_out_of_range": Bad(
        lambda k, t, d: seq(k, units=3, loss="sparse_categorical_crossentropy").fit(
            X, np.full((10, 1), 7), verbose=0
        ),
        tf.errors.InvalidArgumentError,
        "sparse_categorical_crossentropy",
        "7",
        "[0, 3)",
    ),
    "fit_class_weight_not_a_dict": Bad(
        lambda k, t, d: seq(k).fit(X, Y, class_weight=[1, 2], verbose=0),
        TypeError,
        "class_weight",
        "list",
        keras="AttributeError",
        why=RAW_KERAS + " (\"'list' object has no attribute 'get'\")",
    ),
    "fit_callback_not_a_callback": Bad(
        lambda k, t, d: seq(k).fit(X, Y, callbacks=[object()], verbose=0),
        TypeError,
        "callbacks",
        "object",
        keras="AttributeError",
        why=RAW_KERAS + " (\"'object' object has no attribute 'set_model'\")",
    ),
    "fit_multi_input_count": Bad(
        lambda k, t, d: two_io(k).fit([X], [Y, Y], verbose=0), ValueError, "expects 2", "got 1"
    ),
    "fit_multi_input_lengths": Bad(
        lambda k, t, d: two_io(k).fit([X, np.ones((12, 3))], [Y, Y], verbose=0),
        ValueError,
        "10, 12",
    ),
    "fit_multi_output_lengths": Bad(
        lambda k, t, d: two_io(k).fit([X, np.ones((10, 3))], [Y, np.ones((12, 1))], verbose=0),
        ValueError,
        "10, 12",
    ),
    "fit_fewer_targets_than_outputs": Bad(
        lambda k, t, d: fit_two_outputs(k, loss=["mse", "mse"]),
        ValueError,
        "2 outputs",
        "1 target",
    ),
    "evaluate_y_longer_than_x": Bad(
        lambda k, t, d: seq(k).evaluate(X, np.ones((12, 1)), verbose=0),
        ValueError,
        "evaluate",
        "12",
    ),
    "evaluate_batch_size_zero": Bad(
        lambda k, t, d: seq(k).evaluate(X, Y, batch_size=0, verbose=0),
        ValueError,
        "evaluate",
        "batch_size",
        keras="pass",
        why=SILENT_KERAS,
    ),
    "evaluate_missing_y": Bad(
        lambda k, t, d: seq(k).evaluate(X, verbose=0), ValueError, "evaluate", "y", "'mse'"
    ),
    "predict_wrong_feature_count": Bad(
        lambda k, t, d: seq(k).predict(np.ones((10, 3)), verbose=0),
        ValueError,
        "value 2",
        "(10, 3)",
    ),
    "predict_x_none": Bad(
        lambda k, t, d: seq(k).predict(None, verbose=0),
        ValueError,
        "predict",
        "None",
        keras="KeyError",
        why=RAW_KERAS + " ('pop from an empty set')",
    ),
    "predict_batch_size_zero": Bad(
        lambda k, t, d: seq(k).predict(X, batch_size=0, verbose=0),
        ValueError,
        "predict",
        "batch_size",
        keras="pass",
        why=SILENT_KERAS,
    ),
    "predict_multi_input_lengths": Bad(
        lambda k, t, d: two_io(k).predict([X, np.ones((12, 3))], verbose=0),
        ValueError,
        "predict",
        "10, 12",
    ),
    "train_on_batch_y_longer_than_x": Bad(
        lambda k, t, d: seq(k, eager=False).train_on_batch(X, np.ones((12, 1))),
        ValueError,
        "train_on_batch",
        "12",
    ),
    "test_on_batch_x_longer_than_y": Bad(
        lambda k, t, d: seq(k, eager=False).test_on_batch(np.ones((12, 2)), Y),
        ValueError,
        "test_on_batch",
        "12",
    ),
    "train_on_batch_sample_weight_length": Bad(
        lambda k, t, d: seq(k, eager=False).train_on_batch(X, Y, sample_weight=np.ones(3)),
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
        lambda k, t, d: adam_hyper(k, t),
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
        lambda k, t, d: apply(k, t, k.optimizers.Adam(), [(np.ones(2), np.ones(3))]),
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
}


@pytest.mark.parametrize("case", sorted(TABLE))
def test_bad_call(case, tmp_path):
    check_tapegrad(TABLE[case], str(tmp_path))


@pytest.mark.parametrize("case", sorted(TABLE))
def test_bad_call_in_keras(case, tmp_path):
    check_keras(TABLE[case], str(tmp_path))


def test_table_is_large_and_each_difference_from_keras_is_explained():
    check_table(TABLE)


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
    assert int(optimizer.iterations.numpy()) == 0
    assert not optimizer.built and len(optimizer.variables) == 2  # no slots, no u_product


def test_failing_set_weights_and_load_weights_assign_nothing(tmp_path):
    model = seq(keras)
    model.predict(X[:1], verbose=0)
    before = _snapshot(model)
    kernel = model.get_weights()[0]
    with pytest.raises(ValueError):
        model.set_weights([kernel + 1.0, np.ones(3, np.float32)])
    path = str(tmp_path / "other.npz")
    seq(keras, units=3).save_weights(path)
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
    layer = built(keras.layers.BatchNormalization())
    before = _snapshot(layer)
    with pytest.raises(ValueError):
        layer(np.ones((2, 4), np.float32), training=True)
    _assert_unchanged(before, _snapshot(layer))
