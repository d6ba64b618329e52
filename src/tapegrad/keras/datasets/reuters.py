"""Reuters newswires: 11,228 newswires as word-index lists, 46 topics."""

import json

import numpy as np

from .._file_utils import get_file
from . import _common

FILE_HASH = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
WORD_INDEX_HASH = "4d44cc38712099c9e383dc6e5f11a921"

LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply",
    "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas",
    "cpi", "money-fx", "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin",
    "strategic-metal", "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs",
    "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog", "lead",
)


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2,
              seed=113, start_char=1, oov_char=2, index_from=3):
    """Loads the newswires, transformed as `imdb.load_data`, the last `test_split` held out.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: object arrays of lists of ints, int labels.
    """
    path = get_file(fname=path, origin=f"{_common.ORIGIN_FOLDER}reuters.npz",
                    file_hash=FILE_HASH)
    f = _common.load_npz(path)
    xs, labels = f["x"], f["y"]
    indices = np.arange(len(xs))
    np.random.RandomState(seed).shuffle(indices)
    xs, labels = _common.shift_words(xs[indices], labels[indices], start_char, index_from,
                                     maxlen)
    xs = _common.limit_vocabulary(xs, num_words, skip_top, oov_char)
    cut = int(len(xs) * (1 - test_split))
    return ((_common.object_array(xs[:cut]), np.array(labels[:cut])),
            (_common.object_array(xs[cut:]), np.array(labels[cut:])))


def get_word_index(path="reuters_word_index.json"):
    """The word -> index dictionary of the newswires (indices before `index_from`)."""
    path = get_file(path, origin=f"{_common.ORIGIN_FOLDER}reuters_word_index.json",
                    file_hash=WORD_INDEX_HASH)
    with open(path) as f:
        return json.load(f)


def get_label_names():
    """The 46 topic names, in label order."""
    return LABEL_NAMES
