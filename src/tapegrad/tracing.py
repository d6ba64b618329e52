"""`tapegrad.tracing`: how code that is not made of tapegrad ops takes part in `tf.function`.

`tf.function` traces a Python function into a program of tapegrad ops and variable reads and
writes, then runs the program on each call. Code whose work is not tapegrad ops (an optimizer's
update computed in NumPy, say) marks itself with `effect`: the program then calls it on every
run, with that run's tensors, instead of keeping what tracing saw. This namespace is tapegrad's
own; TensorFlow traces such code as graph ops.
"""

from ._core.trace import effect

__all__ = ["effect"]
