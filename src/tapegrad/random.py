"""`tapegrad.random`: `tf.random`'s names (their code: `_impl/random_ops.py` and
`_impl/random_generators.py`)."""

from ._impl.random_generators import (
    Generator, categorical, gamma, get_global_generator, poisson, set_global_generator,
    stateless_categorical, stateless_normal, stateless_truncated_normal, stateless_uniform,
)
from ._impl.random_ops import generator, normal, set_seed, shuffle, truncated_normal, uniform

__all__ = [
    "Generator", "categorical", "gamma", "generator", "get_global_generator", "normal", "poisson",
    "set_global_generator", "set_seed", "shuffle", "stateless_categorical", "stateless_normal",
    "stateless_truncated_normal", "stateless_uniform", "truncated_normal", "uniform",
]
