"""`tapegrad.audio`: `tf.audio`'s names (their code: `_impl/audio_ops.py`)."""

from ._impl.audio_ops import decode_wav, encode_wav

__all__ = ["decode_wav", "encode_wav"]
