"""StringLookup and IntegerLookup (Keras 3's)."""

import numpy as np

import tapegrad as tf

from .adapt import string_array
from .index_lookup import IndexLookup

__all__ = ["IntegerLookup", "StringLookup"]


def _text(x, encoding="utf-8"):
    return x.decode(encoding) if isinstance(x, bytes) else x


class StringLookup(IndexLookup):
    """Maps strings to integer indices (or back, with `invert=True`).

    Args:
        max_tokens: the vocabulary's maximum size, special tokens included (None: no limit).
        num_oov_indices: out-of-vocabulary slots (default 1); with more than one, a token's slot
            is FarmHash's fingerprint (SipHash with `salt`) modulo their number, as Keras.
        mask_token: a token that maps to 0 (None: none).
        oov_token: what `invert` gives for an unknown index ("[UNK]").
        vocabulary: a list, array or tensor of tokens, or a text file with one per line.
        idf_weights: for "tf_idf" with a given vocabulary.
        invert: map indices back to tokens.
        output_mode: "int" (default), "one_hot", "multi_hot", "count" or "tf_idf".
        pad_to_max_tokens: make the encoded width max_tokens.
        encoding: of the strings (utf-8).
        salt: for the hashing of OOV tokens.

    `adapt(data)` learns the vocabulary: most frequent first, ties by token from high to low.
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]",
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int",
                 pad_to_max_tokens=False, sparse=False, encoding="utf-8", name=None, salt=None,
                 **kwargs):
        self.encoding = encoding
        super().__init__(
            max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
            oov_token=oov_token, vocabulary=vocabulary, idf_weights=idf_weights, invert=invert,
            output_mode=output_mode, pad_to_max_tokens=pad_to_max_tokens, sparse=sparse,
            name=name, salt=salt, vocabulary_dtype="string", **kwargs,
        )

    def _key(self, token):
        if isinstance(token, str):
            return token.encode(self.encoding)
        if isinstance(token, (bytes, np.bytes_)):
            return bytes(token)
        raise TypeError(
            f"StringLookup '{self.name}': tokens must be strings, got {token!r} of type "
            f"{type(token).__name__}")

    def _keys(self, inputs):
        return string_array(inputs, f"StringLookup '{self.name}'", self._key,
                            "; use IntegerLookup for integers")

    def _token(self, key):
        return _text(key, self.encoding)

    def get_config(self):
        config = {**super().get_config(), "encoding": self.encoding}
        del config["vocabulary_dtype"]
        return config


class IntegerLookup(IndexLookup):
    """Maps integers to contiguous indices (or back, with `invert=True`).

    Args:
        max_tokens, num_oov_indices, mask_token, vocabulary, idf_weights, invert, output_mode,
            pad_to_max_tokens, salt: as StringLookup's.
        oov_token: what `invert` gives for an unknown index (-1).
        vocabulary_dtype: "int64", the only one.
        oov_method: how several OOV slots are chosen: "floormod" (the value modulo their
            number, default) or "farmhash" (of the value's decimal text).
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1,
                 vocabulary=None, vocabulary_dtype="int64", idf_weights=None, invert=False,
                 output_mode="int", sparse=False, pad_to_max_tokens=False,
                 oov_method="floormod", salt=None, name=None, **kwargs):
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(
                "If `max_tokens` is set for `IntegerLookup`, it must be greater than 1. "
                f"Received: max_tokens={max_tokens}")
        if num_oov_indices < 0:
            raise ValueError(
                "The value of `num_oov_indices` argument for `IntegerLookup` must >= 0. "
                f"Received: num_oov_indices={num_oov_indices}")
        if vocabulary_dtype != "int64":
            raise ValueError(
                "Only `vocabulary_dtype='int64'` is supported at this time. Received: "
                f"vocabulary_dtype={vocabulary_dtype}")
        super().__init__(
            max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
            oov_token=oov_token, vocabulary=vocabulary, vocabulary_dtype=vocabulary_dtype,
            idf_weights=idf_weights, invert=invert, output_mode=output_mode, sparse=sparse,
            pad_to_max_tokens=pad_to_max_tokens, oov_method=oov_method, salt=salt, name=name,
            **kwargs,
        )

    def _key(self, token):
        if isinstance(token, (bool, np.bool_)) or not isinstance(
                token, (int, np.integer, float, np.floating)):
            raise TypeError(
                f"IntegerLookup '{self.name}': tokens must be integers, got {token!r} of type "
                f"{type(token).__name__}")
        return int(token)

    def _keys(self, inputs):
        array = inputs.numpy() if isinstance(inputs, tf.Tensor) else np.asarray(inputs)
        if array.dtype.kind not in "iuf":
            raise TypeError(
                f"IntegerLookup '{self.name}' expects integer inputs, got dtype {array.dtype}; "
                "use StringLookup for strings.")
        return array.astype(np.int64)

    def _lookup(self, keys):
        # A vectorized path for integers: the dict over unique values only.
        unique, inverse = np.unique(keys.reshape(-1), return_inverse=True)
        return super()._lookup(unique)[inverse].reshape(keys.shape)

    def _token(self, key):
        return int(key)

    def _output_keys(self, keys):
        return tf.constant(keys.astype(np.int64))
