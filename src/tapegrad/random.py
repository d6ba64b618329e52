"""`tapegrad.random`: `tf.random`'s names (their code: `_impl/random_ops.py`)."""

from ._impl.random_ops import generator, normal, set_seed, shuffle, truncated_normal, uniform

__all__ = ["generator", "normal", "set_seed", "shuffle", "truncated_normal", "uniform"]
