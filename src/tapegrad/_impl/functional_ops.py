"""`tf.map_fn`, `tf.scan`, `tf.foldl`, `tf.foldr` and `tf.vectorized_map`, as composites.

Each one unstacks its `elems` (a tensor or a nested structure of tensors) along axis 0, calls
`fn` once per slice in Python, threads the accumulator of a scan or fold through those calls and
stacks the results. Every step is an ordinary recorded op, so derivatives of any order, reverse
and forward, are those of the ops `fn` uses; inside a traced `tf.function` a trace's shapes are
fixed, so the Python loop over the first dimension is traced into a program of ordinary ops and
replayed correctly at every call of that trace (no tensor value is read in Python).
`map_fn` over a RaggedTensor calls `fn` on each row (TensorFlow's ragged map_fn).
"""

import numpy as np

from .._core import nest
from .._core.dtypes import DType, as_dtype
from .._core.errors import InvalidArgumentError, OutOfRangeError
from .._core.primitive import composite
from .._core.tensor import Tensor, convert_to_tensor
from .array_ops import concat, stack, unstack
from .control_ops import stop_gradient
from .creation_ops import zeros
from .ragged_tensor import RaggedTensor
from .tensor_spec import TensorSpec

__all__ = ["foldl", "foldr", "map_fn", "scan", "vectorized_map"]


def _shape(t):
    return tuple(t.shape.as_list())


def _unstacked(op, elems):
    """The slices of `elems` along axis 0, each packed as `elems` is, and their number."""
    flat = nest.flatten(elems)
    if not flat:
        raise ValueError(f"{op}: elems must be a Tensor or (possibly nested) sequence of "
                         f"Tensors. Got {elems!r}, which does not contain any Tensors.")
    tensors = [convert_to_tensor(e) for e in flat]
    for t in tensors:
        if t.shape.rank == 0:
            raise ValueError(f"{op}: elements in elems must be 1+ dimensional Tensors, not "
                             f"scalars (got a scalar {t.dtype.name} tensor); {op} calls fn on "
                             "each slice along axis 0")
    sizes = [t.shape[0] for t in tensors]
    if any(s is None for s in sizes):
        raise ValueError(f"{op}: the first dimension of elems (shapes "
                         f"{[_shape(t) for t in tensors]}) must be known: a traced function "
                         "needs its input_signature to fix it")
    if len(set(sizes)) > 1:
        raise ValueError(f"{op}: the elements of elems have different first dimensions "
                         f"(shapes {[_shape(t) for t in tensors]}); {op} unstacks every one "
                         "along axis 0, so they must all have the same size there")
    n = sizes[0]
    columns = [unstack(t, num=n, axis=0) for t in tensors]
    slices = [nest.pack_sequence_as(elems, [c[i] for c in columns]) for i in range(n)]
    return slices, n, tensors


def _same_structure(op, expected, got, what):
    try:
        nest.assert_same_structure(expected, got, check_types=False)
    except (ValueError, TypeError) as e:
        raise ValueError(f"{op}: {what} does not have the structure expected. {e}") from None


def _leaf_dtype(op, leaf):
    if isinstance(leaf, TensorSpec):
        return leaf.dtype, leaf.shape
    if type(leaf).__name__ == "RaggedTensorSpec":
        raise NotImplementedError(f"{op}: fn_output_signature={leaf!r}: ragged results are not "
                                  "supported; return dense tensors of one shape (pad them), "
                                  "or build the RaggedTensor from the stacked results")
    try:
        return (leaf if isinstance(leaf, DType) else as_dtype(leaf)), None
    except (TypeError, ValueError):
        raise TypeError(f"{op}: fn_output_signature must be a (nested) structure of tf.DType "
                        f"or tf.TensorSpec, got {leaf!r}") from None


def _as_results(op, values, dtypes, what):
    """`values` (a flat list) as tensors, each of its dtype in `dtypes` (None: any)."""
    out = []
    for k, (v, dtype) in enumerate(zip(values, dtypes)):
        if not isinstance(v, Tensor):
            try:
                v = convert_to_tensor(v, dtype=dtype)
            except (TypeError, ValueError) as e:
                raise TypeError(f"{op}: {what} #{k} ({v!r}) is not a tensor: {e}") from None
        if dtype is not None and v.dtype != dtype:
            raise InvalidArgumentError(
                f"{op}: {what} #{k} has dtype {v.dtype.name} but {dtype.name} was expected "
                f"(shape {_shape(v)}); pass fn_output_signature (or the initializer) of the "
                "dtype fn returns, or cast in fn")
        out.append(v)
    return out


def _check_shapes(op, first, values, what):
    for k, (a, b) in enumerate(zip(first, values)):
        if _shape(a) != _shape(b):
            raise ValueError(f"{op}: {what} #{k} has shape {_shape(b)}, incompatible with the "
                             f"shape {_shape(a)} of the first one; every step must return the "
                             "same shapes, as they are stacked")


