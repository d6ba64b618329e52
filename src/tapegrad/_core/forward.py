"""`ForwardAccumulator`: forward-mode differentiation (as `tf.autodiff.ForwardAccumulator`).

While active, every primitive call whose inputs carry tangents gets an output tangent from its
JVP rule. The rules are tapegrad ops, so a tape around the accumulator records them
(reverse-over-forward), and an accumulator around a tape sees the backward pass
(forward-over-reverse: Hessian-vector products).
"""

import numpy as np

from . import nest
from .state import ensure_tid, state
from .tape import UnconnectedGradients, as_unconnected
from .tensor import Tensor, convert_to_tensor

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
                    f"ForwardAccumulator: primal #{i} is a {type(p).__name__} ({p!r}), not a "
                    "Tensor or Variable; convert it with tf.constant(...) first."
                )
            value = p._value
            try:  # as TensorFlow: a tangent of another dtype is a ValueError
                t = convert_to_tensor(t, dtype=p.dtype)
            except (TypeError, ValueError) as err:
                raise type(err)(
                    f"ForwardAccumulator: tangent #{i} does not convert to its primal's dtype "
                    f"{p.dtype.name}: {err}"
                ) from None
            if t._value.shape != value.shape:
                raise ValueError(
                    f"ForwardAccumulator: tangent #{i} has shape {list(t._value.shape)} but its "
                    f"primal has shape {list(value.shape)}; they must match."
                )
            if value.dtype.kind not in "fc":
                continue
            self._tangents[ensure_tid(p)] = t

    def __enter__(self):
        if self._active:
            raise ValueError(
                "ForwardAccumulator: this accumulator is already recording (entered twice); "
                "nest a new ForwardAccumulator instead."
            )
        self._active = True
        state.accumulators.append(self)
        return self

    def __exit__(self, *exc):
        self._active = False
        if self in state.accumulators:
            state.accumulators.remove(self)
        return False

    def jvp(self, primals, unconnected_gradients=UnconnectedGradients.NONE):
        """Returns the tangents of `primals` (a Tensor or structure), None where unconnected.

        Raises:
            TypeError: if a primal is not a Tensor or Variable.
        """
        unconnected = as_unconnected(unconnected_gradients, "ForwardAccumulator.jvp")
        out = []
        for i, p in enumerate(nest.flatten(primals)):
            if not (isinstance(p, Tensor) or hasattr(p, "_read")):
                raise TypeError(
                    f"ForwardAccumulator.jvp: primal #{i} is a {type(p).__name__} ({p!r}), not "
                    "a Tensor or Variable; only values computed while the accumulator was "
                    "active have tangents."
                )
            t = self._tangents.get(p._tid) if p._tid else None
            if t is None and unconnected is UnconnectedGradients.ZERO:
                t = Tensor(np.zeros_like(p._value))
            out.append(t)
        return nest.pack_sequence_as(primals, out)
