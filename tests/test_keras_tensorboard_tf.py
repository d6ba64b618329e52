"""`keras.callbacks.TensorBoard` against Keras 3 on TensorFlow: the same fit, from the same
weights, writes the same summaries (tags, steps, files, values). Keras's callback needs
TensorBoard's summary ops, so these tests also skip where `tensorboard` is not installed."""

import numpy as np
import pytest
from _event_files import summaries
from test_keras_tensorboard import fit_program, tags_by_file

from tapegrad import keras

tf_real = pytest.importorskip("tensorflow")
pytest.importorskip("tensorboard")
keras_real = pytest.importorskip("keras")

_SHAPES = [(3, 4), (4,), (4, 1), (1,)]


def _weights():
    rng = np.random.default_rng(5)
    return [rng.normal(scale=0.5, size=s).astype("float32") for s in _SHAPES]


@pytest.mark.parametrize("update_freq", ["epoch", 3, "batch"])
def test_the_same_fit_writes_the_same_summaries(tmp_path, update_freq):
    options = {"histogram_freq": 1, "write_images": update_freq == "epoch"}
    mine, _, _ = fit_program(keras, str(tmp_path / "tapegrad"), update_freq, _weights(),
                             **options)
    theirs, _, _ = fit_program(keras_real, str(tmp_path / "keras"), update_freq, _weights(),
                               **options)
    assert tags_by_file(mine, tmp_path / "tapegrad") == tags_by_file(theirs, tmp_path / "keras")
    for sub in ("train", "validation"):
        a, b = summaries(tmp_path / "tapegrad" / sub), summaries(tmp_path / "keras" / sub)
        for (step, tag, plugin, x), (_, _, other_plugin, y) in zip(a, b):
            assert plugin == other_plugin and x.dtype == y.dtype and x.shape == y.shape, tag
            if plugin == "scalars":
                np.testing.assert_allclose(x, y, rtol=2e-5, err_msg=f"{sub} {tag} {step}")
            elif plugin == "histograms":
                np.testing.assert_allclose(x[:, :2], y[:, :2], rtol=1e-5, atol=1e-6)
                np.testing.assert_array_equal(x[:, 2], y[:, 2])
            elif plugin == "images":  # width, height, then PNGs of nearly equal weights
                assert list(x[:2]) == list(y[:2]), tag
                for png, other in zip(x[2:], y[2:]):
                    np.testing.assert_allclose(tf_real.io.decode_png(png).numpy(),
                                               tf_real.io.decode_png(other).numpy(), atol=1)


def test_the_projector_config_is_keras_text(tmp_path):
    for module, name in ((keras, "tapegrad"), (keras_real, "keras")):
        model = module.Sequential([module.Input((2,)), module.layers.Embedding(10, 3, name="e"),
                                   module.layers.Flatten(), module.layers.Dense(1)])
        module.callbacks.TensorBoard(log_dir=tmp_path / name, embeddings_freq=1,
                                     embeddings_metadata='m "1".tsv').set_model(model)
    assert ((tmp_path / "tapegrad" / "projector_config.pbtxt").read_text()
            == (tmp_path / "keras" / "projector_config.pbtxt").read_text())
