"""examples/mnist_cnn.py (TensorFlow's expert quickstart) runs on a machine without network:
it says it could not download MNIST and learns its synthetic digits."""

import importlib.util
from pathlib import Path

import numpy as np

from tapegrad import keras

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "mnist_cnn.py"


def _offline(*args, **kwargs):
    raise OSError("URL fetch failure on https://...: no network")


def test_mnist_cnn_learns_synthetic_digits(monkeypatch, capsys):
    monkeypatch.setattr(keras.datasets.mnist, "load_data", _offline)
    spec = importlib.util.spec_from_file_location("mnist_cnn_example", EXAMPLE)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    accuracy = example.main(["--epochs", "3", "--limit", "960", "--pool"])
    text = capsys.readouterr().out
    assert "Could not load MNIST: URL fetch failure" in text and "synthetic digits" in text
    assert "Epoch 3, Loss:" in text and "Test Accuracy:" in text
    assert accuracy > 0.25  # ten classes: chance is 0.1
    (x, y), _ = example.synthetic_digits(1, 20, 10)
    assert x.shape == (20, 28, 28) and x.dtype == np.uint8 and set(np.unique(y)) <= set(range(10))
