"""Data whose arrays disagree on the number of samples is refused before training starts, with
a ValueError naming every length (Keras's "data cardinality is ambiguous"), and the model, its
optimizer and its metrics are left as they were."""

import numpy as np
import pytest
from bad_input import assert_clear_error

from tapegrad import keras

X10, Y10 = np.ones((10, 2), np.float32), np.ones((10, 1), np.float32)
X12, Y12 = np.ones((12, 2), np.float32), np.ones((12, 1), np.float32)


def _model():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("adam", "mse", metrics=["mae"])
    return model


def _two_by_two():
    a, b = keras.Input((2,), name="a"), keras.Input((3,), name="b")
    joined = keras.layers.Concatenate()([a, b])
    model = keras.Model([a, b], [keras.layers.Dense(1)(joined), keras.layers.Dense(1)(a)])
    model.compile("sgd", ["mse", "mse"])
    return model


def _state(model):
    return [w.copy() for w in model.get_weights()] + [
        np.asarray(v.numpy()).copy() for v in model.optimizer.variables
    ]


CASES = {
    "fit_y_longer": (
        lambda m: m.fit(X10, Y12, verbose=0),
        ("fit", "'x' sizes: 10", "'y' sizes: 12"),
    ),
    "fit_x_longer": (lambda m: m.fit(X12, Y10, verbose=0), ("fit", "12", "10")),
    "fit_sample_weight": (
        lambda m: m.fit(X10, Y10, sample_weight=np.ones(7), verbose=0),
        ("fit", "'sample_weight' sizes: 7"),
    ),
    "fit_validation_data": (
        lambda m: m.fit(X10, Y10, validation_data=(X10, Y12), verbose=0),
        ("validation_data", "10", "12"),
    ),
    "fit_validation_sample_weight": (
        lambda m: m.fit(X10, Y10, validation_data=(X10, Y10, np.ones(3)), verbose=0),
        ("validation_data", "'sample_weight' sizes: 3"),
    ),
    "fit_validation_split": (
        lambda m: m.fit(X10, Y12, validation_split=0.2, verbose=0),
        ("fit", "10", "12"),
    ),
    "evaluate": (lambda m: m.evaluate(X10, Y12, verbose=0), ("evaluate", "10", "12")),
    "evaluate_sample_weight": (
        lambda m: m.evaluate(X10, Y10, sample_weight=np.ones(4), verbose=0),
        ("evaluate", "4"),
    ),
    "train_on_batch": (lambda m: m.train_on_batch(X10, Y12), ("train_on_batch", "10", "12")),
    "train_on_batch_sample_weight": (
        lambda m: m.train_on_batch(X10, Y10, sample_weight=np.ones(3)),
        ("train_on_batch", "3"),
    ),
    "test_on_batch": (lambda m: m.test_on_batch(X12, Y10), ("test_on_batch", "12", "10")),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_mismatched_lengths_raise_naming_both_and_change_nothing(case):
    call, mentions = CASES[case]
    model = _model()
    model.fit(X10, Y10, epochs=1, verbose=0)  # optimizer slots and metrics exist
    before = _state(model)
    assert_clear_error(lambda: call(model), ValueError, "cardinality", *mentions)
    after = _state(model)
    assert len(before) == len(after)
    for a, b in zip(before, after):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "call, mentions",
    [
        (lambda m: m.fit([X10, np.ones((12, 3))], [Y10, Y10], verbose=0), ("'x' sizes: 10, 12",)),
        (lambda m: m.fit([X10, np.ones((10, 3))], [Y10, Y12], verbose=0), ("'y' sizes: 10, 12",)),
        (lambda m: m.evaluate([X10, np.ones((10, 3))], [Y12, Y10], verbose=0), ("12",)),
        (lambda m: m.predict([X10, np.ones((12, 3))], verbose=0), ("predict", "10, 12")),
        (lambda m: m.train_on_batch([X12, np.ones((10, 3))], [Y10, Y10]), ("12",)),
    ],
    ids=["fit_inputs", "fit_outputs", "evaluate_outputs", "predict_inputs", "train_on_batch"],
)
def test_multi_input_output_lengths_are_checked(call, mentions):
    assert_clear_error(lambda: call(_two_by_two()), ValueError, "cardinality", *mentions)


def test_matching_lengths_still_train():
    model = _model()
    history = model.fit(
        X10, Y10, sample_weight=np.ones(10), validation_data=(X12, Y12), epochs=2, verbose=0
    )
    assert len(history.history["val_loss"]) == 2
    multi = _two_by_two()
    multi.fit([X10, np.ones((10, 3))], [Y10, Y10], verbose=0)


def test_cardinality_errors_match_keras():
    keras_real = pytest.importorskip("keras")
    pytest.importorskip("tensorflow")
    calls = (
        lambda m: m.fit(X10, Y12, verbose=0),
        lambda m: m.fit(X12, Y10, verbose=0),
        lambda m: m.evaluate(X10, Y12, verbose=0),
        lambda m: m.fit(X10, Y10, validation_data=(X10, Y12), verbose=0),
    )
    for k in (keras_real, keras):
        model = k.Sequential([k.Input((2,)), k.layers.Dense(1)])
        model.compile("sgd", "mse")
        for call in calls:
            with pytest.raises(ValueError, match=r"(?i)cardinality is ambiguous"):
                call(model)


def test_missing_y_is_refused_only_where_the_compiled_loss_needs_it():
    with pytest.raises(ValueError, match="no target data"):
        _model().fit(X10, verbose=0)

    class Autoencoder(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(2)

        def call(self, x):
            return self.dense(x)

        def train_step(self, data):
            x = data[0] if isinstance(data, tuple) else data
            return super().train_step((x, x))

    model = Autoencoder()
    model.compile("sgd", "mse")
    history = model.fit(X10, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
