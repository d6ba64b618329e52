"""What `Optimizer.apply_gradients` does to its gradients before the update rule sees them.

`checked_gradients` refuses bad pairs before anything changes; `clip_gradients` unscales and
clips in Keras's order of precedence (`clipnorm`, then `global_clipnorm`, then `clipvalue`)
with its TensorFlow-backend arithmetic, op by op in each gradient's dtype. An IndexedSlices
gradient becomes a `RowGradient` (its repeated rows summed), which clipping scales through its
rows and the update rules apply to those rows.
"""

import numpy as np

from ... import IndexedSlices, Tensor, Variable, errors
from .common import warn


class RowGradient:
    """A sparse gradient in NumPy: distinct row `indices` and their summed `values`, of a
    variable of shape `shape`; every other row's gradient is zero."""

    __slots__ = ("indices", "shape", "values")

    def __init__(self, indices, values, shape):
        self.indices, self.values, self.shape = indices, values, shape

    @property
    def dtype(self):
        return self.values.dtype

    def with_values(self, values):
        return RowGradient(self.indices, values, self.shape)

    def dense(self):
        out = np.zeros(self.shape, self.values.dtype)
        out[self.indices] = self.values
        return out


def _row_gradient(g, v, w, where):
    """The RowGradient of IndexedSlices `g` for variable `v` (value `w`), checked."""
    shape = w.shape if g.dense_shape is None else tuple(int(d) for d in g.dense_shape.numpy())
    indices = np.asarray(g.indices.numpy()).reshape(-1)
    values = np.asarray(g.values.numpy())
    if shape != w.shape or values.shape != indices.shape + w.shape[1:]:
        raise errors.InvalidArgumentError(
            f"{where}: IndexedSlices gradient of dense shape {list(shape)} with values of shape "
            f"{list(values.shape)} does not match variable '{v.name}' of shape "
            f"{list(w.shape)}; nothing was updated.",
            op="apply_gradients",
        )
    if indices.size and (indices.min() < 0 or indices.max() >= w.shape[0]):
        raise errors.InvalidArgumentError(
            f"{where}: IndexedSlices gradient of variable '{v.name}' has row indices outside "
            f"[0, {w.shape[0]}); nothing was updated.",
            op="apply_gradients",
        )
    if values.dtype != w.dtype:
        values = _checked_gradient(values, v, np.empty(values.shape, w.dtype), where)
    rows, inverse = np.unique(indices, return_inverse=True)
    summed = np.zeros((rows.size,) + w.shape[1:], w.dtype)
    np.add.at(summed, inverse, values)  # repeated rows add up, in order, as a dense sum would
    return RowGradient(rows, summed, w.shape)


def _map(fn, g):
    """`fn` applied to a dense gradient, or to a RowGradient's rows."""
    return g.with_values(fn(g.values)) if type(g) is RowGradient else fn(g)


def _values(g):
    return g.values if type(g) is RowGradient else g


