"""`ForwardAccumulator`: forward-mode differentiation (as `tf.autodiff.ForwardAccumulator`).

While active, every primitive call whose inputs carry tangents gets an output tangent from its
JVP rule. The rules are tapegrad ops, so a tape around the accumulator records them
(reverse-over-forward), and an accumulator around a tape sees the backward pass
(forward-over-reverse: Hessian-vector products).
"""

import numpy as np

from . import nest
from .state import ensure_tid, state
from .tape import UnconnectedGradients
from .tensor import Tensor

__all__ = ["ForwardAccumulator"]


class ForwardAccumulator:
    """Computes Jacobian-vector products of everything computed from `primals`.

    Args:
        primals: a Tensor or Variable, or a structure of them.
        tangents: the direction, in the same structure and shapes.

    Example:
        >>> x = tapegrad.constant(3.0)
        >>> with tapegrad.autodiff.ForwardAccumulator(x, tapegrad.constant(1.0)) as acc:
        ...     y = x * x
        >>> float(acc.jvp(y))
        6.0
    """

    def __init__(self, primals, tangents):
        flat_p = nest.flatten(primals)
        flat_t = nest.flatten(tangents)
        if len(flat_p) != len(flat_t):
            raise ValueError(
                f"ForwardAccumulator: got {len(flat_p)} primals but {len(flat_t)} tangents; "
                "pass one tangent per primal, in the same structure."
            )
        self._tangents = {}
        self._active = False
        for i, (p, t) in enumerate(zip(flat_p, flat_t)):
            if not (isinstance(p, Tensor) or hasattr(p, "_read")):
                raise TypeError(
                    f"ForwardAccumulator: primal #{i} is a {type(p).__name__}, not a Tensor or "
                    "Variable"
                )
            value = p._value
            t = t if isinstance(t, Tensor) else Tensor(np.asarray(t, dtype=value.dtype))
            if t._value.shape != value.shape:
                raise ValueError(
                    f"ForwardAccumulator: tangent #{i} has shape {list(t._value.shape)} but its "
                    f"primal has shape {list(value.shape)}; they must match."
                )
            if t._value.dtype != value.dtype:
                raise TypeError(
                    f"ForwardAccumulator: tangent #{i} has dtype {t.dtype.name} but its primal "
                    f"has dtype {p.dtype.name}"
                )
            if value.dtype.kind not in "fc":
                continue
            self._tangents[ensure_tid(p)] = t

    def __enter__(self):
        self._active = True
        state.accumulators.append(self)
        return self

    def __exit__(self, *exc):
        self._active = False
        if self in state.accumulators:
            state.accumulators.remove(self)
        return False

    def jvp(self, primals, unconnected_gradients=UnconnectedGradients.NONE):
        """Returns the tangents of `primals` (a Tensor or structure), None where unconnected."""
        unconnected = UnconnectedGradients(unconnected_gradients)
        out = []
        for p in nest.flatten(primals):
            t = self._tangents.get(p._tid) if getattr(p, "_tid", 0) else None
            if t is None and unconnected is UnconnectedGradients.ZERO:
                t = Tensor(np.zeros_like(p._value))
            out.append(t)
        return nest.pack_sequence_as(primals, out)
