"""examples/text_classification.py and examples/transformer_classification.py run on a machine
without network: they say they could not download IMDB and train on their synthetic data."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from tapegrad import keras

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _example(name):
    spec = importlib.util.spec_from_file_location(f"{name}_example", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _offline(*args, **kwargs):
    raise OSError("URL fetch failure on https://...: no network")


@pytest.mark.filterwarnings("ignore:`shuffle=True` was passed")  # Keras's, for datasets
def test_text_classification_learns_synthetic_reviews(monkeypatch, capsys):
    monkeypatch.setattr(keras.utils, "get_file", _offline)
    example = _example("text_classification")
    accuracy = example.main(["--model", "pool", "--epochs", "4", "--limit", "800"])
    text = capsys.readouterr().out
    assert "Could not load the IMDB reviews: URL fetch failure" in text
    assert "synthetic" in text and "epoch 4: accuracy" in text
    assert accuracy > 0.75  # two classes: chance is 0.5
    accuracy = example.main(["--model", "lstm", "--epochs", "1", "--limit", "100", "--synthetic"])
    assert 0.0 <= accuracy <= 1.0
    texts, labels = example.synthetic_reviews(1, 50)
    assert texts.shape == (50,) and set(np.unique(labels)) <= {0.0, 1.0}


def test_transformer_example_learns_synthetic_sequences(monkeypatch, capsys):
    monkeypatch.setattr(keras.datasets.imdb, "load_data", _offline)
    accuracy = _example("transformer_classification").main(
        ["--epochs", "3", "--limit", "400", "--maxlen", "40"])
    text = capsys.readouterr().out
    assert "Could not load IMDB: URL fetch failure" in text and "parameters" in text
    assert accuracy > 0.6
