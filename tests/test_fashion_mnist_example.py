"""examples/fashion_mnist.py runs on a machine without network or extras: it says it could not
download the data and trains on its synthetic set."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "fashion_mnist.py"


def _example():
    spec = importlib.util.spec_from_file_location("fashion_mnist_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_example_trains_on_synthetic_images_when_the_download_fails(tmp_path, monkeypatch,
                                                                   capsys):
    def offline():
        raise OSError("URL fetch failure on https://...: no network")

    monkeypatch.setattr(keras.datasets.fashion_mnist, "load_data", offline)
    out = tmp_path / "predictions.png"
    with pytest.warns(UserWarning, match="`shuffle=True` was passed"):  # Keras's, for datasets
        accuracy = _example().main(["--epochs", "2", "--limit", "500", "--out", str(out)])
    text = capsys.readouterr().out
    assert "Could not load Fashion-MNIST: URL fetch failure" in text
    assert "synthetic" in text and "epoch  2: accuracy" in text
    assert accuracy > 0.3  # ten classes, 500 images, two epochs: chance is 0.1
    image = tf.io.decode_png(tf.io.read_file(str(out))).numpy()
    assert image.shape[0] >= 28 and image.shape[1] >= 10 * 28


def test_synthetic_images_look_like_fashion_mnist():
    (x, y), (xt, yt) = _example().synthetic_data(0, n_train=50, n_test=10)
    assert x.shape == (50, 28, 28) and x.dtype == np.uint8 and y.dtype == np.uint8
    assert xt.shape == (10, 28, 28) and set(y.tolist()) <= set(range(10))
