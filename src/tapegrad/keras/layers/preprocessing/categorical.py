"""CategoryEncoding (integer ids to one-hot, multi-hot or count vectors), Hashing (values to
bins by FarmHash) and HashedCrossing (crosses of features to bins), as Keras 3's."""

import numpy as np

import tapegrad as tf

from ... import backend
from ..arguments import check_integer
from ..layer import Layer
from .index_lookup import encode_categorical

__all__ = ["CategoryEncoding", "HashedCrossing", "Hashing"]


class CategoryEncoding(Layer):
    """Encodes integer ids in [0, num_tokens) along the last axis: "multi_hot" (default),
    "one_hot" (a last axis of size 1 is replaced) or "count" (optionally weighted by
    `count_weights`).

    Args:
        num_tokens: the number of ids, the width of the output.
        output_mode: "multi_hot", "one_hot" or "count".
        sparse: only False (tapegrad has no sparse tensors).

    Raises:
        InvalidArgumentError: at call, for an id outside [0, num_tokens).
    """

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode not in ("count", "one_hot", "multi_hot"):
            raise ValueError(f"Unknown arg for output_mode: {output_mode}")
        if num_tokens is None:
            raise ValueError(
                "num_tokens must be set to use this layer. If the number of tokens is not "
                "known beforehand, use the IntegerLookup layer instead.")
        if num_tokens < 1:
            raise ValueError(f"`num_tokens` must be >= 1. Received: num_tokens={num_tokens}.")
        if sparse:
            raise ValueError(
                "CategoryEncoding: `sparse=True` needs sparse tensors, which tapegrad does not "
                "have; use the dense output (sparse=False).")
        self.num_tokens = num_tokens
        self.output_mode = output_mode
        self.sparse = False

    def _convert(self, x):
        return x  # ids stay integers

    def call(self, inputs, count_weights=None):
        if count_weights is not None and self.output_mode != "count":
            raise ValueError(
                "`count_weights` is not used when `output_mode` is not `'count'`. Received "
                f"`count_weights={count_weights}`.")
        ids = np.asarray(tf.convert_to_tensor(inputs).numpy())
        if ids.size and (ids.min() < 0 or ids.max() >= self.num_tokens):
            raise tf.errors.InvalidArgumentError(
                f"CategoryEncoding '{self.name}': input values must be in the range 0 <= values "
                f"< num_tokens with num_tokens={self.num_tokens}; got values from {ids.min()} "
                f"to {ids.max()}.")
        weights = None if count_weights is None else np.asarray(
            tf.convert_to_tensor(count_weights).numpy())
        return encode_categorical(ids.astype(np.int64), self.output_mode, self.num_tokens,
                                  self._np_dtype, weights)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if not input_shape:
            return (self.num_tokens,)
        if self.output_mode == "one_hot" and (input_shape[-1] != 1 or len(input_shape) == 1):
            return input_shape + (self.num_tokens,)
        return input_shape[:-1] + (self.num_tokens,)

    def get_config(self):
        return {**super().get_config(), "num_tokens": self.num_tokens,
                "output_mode": self.output_mode}


class Hashing(Layer):
    """Hashes strings or integers into `num_bins` bins, as Keras's Hashing on TensorFlow:
    FarmHash's Fingerprint64 of the value's text (floats are cast to integers first) modulo
    the bins, or SipHash-2-4 keyed by `salt`; so bins equal Keras's.

    Args:
        num_bins: the number of bins (the mask bin included, if any).
        mask_value: a value that maps to bin 0 (the others to 1 .. num_bins - 1).
        salt: an integer or pair of integers: a keyed (strong) hash.
        output_mode: "int" (default), "one_hot", "multi_hot" or "count".
        sparse: only False.
    """

    accepts_strings = True  # models that hold it may be fit on text

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False,
                 **kwargs):
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else backend.floatx()
        super().__init__(autocast=False, **kwargs)
        if num_bins is None or num_bins <= 0:
            raise ValueError(
                "The `num_bins` for `Hashing` cannot be `None` or non-positive values. "
                f"Received: num_bins={num_bins}.")
        if output_mode == "int" and self.dtype not in ("int32", "int64"):
            raise ValueError(
                "When `output_mode=\"int\"`, `dtype` should be an integer type, 'int32' or "
                f"'in64'. Received: dtype={kwargs['dtype']}")
        modes = ("int", "one_hot", "multi_hot", "count")
        if output_mode not in modes:
            raise ValueError(
                f"Invalid value for argument `output_mode`. Expected one of {modes}. Received: "
                f"output_mode={output_mode}")
        if sparse:
            raise ValueError(
                "Hashing: `sparse=True` needs sparse tensors, which tapegrad does not have; use "
                "the dense output (sparse=False).")
        self.num_bins = num_bins
        self.mask_value = mask_value
        self.strong_hash = salt is not None
        self.output_mode = output_mode
        self.sparse = False
        self.salt = None
        if salt is not None:
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                self.salt = list(salt)
            elif isinstance(salt, int):
                self.salt = [salt, salt]
            else:
                raise ValueError(
                    "The `salt` argument for `Hashing` can only be a tuple of size 2 integers, "
                    f"or a single integer. Received: salt={salt}.")

    def _convert(self, x):
        return x

    def _bins(self, values):
        bins = self.num_bins
        mask = None
        if self.mask_value is not None and bins > 1:
            bins -= 1
            mask = values == (self.mask_value.encode() if isinstance(self.mask_value, str)
                              and values.dtype == object else self.mask_value)
        if values.dtype.kind == "f":
            values = values.astype(np.int64)
        if values.dtype.kind in "iub":
            text = np.vectorize(lambda v: str(int(v)).encode(), otypes=[object])(values)
        else:
            text = values
        if self.strong_hash:
            out = tf.strings.to_hash_bucket_strong(text, bins, key=self.salt).numpy()
        else:
            out = tf.strings.to_hash_bucket_fast(text, bins).numpy()
        if mask is not None:
            out = np.where(mask, 0, out + 1)
        return np.asarray(out, np.int64)

    def call(self, inputs):
        if isinstance(inputs, tf.Tensor):
            values = np.asarray(inputs.numpy())
        else:
            values = np.asarray(inputs)
        if values.dtype.kind in "USO":
            values = np.vectorize(lambda v: v.encode() if isinstance(v, str) else bytes(v),
                                  otypes=[object])(values) if values.size else values.astype(
                object)
        if self.output_mode == "one_hot" and values.ndim and values.shape[-1] == 1:
            values = values[..., 0]
        bins = self._bins(values) if values.size else values.astype(np.int64)
        if self.output_mode == "int":
            return tf.constant(bins.astype(self._np_dtype))
        return encode_categorical(bins, self.output_mode, self.num_bins, self._np_dtype)

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        if len(input_shape) == 0:
            return (self.num_bins,)
        return tuple(input_shape[:-1]) + (self.num_bins,)

    def get_config(self):
        return {**super().get_config(), "num_bins": self.num_bins, "salt": self.salt,
                "mask_value": self.mask_value, "output_mode": self.output_mode,
                "sparse": self.sparse}


