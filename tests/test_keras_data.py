"""Keras fit, evaluate and predict on tf.data Datasets, generators and PyDatasets; Keras's
messages and progress bar recorded from Keras 3.15."""

import contextlib
import io
import warnings

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras
from tests.bad_input import assert_clear_error

Dataset = tf.data.Dataset
RNG = np.random.default_rng(0)
X = RNG.standard_normal((40, 3)).astype("float32")
Y = (X @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")


def _model():
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.05), "mse")
    return model


def _gen():
    for i in range(0, 40, 8):
        yield X[i:i + 8], Y[i:i + 8]


class Batches(keras.utils.PyDataset):
    def __init__(self, n=5, **kwargs):
        super().__init__(**kwargs)
        self.n = n
        self.epochs_begun = self.epochs_ended = 0

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return X[i * 8:(i + 1) * 8], Y[i * 8:(i + 1) * 8]

    def on_epoch_begin(self):
        self.epochs_begun += 1

    def on_epoch_end(self):
        self.epochs_ended += 1


def _quiet(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call()


def _weights_after(data, **kwargs):
    model = _model()
    history = _quiet(lambda: model.fit(data, epochs=2, verbose=0, **kwargs))
    return [w.copy() for w in model.get_weights()], history.history


def test_datasets_generators_and_py_datasets_train_as_arrays_do():
    want, history = _weights_after(X, y=Y, batch_size=8, shuffle=False)
    for data in (Dataset.from_tensor_slices((X, Y)).batch(8),
                 Dataset.from_tensor_slices((X, Y)).batch(8).prefetch(tf.data.AUTOTUNE),
                 Batches(), Batches(workers=3)):
        got, got_history = _weights_after(data, shuffle=False)  # a PyDataset shuffles batches
        for a, b in zip(got, want):
            np.testing.assert_allclose(a, b, rtol=1e-6)
        np.testing.assert_allclose(got_history["loss"], history["loss"], rtol=1e-6)
    model = _model()
    _quiet(lambda: model.fit(_gen(), epochs=1, verbose=0))
    once = _model()
    once.fit(X, Y, batch_size=8, shuffle=False, epochs=1, verbose=0)
    for a, b in zip(model.get_weights(), once.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_py_dataset_in_processes_and_epoch_hooks():
    data = Batches()
    _quiet(lambda: _model().fit(data, epochs=3, verbose=0))
    assert data.epochs_begun == data.epochs_ended == 3
    want, _ = _weights_after(Batches(), shuffle=False)
    got, _ = _weights_after(Batches(workers=2, use_multiprocessing=True), shuffle=False)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    assert isinstance(Batches(), keras.utils.Sequence) and keras.utils.Sequence is (
        keras.utils.PyDataset)


def test_py_dataset_without_super_init_warns_as_keras():
    class NoInit(keras.utils.PyDataset):
        def __init__(self):
            pass

        def __len__(self):
            return 1

        def __getitem__(self, i):
            return X[:8], Y[:8]

    with pytest.warns(UserWarning, match="should call `super"):
        _model().fit(NoInit(), verbose=0)


def test_evaluate_and_predict_on_datasets_and_generators():
    model = _model()
    ds = Dataset.from_tensor_slices((X, Y)).batch(8)
    want = model.evaluate(X, Y, batch_size=8, verbose=0)
    assert model.evaluate(ds, verbose=0) == pytest.approx(want, rel=1e-6)
    assert _quiet(lambda: model.evaluate(_gen(), verbose=0)) == pytest.approx(want, rel=1e-6)
    assert model.evaluate(Batches(), verbose=0) == pytest.approx(want, rel=1e-6)
    pred = model.predict(X, verbose=0)
    for data in (ds, ds.map(lambda a, b: a), Batches()):
        np.testing.assert_allclose(_quiet(lambda d=data: model.predict(d, verbose=0)), pred,
                                   rtol=1e-6)
    np.testing.assert_allclose(_quiet(lambda: model.predict(_gen(), verbose=0)), pred, rtol=1e-6)
    assert model.evaluate(ds, steps=2, verbose=0, return_dict=True)["loss"] == pytest.approx(
        model.evaluate(X[:16], Y[:16], batch_size=8, verbose=0), rel=1e-6)


def test_sample_weights_and_class_weights_in_datasets():
    ones = np.ones(40, "float32")
    want, _ = _weights_after(X, y=Y, batch_size=8, shuffle=False, sample_weight=ones * 2)
    got, _ = _weights_after(Dataset.from_tensor_slices((X, Y, ones * 2)).batch(8))
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    labels = (np.arange(40) % 2).astype("float32")[:, None]
    cw = {0: 1.0, 1: 3.0}
    want, _ = _weights_after(X, y=labels, batch_size=8, shuffle=False, class_weight=cw)
    got, _ = _weights_after(Dataset.from_tensor_slices((X, labels)).batch(8), class_weight=cw)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    with_sw = Dataset.from_tensor_slices((X, labels, ones)).batch(8)
    assert_clear_error(lambda: _quiet(lambda: _model().fit(with_sw, class_weight=cw, verbose=0)),
                       ValueError, "class_weight", "sample_weight")


def test_steps_per_epoch_continues_the_iterator_between_epochs():
    seen = []

    class Logger(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            seen.append(batch)

    ds = Dataset.from_tensor_slices((X, Y)).batch(8).repeat()
    history = _quiet(lambda: _model().fit(ds, epochs=2, steps_per_epoch=3, verbose=0,
                                          callbacks=[Logger()]))
    assert seen == [0, 1, 2, 0, 1, 2] and len(history.history["loss"]) == 2
    short = Dataset.from_tensor_slices((X, Y)).batch(8)  # 5 batches, 4 per epoch
    with pytest.warns(UserWarning, match="ran out of data"):
        _model().fit(short, epochs=2, steps_per_epoch=4, verbose=0, shuffle=False)


def test_validation_data_as_dataset_with_freq_list_and_initial_epoch():
    ds = Dataset.from_tensor_slices((X, Y)).batch(8)
    model = _model()
    history = model.fit(ds, epochs=4, validation_data=ds, validation_freq=[2, 4], verbose=0,
                        shuffle=False)
    assert len(history.history["loss"]) == 4 and len(history.history["val_loss"]) == 2
    history = model.fit(ds, epochs=3, initial_epoch=1, validation_data=Batches(), verbose=0,
                        shuffle=False)
    assert len(history.history["loss"]) == 2 and len(history.history["val_loss"]) == 2
    history = _quiet(lambda: model.fit(X, Y, epochs=2, validation_data=_gen(),
                                       validation_steps=2, verbose=0))
    assert len(history.history["val_loss"]) == 2


def test_keras_errors_for_unsupported_arguments():
    ds = Dataset.from_tensor_slices((X, Y)).batch(8)
    model = _model()
    assert_clear_error(lambda: model.fit(ds, Y, verbose=0), ValueError,
                       "When providing `x` as a tf.data.Dataset, `y` should not be passed")
    assert_clear_error(lambda: _quiet(lambda: model.fit(ds, validation_split=0.2, verbose=0)),
                       ValueError, "validation_split", "only supported for tensors or NumPy")
    assert_clear_error(lambda: model.fit(_gen(), class_weight={0: 1.0}, verbose=0), ValueError,
                       "class_weight", "not supported for Python generator")
    assert_clear_error(lambda: model.fit((v for v in []), verbose=0), ValueError,
                       "at least one batch")
    assert_clear_error(lambda: model.fit((v for v in [X]), verbose=0), ValueError,
                       "must return a tuple")
    assert_clear_error(lambda: model.fit(ds, validation_freq="2", epochs=2, validation_data=ds,
                                         verbose=0, shuffle=False), ValueError, "validation_freq")
    with pytest.warns(UserWarning, match="`shuffle=True` was passed, but will be ignored"):
        model.fit(ds, verbose=0)


def _printed(call):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        call()
    return out.getvalue()


def test_progress_bar_shows_unknown_until_the_size_is_known():
    unknown = Dataset.from_tensor_slices((X, Y)).filter(lambda a, b: a[0] > -10).batch(8)
    model = _model()
    text = _printed(lambda: model.fit(unknown, epochs=2, verbose=1))
    first, second = text.split("Epoch 2/2")
    assert "1/Unknown" in first and "5/5" in first  # Keras: counted, then shown as known
    assert "Unknown" not in second and "1/5" in second
    text = _printed(lambda: _model().fit(_gen(), epochs=2, verbose=2))
    assert text.count("5/5 - ") == 2
    assert "1/Unknown" in _printed(lambda: model.predict(unknown, verbose=1))


def test_to_categorical_and_pad_sequences_as_keras():
    got = keras.utils.to_categorical([0, 2, 1])
    assert got.dtype == np.float64 and got.tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
    assert keras.utils.to_categorical(np.array([[1], [0]])).shape == (2, 2)
    assert keras.utils.to_categorical(np.array([[1, 2]]), 4).shape == (1, 2, 4)
    as_tensor = keras.utils.to_categorical(tf.constant([0, 2]), 3)
    assert isinstance(as_tensor, tf.Tensor) and as_tensor.dtype == tf.float32
    assert_clear_error(lambda: keras.utils.to_categorical([0, 3], 3), ValueError, "[0, 3)")
    pad = keras.utils.pad_sequences
    seqs = [[1, 2, 3], [4], [5, 6, 7, 8, 9]]
    assert pad(seqs).tolist() == [[0, 0, 1, 2, 3], [0, 0, 0, 0, 4], [5, 6, 7, 8, 9]]
    assert pad(seqs, maxlen=3, padding="post", truncating="post").tolist() == [
        [1, 2, 3], [4, 0, 0], [5, 6, 7]]
    assert pad(seqs, maxlen=2).tolist() == [[2, 3], [0, 4], [8, 9]]
    assert pad(seqs, value=-1.0, dtype="float32").dtype == np.float32
    assert pad([[], [1]]).tolist() == [[0], [1]]
    assert pad([["a", "b"], ["c"]], dtype=object, value="").tolist() == [["a", "b"], ["", "c"]]
    assert_clear_error(lambda: pad([[1]], padding="middle"), ValueError, "padding")
    assert_clear_error(lambda: pad([1, 2]), ValueError, "non-iterable")
    assert_clear_error(lambda: pad([["a"]], value="x"), ValueError, "dtype=object")


def test_split_dataset_as_keras():
    left, right = keras.utils.split_dataset(np.arange(10), left_size=0.8)
    assert [int(v) for v in left] == list(range(8)) and [int(v) for v in right] == [8, 9]
    left, right = keras.utils.split_dataset((X, Y), right_size=10)
    assert len(left) == 30 and len(right) == 10
    a, b = next(iter(right))
    np.testing.assert_array_equal(a.numpy(), X[30])
    ds = Dataset.from_tensor_slices((X, Y)).batch(8)
    left, right = keras.utils.split_dataset(ds, left_size=0.5, shuffle=True, seed=3)
    assert left.element_spec[0].shape.as_list() == [None, 3]
    rows = sorted(float(v) for batch in (left, right) for _, y in batch for v in y.numpy()[:, 0])
    assert rows == sorted(Y[:, 0].tolist())
    import random

    order = list(range(10))
    random.Random(3).shuffle(order)  # Keras shuffles with Python's random.seed(seed)
    left, _ = keras.utils.split_dataset(np.arange(10), left_size=3, shuffle=True, seed=3)
    assert [int(v) for v in left] == order[:3]
    assert_clear_error(lambda: keras.utils.split_dataset(np.arange(10)), ValueError,
                       "left_size", "right_size")
    assert_clear_error(lambda: keras.utils.split_dataset(np.arange(10), left_size=1.5),
                       ValueError, "left_size")
    assert_clear_error(lambda: keras.utils.split_dataset(np.arange(10), 0.6, 0.6), ValueError,
                       "greater than 1")
    assert_clear_error(lambda: keras.utils.split_dataset("abc", 0.5), TypeError, "dataset")


def test_split_dataset_keeps_the_batch_size_of_a_batched_dataset():
    ds = Dataset.from_tensor_slices((X, Y)).batch(8)  # 40 rows
    left, right = keras.utils.split_dataset(ds, left_size=0.5)
    assert [len(x) for x, _ in left] == [8, 8, 4] and [len(x) for x, _ in right] == [8, 8, 4]
    small = Dataset.from_tensor_slices(np.arange(3)).batch(8)  # fewer rows than a batch
    left, right = keras.utils.split_dataset(small, left_size=2)
    assert [v.numpy().tolist() for v in left] == [[0, 1]] and len(list(right)) == 1
    padded = Dataset.from_tensor_slices(np.arange(6)).padded_batch(4)
    left, _ = keras.utils.split_dataset(padded, left_size=5)
    assert [len(v) for v in left] == [4, 1]
    mapped = Dataset.from_tensor_slices(np.arange(6)).batch(2).map(lambda v: v * 2)
    left, _ = keras.utils.split_dataset(mapped, left_size=2)  # not a `batch()` dataset: rows
    assert [v.numpy().tolist() for v in left] == [[0, 2], [4, 6]]
