"""What `Optimizer.apply_gradients` does to its gradients before the update rule sees them.

`checked_gradients` refuses bad pairs before anything changes; `clip_gradients` unscales and
clips in Keras's order of precedence (`clipnorm`, then `global_clipnorm`, then `clipvalue`)
with its TensorFlow-backend arithmetic, op by op in each gradient's dtype.
"""

import numpy as np

from ... import Variable, errors
from .common import warn


def checked_gradients(optimizer, grads_and_vars):
    """(every variable given, the gradients as arrays of their variables' dtypes, the variables
    they update), refusing bad input before any change.

    Raises:
        TypeError: for an item that is not a (gradient, variable) pair, a variable that is not
            a floating-point Variable, or a gradient that is not real.
        InvalidArgumentError: for a gradient whose shape is not its variable's.
        ValueError: for a variable the optimizer was not built with, or no gradient at all.
    """
    variables, grads, updated, missing = [], [], [], []  # missing: variables given None
    known = optimizer._trainable_variables_indices if optimizer.built else None
    layouts = optimizer._layouts
    for pair in grads_and_vars:
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(
                f"{_where(optimizer)}: expected (gradient, variable) pairs, such as zip(grads, "
                f"model.trainable_variables); got an item of type {type(pair).__name__}. For "
                "separate lists, use apply(grads, variables)."
            )
        g, v = pair
        if not isinstance(v, Variable):
            raise TypeError(
                f"{_where(optimizer)}: expected a tapegrad Variable, got {type(v).__name__}"
            )
        index = None if known is None else known.get(id(v))
        if known is not None and index is None:
            raise ValueError(
                f"{_where(optimizer)}: unknown variable '{v.name}'. This optimizer can only be "
                "called for the variables it was originally built with. When working with a new "
                "set of variables, you should recreate a new optimizer instance."
            )
        variables.append(v)
        if g is None:
            missing.append(v)
            continue
        g = np.asarray(g)
        # a built optimizer knows its variables' shapes and dtypes, which never change: no
        # read of the variable (np.asarray of a Variable costs 0.2-0.3 us) when they match
        spec = None if index is None else layouts[index]
        if spec is None or g.shape != spec[0] or g.dtype != spec[1]:
            w = np.asarray(v)
            if g.shape != w.shape or g.dtype != w.dtype or w.dtype.kind != "f":
                g = _checked_gradient(g, v, w, _where(optimizer))
        grads.append(g)
        updated.append(v)
    if not grads:
        raise ValueError(
            f"No gradients provided for any variable: {[v.name for v in missing]}."
            f"{_why_none(missing)}"
        )
    if missing:
        warn(
            f"Gradients do not exist for variables {[v.name for v in missing]} when minimizing "
            "the loss. If using `model.compile()`, did you forget to provide a `loss` argument?"
            f"{_why_none(missing)}"
        )
    return variables, grads, updated


def _why_none(variables):
    """tapegrad's addition to Keras's messages: why tape.gradient returned None for each."""
    from ... import debug

    found = [f"\n- '{v.name}': {why}" for v, why in zip(variables, debug.why_none(variables))
             if why]
    return "\nWhy (tapegrad.debug):" + "".join(found) if found else ""


def shape_and_dtype(variable):
    """(shape, dtype) of a floating-point variable, else None: what a gradient that needs no
    check has (an optimizer keeps it from `build` on: a variable's never change)."""
    value = np.asarray(variable)
    return (value.shape, value.dtype) if value.dtype.kind == "f" else None


def _where(optimizer):
    return f"{type(optimizer).__name__}.apply_gradients"


def _checked_gradient(g, v, w, where):
    if w.dtype.kind != "f":
        raise TypeError(
            f"{where}: variable '{v.name}' has dtype {w.dtype}; only floating-point variables "
            "can be trained."
        )
    if g.shape != w.shape:
        raise errors.InvalidArgumentError(
            f"{where}: gradient of shape {list(g.shape)} does not match variable '{v.name}' of "
            f"shape {list(w.shape)}; nothing was updated.",
            op="apply_gradients",
        )
    if g.dtype.kind not in "fiu":
        raise TypeError(
            f"{where}: gradient of dtype {g.dtype} cannot update variable '{v.name}' of dtype "
            f"{w.dtype}"
        )
    return g.astype(w.dtype)


def clip_gradients(optimizer, grads):
    """`grads` (arrays) divided by `loss_scale_factor`, then clipped as `optimizer` says."""
    if optimizer.loss_scale_factor is not None:
        grads = [g / g.dtype.type(optimizer.loss_scale_factor) for g in grads]
    clipnorm, global_clipnorm = optimizer.clipnorm, optimizer.global_clipnorm
    if clipnorm and clipnorm > 0:
        out = []
        for g in grads:
            c = g.dtype.type(clipnorm)
            l2sum = np.sum(g * g)
            norm = np.sqrt(l2sum) if l2sum > 0 else l2sum
            out.append(g * c / np.maximum(norm, c))
        return out
    if global_clipnorm and global_clipnorm > 0:
        t = grads[0].dtype.type
        norm = np.sqrt(np.sum(np.array([np.sum(np.square(g)) for g in grads], dtype=t)))
        with np.errstate(divide="ignore"):
            scale = t(global_clipnorm) * np.minimum(t(1) / norm, t(1.0 / global_clipnorm))
        scale = scale + (norm - norm)  # NaN for a non-finite norm, as Keras
        return [g * scale.astype(g.dtype) for g in grads]
    clipvalue = optimizer.clipvalue
    if clipvalue and clipvalue > 0:
        return [np.clip(g, g.dtype.type(-clipvalue), g.dtype.type(clipvalue)) for g in grads]
    return grads
