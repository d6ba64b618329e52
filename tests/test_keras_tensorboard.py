"""`keras.callbacks.TensorBoard`: the summaries Keras 3 writes, where it writes them, read back
by the tests' own reader (tests/_event_files.py)."""

import json
import os

import numpy as np
import pytest
from _event_files import event_files, events, scalars, summaries
from bad_input import assert_clear_error

from tapegrad import keras


def fit_program(keras, logdir, update_freq="epoch", weights=None, **options):
    """A small regression fit (3 epochs of 4 batches, validation of 2 batches) and an
    evaluate with the same callback; written to run with tapegrad's and Keras's `keras`."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(24, 3)).astype("float32")
    y = x @ np.array([[1.0], [2.0], [-1.0]], "float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.05), "mse", metrics=["mae"])
    if weights is not None:
        model.set_weights(weights)
    callback = keras.callbacks.TensorBoard(log_dir=logdir, update_freq=update_freq, **options)
    history = model.fit(x[:16], y[:16], batch_size=4, epochs=3, shuffle=False, verbose=0,
                        validation_data=(x[16:], y[16:]), callbacks=[callback])
    evaluation = model.evaluate(x[16:], y[16:], batch_size=4, verbose=0, callbacks=[callback])
    return model, history, evaluation


def tags_by_file(model, logdir):
    """{"train"/"validation": [[(step, tag), ...] per event file]}, the weights' tags written
    `w<i>/...` by their position in the model."""
    paths = [w.path for layer in model.layers for w in layer.weights]

    def short(tag):
        for i, path in enumerate(paths):
            tag = tag.replace(path + "/", f"w{i}/")
        return tag

    return {sub: [[(e["step"], short(v["tag"])) for e in events(p) for v in e["values"]]
                  for p in event_files(os.path.join(logdir, sub))]
            for sub in ("train", "validation")}


def _epoch(e, *, histograms=True):
    out = [(e, "epoch_loss"), (e, "epoch_mae"), (e, "epoch_learning_rate")]
    return out + ([(e, f"w{i}/histogram") for i in range(4)] if histograms else [])


def _validation(e):
    return [(4 * (e + 1), "evaluation_loss_vs_iterations"),
            (4 * (e + 1), "evaluation_mae_vs_iterations"), (e, "epoch_loss"), (e, "epoch_mae")]


# What Keras 3.15 with TensorFlow 2.21 and TensorBoard 2.21 wrote for fit_program, file by file
# (the evaluate call's set_model opens new writers: the second file of each directory).
KERAS_EPOCH_TAGS = {
    "train": [[(0, "keras"), *_epoch(0), *_epoch(1), *_epoch(2)], [(0, "keras")]],
    "validation": [[*_validation(0), *_validation(1), *_validation(2)],
                   [(12, "evaluation_loss_vs_iterations"), (12, "evaluation_mae_vs_iterations")]],
}
# update_freq=3: batch logs every third global batch; and, as in Keras 3, the epoch summaries
# only where the last batch's count is a multiple of 3 (the record_if of the batch's writer is
# still in effect at the epoch's end), and no evaluation summary of the last evaluate.
KERAS_EVERY_3_TAGS = {
    "train": [[(0, "keras"), (3, "batch_loss"), (3, "batch_mae"), (6, "batch_loss"),
               (6, "batch_mae"), (9, "batch_loss"), (9, "batch_mae"), (12, "batch_loss"),
               (12, "batch_mae"), *_epoch(2)], [(0, "keras")]],
    "validation": [[(12, "evaluation_loss_vs_iterations"), (12, "evaluation_mae_vs_iterations"),
                    (2, "epoch_loss"), (2, "epoch_mae")], []],
}


def test_epoch_summaries_go_where_keras_writes_them(tmp_path):
    model, _, _ = fit_program(keras, str(tmp_path), histogram_freq=1)
    assert tags_by_file(model, tmp_path) == KERAS_EPOCH_TAGS


def test_every_n_batches_as_keras(tmp_path):
    model, _, _ = fit_program(keras, str(tmp_path), update_freq=3, histogram_freq=1)
    assert tags_by_file(model, tmp_path) == KERAS_EVERY_3_TAGS


def test_update_freq_batch_logs_every_batch_at_the_global_batch_count(tmp_path):
    model, _, _ = fit_program(keras, str(tmp_path), update_freq="batch")
    (train, _) = tags_by_file(model, tmp_path)["train"]
    batch_steps = [step for step, tag in train if tag == "batch_loss"]
    assert batch_steps == list(range(1, 13))
    assert [step for step, tag in train if tag == "epoch_loss"] == [0, 1, 2]


def test_the_values_are_the_logs(tmp_path):
    _, history, evaluation = fit_program(keras, str(tmp_path))
    train, validation = scalars(tmp_path / "train"), scalars(tmp_path / "validation")
    h = history.history
    f32 = [float(np.float32(v)) for v in h["loss"]]
    assert train["epoch_loss"] == list(enumerate(f32))
    assert train["epoch_mae"] == [(e, float(np.float32(v))) for e, v in enumerate(h["mae"])]
    assert train["epoch_learning_rate"] == [(e, float(np.float32(0.05))) for e in range(3)]
    assert validation["epoch_loss"] == [(e, float(np.float32(v)))
                                        for e, v in enumerate(h["val_loss"])]
    assert [v for _, v in validation["evaluation_loss_vs_iterations"]] == [
        float(np.float32(v)) for v in h["val_loss"] + [evaluation[0]]]


def test_histograms_count_every_weight_and_the_model_config_is_its_json(tmp_path):
    model, _, _ = fit_program(keras, str(tmp_path), histogram_freq=2)
    written = summaries(tmp_path / "train")
    histograms = [(s, t, v) for s, t, p, v in written if p == "histograms"]
    weights = [w for layer in model.layers for w in layer.weights]
    assert [(s, t) for s, t, _ in histograms] == [(e, f"{w.path}/histogram")
                                                  for e in (0, 2) for w in weights]
    for (_, _, h), w in zip(histograms[-4:], weights):  # epoch 2 is the last: final weights
        values = np.asarray(w)
        assert h[:, 2].sum() == values.size
        assert h[0, 0] == values.astype(np.float64).min()
        assert h[-1, 1] == values.astype(np.float64).max()
    (config,) = {v[()] for s, t, p, v in written if t == "keras"}
    assert json.loads(config) == json.loads(model.to_json())
    assert {p for _, t, p, _ in written if t == "keras"} == {"graph_keras_model"}


def test_steps_per_second_and_weight_images(tmp_path):
    fit_program(keras, str(tmp_path), update_freq="batch", histogram_freq=1, write_images=True,
                write_steps_per_second=True)
    train = summaries(tmp_path / "train")
    tags = {t for _, t, _, _ in train}
    assert {"batch_steps_per_second", "epoch_steps_per_second"} <= tags
    assert all(float(v) > 0 for _, t, _, v in train if t.endswith("steps_per_second"))
    images = {t: v for _, t, p, v in train if p == "images"}
    kernel = next(v for t, v in images.items() if t.endswith("kernel/image"))
    # the (3, 4) kernel: one image, shown 3 tall (rows <= columns) and 4 wide
    assert list(kernel[:2]) == [b"4", b"3"] and len(kernel) == 3
    bias = next(v for t, v in images.items() if t.endswith("bias/image"))
    assert list(bias[:2]) == [b"1", b"4"]


def test_no_files_until_needed_and_none_for_write_graph_false(tmp_path):
    callback = keras.callbacks.TensorBoard(log_dir=tmp_path, write_graph=False)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    callback.set_model(model)
    assert not os.path.exists(tmp_path / "train")
    keras.callbacks.TensorBoard(log_dir=tmp_path).set_model(model)
    ((_, tag, _, _),) = summaries(tmp_path / "train")
    assert tag == "keras"


def test_subclassed_models_write_no_config(tmp_path):
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)

        def call(self, x):
            return self.dense(x)

    keras.callbacks.TensorBoard(log_dir=tmp_path).set_model(Net())
    assert summaries(tmp_path / "train") == []


def test_profile_batch_is_checked_as_keras_and_warns_that_nothing_is_profiled(tmp_path):
    keras.callbacks.TensorBoard(log_dir=tmp_path, profile_batch=0)
    with pytest.warns(UserWarning, match="records no profile"):
        keras.callbacks.TensorBoard(log_dir=tmp_path, profile_batch=(2, 4))
    with pytest.warns(UserWarning, match="records no profile"):
        keras.callbacks.TensorBoard(log_dir=tmp_path, profile_batch="3,5")
    for bad in (-1, (5, 2), (1, 2, 3), "a,b", 1.5):
        assert_clear_error(lambda bad=bad: keras.callbacks.TensorBoard(profile_batch=bad),
                           ValueError, "profile_batch must be a non-negative integer", str(bad))


def _embedding_model():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Embedding(10, 3, name="emb"),
                              keras.layers.Flatten(), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    return model


def test_embeddings_write_the_projector_config(tmp_path):
    callback = keras.callbacks.TensorBoard(log_dir=tmp_path, embeddings_freq=1,
                                           embeddings_metadata={"emb": "words.tsv"})
    callback.set_model(_embedding_model())
    assert (tmp_path / "projector_config.pbtxt").read_text() == (
        'embeddings {\n'
        '  tensor_name: "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE"\n'
        '  metadata_path: "words.tsv"\n'
        '}\n')
    bad = keras.callbacks.TensorBoard(log_dir=tmp_path, embeddings_freq=1,
                                      embeddings_metadata={"nope": "x.tsv"})
    assert_clear_error(lambda: bad.set_model(_embedding_model()), ValueError,
                       "Unrecognized `Embedding` layer names", "nope")


def test_embeddings_save_the_weights_each_due_epoch(tmp_path):
    pytest.importorskip("h5py")
    model = _embedding_model()
    callback = keras.callbacks.TensorBoard(log_dir=tmp_path, embeddings_freq=2)
    model.fit(np.array([[1, 2], [3, 4]]), np.zeros((2, 1)), epochs=3, verbose=0,
              callbacks=[callback])
    saved = sorted(n for n in os.listdir(tmp_path / "train") if n.endswith(".h5"))
    assert saved == ["keras_embedding.ckpt-0.weights.h5", "keras_embedding.ckpt-2.weights.h5"]