def checked_gradients(optimizer, grads_and_vars):
    """(every variable given, the gradients as arrays of their variables' dtypes, the variables
    they update), refusing bad input before any change.

    Raises:
        TypeError: for an item that is not a (gradient, variable) pair, a variable that is not
            a floating-point Variable, or a gradient that is not real.
        InvalidArgumentError: for a gradient whose shape is not its variable's.
        ValueError: for a variable the optimizer was not built with, or no gradient at all.
    """
    if optimizer.built:
        if type(grads_and_vars) is not list:
            grads_and_vars = list(grads_and_vars)  # walked twice if the fast path gives up
        # The fast path, for the usual step (docs/performance.md): every pair a tuple of a
        # Tensor gradient and a variable the optimizer was built on (a hit in the index by id
        # is the variable itself: the optimizer holds it), the gradient of the shape and dtype
        # the variable has (known since `build`: no read of the variable). Anything else goes
        # to the general walk below, which checks again and explains.
        known, layouts = optimizer._trainable_variables_indices, optimizer._layouts
        variables, grads = [], []
        for pair in grads_and_vars:
            try:
                g, v = pair
            except (TypeError, ValueError):  # not a pair: the general walk says so
                break
            index = known.get(id(v))
            if index is None or type(g) is not Tensor:
                break
            g = g.__array__()  # np.asarray(g), without NumPy's protocol lookup (0.15 us)
            spec = layouts[index]
            if spec is None or g.shape != spec[0] or (g.dtype is not spec[1]
                                                       and g.dtype != spec[1]):
                break
            variables.append(v)
            grads.append(g)
        else:
            if grads:
                return variables, grads, variables
    variables, grads, missing = [], [], []  # missing: variables given None
    updated = None  # the variables with a gradient, once one has none (else `variables`)
    known = optimizer._trainable_variables_indices if optimizer.built else None
    layouts = optimizer._layouts
    for pair in grads_and_vars:
        if type(pair) is not tuple and not isinstance(pair, (tuple, list)) or len(pair) != 2:
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
        if known is None:
            index = None
        else:
            index = known.get(id(v))
            if index is None:
                raise ValueError(
                    f"{_where(optimizer)}: unknown variable '{v.name}'. This optimizer can only "
                    "be called for the variables it was originally built with. When working "
                    "with a new set of variables, you should recreate a new optimizer instance."
                )
        variables.append(v)
        if g is None:
            if updated is None:  # the variables before this one all have a gradient
                updated = variables[:-1]
            missing.append(v)
            continue
        if type(g) is Tensor:
            # NumPy's array protocol, called directly: np.asarray(g) finds and calls the same
            # method 0.15-0.2 us later (docs/performance.md)
            g = g.__array__()
        elif type(g) is IndexedSlices:
            g = _row_gradient(g, v, np.asarray(v), _where(optimizer))
        else:
            g = np.asarray(g)
        if type(g) is not RowGradient:
            # a built optimizer knows its variables' shapes and dtypes, which never change: no
            # read of the variable (np.asarray of a Variable costs 0.2-0.3 us) when they match
            spec = None if index is None else layouts[index]
            if spec is None or g.shape != spec[0] or g.dtype != spec[1]:
                w = np.asarray(v)
                if g.shape != w.shape or g.dtype != w.dtype or w.dtype.kind != "f":
                    g = _checked_gradient(g, v, w, _where(optimizer))
        grads.append(g)
        if updated is not None:
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
    # the usual case, no None gradient: every variable given is updated
    return variables, grads, variables if updated is None else updated


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
        grads = [_map(lambda x: x / x.dtype.type(optimizer.loss_scale_factor), g) for g in grads]
    clipnorm, global_clipnorm = optimizer.clipnorm, optimizer.global_clipnorm
    if clipnorm and clipnorm > 0:
        out = []
        for g in grads:
            c = g.dtype.type(clipnorm)
            l2sum = np.sum(_values(g) * _values(g))
            norm = np.sqrt(l2sum) if l2sum > 0 else l2sum
            out.append(_map(lambda x, c=c, norm=norm: x * c / np.maximum(norm, c), g))
        return out
    if global_clipnorm and global_clipnorm > 0:
        t = grads[0].dtype.type
        norm = np.sqrt(np.sum(np.array([np.sum(np.square(_values(g))) for g in grads], dtype=t)))
        with np.errstate(divide="ignore"):
            scale = t(global_clipnorm) * np.minimum(t(1) / norm, t(1.0 / global_clipnorm))
        scale = scale + (norm - norm)  # NaN for a non-finite norm, as Keras
        return [_map(lambda x: x * scale.astype(x.dtype), g) for g in grads]
    clipvalue = optimizer.clipvalue
    if clipvalue and clipvalue > 0:
        return [_map(lambda x: np.clip(x, x.dtype.type(-clipvalue), x.dtype.type(clipvalue)), g)
                for g in grads]
    return grads
