"""keras.utils data functions against Keras 3 on TensorFlow itself (skipped without it):
the same folders and arrays must give the same images, texts, labels, file orders, padding
and splits."""

import numpy as np
import pytest

import tapegrad
from tapegrad import keras as our_keras

tf_real = pytest.importorskip("tensorflow")
keras_real = pytest.importorskip("keras")


@pytest.fixture(scope="module")
def image_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("images")
    rng = np.random.default_rng(4)
    for cls, shapes in {"ant": [(13, 9), (7, 16)], "bee": [(8, 8), (20, 5), (9, 11)]}.items():
        (root / cls).mkdir()
        for i, (h, w) in enumerate(shapes):
            image = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
            (root / cls / f"{i}.png").write_bytes(tf_real.io.encode_png(image).numpy())
    return str(root)


def _load(keras, directory, **kwargs):
    ds = keras.utils.image_dataset_from_directory(directory, verbose=False, **kwargs)
    return ds, [tuple(np.asarray(t) for t in (b if isinstance(b, tuple) else (b,)))
                for b in ds]


@pytest.mark.parametrize("kwargs", [
    {"image_size": (6, 7)},
    {"image_size": (20, 20), "label_mode": "categorical"},
    {"image_size": (5, 5), "color_mode": "grayscale", "label_mode": "binary"},
    {"image_size": (6, 4), "interpolation": "nearest", "color_mode": "rgba"},
    {"image_size": (6, 4), "crop_to_aspect_ratio": True},
    {"image_size": (6, 4), "pad_to_aspect_ratio": True},
    {"image_size": (3, 3), "labels": None},
])
def test_image_dataset_from_directory_matches_keras(image_dir, kwargs):
    ours, our_batches = _load(our_keras, image_dir, shuffle=False, batch_size=2, **kwargs)
    theirs, their_batches = _load(keras_real, image_dir, shuffle=False, batch_size=2, **kwargs)
    assert ours.file_paths == theirs.file_paths
    assert getattr(ours, "class_names", None) == getattr(theirs, "class_names", None)
    assert len(our_batches) == len(their_batches)
    for a, b in zip(our_batches, their_batches):
        for x, y in zip(a, b):
            assert x.dtype == y.dtype and x.shape == y.shape
            np.testing.assert_allclose(x, y, rtol=0, atol=1e-4)


def test_image_file_order_and_splits_match_keras(image_dir):
    for subset in ("training", "validation"):
        ours = our_keras.utils.image_dataset_from_directory(
            image_dir, validation_split=0.4, subset=subset, seed=11, verbose=False)
        theirs = keras_real.utils.image_dataset_from_directory(
            image_dir, validation_split=0.4, subset=subset, seed=11, verbose=False)
        assert ours.file_paths == theirs.file_paths


def test_text_dataset_from_directory_matches_keras(tmp_path):
    for cls, texts in {"no": ["nope", "never ever"], "yes": ["sure", "yes indeed", "ok"]}.items():
        (tmp_path / cls).mkdir()
        for i, text in enumerate(texts):
            (tmp_path / cls / f"{i}.txt").write_text(text)
    for kwargs in ({"shuffle": False}, {"seed": 3, "label_mode": "categorical"},
                   {"shuffle": False, "max_length": 4, "labels": None}):
        got = [[np.asarray(t).tolist() for t in (b if isinstance(b, tuple) else (b,))]
               for b in our_keras.utils.text_dataset_from_directory(
                   str(tmp_path), batch_size=2, **kwargs)]
        want = [[np.asarray(t).tolist() for t in (b if isinstance(b, tuple) else (b,))]
                for b in keras_real.utils.text_dataset_from_directory(
                    str(tmp_path), batch_size=2, **kwargs)]
        if kwargs.get("seed"):  # the dataset shuffles with TensorFlow's RNG: compare as sets
            got = sorted(map(str, (r for b in got for r in zip(*b))))
            want = sorted(map(str, (r for b in want for r in zip(*b))))
        assert got == want


def test_sequence_and_label_utilities_match_keras():
    seqs = [[1, 2, 3], [4], [5, 6, 7, 8, 9], []]
    for kwargs in ({}, {"maxlen": 3}, {"padding": "post", "truncating": "post", "maxlen": 2},
                   {"value": -1, "dtype": "float32"}):
        ours = our_keras.utils.pad_sequences(seqs, **kwargs)
        theirs = keras_real.utils.pad_sequences(seqs, **kwargs)
        assert ours.dtype == theirs.dtype and ours.tolist() == theirs.tolist()
    for labels in ([0, 2, 1], np.array([[1], [0]]), np.array([[1, 2]])):
        ours, theirs = our_keras.utils.to_categorical(labels), keras_real.utils.to_categorical(
            labels)
        assert ours.dtype == theirs.dtype and ours.tolist() == theirs.tolist()


def test_split_dataset_matches_keras():
    data = (np.arange(20).reshape(10, 2), np.arange(10))
    for kwargs in ({"left_size": 0.7}, {"right_size": 3, "shuffle": True, "seed": 8},
                   {"left_size": 4, "right_size": 0.3}):
        ours = [[tuple(np.asarray(t).tolist() for t in e) for e in part]
                for part in our_keras.utils.split_dataset(data, **kwargs)]
        theirs = [[tuple(np.asarray(t).tolist() for t in e) for e in part]
                  for part in keras_real.utils.split_dataset(data, **kwargs)]
        assert ours == theirs
    batched_ours = our_keras.utils.split_dataset(
        tapegrad.data.Dataset.from_tensor_slices(data).batch(3), left_size=0.5)
    batched_theirs = keras_real.utils.split_dataset(
        tf_real.data.Dataset.from_tensor_slices(data).batch(3), left_size=0.5)
    for a, b in zip(batched_ours, batched_theirs):
        assert [[t.numpy().tolist() for t in e] for e in a] == [
            [t.numpy().tolist() for t in e] for e in b]
