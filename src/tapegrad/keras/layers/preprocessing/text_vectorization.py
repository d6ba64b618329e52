"""`TextVectorization`: strings to token indices or bag-of-words vectors (Keras 3's)."""

import re

import numpy as np

import tapegrad as tf

from ..layer import Layer
from .adapt import adapt_by_batches, string_array
from .index_lookup import listify
from .lookups import StringLookup

__all__ = ["TextVectorization"]

# Keras's punctuation (the ASCII punctuation but for the hyphen's range quirk: ',-.' is a range).
_PUNCTUATION = re.compile(rb'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']')
_STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
_SPLIT = ("whitespace", "character")


def _check_choice(value, allowed, arg):
    if value is None or callable(value) or value in allowed:
        return
    raise ValueError(
        f"Unknown value for `{arg}` argument of layer TextVectorization. Allowed values are: "
        f"{allowed}, None, or a callable. Received: {value}")


def _as_bytes_array(inputs):
    """Any string input (tensor, array, list, str) as an object array of bytes."""
    return string_array(inputs, "TextVectorization")


def _to_rows(value):
    """A split's result (a RaggedTensor, a string tensor, or lists) as lists of bytes."""
    if hasattr(value, "to_list"):
        return value.to_list()
    if isinstance(value, tf.Tensor):
        return np.asarray(value.numpy(), dtype=object).tolist()
    return value


def _ngrams(row, widths):
    out = []
    for n in widths:
        out.extend(b" ".join(row[i : i + n]) for i in range(len(row) - n + 1))
    return out


