"""`apply_gradients` as a traced program (tf.function) replays it: the update without the
per-pair checks that the trace already fixed.

A trace fixes which variables a call of `apply_gradients` updates, that each gets a dense
gradient tensor, and the gradients' dtypes; their shapes too, mostly (not after an op whose
result's size depends on values, nor in a loop body whose shapes vary). So once a checked
call has seen them, a replay compares only each gradient's shape with its variable's, and
that the optimizer still has the variable index it was checked against. Anything else (the
first replay, a gradient of another shape, an optimizer built anew) goes through
`apply_gradients` itself, whose checks then raise the usual errors before anything changes.
The update itself (`Optimizer._apply_checked`) is the one `apply_gradients` runs: the rate
read at each call, weight decay, clipping, moving averages, constraints and `iterations`.
"""

import numpy as np

from ... import Tensor, Variable

__all__ = ["traced_update"]


def traced_update(apply_gradients):
    """The `replay` factory (see `tapegrad.tracing.effect`) of `apply_gradients`, the
    undecorated method: a `_Replay` for a call whose pairs are (tensor, Variable), else None
    (such a call replays as recorded)."""

    def replay(optimizer, grads_and_vars):
        if type(grads_and_vars) not in (list, tuple):
            return None
        variables = []
        for pair in grads_and_vars:
            if type(pair) not in (list, tuple) or len(pair) != 2:
                return None
            g, v = pair
            if type(g) is not Tensor or not isinstance(v, Variable):
                return None  # None or IndexedSlices gradients: the checked path each time
            variables.append(v)
        return _Replay(optimizer, variables, apply_gradients) if variables else None

    return replay


class _Replay:
    """One traced call of `apply_gradients`, called with its gradients' arrays."""

    __slots__ = ("apply_gradients", "known", "optimizer", "scalars", "shapes", "variables")

    def __init__(self, optimizer, variables, apply_gradients):
        self.optimizer = optimizer
        self.variables = variables
        self.apply_gradients = apply_gradients
        self.known = None  # the optimizer's variable index that `shapes` was checked against
        self.shapes = None  # per variable: the shape its gradient must have
        self.scalars = False  # whether a gradient may be a NumPy scalar (a 0-d variable's)

    def __call__(self, *grads):
        optimizer, shapes = self.optimizer, self.shapes
        if shapes is not None and optimizer._trainable_variables_indices is self.known:
            for g, shape in zip(grads, shapes):
                if g.shape != shape:
                    break
            else:
                # arrays, as checked_gradients makes them (a NumPy scalar becomes a 0-d one)
                grads = [np.asarray(g) for g in grads] if self.scalars else list(grads)
                optimizer._apply_checked(self.variables, grads, self.variables)
                return
        self.apply_gradients(optimizer, [(Tensor(g), v) for g, v in zip(grads, self.variables)])
        self._learn(grads)

    def _learn(self, grads):
        """After a checked call of `grads`: the shapes that the next calls' gradients must
        have, if the optimizer is built on all of this call's variables, as floating-point
        ones of the gradients' dtypes. (A trace fixes its dtypes: only shapes may differ.)"""
        optimizer = self.optimizer
        if not optimizer.built:
            return
        known, layouts = optimizer._trainable_variables_indices, optimizer._layouts
        shapes = []
        for g, v in zip(grads, self.variables):
            index = known.get(id(v))
            spec = None if index is None else layouts[index]
            if spec is None or g.dtype != spec[1]:
                return
            shapes.append(spec[0])
        self.known, self.shapes = known, shapes
        self.scalars = () in shapes
