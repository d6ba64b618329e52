"""Shared by the dataset loaders: Keras's download location, safe loading of `.npz` files
with object arrays, CIFAR batches, and the word-sequence post-processing of IMDB/Reuters."""

import pickle

import numpy as np

ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"

# Rebuilding a NumPy object array (the ragged word lists of imdb.npz and reuters.npz) needs
# these globals only; anything else in a pickle is refused, so a tampered file cannot run code.
_ALLOWED = frozenset({("numpy", "ndarray"), ("numpy", "dtype"),
                      ("numpy.core.multiarray", "_reconstruct"),
                      ("numpy._core.multiarray", "_reconstruct")})


class RestrictedUnpickler(pickle.Unpickler):
    """Unpickles NumPy arrays and plain Python values only."""

    def find_class(self, module, name):
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"Refusing to deserialize `{module}.{name}` while loading a "
                                     "Keras dataset. The file may be corrupted or malicious.")


def _read_member(fp):
    try:
        return np.lib.format.read_array(fp, allow_pickle=False)
    except ValueError:  # an object array: only NumPy's own reconstruction is allowed
        fp.seek(0)
        major, _ = np.lib.format.read_magic(fp)
        if major == 1:
            np.lib.format.read_array_header_1_0(fp)
        else:
            np.lib.format.read_array_header_2_0(fp)
        return RestrictedUnpickler(fp).load()


def load_npz(path):
    """The arrays of an `.npz` file, object arrays included, without arbitrary unpickling."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        out = {}
        for name in archive.namelist():
            with archive.open(name) as fp:
                out[name[:-4] if name.endswith(".npy") else name] = _read_member(fp)
        return out


def load_batch(fpath, label_key="labels"):
    """A CIFAR batch file: (data of shape (n, 3, 32, 32), labels)."""
    with open(fpath, "rb") as f:
        d = RestrictedUnpickler(f, encoding="bytes").load()
    d = {k.decode("utf8") if isinstance(k, bytes) else k: v for k, v in d.items()}
    data = d["data"]
    return data.reshape(data.shape[0], 3, 32, 32), d[label_key]


def remove_long_seq(maxlen, seq, label):
    """The sequences shorter than `maxlen`, with their labels."""
    kept = [(x, y) for x, y in zip(seq, label) if len(x) < maxlen]
    return [x for x, _ in kept], [y for _, y in kept]


def shift_words(xs, labels, start_char, index_from, maxlen):
    """Keras's IMDB/Reuters word-index shift: `index_from` added, each sequence prefixed with
    `start_char`, sequences of `maxlen` words or more dropped."""
    if start_char is not None:
        xs = [[start_char] + [w + index_from for w in x] for x in xs]
    elif index_from:
        xs = [[w + index_from for w in x] for x in xs]
    else:
        xs = [list(x) for x in xs]
    if maxlen:
        xs, labels = remove_long_seq(maxlen, xs, labels)
    return xs, labels


def limit_vocabulary(xs, num_words, skip_top, oov_char):
    """Words outside [skip_top, num_words) become `oov_char` (or are dropped when None)."""
    if not num_words:
        num_words = max(max(x) for x in xs)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    return [[w for w in x if skip_top <= w < num_words] for x in xs]


def object_array(lists):
    """A 1-D object array holding the lists (never a 2-D array, whatever their lengths)."""
    out = np.empty(len(lists), dtype=object)
    out[:] = lists
    return out
