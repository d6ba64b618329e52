"""Metric state variables are named as Keras 3 names them (recorded from Keras 3.13 with
TensorFlow 2.21): `name` "total" without TensorFlow's ":0", `path` "<metric>/total"."""

import pytest

from tapegrad import keras


def _names(keras):
    mae = keras.metrics.MeanAbsoluteError(name="mean_absolute_error")
    auc = keras.metrics.AUC(name="auc")
    loss = keras.metrics.Mean(name="loss")
    return [[(v.name, v.path, v.trainable) for v in m.variables] for m in (mae, auc, loss)]


EXPECTED = [
    [("total", "mean_absolute_error/total", False), ("count", "mean_absolute_error/count", False)],
    [(n, f"auc/{n}", False)
     for n in ("true_positives", "false_positives", "true_negatives", "false_negatives")],
    [("total", "loss/total", False), ("count", "loss/count", False)],
]


def test_metric_variables_have_keras_names_and_paths():
    assert _names(keras) == EXPECTED


def test_metric_variable_names_as_keras():
    pytest.importorskip("tensorflow")
    keras_real = pytest.importorskip("keras")
    assert _names(keras_real) == EXPECTED