def _stacked(steps, n_leaves, empty):
    """Stacks the flat per-step results leaf by leaf; `empty` gives the leaves for no step."""
    if not steps:
        return empty()
    return [stack([s[k] for s in steps], axis=0) for k in range(n_leaves)]


def _map_rows(fn, rt, signature):
    """map_fn over a RaggedTensor's rows: a RaggedTensor of the results (each of rank 1 or
    more), or, given a signature, their stack (TensorFlow's ragged map_fn)."""
    results = [convert_to_tensor(fn(row)) for row in rt]
    if signature is not None:
        return stack(results) if results else zeros((0,), _leaf_dtype("map_fn", signature)[0])
    if any(r.shape.rank == 0 for r in results):
        raise ValueError("map_fn: fn's results on a RaggedTensor's rows are scalars; give "
                         "fn_output_signature (e.g. tf.TensorSpec([], tf.float32)) for a dense "
                         "result")
    lengths = [int(r.shape[0]) for r in results]
    values = concat(results, axis=0) if results else rt.flat_values[:0]
    return RaggedTensor(values, np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64))


@composite
def map_fn(fn, elems, dtype=None, parallel_iterations=None, back_prop=True, swap_memory=False,
           infer_shape=True, name=None, fn_output_signature=None):
    """Calls `fn` on each slice of `elems` along axis 0 and stacks the results.

    Args:
        fn: a callable of one argument, a slice of `elems` (of its structure).
        elems: a tensor or a nested structure of tensors, all of one size along axis 0.
        dtype: deprecated name of `fn_output_signature`.
        fn_output_signature: the structure of `fn`'s result, with a `tf.DType` or
            `tf.TensorSpec` per tensor, where it differs from `elems`'.
        back_prop: False stops gradients through the results.
        parallel_iterations, swap_memory, infer_shape, name: accepted, no effect.

    Returns:
        The stacked results, of the structure of `fn_output_signature` (or of `elems`).

    Raises:
        ValueError: `elems` has no tensors, a scalar, or first dimensions that differ; `fn`'s
            result has another structure or changes shape between slices.
        InvalidArgumentError: `fn`'s result has another dtype than the signature says.
    """
    if dtype is not None and fn_output_signature is not None:
        raise ValueError("map_fn: the dtype and fn_output_signature arguments may not both be "
                         "specified; dtype is the deprecated name of fn_output_signature")
    signature = dtype if fn_output_signature is None else fn_output_signature
    if isinstance(elems, RaggedTensor):
        return _map_rows(fn, elems, signature)
    slices, _, tensors = _unstacked("map_fn", elems)
    if signature is None:
        structure = elems
        specs = [(t.dtype, t.shape[1:]) for t in tensors]
    else:
        structure = signature
        specs = [_leaf_dtype("map_fn", s) for s in nest.flatten(signature)]
    dtypes = [d for d, _ in specs]
    steps = []
    for piece in slices:
        out = fn(piece)
        _same_structure("map_fn", structure, out, "fn's result")
        steps.append(_as_results("map_fn", nest.flatten(out), dtypes, "fn's result"))
        _check_shapes("map_fn", steps[0], steps[-1], "fn's result")
    if steps and signature is not None:
        for k, ((_, shape), v) in enumerate(zip(specs, steps[0])):
            if shape is not None and not shape.is_compatible_with(v.shape):
                raise ValueError(f"map_fn: fn's result #{k} has shape {_shape(v)}, "
                                 f"incompatible with fn_output_signature's {shape}")

    def empty():
        # as TensorFlow's eager map_fn: (0,) unless a TensorSpec gives the element shape
        return [zeros((0,) + (tuple(s.shape.as_list()) if isinstance(s, TensorSpec) and
                              s.shape.is_fully_defined() else ()), d)
                for (d, _), s in zip(specs, nest.flatten(signature) if signature is not None
                                     else [None] * len(specs))]

    flat = _stacked(steps, len(dtypes), empty)
    if not back_prop:
        flat = [stop_gradient(t) for t in flat]
    return nest.pack_sequence_as(structure, flat)


