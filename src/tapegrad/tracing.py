"""`tapegrad.tracing`: how code that is not made of tapegrad ops takes part in `tf.function`.

`tf.function` traces a Python function into a program of tapegrad ops and variable reads and
writes, then runs the program on each call. Code whose work is not tapegrad ops (an optimizer's
update computed in NumPy, say) marks itself with `effect`: the program then calls it on every
run, with that run's tensors, instead of keeping what tracing saw. This namespace is tapegrad's
own; TensorFlow traces such code as graph ops. Code that draws random numbers in NumPy makes
its tensor with `draw`: the program draws anew at each call, where a tensor made from the draw
would be a constant of the trace.
"""

from ._core.trace import effect
from ._impl.random_ops import sampled as draw

__all__ = ["draw", "effect", "function"]


def function(func, warn=True, **options):
    """`tf.function(func, **options)` for library code that traces on the user's behalf
    (Keras's train, test and predict steps, a dataset's functions): with `warn=False` it never
    warns about retracing or about running eagerly (where the function cannot be traced)."""
    from ._impl.function import Function  # loaded with tf.function

    return Function(func, warn_on_retracing=warn, **options)
