"""`IndexLookup`, the base of StringLookup and IntegerLookup: a vocabulary of tokens mapped to
indices, learned by `adapt` or given, as Keras 3's (its rules for special tokens, ties and
out-of-vocabulary tokens), in Python dicts over NumPy arrays."""

import collections
import os

import numpy as np

import tapegrad as tf

from ... import backend
from ..layer import Layer
from .adapt import adapt_by_batches

__all__ = ["IndexLookup", "encode_categorical", "listify"]

_INT64_MAX = np.iinfo(np.int64).max
_OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


def listify(x):
    """A config value as JSON holds it (arrays and tensors as lists, bytes as text)."""
    if x is None or isinstance(x, str):
        return x
    if isinstance(x, tf.Tensor):
        x = x.numpy()
    if isinstance(x, np.ndarray):
        x = x.tolist()
    if isinstance(x, (list, tuple)):
        return [listify(v) for v in x]
    if isinstance(x, bytes):
        return x.decode("utf-8")
    return x.item() if isinstance(x, np.generic) else x


def encode_categorical(indices, output_mode, depth, dtype, count_weights=None):
    """Keras's `encode_categorical_inputs` on a NumPy array of indices of any rank: one_hot
    (a new `depth`-wide last axis; a last axis of size 1 is replaced), multi_hot or count (the
    last axis becomes `depth` wide). Indices outside [0, depth) are dropped (as the bincount
    TensorFlow uses drops them)."""
    indices = np.asarray(indices)
    if indices.ndim == 0:
        indices = indices.reshape(1)
    if output_mode == "one_hot":
        if indices.ndim > 1 and indices.shape[-1] == 1:
            indices = indices[..., 0]
        indices = indices[..., None]  # each index a row of its own
    lead = indices.shape[:-1]
    rows = indices.reshape(-1, indices.shape[-1])
    out = np.zeros((rows.shape[0], depth), np.float64)
    valid = (rows >= 0) & (rows < depth)
    r, c = np.nonzero(valid)
    weights = 1.0 if count_weights is None else np.asarray(count_weights).reshape(rows.shape)[
        r, c]
    np.add.at(out, (r, rows[r, c]), weights)
    if output_mode in ("one_hot", "multi_hot"):
        out = np.minimum(out, 1.0)
    return tf.constant(out.reshape(lead + (depth,)).astype(dtype))