def _as_feature_array(value):
    """A string or integer input as a NumPy array (strings as UTF-8 bytes objects)."""
    array = np.asarray(value.numpy() if isinstance(value, tf.Tensor) else value)
    if array.dtype.kind == "U" or (array.dtype.kind == "O" and array.size
                                   and isinstance(array.flat[0], str)):
        array = np.vectorize(lambda v: v.encode("utf-8") if isinstance(v, str) else bytes(v),
                             otypes=[object])(array)
    return array


class HashedCrossing(Layer):
    """Crosses two or more string or integer features into `num_bins` bins, as Keras's
    HashedCrossing on TensorFlow (`tf.sparse.cross_hashed`): FarmHash fingerprints combined by
    FingerprintCat64, so the bins are Keras's.

    Args:
        num_bins: the number of bins.
        output_mode: "int" (default: int64 bins) or "one_hot" (a last axis of size 1 is
            replaced).
        sparse: only False (tapegrad has no sparse tensors).

    Call arguments:
        inputs: a list or tuple of at least two inputs of one shape, `()`, `(batch,)` or
            `(batch, 1)`, each of strings or integers.

    Example:
        >>> layer = HashedCrossing(num_bins=5)
        >>> layer((["A", "B", "A", "B", "A"], [101, 101, 101, 102, 102])).numpy().tolist()
        [1, 4, 1, 1, 3]
    """

    accepts_strings = True  # models that hold it may be fit on text

    def __init__(self, num_bins, output_mode="int", sparse=False, name=None, dtype=None,
                 **kwargs):
        if output_mode == "int" and dtype is None:
            dtype = "int64"
        super().__init__(name=name, dtype=dtype, autocast=False, **kwargs)
        if output_mode not in ("int", "one_hot"):
            raise ValueError(
                "Unknown value for `output_mode` argument of HashedCrossing. Allowed values "
                f"are: ('int', 'one_hot'). Received: output_mode={output_mode}")
        if sparse:
            raise ValueError(
                "HashedCrossing: `sparse=True` needs sparse tensors, which tapegrad does not "
                "have; use the dense output (sparse=False).")
        self.num_bins = check_integer("HashedCrossing", "num_bins", num_bins, minimum=1)
        self.output_mode = output_mode
        self.sparse = False

    def _convert(self, x):
        return x

    def _features(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(  # noqa: TRY004 - Keras raises ValueError
                "`HashedCrossing` should be called on a list or tuple of inputs. "
                f"Received: inputs={inputs}")
        if len(inputs) < 2:
            raise ValueError("`HashedCrossing` should be called on at least two inputs. "
                             f"Received: inputs={inputs}")
        arrays = [_as_feature_array(x) for x in inputs]
        shape = arrays[0].shape
        if len(shape) > 2 or (len(shape) == 2 and shape[-1] != 1):
            raise ValueError("All `HashedCrossing` inputs should have shape `()`, `(batch_size)` "
                             f"or `(batch_size, 1)`. Received shapes: {[a.shape for a in arrays]}")
        if any(a.shape != shape for a in arrays[1:]):
            raise ValueError("All `HashedCrossing` inputs should have equal shape. Received "
                             f"shapes: {[a.shape for a in arrays]}")
        if any(a.dtype.kind not in "iuO" for a in arrays):
            raise ValueError("All `HashedCrossing` inputs should have an integer or string "
                             f"dtype. Received dtypes: {[a.dtype.name for a in arrays]}")
        return arrays, shape

    def call(self, inputs):
        arrays, shape = self._features(inputs)
        crossed = tf.sparse.cross_hashed([a.reshape(-1, 1) for a in arrays], self.num_bins)
        bins = crossed.values.numpy().reshape(shape)
        if self.output_mode == "int":
            return tf.constant(bins.astype(self._np_dtype))
        if bins.ndim == 2:
            bins = bins[:, 0]
        return tf.one_hot(bins, self.num_bins, dtype=self.compute_dtype)

    def compute_output_shape(self, input_shape):
        first = tuple(input_shape[0])
        if self.output_mode == "int":
            return first
        if first and first[-1] == 1:
            return first[:-1] + (self.num_bins,)
        return first + (self.num_bins,)

    def get_config(self):
        return {"num_bins": self.num_bins, "output_mode": self.output_mode,
                "sparse": self.sparse, "name": self.name, "dtype": self.dtype}
