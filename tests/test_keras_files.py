"""keras.utils.get_file, keras.datasets and the *_dataset_from_directory loaders, on small files
the tests write in the real formats. Downloads go through urllib with file:// URLs, so the
real download, cache and hash code runs without a network."""

import gzip
import hashlib
import io
import json
import os
import pickle
import tarfile

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras
from tapegrad.keras._directory_datasets import resize_image
from tapegrad.keras.datasets import _common
from tests.bad_input import assert_clear_error


def _sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty Keras cache ($KERAS_HOME) and a folder serving files by file:// URLs."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    served = tmp_path / "served"
    served.mkdir()
    monkeypatch.setattr(_common, "ORIGIN_FOLDER", served.as_uri() + "/")
    return served


def test_get_file_downloads_caches_and_checks_hashes(home, capsys):
    (home / "a.txt").write_bytes(b"hello")
    url = (home / "a.txt").as_uri()
    digest = _sha256(home / "a.txt")
    path = keras.utils.get_file("a.txt", url, file_hash=digest)
    assert path == os.path.join(os.environ["KERAS_HOME"], "datasets", "a.txt")
    assert open(path, "rb").read() == b"hello"
    assert "Downloading data from" in capsys.readouterr().out
    (home / "a.txt").write_bytes(b"changed")  # the cache is used: no second download
    assert open(keras.utils.get_file("a.txt", url, file_hash=digest), "rb").read() == b"hello"
    assert capsys.readouterr().out == ""
    with open(path, "wb") as f:
        f.write(b"corrupt")  # a cached file with the wrong hash is fetched again ...
    assert_clear_error(lambda: keras.utils.get_file("a.txt", url, file_hash=digest),
                       ValueError, "file hash does not match")  # ... and checked
    assert "will re-download" in capsys.readouterr().out
    md5 = hashlib.md5(b"changed").hexdigest()
    assert open(keras.utils.get_file("b.txt", url, md5_hash=md5), "rb").read() == b"changed"
    other = keras.utils.get_file(origin=url, cache_dir=str(home / "cache"), cache_subdir="x")
    assert other == str(home / "cache" / "x" / "a.txt")


def test_get_file_errors_say_what_to_do(home):
    missing = (home / "nothing.npz").as_uri()
    err = assert_clear_error(lambda: keras.utils.get_file("n.npz", missing), OSError,
                             "URL fetch failure", "nothing.npz", "download the file yourself")
    assert "n.npz" in str(err)
    assert not os.path.exists(os.path.join(os.environ["KERAS_HOME"], "datasets", "n.npz"))
    assert_clear_error(lambda: keras.utils.get_file("x"), ValueError, "origin")
    assert_clear_error(lambda: keras.utils.get_file("a/b", "file:///x"), ValueError,
                       "cache_dir")


def test_get_file_extracts_archives(home):
    archive = home / "pack.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        data = b"inside"
        info = tarfile.TarInfo("folder/file.txt")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    path = keras.utils.get_file("pack.tar.gz", archive.as_uri(), extract=True)
    assert path.endswith("pack_extracted")
    assert open(os.path.join(path, "folder", "file.txt"), "rb").read() == b"inside"
    path = keras.utils.get_file("unpacked", archive.as_uri(), untar=True)
    assert os.path.isfile(os.path.join(path, "folder", "file.txt"))


def _serve_npz(home, name, **arrays):
    with open(home / name, "wb") as f:
        np.savez(f, **arrays)
    return _sha256(home / name)


