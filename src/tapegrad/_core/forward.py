"""`ForwardAccumulator`: forward-mode differentiation (as `tf.autodiff.ForwardAccumulator`).

An active accumulator is an interpreter (state.py): every primitive call whose inputs carry
tangents gets an output tangent from its JVP rule (`jvp`). The rules are tapegrad ops, so a
tape around the accumulator records them (reverse-over-forward), and an accumulator around a
tape sees the backward pass (forward-over-reverse: Hessian-vector products).
"""

import numpy as np

from . import nest
from .backward import unbroadcast
from .bind import bind
from .primitive import ELEMENTWISE, FROM_VJP, LINEAR, MULTILINEAR, NONE, PRIMITIVES, ZERO
from .state import Interpreter, activate, deactivate, ensure_tid, next_tid
from .tape import GradientTape, UnconnectedGradients, as_unconnected, by_id, check_tensors
from .tensor import Tensor, convert_to_tensor

__all__ = ["ForwardAccumulator", "jvp"]


class ForwardAccumulator(Interpreter):
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

    order = 1  # after tapes: see state.Interpreter

    def __init__(self, primals, tangents):
        flat_p = nest.flatten(primals)
        flat_t = nest.flatten(tangents)
        if len(flat_p) != len(flat_t):
            raise ValueError(
                f"ForwardAccumulator: got {len(flat_p)} primals but {len(flat_t)} tangents; "
                "pass one tangent per primal, in the same structure."
            )
        check_tensors(flat_p, "ForwardAccumulator: primal",
                      "; convert it with tf.constant(...) first.")
        self._tangents = {}
        self._active = False
        for i, (p, t) in enumerate(zip(flat_p, flat_t)):
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
        activate(self)
        return self

    def __exit__(self, *exc):
        self._active = False
        deactivate(self)
        return False

    def process_primitive(self, prim, inputs, params, output):
        """Computes the output's tangent if an input has one."""
        if not prim.differentiable or output._value.dtype.kind not in "fc":
            return
        tangents = self._tangents
        ts = [tangents.get(a._tid) if a._tid else None for a in inputs]
        if all(t is None for t in ts):
            return
        deactivate(self)  # the JVP computation must not feed this accumulator itself
        try:
            t_out = jvp(prim, inputs, params, output, ts)
        finally:
            activate(self)
        if t_out is not None:
            if not output._tid:
                output._tid = next_tid()
            tangents[output._tid] = t_out

    def jvp(self, primals, unconnected_gradients=UnconnectedGradients.NONE):
        """Returns the tangents of `primals` (a Tensor or structure), None where unconnected.

        Raises:
            TypeError: if a primal is not a Tensor or Variable.
        """
        unconnected = as_unconnected(unconnected_gradients, "ForwardAccumulator.jvp")
        flat = check_tensors(nest.flatten(primals), "ForwardAccumulator.jvp: primal",
                             "; only values computed while the accumulator was active have "
                             "tangents.")
        return nest.pack_sequence_as(primals, by_id(self._tangents, flat, unconnected))


def _sum(terms):
    add = PRIMITIVES["add"]
    total = None
    for term in terms:
        total = term if total is None else bind(add, total, term)
    return total


def _zeros_like(a):
    return Tensor(np.zeros_like(a._value))


def jvp(prim, inputs, params, output, ts):
    """The output tangent of one primitive call, given the input tangents `ts` (None = zero)."""
    rule = prim.jvp
    if rule is LINEAR:
        args = [
            t if t is not None else (_zeros_like(a) if a._value.dtype.kind in "fc" else a)
            for a, t in zip(inputs, ts)
        ]
        result = bind(prim, *args, **params)
    elif rule is MULTILINEAR:
        result = _sum(
            bind(prim, *inputs[:i], t, *inputs[i + 1:], **params)
            for i, t in enumerate(ts) if t is not None
        )
    elif rule is FROM_VJP:
        result = _jvp_by_transposition(prim, inputs, params, output, ts)
    else:
        terms = []
        for i, t in enumerate(ts):
            if t is None:
                continue
            r = prim.vjp_rule(i) if rule is ELEMENTWISE else (
                rule[i] if isinstance(rule, tuple) else rule)
            if r is NONE:
                continue
            terms.append(_zeros_like(output) if r is ZERO else r(t, output, *inputs, **params))
        if not terms:
            return None
        result = _sum(terms)
    if result is not None and result._value.shape != output._value.shape:
        result = bind(PRIMITIVES["broadcast_to"], result, shape=output._value.shape)
    return result


def _jvp_by_transposition(prim, inputs, params, output, ts):
    # The VJP is linear in g, so <vjp(g), t> differentiated with respect to g is J t.
    g = Tensor(np.zeros_like(output._value))
    with GradientTape() as tape:
        tape.watch(g)
        terms = []
        for i, t in enumerate(ts):
            r = prim.vjp_rule(i)
            if t is None or r is NONE or r is ZERO:
                continue
            gi = r(g, output, *inputs, **params)
            if gi is None:  # a custom gradient's None
                continue
            gi = unbroadcast(gi, inputs[i]._value.shape)
            terms.append(bind(PRIMITIVES["reduce_sum"], bind(PRIMITIVES["multiply"], gi, t)))
        total = _sum(terms)
    if total is None:
        return None
    return tape.gradient(total, g)
