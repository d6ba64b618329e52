"""The reverse walk over a tape's records (`backward`) and the one place broadcasting is
undone (`unbroadcast`)."""

import numpy as np

from .bind import bind
from .indexed_slices import IndexedSlices, add_sparse
from .owned import donate, held_once
from .primitive import PRIMITIVES
from .state import state
from .tensor import Tensor

__all__ = ["accumulate", "backward", "unbroadcast"]


def unbroadcast(g, shape, nbatch=0):
    """Sums `g` down to `shape`, whose first `nbatch` axes are batch axes kept as they are.

    This is the one place where broadcasting is undone.
    """
    if g._value.shape == shape:
        return g
    return bind(PRIMITIVES["sum_to_shape"], g, shape=shape, nbatch=nbatch)


def _unshared(arr):
    """Whether `arr`, passed straight from a tensor's slot, may be written: a plain array
    that owns its memory, held by that slot alone."""
    return type(arr) is np.ndarray and arr.base is None and held_once(arr) and arr.flags.writeable


def accumulate(total, more):
    """`total + more`, two cotangents of one tensor.

    The sum goes into `total`'s array when the walk alone holds `total` (its dict entry and
    this parameter) and that array, and no interpreter hears the pass (a tape recording it
    keeps `total`): the bits of `add`, without a new array.
    """
    if (type(total._value) is np.ndarray  # NumPy scalars first: a scalar op's pass is hot
            and not state.interpreters and held_once(total) and _unshared(total._value)):
        arr, add = total._value, more._value
        if add.dtype == arr.dtype and add.shape == arr.shape:
            np.add(arr, add, out=arr)
            return total
    return bind(PRIMITIVES["add"], total, more)


# Smaller cotangents are not donated: a fresh array of fewer elements costs less than the
# checks that would let a rule write into the old one (docs/performance.md).
DONATE_MIN_SIZE = 1024


def _donating(g):
    """Whether the walk may donate cotangent `g`'s array to the one rule that reads it: the
    walk's local and this parameter alone hold `g`, and no interpreter hears the pass."""
    return not state.interpreters and held_once(g) and _unshared(g._value)


def backward(records, targets, seeds, wanted, free):
    """The reverse walk: returns {source id: cotangent} for the ids in `wanted` that the
    targets reach.

    Visits each record once, after all its consumers (records are in execution order). Only
    records on a path from a wanted id are visited, and only the rules of arguments on such a
    path are called. With `free`, each record is dropped as soon as it has been visited.

    The walk is the hot loop of every `tape.gradient`: it costs what its bytecodes cost
    (docs/performance.md, "the reverse walk"), so the rare cases are found without a test on
    the usual one: a record of several results is the one whose `output` (their tuple) has no
    `_tid`, and a rule's result that is not a tensor (None, IndexedSlices) the one without a
    `_value` (Python's exceptions cost nothing until raised).
    """
    if not wanted:
        return {}
    reach = set(wanted)
    path = []
    for rec in records:
        for a in rec.inputs:
            if a._tid in reach:
                try:
                    reach.add(rec.output._tid)
                except AttributeError:  # a primitive with several results: their tuple
                    reach.update(o._tid for o in rec.output if o._tid)
                path.append(rec)
                break
    if free:
        records.clear()
    add = PRIMITIVES["add"]
    hook = state.backward_hook  # None unless tapegrad.debug checks the cotangents
    cot = {}
    for t, seed in zip(targets, seeds):
        tid = t._tid
        if tid in reach:
            cot[tid] = seed if tid not in cot else bind(add, cot[tid], seed)
    sparse = False  # whether a cotangent may be IndexedSlices (a row gather's gradient)
    # Every cotangent carries the seeds' leading batch axes (tape.jacobian), or none.
    batch = seeds[0]._value.shape[: seeds[0]._value.ndim - targets[0]._value.ndim]
    nbatch = len(batch)
    while path:
        rec = path.pop()
        out = rec.output
        try:
            tid = out._tid
        except AttributeError:  # several results: one rule call takes all their cotangents
            _results_vjp(rec, cot, wanted, reach)
            continue
        g = cot.get(tid) if tid in wanted else cot.pop(tid, None)
        if g is None:
            continue
        if sparse and type(g) is IndexedSlices:  # rules take dense cotangents
            g = g._read()
        args, params = rec.inputs, rec.params
        rules = rec.prim.vjps
        # The usual record calls its rules as they are; a debug hook, or a large cotangent
        # that the one rule of a one-argument record may write into, go through `_call`.
        plain = hook is None and (
            len(args) != 1 or type(g._value) is not np.ndarray
            or g._value.size < DONATE_MIN_SIZE or tid in wanted or not _donating(g))
        for i, a in enumerate(args):
            atid = a._tid
            if atid not in reach:
                continue
            rule = rules[i]
            gi = rule(g, out, *args, **params) if plain else _call(hook, rule, rec, i, g)
            try:
                gshape = gi._value.shape
            except AttributeError:
                if gi is None:  # no gradient (NONE, a custom gradient's None): none here
                    continue
                # IndexedSlices: a row gather's gradient stays sparse
                cot[atid] = add_sparse(cot[atid], gi) if atid in cot else gi
                sparse = True
                continue
            shape = batch + a._value.shape if nbatch else a._value.shape
            if gshape != shape:
                gi = unbroadcast(gi, shape, nbatch)
            if atid not in cot:
                cot[atid] = gi
            elif type(cot[atid]) is Tensor and type(cot[atid]._value) is not np.ndarray:
                cot[atid] = bind(add, cot[atid], gi)  # a NumPy scalar: nothing to add into
            else:  # no local name for the total: accumulate may add into its array
                cot[atid] = _sum(cot.pop(atid), gi)
    return {tid: cot[tid] for tid in wanted if tid in cot}


def _call(hook, rule, rec, i, g):
    """A rule called other than plainly: through the debug hook, or with `g`'s array donated
    (its one reader may write into it, owned.py)."""
    if hook is not None:
        return hook(rule, rec, i, g)
    donate(g._value)
    try:
        return rule(g, rec.output, *rec.inputs, **rec.params)
    finally:  # a rule that raises leaves no donation behind
        donate(None)


def _sum(total, more):
    """The sum of two cotangents of one tensor: sparse while both are IndexedSlices."""
    if type(total) is IndexedSlices:
        return add_sparse(total, more)
    return accumulate(total, more)


def _results_vjp(rec, cot, wanted, reach):
    """The reverse step of a record with several results: one rule call takes a cotangent (or
    None) per result and returns a gradient (or None) per argument."""
    gs = [None if not o._tid else cot.get(o._tid) if o._tid in wanted else cot.pop(o._tid, None)
          for o in rec.output]
    if all(g is None for g in gs):
        return
    gs = [g._read() if type(g) is IndexedSlices else g for g in gs]  # rules take dense ones
    args = rec.inputs
    grads = rec.prim.vjp(gs, rec.output, *args, **rec.params)
    for a, gi in zip(args, grads):
        atid = a._tid
        if gi is None or atid not in reach:
            continue
        if gi._value.shape != a._value.shape:
            gi = unbroadcast(gi, a._value.shape)
        cot[atid] = gi if atid not in cot else _sum(cot.pop(atid), gi)