class TextVectorization(Layer):
    """Turns strings into sequences of token indices (or multi-hot, count or TF-IDF vectors):
    standardize, split, optionally form n-grams, look up in a vocabulary learned by `adapt`.

    Args:
        max_tokens: the vocabulary's maximum size, the padding token "" and OOV "[UNK]"
            included (None: no limit).
        standardize: "lower_and_strip_punctuation" (default), "lower", "strip_punctuation",
            None, or a function of a string tensor. "lower" lower-cases ASCII letters only, as
            TensorFlow's `tf.strings.lower`.
        split: "whitespace" (default), "character", None (each string is one token), or a
            function of a string tensor returning a RaggedTensor (or lists) of tokens.
        ngrams: None, an int n (1..n-grams) or a tuple of widths; joined by a space.
        output_mode: "int" (default; 0 pads, 1 is OOV), "multi_hot", "count" or "tf_idf".
        output_sequence_length: for "int", cut or pad each row to this length (default: pad to
            the longest row of the batch).
        pad_to_max_tokens: for the vector modes, make the width max_tokens.
        vocabulary: a list of tokens, or a text file with one per line.
        idf_weights: for "tf_idf" with a given vocabulary.
        ragged, sparse: only False (tapegrad returns dense tensors).
        encoding: of the strings (utf-8).

    `adapt(data)` accepts a list or array of strings, a `tf.data` Dataset of strings and any
    iterable of batches. The vocabulary lists the most frequent tokens first, ties broken by
    token from high to low, as Keras's.
    """

    accepts_strings = True  # models that hold it may be fit on text

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation",
                 split="whitespace", ngrams=None, output_mode="int",
                 output_sequence_length=None, pad_to_max_tokens=False, vocabulary=None,
                 idf_weights=None, sparse=False, ragged=False, encoding="utf-8", name=None,
                 **kwargs):
        _check_choice(standardize, _STANDARDIZE, "standardize")
        _check_choice(split, _SPLIT, "split")
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        modes = ("int", "one_hot", "multi_hot", "count", "tf_idf")
        if output_mode not in modes:
            raise ValueError(
                "Unknown value for `output_mode` argument of layer TextVectorization. Allowed "
                f"values are: {modes}. Received: {output_mode}")
        if not (ngrams is None or isinstance(ngrams, int) or (
                isinstance(ngrams, tuple) and all(isinstance(i, int) for i in ngrams))):
            raise ValueError(
                "`ngrams` must be None, an integer, or a tuple of integers. Received: "
                f"ngrams={ngrams}")
        if output_mode == "int" and not (
                output_sequence_length is None or isinstance(output_sequence_length, int)):
            raise ValueError(
                "`output_sequence_length` must be either None or an integer when "
                f"`output_mode` is 'int'. Received: output_sequence_length="
                f"{output_sequence_length}")
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError(
                "`output_sequence_length` must not be set if `output_mode` is not 'int'. "
                f"Received output_sequence_length={output_sequence_length}.")
        if ragged or sparse:
            raise ValueError(
                "TextVectorization: `ragged` and `sparse` outputs need ragged and sparse "
                "tensors, which tapegrad's layers do not return; rows are padded with 0 "
                "(ragged=False, sparse=False).")
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        kwargs.pop("dtype", None)
        super().__init__(name=name, autocast=False, **kwargs)
        self._standardize = standardize
        self._split = split
        self._ngrams_arg = ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        self._output_mode = output_mode
        self._output_sequence_length = output_sequence_length
        self._encoding = encoding
        self._ragged = False
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens, vocabulary=vocabulary, idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens, mask_token="", output_mode=output_mode,
            has_input_vocabulary=has_input_vocabulary, encoding=encoding,
            vocabulary_size=vocabulary_size,
        )
        self.built = True

    def _convert(self, x):
        return x  # strings stay strings

    def build(self, input_shape=None):
        self.built = True

    # -- the text pipeline ------------------------------------------------------------------------
    def _standardized(self, strings):
        standardize = self._standardize
        if standardize in ("lower", "lower_and_strip_punctuation"):
            strings = np.vectorize(bytes.lower, otypes=[object])(strings)
        if standardize in ("strip_punctuation", "lower_and_strip_punctuation"):
            strings = np.vectorize(lambda s: _PUNCTUATION.sub(b"", s), otypes=[object])(strings)
        if callable(standardize):
            strings = _as_bytes_array(standardize(tf.constant(strings)))
        return strings

    def _preprocess(self, inputs):
        """The token rows of a batch (a list of lists of bytes), or the dense array of tokens
        when there is no split."""
        strings = _as_bytes_array(inputs)
        if strings.size:
            strings = self._standardized(strings)
        if self._split is None:
            rows = strings
        else:
            if strings.ndim > 1:
                if strings.shape[-1] != 1:
                    raise ValueError(
                        "When using `TextVectorization` to tokenize strings, the input rank "
                        "must be 1 or the last shape dimension must be 1. Received: "
                        f"inputs.shape={strings.shape} with rank={strings.ndim}")
                strings = strings[..., 0]
            if self._split == "whitespace":
                rows = [s.split() for s in strings.reshape(-1)]
            elif self._split == "character":
                rows = _to_rows(tf.strings.unicode_split(tf.constant(strings.reshape(-1)),
                                                         "UTF-8"))
            else:
                rows = _to_rows(self._split(tf.constant(strings)))
            rows = [[bytes(t) for t in row] for row in rows]
        if self._ngrams is not None:
            if self._split is None:
                rows = [[t] for t in np.asarray(rows).reshape(-1)]
            rows = [_ngrams(row, self._ngrams) for row in rows]
        return rows

    # -- adapt ------------------------------------------------------------------------------
    def adapt(self, data, batch_size=None, steps=None):
        """Learns the vocabulary (and IDF weights) from `data` (see the class docstring)."""
        adapt_by_batches(self, data, steps)

    def update_state(self, data):
        lookup = self._lookup_layer
        if lookup._has_input_vocabulary:
            raise ValueError(
                f"Cannot adapt layer '{lookup.name}' after setting a static vocabulary via "
                "`vocabulary` argument or `set_vocabulary()` method.")
        rows = self._preprocess(data)
        if isinstance(rows, np.ndarray):
            rows = [list(r) for r in (rows.reshape(-1, 1) if rows.ndim < 2 else
                                      rows.reshape(rows.shape[0], -1))]
        lookup._count_rows(rows)

    def finalize_state(self):
        self._lookup_layer.finalize_state()

    def reset_state(self):
        self._lookup_layer.reset_state()

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary in index order ("" and "[UNK]" first, unless
        `include_special_tokens=False`)."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self):
        """The vocabulary's size, the padding and OOV tokens included."""
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Sets the vocabulary (and IDF weights for "tf_idf") directly."""
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    # -- calling ----------------------------------------------------------------------------
    def call(self, inputs):
        rows = self._preprocess(inputs)
        lookup = self._lookup_layer
        if isinstance(rows, np.ndarray):  # no split: one token per string, shape kept
            if self._output_mode != "int":
                return lookup.call(rows)
            out = lookup._lookup(lookup._keys(rows)) if rows.size else rows.astype(np.int64)
        else:
            lookup._ensure_known_vocab_size()
            flat = [t for row in rows for t in row]
            indices = lookup._lookup(np.asarray(flat, dtype=object)) if flat else np.zeros(
                0, np.int64)
            if self._output_mode != "int":
                return self._bag(rows, indices)
            length = self._output_sequence_length
            if length is None:
                length = max((len(r) for r in rows), default=0)
            out = np.zeros((len(rows), length), np.int64)
            start = 0
            for i, row in enumerate(rows):
                n = len(row)
                take = min(n, length)
                out[i, :take] = indices[start : start + take]
                start += n
            return tf.constant(out)
        length = self._output_sequence_length
        if length is not None:
            out = out[..., :length]
            if out.shape[-1] < length:
                pad = [(0, 0)] * (out.ndim - 1) + [(0, length - out.shape[-1])]
                out = np.pad(out, pad)
        return tf.constant(np.asarray(out, np.int64))

    def _bag(self, rows, indices):
        """The multi-hot, count or TF-IDF vectors of token rows."""
        lookup = self._lookup_layer
        depth = lookup._depth()
        counts = np.zeros((len(rows), depth), np.int64)
        row_of = np.repeat(np.arange(len(rows)), [len(r) for r in rows])
        valid = (indices >= 0) & (indices < depth)
        np.add.at(counts, (row_of[valid], indices[valid]), 1)
        if self._output_mode in ("multi_hot", "one_hot"):
            counts = np.minimum(counts, 1)
        if self._output_mode == "tf_idf":
            return tf.constant(counts.astype(lookup.idf_weights.dtype) * lookup.idf_weights)
        return tf.constant(counts)

    def compute_output_shape(self, input_shape):
        if self._output_mode == "int":
            return (input_shape[0], self._output_sequence_length)
        if self._split is None:
            if len(input_shape) <= 1:
                input_shape = tuple(input_shape) + (1,)
        else:
            input_shape = tuple(input_shape) + (None,)
        return self._lookup_layer.compute_output_shape(input_shape)

    @property
    def compute_dtype(self):
        """"string", as Keras 3's: a Sequential model it starts takes string inputs."""
        return "string"

    def get_config(self):
        lookup = self._lookup_layer
        return {
            **super().get_config(),
            "max_tokens": lookup.max_tokens,
            "standardize": self._standardize,
            "split": self._split,
            "ngrams": self._ngrams_arg,
            "output_mode": self._output_mode,
            "output_sequence_length": self._output_sequence_length,
            "pad_to_max_tokens": lookup.pad_to_max_tokens,
            "sparse": False,
            "ragged": False,
            "vocabulary": listify(lookup.input_vocabulary),
            "idf_weights": listify(lookup.input_idf_weights),
            "encoding": self._encoding,
            "vocabulary_size": self.vocabulary_size(),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        return cls(**config)
