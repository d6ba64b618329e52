"""tapegrad.debug: gradient debugging beside TensorFlow's API (tapegrad's own addition).

- `explain(tape, target, source)` says why a gradient is None, naming the user's line of each
  step it cites (run the computation inside `with explaining():` for the lines);
  `tape.gradient(..., explain=True)` raises `NoGradientError` with the same reasons instead of
  returning None, and Keras's "No gradients provided for any variable" gives them too.
- `graph(tape, target, sources=None)` is a picture of the recorded computation: `.to_dot()`,
  `.render(path)`, `.to_svg()`, `.summary()`, and inline in Jupyter.
- `with check_numerics():` (or `enable_check_numerics()`) raises at the first NaN or infinity
  an op makes, forward or backward, naming the op, its inputs and the user's line.
  `tf.debugging.enable_check_numerics()` is its forward half.

None of them costs anything while it is not in use.
"""

from ._explain import Explanation, NoGradientError, explain, why_none
from ._graph import Edge, Graph, Node, graph
from ._log import disable_explaining, enable_explaining, explaining
from ._numerics import check_numerics, disable_check_numerics, enable_check_numerics
from ._reasons import KINDS, Reason

__all__ = [
    "KINDS", "Edge", "Explanation", "Graph", "NoGradientError", "Node", "Reason",
    "check_numerics", "disable_check_numerics", "disable_explaining", "enable_check_numerics",
    "enable_explaining", "explain", "explaining", "graph", "why_none",
]