def test_mnist_and_boston_housing(home, monkeypatch):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (5, 28, 28), dtype=np.uint8)
    digest = _serve_npz(home, "mnist.npz", x_train=x, y_train=np.arange(5, dtype=np.uint8),
                        x_test=x[:2], y_test=np.arange(2, dtype=np.uint8))
    monkeypatch.setattr(keras.datasets.mnist, "FILE_HASH", digest)
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    assert x_train.dtype == np.uint8 and (x_train == x).all() and y_test.tolist() == [0, 1]
    bx, by = rng.standard_normal((10, 13)), np.arange(10.0)
    monkeypatch.setattr(keras.datasets.boston_housing, "FILE_HASH",
                        _serve_npz(home, "boston_housing.npz", x=bx, y=by))
    (xtr, ytr), (xte, yte) = keras.datasets.boston_housing.load_data(test_split=0.3)
    order = np.arange(10)
    np.random.RandomState(113).shuffle(order)  # Keras's shuffle
    assert ytr.tolist() == by[order[:7]].tolist() and yte.tolist() == by[order[7:]].tolist()
    assert_clear_error(lambda: keras.datasets.boston_housing.load_data(test_split=1.0),
                       ValueError, "test_split")


def _idx(data, header):
    return gzip.compress(header + data.tobytes())


