"""IMDB movie reviews: 25,000 training and 25,000 test reviews as word-index lists, labelled
positive (1) or negative (0)."""

import json

import numpy as np

from .._file_utils import get_file
from . import _common

FILE_HASH = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
WORD_INDEX_HASH = "bfafd718b763782e994055a2d397834f"


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113,
              start_char=1, oov_char=2, index_from=3, **kwargs):
    """Loads the reviews, as Keras: shuffled with RandomState(seed), word indices shifted by
    `index_from`, each review prefixed with `start_char`, words outside
    [skip_top, num_words) replaced by `oov_char`, reviews of `maxlen` words or more dropped.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: object arrays of lists of ints, int labels.
    """
    if kwargs:
        raise TypeError(f"Unrecognized keyword arguments: {kwargs}.")
    path = get_file(fname=path, origin=f"{_common.ORIGIN_FOLDER}imdb.npz", file_hash=FILE_HASH)
    f = _common.load_npz(path)
    rng = np.random.RandomState(seed)
    parts = []
    for x_key, y_key in (("x_train", "y_train"), ("x_test", "y_test")):
        x, y = f[x_key], f[y_key]
        indices = np.arange(len(x))
        rng.shuffle(indices)
        parts.append((x[indices], y[indices]))
    (x_train, labels_train), (x_test, labels_test) = parts
    x_train, labels_train = _common.shift_words(x_train, labels_train, start_char, index_from,
                                                maxlen)
    x_test, labels_test = _common.shift_words(x_test, labels_test, start_char, index_from,
                                              maxlen)
    if maxlen and (not x_train or not x_test):
        raise ValueError(f"After filtering for sequences shorter than maxlen={maxlen}, no "
                         "sequence was kept. Increase maxlen.")
    xs = _common.limit_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([labels_train, labels_test])
    n = len(x_train)
    return ((_common.object_array(xs[:n]), labels[:n]),
            (_common.object_array(xs[n:]), labels[n:]))


def get_word_index(path="imdb_word_index.json"):
    """The word -> index dictionary of the reviews (indices before `index_from`)."""
    path = get_file(fname=path, origin=f"{_common.ORIGIN_FOLDER}imdb_word_index.json",
                    file_hash=WORD_INDEX_HASH)
    with open(path) as f:
        return json.load(f)