class IndexLookup(Layer):
    """Maps tokens to integer indices through a vocabulary (see StringLookup and IntegerLookup
    for the arguments). Indices: the mask token 0 (in "int" mode, when there is one), then the
    `num_oov_indices` out-of-vocabulary slots, then the vocabulary, most frequent first (ties
    by token, high to low)."""

    _accepts_ragged = True

    accepts_strings = True  # models that hold it may be fit on text

    def __init__(self, max_tokens, num_oov_indices, mask_token, oov_token, vocabulary_dtype,
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int",
                 sparse=False, pad_to_max_tokens=False, oov_method="floormod", name=None,
                 salt=None, **kwargs):
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(
                f"If set, `max_tokens` must be greater than 1. Received: max_tokens={max_tokens}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(
                f"If pad_to_max_tokens is True, must set `max_tokens`. Received: "
                f"max_tokens={max_tokens}")
        if num_oov_indices < 0:
            raise ValueError(
                "`num_oov_indices` must be greater than or equal to 0. Received: "
                f"num_oov_indices={num_oov_indices}")
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(
                f"Unknown value for `oov_method` argument of layer {type(self).__name__}. "
                f"Allowed values are: ('floormod', 'farmhash'). Received: {oov_method}")
        if salt is not None:
            if vocabulary_dtype != "string" and oov_method != "farmhash":
                raise ValueError(
                    "`salt` can only be used when `oov_method='farmhash'`. Received: "
                    f"oov_method={oov_method}")
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                salt = list(salt)
            elif isinstance(salt, int):
                salt = [salt, salt]
            else:
                raise ValueError(
                    "The `salt` argument for `IndexLookup` can only be a tuple of 2 integers, "
                    f"or a single integer. Received: salt={salt}.")
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        if output_mode not in _OUTPUT_MODES:
            raise ValueError(
                f"Unknown value for `output_mode` argument of layer {type(self).__name__}. "
                f"Allowed values are: {_OUTPUT_MODES}. Received: {output_mode}")
        if invert and output_mode != "int":
            raise ValueError(
                "`output_mode` must be `'int'` when `invert` is true. Received: "
                f"output_mode={output_mode}")
        if sparse:
            raise ValueError(
                f"{type(self).__name__}: `sparse=True` needs sparse tensors, which tapegrad "
                "does not have; use the dense output (sparse=False).")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(
                "`idf_weights` should only be set if `output_mode` is `'tf_idf'`. Received: "
                f"idf_weights={idf_weights} and output_mode={output_mode}")
        frozen = kwargs.pop("vocabulary_size", None)
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        kwargs.pop("trainable", None)
        kwargs.pop("dtype", None)
        if kwargs:
            raise ValueError(f"Unrecognized keyword argument(s): {kwargs}")
        super().__init__(name=name, autocast=False)
        self.invert = bool(invert)
        self.max_tokens = max_tokens
        self.num_oov_indices = num_oov_indices
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.output_mode = output_mode
        self.sparse = False
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        self.vocabulary_dtype = vocabulary_dtype
        self.oov_method = oov_method
        self.salt = salt
        self.input_vocabulary = vocabulary if not isinstance(vocabulary, str) else None
        self.input_idf_weights = idf_weights
        self._frozen_vocab_size = frozen
        self._has_input_vocabulary = has_input_vocabulary
        self._tokens = []
        self._table = {}
        self.idf_weights = None
        self._counts = collections.Counter()
        self._document_counts = collections.Counter()
        self._num_documents = 0
        if output_mode == "tf_idf" and has_input_vocabulary and idf_weights is None:
            raise ValueError(
                "When specifying the `vocabulary` argument, in TF-IDF output mode, the "
                "`idf_weights` argument must also be provided.")
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)
        self.built = True

    # -- keys: the tokens' internal form (bytes for strings, ints) -----------------------------
    def _key(self, token):
        raise NotImplementedError

    def _keys(self, inputs):
        """The inputs as a NumPy array of keys."""
        raise NotImplementedError

    def _token(self, key):
        """A key as get_vocabulary shows it."""
        return key

    # -- vocabulary ---------------------------------------------------------------------------
    def _oov_start_index(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self):
        return self._oov_start_index() + self.num_oov_indices

    def vocabulary_size(self):
        """The size of the vocabulary, mask and OOV indices included."""
        return len(self._tokens) + self._token_start_index()

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary in index order (with the mask and OOV tokens first, unless
        `include_special_tokens=False`)."""
        vocab = [self.oov_token] * self._token_start_index() + [
            self._token(k) for k in self._tokens]
        if self.mask_token is not None and self.output_mode == "int":
            vocab[0] = self.mask_token
        return vocab if include_special_tokens else vocab[self._token_start_index():]

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Sets the vocabulary (an array, list or tensor of tokens, or the path of a text file
        with one per line) and, in "tf_idf" mode, the IDF weights.

        Raises:
            ValueError: for repeated tokens, special tokens out of place, a vocabulary larger
                than max_tokens, or IDF weights that do not fit.
        """
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError("`idf_weights` must be set if output_mode is 'tf_idf'.")
        elif idf_weights is not None:
            raise ValueError(
                "`idf_weights` should only be set if output_mode is `'tf_idf'`. Received: "
                f"output_mode={self.output_mode} and idf_weights={idf_weights}")
        if isinstance(vocabulary, str):
            if not os.path.exists(vocabulary):
                raise ValueError(f"Vocabulary file {vocabulary} does not exist.")
            if self.output_mode == "tf_idf":
                raise ValueError(
                    "output_mode `'tf_idf'` does not support loading a vocabulary from file.")
            with open(vocabulary, encoding="utf-8") as f:
                vocabulary = f.read().splitlines()
            while vocabulary and vocabulary[-1] == "":
                vocabulary.pop()
        keys = [self._key(t) for t in np.asarray(listify(vocabulary), dtype=object).reshape(-1)]
        if not keys:
            raise ValueError(f"Cannot set an empty vocabulary. Received: vocabulary={vocabulary}")
        start = self._token_start_index()
        special = [self._key(self.mask_token)] if self._oov_start_index() else []
        if self.num_oov_indices:
            special += [self._key(self.oov_token)] * self.num_oov_indices
        found_special = keys[:start] == special
        tokens = keys[start:] if found_special else keys
        repeated = [t for t, c in collections.Counter(tokens).items() if c > 1]
        if repeated:
            raise ValueError(
                "The passed vocabulary has at least one repeated term. Please uniquify your "
                f"dataset. The repeated terms are: {[self._token(t) for t in repeated]}")
        for kind, token in (("mask", self.mask_token), ("OOV", self.oov_token)):
            if token is None or (kind == "OOV" and not self.invert):
                continue
            if self._key(token) in tokens:
                raise ValueError(
                    f"Found reserved {kind} token at unexpected location in `vocabulary`. Note "
                    "that passed `vocabulary` does not need to include the OOV and mask tokens. "
                    "Either remove all mask and OOV tokens, or include them only at the start "
                    f"of the vocabulary in precisely this order: "
                    f"{[self._token(t) for t in special]}. Received: {kind.lower()}_token="
                    f"{token!r}")
        if self.max_tokens is not None and start + len(tokens) > self.max_tokens:
            raise ValueError(
                "Attempted to set a vocabulary larger than the maximum vocab size. Received "
                f"vocabulary size is {start + len(tokens)}; `max_tokens` is {self.max_tokens}.")
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            weights = np.asarray(listify(idf_weights), dtype=np.float64).reshape(-1)
            if len(weights) != len(keys):
                raise ValueError(
                    "`idf_weights` must be the same length as vocabulary. len(idf_weights) is "
                    f"{len(weights)}; len(vocabulary) is {len(keys)}")
            pad = 0 if found_special else start
            value = 0.0 if found_special else float(np.mean(weights))
            back = (self.max_tokens - pad - len(weights)) if self.pad_to_max_tokens else 0
            weights = np.concatenate([np.full(pad, value), weights, np.zeros(back)])
            self.idf_weights = weights.astype(backend.floatx())
        self._record_vocabulary_size()

    def _set_tokens(self, tokens):
        start = self._token_start_index()
        self._tokens = list(tokens)
        self._table = {t: i + start for i, t in enumerate(tokens)}

    def _record_vocabulary_size(self):
        if self.output_mode != "int" and not self.pad_to_max_tokens:
            frozen = self._frozen_vocab_size
            if frozen is not None and self._tokens and frozen != self.vocabulary_size() and (
                    getattr(self, "_called", None)):
                raise RuntimeError(
                    f"When using `output_mode={self.output_mode}` and "
                    "`pad_to_max_tokens=False`, the vocabulary size cannot be changed after the "
                    f"layer is called. Old vocab size is {frozen}, new vocab size is "
                    f"{self.vocabulary_size()}")
        self._frozen_vocab_size = self.vocabulary_size()

    # -- adapt ------------------------------------------------------------------------------
    def adapt(self, data, steps=None):
        """Learns the vocabulary from `data`: arrays, lists, tensors, a `tf.data` Dataset or
        an iterable of batches (`steps` batches at most)."""
        adapt_by_batches(self, data, steps)

    def update_state(self, data):
        if self._has_input_vocabulary:
            raise ValueError(
                f"Cannot adapt layer '{self.name}' after setting a static vocabulary via "
                "`vocabulary` argument or `set_vocabulary()` method.")
        self._count_rows(_rows(self._keys(data)))

    def _count_rows(self, rows):
        for row in rows:
            self._counts.update(row)
        if self.output_mode == "tf_idf":
            for row in rows:
                self._document_counts.update(set(row))
            self._num_documents = self._num_documents + len(rows)

    def finalize_state(self):
        if self._has_input_vocabulary or not self._counts:
            self._record_vocabulary_size()
            return
        counts = self._counts
        for special in (self.mask_token, self.oov_token):
            if special is not None:
                counts.pop(self._key(special), None)
        # Most frequent first, ties by token from high to low (Keras's lexsort, reversed).
        ranked = sorted(counts.items(), key=lambda kv: (kv[1], kv[0]), reverse=True)
        if self.max_tokens:
            ranked = ranked[: self.max_tokens - self._token_start_index()]
        tokens = [t for t, _ in ranked]
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            docs = np.array([self._document_counts[t] for t in tokens], np.float64)
            idf = np.log(1.0 + self._num_documents / (1.0 + docs))
            weights = np.concatenate([np.full(self._token_start_index(), idf.mean()), idf])
            if self.pad_to_max_tokens and self.max_tokens is not None:
                weights = np.concatenate([weights, np.zeros(self.max_tokens - len(weights))])
            self.idf_weights = weights.astype(backend.floatx())
        self.reset_state()
        self._record_vocabulary_size()

    def reset_state(self):
        if self._has_input_vocabulary:
            return
        self._counts = collections.Counter()
        self._document_counts = collections.Counter()
        self._num_documents = 0

    # -- lookup ------------------------------------------------------------------------------
    def _convert(self, x):
        return x  # tokens are converted by `_keys`, never cast to a float type

    def _oov_indices(self, keys):
        """The OOV slot of each key (more than one OOV index: hashed or taken modulo)."""
        n = self.num_oov_indices
        if isinstance(keys[0] if len(keys) else b"", (int, np.integer)) and (
                self.oov_method != "farmhash"):
            return np.mod(np.asarray(keys, np.int64), n)
        text = [k if isinstance(k, bytes) else str(int(k)).encode() for k in keys]
        if self.salt is not None:
            return tf.strings.to_hash_bucket_strong(text, n, key=self.salt).numpy()
        return tf.strings.to_hash_bucket_fast(text, n).numpy()

    def _lookup(self, keys):
        """Indices of a NumPy array of keys (any shape)."""
        flat = keys.reshape(-1)
        table, default = self._table, -1
        out = np.fromiter((table.get(k, default) for k in flat), np.int64, count=flat.size)
        if self.mask_token is not None:
            mask_key = self._key(self.mask_token)
            masked = np.fromiter((k == mask_key for k in flat), bool, count=flat.size)
            out[masked] = 0 if self.output_mode == "int" else _INT64_MAX
        else:
            masked = np.zeros(flat.size, bool)
        missing = (out == -1) & ~masked
        if missing.any():
            if self.num_oov_indices == 0:
                raise tf.errors.InvalidArgumentError(
                    "When `num_oov_indices=0` all inputs should be in vocabulary, found OOV "
                    f"values {[self._token(k) for k in flat[missing][:10]]}, consider setting "
                    "`num_oov_indices=1`.")
            if self.num_oov_indices == 1:
                out[missing] = self._oov_start_index()
            else:
                out[missing] = self._oov_indices(flat[missing]) + self._oov_start_index()
        return out.reshape(keys.shape)

    def _invert(self, indices):
        lookup = {i: t for t, i in self._table.items()}
        if self.mask_token is not None:
            lookup[0] = self._key(self.mask_token)
        default = self._key(self.oov_token)
        flat = [lookup.get(int(i), default) for i in indices.reshape(-1)]
        return np.asarray(flat, dtype=object).reshape(indices.shape)

    def _ensure_known_vocab_size(self):
        if self.output_mode != "int" and not self.pad_to_max_tokens and not self._tokens and (
                not self.get_vocabulary(False)):
            raise RuntimeError(
                f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, "
                "you must set the layer's vocabulary before calling it. Either pass a "
                "`vocabulary` argument to the layer, or call `adapt` with some sample data.")

    def _depth(self):
        return self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size

    def call(self, inputs):
        if isinstance(inputs, tf.RaggedTensor):
            return self._call_ragged(inputs)
        self._ensure_known_vocab_size()
        self._called = True
        if self.invert:
            indices = np.asarray(tf.convert_to_tensor(inputs).numpy(), np.int64)
            return self._output_keys(self._invert(indices))
        indices = self._lookup(self._keys(inputs))
        return self._encode(indices)

    def _call_ragged(self, inputs):
        """As Keras 3 on TensorFlow: in "int" mode (and inverted) a RaggedTensor maps to one
        with the same rows; multi_hot, count and tf_idf encode each row (its indices padded
        with -1, which encoding drops)."""
        if self.output_mode == "int" or self.invert:
            return inputs.with_flat_values(self.call(inputs.flat_values))
        if self.output_mode == "one_hot":
            raise ValueError(
                f"{type(self).__name__} '{self.name}': output_mode='one_hot' needs one token per "
                f"row, not a RaggedTensor; use 'multi_hot' or 'count' for rows of tokens.")
        self._ensure_known_vocab_size()
        self._called = True
        flat = self._lookup(self._keys(inputs.flat_values))
        lengths = inputs.row_lengths().numpy()
        padded = np.full((lengths.size, max(int(lengths.max(initial=0)), 1)), -1, np.int64)
        padded[np.arange(padded.shape[1]) < lengths[:, None]] = flat
        return self._encode(padded)

    def _encode(self, indices):
        if self.output_mode == "int":
            return tf.constant(indices.astype(np.int64))
        out = encode_categorical(indices, "count" if self.output_mode == "tf_idf" else
                                 self.output_mode, self._depth(), np.int64)
        if self.output_mode == "tf_idf":
            return tf.cast(out, backend.floatx()) * tf.constant(self.idf_weights)
        return out

    def _output_keys(self, keys):
        return tf.constant(keys)

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        depth = self._depth()
        input_shape = tuple(input_shape)
        if self.output_mode == "one_hot":
            if len(input_shape) > 1 and input_shape[-1] == 1:
                return input_shape[:-1] + (depth,)
            return input_shape + (depth,)
        return input_shape[:-1] + (depth,)

    @property
    def compute_dtype(self):
        """The vocabulary's dtype, as Keras 3's: a Sequential model it starts takes it."""
        return self.vocabulary_dtype

    def get_config(self):
        return {
            **super().get_config(),
            "invert": self.invert,
            "max_tokens": self.max_tokens,
            "num_oov_indices": self.num_oov_indices,
            "oov_token": self.oov_token,
            "mask_token": self.mask_token,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "pad_to_max_tokens": self.pad_to_max_tokens,
            "vocabulary_dtype": self.vocabulary_dtype,
            "idf_weights": listify(self.input_idf_weights),
            "vocabulary": listify(self.input_vocabulary),
            "vocabulary_size": self._frozen_vocab_size,
            "oov_method": self.oov_method,
            "salt": self.salt,
        }


def _rows(keys):
    """A 2-D (or lower) array of keys as rows (documents) of tokens."""
    if keys.ndim == 0:
        return [[keys.item() if hasattr(keys, "item") else keys]]
    if keys.ndim == 1:
        return [list(keys)]
    return [list(r) for r in keys.reshape(keys.shape[0], -1)]
