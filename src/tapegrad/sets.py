"""`tapegrad.sets`: `tf.sets`' names (their code: `_impl/set_ops.py`)."""

from ._impl.set_ops import difference, intersection, size, union

__all__ = ["difference", "intersection", "size", "union"]