def _accumulate(op, fn, elems, initializer, reverse, fixed_shapes=False):
    """The accumulators of a scan (flat, one list per step) and their structure; a scan's
    (`fixed_shapes`) keep the first accumulator's shapes, as they are stacked."""
    slices, n, _ = _unstacked(op, elems)
    order = list(range(n))[::-1] if reverse else list(range(n))
    if initializer is None:
        if n == 0:
            raise OutOfRangeError(f"{op}: elems is empty (size 0 along axis 0) and there is no "
                                  "initializer; pass initializer= to give the result for no "
                                  "elements")
        structure, acc = elems, slices[order[0]]
        order = order[1:]
    else:
        structure, acc = initializer, initializer
    flat = _as_results(op, nest.flatten(acc), [None] * len(nest.flatten(acc)), "initializer")
    dtypes = [t.dtype for t in flat]
    acc = nest.pack_sequence_as(structure, flat)
    steps = [flat] if initializer is None else []
    for i in order:
        acc = fn(acc, slices[i])
        _same_structure(op, structure, acc, "fn's result (the new accumulator)")
        steps.append(_as_results(op, nest.flatten(acc), dtypes, "fn's result"))
        if fixed_shapes:
            _check_shapes(op, flat, steps[-1], "fn's result")
        acc = nest.pack_sequence_as(structure, steps[-1])
    return structure, flat, steps, acc


@composite
def scan(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False,
         infer_shape=True, reverse=False, name=None):
    """Applies `fn(accumulator, slice)` along axis 0 of `elems`; stacks every accumulator.

    Args:
        fn: a callable of two arguments, the accumulator (of the structure of `initializer`,
            or of `elems` without one) and a slice of `elems`; returns the next accumulator.
        elems: a tensor or a nested structure of tensors, all of one size along axis 0.
        initializer: the first accumulator; without one, the first slice is (and is the first
            result).
        reverse: scan from the last slice to the first (results stay in `elems`' order).
        back_prop: False stops gradients through the results.
        parallel_iterations, swap_memory, infer_shape, name: accepted, no effect.

    Returns:
        The accumulators after each slice, stacked, of the accumulator's structure.

    Raises:
        OutOfRangeError: `elems` is empty and there is no initializer.
        ValueError: bad `elems`; `fn`'s result has another structure or changes shape.
        InvalidArgumentError: `fn`'s result changes dtype.
    """
    structure, first, steps, _ = _accumulate("scan", fn, elems, initializer, reverse, True)
    if reverse:
        steps = steps[::-1]
    flat = _stacked(steps, len(first),
                    lambda: [zeros((0,) + _shape(t), t.dtype) for t in first])
    if not back_prop:
        flat = [stop_gradient(t) for t in flat]
    return nest.pack_sequence_as(structure, flat)


def _fold(op, fn, elems, initializer, back_prop, reverse):
    _, _, _, acc = _accumulate(op, fn, elems, initializer, reverse)
    if not back_prop:
        acc = nest.map_structure(stop_gradient, acc)
    return acc


@composite
def foldl(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False,
          name=None):
    """Folds `fn(accumulator, slice)` over the slices of `elems` along axis 0, first to last.

    Args, Raises: as `tf.scan`'s (the accumulator may change shape between steps).

    Returns:
        The last accumulator (the initializer where `elems` is empty).
    """
    return _fold("foldl", fn, elems, initializer, back_prop, reverse=False)


@composite
def foldr(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False,
          name=None):
    """As `tf.foldl`, but over the slices of `elems` from the last to the first."""
    return _fold("foldr", fn, elems, initializer, back_prop, reverse=True)


@composite
def vectorized_map(fn, elems, fallback_to_while_loop=True, warn=True):
    """`fn` applied to each slice of `elems` along axis 0, stacked (as `tf.map_fn`).

    TensorFlow vectorizes `fn`; tapegrad runs it per slice, which gives the same values and
    derivatives. Results of any structure are stacked; where `elems` is empty, `fn` is called
    once on zeros of a slice's shape to find the results' shapes.

    Raises:
        InvalidArgumentError: the tensors of `elems` differ in their first dimension.
        ValueError: `elems` has no tensors or a scalar; `fn`'s results change shape.
    """
    try:
        slices, n, tensors = _unstacked("vectorized_map", elems)
    except ValueError as e:
        if "different first dimensions" in str(e):
            raise InvalidArgumentError(str(e)) from None
        raise
    if n == 0:
        probe = nest.pack_sequence_as(elems, [zeros(_shape(t)[1:], t.dtype) for t in tensors])
        structure = fn(probe)
        flat = [convert_to_tensor(v) for v in nest.flatten(structure)]
        return nest.pack_sequence_as(structure, [zeros((0,) + _shape(v), v.dtype)
                                                 for v in flat])
    steps, structure = [], None
    for piece in slices:
        out = fn(piece)
        if structure is None:
            structure = out
        _same_structure("vectorized_map", structure, out, "fn's result")
        flat = nest.flatten(out)
        dtypes = [t.dtype for t in steps[0]] if steps else [None] * len(flat)
        steps.append(_as_results("vectorized_map", flat, dtypes, "fn's result"))
        _check_shapes("vectorized_map", steps[0], steps[-1], "fn's result")
    return nest.pack_sequence_as(structure, _stacked(steps, len(steps[0]), list))