def test_fashion_mnist_reads_gzipped_idx_files(home):
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, (3, 28, 28), dtype=np.uint8)
    labels = np.array([9, 0, 3], dtype=np.uint8)
    for prefix in ("train", "t10k"):
        (home / f"{prefix}-labels-idx1-ubyte.gz").write_bytes(
            _idx(labels, b"\x00\x00\x08\x01\x00\x00\x00\x03"))
        (home / f"{prefix}-images-idx3-ubyte.gz").write_bytes(
            _idx(images, b"\x00\x00\x08\x03\x00\x00\x00\x03\x00\x00\x00\x1c\x00\x00\x00\x1c"))
    (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
    assert x_train.shape == (3, 28, 28) and (x_test == images).all()
    assert y_train.tolist() == [9, 0, 3]
    cached = os.path.join(os.environ["KERAS_HOME"], "datasets", "fashion-mnist")
    assert sorted(os.listdir(cached)) == sorted(keras.datasets.fashion_mnist.FILES)


def _cifar_archive(path, folder, members):
    with tarfile.open(path, "w:gz") as tar:
        for name, content in members.items():
            data = pickle.dumps(content, protocol=3)
            info = tarfile.TarInfo(f"{folder}/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_cifar10_and_cifar100_read_pickled_batches(tmp_path, monkeypatch, home):
    rng = np.random.default_rng(2)

    def batch(n, **labels):
        return {b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
                **{k.encode(): v for k, v in labels.items()}}

    members = {f"data_batch_{i}": batch(2, labels=[i, i + 1]) for i in range(1, 6)}
    members["test_batch"] = batch(3, labels=[0, 1, 2])
    archive = tmp_path / "c10.tar.gz"
    _cifar_archive(archive, "cifar-10-batches-py", members)
    monkeypatch.setattr(keras.datasets.cifar10, "ORIGIN", archive.as_uri())
    monkeypatch.setattr(keras.datasets.cifar10, "FILE_HASH", _sha256(archive))
    (x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3) and y_train.shape == (10, 1)
    assert y_train.dtype == np.uint8 and y_test.ravel().tolist() == [0, 1, 2]
    first = members["data_batch_1"][b"data"][0].reshape(3, 32, 32).transpose(1, 2, 0)
    assert (x_train[0] == first).all()  # channels last
    members = {"train": batch(4, fine_labels=[5, 6, 7, 8], coarse_labels=[1, 1, 2, 2]),
               "test": batch(2, fine_labels=[9, 9], coarse_labels=[3, 3])}
    archive = tmp_path / "c100.tar.gz"
    _cifar_archive(archive, "cifar-100-python", members)
    monkeypatch.setattr(keras.datasets.cifar100, "ORIGIN", archive.as_uri())
    monkeypatch.setattr(keras.datasets.cifar100, "FILE_HASH", _sha256(archive))
    (_, y_fine), _ = keras.datasets.cifar100.load_data()
    (_, y_coarse), (x_test, _) = keras.datasets.cifar100.load_data(label_mode="coarse")
    assert y_fine.ravel().tolist() == [5, 6, 7, 8] and y_coarse.ravel().tolist() == [1, 1, 2, 2]
    assert x_test.shape == (2, 32, 32, 3)
    assert_clear_error(lambda: keras.datasets.cifar100.load_data("medium"), ValueError,
                       "label_mode")


def _ragged(lists):
    out = np.empty(len(lists), dtype=object)
    out[:] = [list(v) for v in lists]
    return out


def test_imdb_and_reuters_transform_word_indices_as_keras(home, monkeypatch):
    train = [[1, 5, 2], [7, 3], [4, 4, 4, 4], [2]]
    test = [[9, 1], [3, 3, 3]]
    monkeypatch.setattr(keras.datasets.imdb, "FILE_HASH", _serve_npz(
        home, "imdb.npz", x_train=_ragged(train), y_train=np.array([1, 0, 1, 0]),
        x_test=_ragged(test), y_test=np.array([0, 1])))
    (x_train, y_train), (x_test, y_test) = keras.datasets.imdb.load_data(num_words=8)
    order = np.arange(4)
    rng = np.random.RandomState(113)
    rng.shuffle(order)
    want = [[1] + [w + 3 if w + 3 < 8 else 2 for w in train[i]] for i in order]
    assert x_train.dtype == object and [list(v) for v in x_train] == want
    assert y_train.tolist() == [[1, 0, 1, 0][i] for i in order] and len(x_test) == 2
    (x_short, _), _ = keras.datasets.imdb.load_data(maxlen=4, start_char=None, index_from=0)
    assert all(len(v) < 4 for v in x_short)
    assert_clear_error(lambda: keras.datasets.imdb.load_data(maxlen=1), ValueError, "maxlen")
    (home / "imdb_word_index.json").write_text(json.dumps({"good": 1}))
    monkeypatch.setattr(keras.datasets.imdb, "WORD_INDEX_HASH",
                        hashlib.md5(b'{"good": 1}').hexdigest())
    assert keras.datasets.imdb.get_word_index() == {"good": 1}
    monkeypatch.setattr(keras.datasets.reuters, "FILE_HASH", _serve_npz(
        home, "reuters.npz", x=_ragged(train + test), y=np.arange(6)))
    (x_train, y_train), (x_test, y_test) = keras.datasets.reuters.load_data(test_split=0.5)
    assert len(x_train) == 3 and len(x_test) == 3
    assert sorted(y_train.tolist() + y_test.tolist()) == list(range(6))
    assert keras.datasets.reuters.get_label_names()[3] == "earn"


def test_npz_object_arrays_refuse_other_pickles(tmp_path):
    class Evil:
        def __reduce__(self):
            return (os.system, ("true",))

    arr = np.empty(1, dtype=object)
    arr[0] = Evil()
    np.savez(tmp_path / "bad.npz", x=arr)
    with pytest.raises(pickle.UnpicklingError, match="Refusing"):
        _common.load_npz(tmp_path / "bad.npz")


def _image_tree(root, sizes):
    rng = np.random.default_rng(3)
    images = {}
    for cls, names in sizes.items():
        (root / cls).mkdir(parents=True)
        for name, (h, w) in names.items():
            image = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
            (root / cls / name).write_bytes(tf.io.encode_png(image).numpy())
            images[os.path.join(str(root), cls, name)] = image
    (root / next(iter(sizes)) / "notes.txt").write_text("not an image")  # skipped
    return images


def test_image_dataset_from_directory(tmp_path):
    images = _image_tree(tmp_path / "imgs", {
        "cats": {"a.png": (6, 6), "b.png": (4, 8)}, "dogs": {"c.png": (5, 5)}})
    ds = keras.utils.image_dataset_from_directory(
        str(tmp_path / "imgs"), image_size=(4, 4), batch_size=2, shuffle=False, verbose=False)
    assert ds.class_names == ["cats", "dogs"]
    assert ds.file_paths == sorted(images)
    assert ds.element_spec[0].shape.as_list() == [None, 4, 4, 3]
    assert ds.element_spec[1] == tf.TensorSpec((None,), tf.int32)
    batches = list(ds)
    assert [b[1].numpy().tolist() for b in batches] == [[0, 0], [1]]
    first = batches[0][0].numpy()[0]
    want = resize_image(images[ds.file_paths[0]], (4, 4))
    np.testing.assert_array_equal(first, want)
    cat = keras.utils.image_dataset_from_directory(
        str(tmp_path / "imgs"), image_size=4, label_mode="categorical", color_mode="grayscale",
        shuffle=False, verbose=False)
    x, y = next(iter(cat))
    assert x.shape == (3, 4, 4, 1) and y.numpy().tolist() == [[1, 0], [1, 0], [0, 1]]
    train, val = keras.utils.image_dataset_from_directory(
        str(tmp_path / "imgs"), image_size=(3, 3), validation_split=0.34, subset="both",
        seed=5, label_mode="binary", verbose=False)
    assert len(train.file_paths) == 2 and len(val.file_paths) == 1
    order = sorted(images)
    np.random.RandomState(5).shuffle(order)  # Keras's file order for a seed
    assert train.file_paths + val.file_paths == order
    assert next(iter(val))[1].dtype == tf.float32
    crop = keras.utils.image_dataset_from_directory(
        str(tmp_path / "imgs"), image_size=(2, 4), crop_to_aspect_ratio=True, shuffle=False,
        labels=None, verbose=False)
    assert next(iter(crop)).shape == (3, 2, 4, 3)
    pad = keras.utils.image_dataset_from_directory(
        str(tmp_path / "imgs"), image_size=(2, 4), pad_to_aspect_ratio=True, shuffle=False,
        label_mode=None, interpolation="nearest", verbose=False)
    assert next(iter(pad)).dtype == tf.uint8


def test_image_dataset_errors(tmp_path):
    _image_tree(tmp_path / "imgs", {"a": {"x.png": (2, 2)}})
    root = str(tmp_path / "imgs")
    load = keras.utils.image_dataset_from_directory
    assert_clear_error(lambda: load(root, color_mode="cmyk"), ValueError, "color_mode")
    assert_clear_error(lambda: load(root, label_mode="binary", verbose=False), ValueError,
                       "exactly 2")
    assert_clear_error(lambda: load(root, subset="training"), ValueError, "validation_split")
    assert_clear_error(lambda: load(root, interpolation="bicubic"), ValueError, "bilinear")
    assert_clear_error(lambda: load(str(tmp_path / "missing")), ValueError, "does not exist")
    assert_clear_error(lambda: load(root, class_names=["zzz"]), ValueError, "class_names")


def test_text_dataset_from_directory(tmp_path, capsys):
    for cls, texts in {"neg": ["bad film", "awful"], "pos": ["great", "loved it!"]}.items():
        (tmp_path / "t" / cls).mkdir(parents=True)
        for i, text in enumerate(texts):
            (tmp_path / "t" / cls / f"{i}.txt").write_text(text)
    ds = keras.utils.text_dataset_from_directory(str(tmp_path / "t"), batch_size=3,
                                                 shuffle=False, max_length=5)
    assert "Found 4 files belonging to 2 classes." in capsys.readouterr().out
    assert ds.class_names == ["neg", "pos"]
    texts, labels = next(iter(ds))
    assert texts.dtype == tf.string and texts.numpy().tolist() == [b"bad f", b"awful", b"great"]
    assert labels.numpy().tolist() == [0, 0, 1]
    train = keras.utils.text_dataset_from_directory(
        str(tmp_path / "t"), validation_split=0.5, subset="training", seed=1, batch_size=None)
    assert "Using 2 files for training." in capsys.readouterr().out
    assert sum(1 for _ in train) == 2
