"""`apply_gradients` as a traced program (tf.function) replays it: the update without the
per-pair checks that the trace already fixed.

A trace fixes which variables a call of `apply_gradients` updates and that each gets a dense
gradient tensor; the gradients' shapes and dtypes are fixed too, unless the function's input
shapes are partly unknown. So the replay checks, per call, only what may still differ: that
the optimizer is the one the checked call saw built, and each gradient's shape and dtype
against its variable's (a comparison of two tuples). Anything else (the first replay, a
gradient that differs, an optimizer built anew) goes through `apply_gradients` itself, whose
checks then raise the usual errors before anything changes. The update itself
(`Optimizer._apply_checked`) is the one `apply_gradients` runs: the rate read at each call,
weight decay, clipping, moving averages, constraints and `iterations`.
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

    __slots__ = ("apply_gradients", "known", "optimizer", "specs", "variables")

    def __init__(self, optimizer, variables, apply_gradients):
        self.optimizer = optimizer
        self.variables = variables
        self.apply_gradients = apply_gradients
        self.known = None  # the optimizer's variable index that `specs` was checked against
        self.specs = None  # per variable: (shape, dtype) its gradient must have

    def __call__(self, *grads):
        optimizer, specs = self.optimizer, self.specs
        if specs is not None and optimizer._trainable_variables_indices is self.known:
            arrays = []
            for g, (shape, dtype) in zip(grads, specs):
                if type(g) is not np.ndarray:  # a NumPy scalar: an array, as checked ones are
                    g = np.asarray(g)
                if g.shape != shape or g.dtype != dtype:
                    break
                arrays.append(g)
            else:
                optimizer._apply_checked(self.variables, arrays, self.variables)
                return
        self.apply_gradients(optimizer, [(Tensor(g), v) for g, v in zip(grads, self.variables)])
        self._learn()

    def _learn(self):
        """After a checked call: the layouts the next calls' gradients must have, if the
        optimizer is built on all of this call's variables, as floating-point ones."""
        optimizer = self.optimizer
        if not optimizer.built:
            return
        known, layouts = optimizer._trainable_variables_indices, optimizer._layouts
        specs = []
        for v in self.variables:
            index = known.get(id(v))
            spec = None if index is None else layouts[index]
            if spec is None:
                return
            specs.append(spec)
        self.known, self.specs = known, specs
