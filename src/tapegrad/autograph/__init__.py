"""`tf.autograph`: the conversion of a traced function's Python control flow on tensors into
tf.cond and tf.while_loop (see tapegrad/_impl/autograph.py)."""

from .._impl.autograph import to_code, to_graph
from . import experimental

__all__ = ["experimental", "to_code", "to_graph"]
