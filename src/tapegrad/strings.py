"""`tapegrad.strings`: `tf.strings`'s names (their code: `_impl/string_ops.py`)."""

from ._impl.string_ops import (
    as_string,
    bytes_split,
    format,
    join,
    length,
    lower,
    reduce_join,
    regex_replace,
    split,
    strip,
    substr,
    to_hash_bucket_fast,
    to_hash_bucket_strong,
    to_number,
    unicode_decode,
    unicode_encode,
    unicode_split,
    upper,
)

__all__ = [
    "as_string", "bytes_split", "format", "join", "length", "lower", "reduce_join",
    "regex_replace", "split", "strip", "substr", "to_hash_bucket_fast", "to_hash_bucket_strong",
    "to_number", "unicode_decode", "unicode_encode", "unicode_split", "upper",
]
