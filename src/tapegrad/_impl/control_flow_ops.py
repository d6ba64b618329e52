"""`tf.cond`, `tf.case`, `tf.switch_case` and `tf.while_loop`, as TensorFlow 2 has them.

Eagerly they run as TensorFlow's eager versions do: plain Python over tensors, every op
recorded by the active tapes and accumulators (so derivatives of any order come for free, and
a loop of any length is walked back iteratively). Inside a traced `tf.function` each one is
one instruction with sub-programs (`_core/control.py`), run at every call with the values of
that call; its functions are traced once (both branches of a `cond`, as TensorFlow does).
"""

import numpy as np

from .._core import control as _control
from .._core import nest
from .._core.dtypes import bool as _bool
from .._core.errors import InvalidArgumentError
from .._core.indexed_slices import IndexedSlices
from .._core.tensor import Tensor, TensorShape, convert_to_tensor
from .._core.trace import as_output
from . import math_ops
from .array_ops import stack
from .check_ops import Assert

__all__ = ["case", "cond", "switch_case", "while_loop"]


def _is_variable(x):
    return hasattr(x, "_read") and not isinstance(x, Tensor)


def _tensor(leaf, what):
    """A loop or branch value as a tensor (a variable's value, a Python number converted, an
    IndexedSlices made dense)."""
    leaf = as_output(leaf, what)
    return leaf._read() if isinstance(leaf, IndexedSlices) else leaf


def _component_leaves(structure):
    """The leaves of `structure` with each TensorArray (or other object with loop components)
    replaced by its tensor, and a function rebuilding the structure from such leaves."""
    templates = [leaf if hasattr(leaf, "_loop_tensor") else None
                 for leaf in nest.flatten(structure)]

    def rebuild(leaves):
        out = [t if tmpl is None else tmpl._from_loop_tensor(t)
               for t, tmpl in zip(leaves, templates)]
        return nest.pack_sequence_as(structure, out)

    leaves = [leaf._loop_tensor() if hasattr(leaf, "_loop_tensor") else leaf
              for leaf in nest.flatten(structure)]
    return leaves, rebuild


# -- cond, case, switch_case ---------------------------------------------------------------

def cond(pred, true_fn=None, false_fn=None, name=None):
    """Returns `true_fn()` if the scalar `pred` is true, else `false_fn()`.

    Eagerly only the chosen function runs, and its result is returned as it is. Inside a
    `tf.function` both are traced, their results must have the same structure and dtypes, and
    the program chooses at every call (a `StatelessIf` instruction).

    Args:
        pred: a scalar bool tensor (or a Python bool).
        true_fn: callable with no arguments.
        false_fn: callable with no arguments.
        name: accepted for TensorFlow compatibility.

    Returns:
        The chosen function's result.

    Raises:
        TypeError: if `true_fn` or `false_fn` is missing or not callable; inside a
            `tf.function`, if the two results differ in structure or dtype.
        ValueError: if `pred` is not a scalar.

    Example:
        >>> x = tapegrad.constant(2.0)
        >>> float(tapegrad.cond(x > 1.0, lambda: x * 10.0, lambda: x))
        20.0
    """
    for what, fn in (("true_fn", true_fn), ("false_fn", false_fn)):
        if fn is None:
            raise TypeError(f"cond(): '{what}' argument required")
        if not callable(fn):
            raise TypeError(f"'{what}' must be callable.")
    tracer = _control.tracer()
    pred_t = convert_to_tensor(pred)
    if tracer is None:
        value = np.asarray(pred_t._value).view(np.ndarray)
        if value.size != 1:
            raise ValueError(
                f"tf.cond: pred must be a scalar, got shape {list(value.shape)} ({value!r}); "
                "reduce it first with tf.reduce_all or tf.reduce_any.")
        return true_fn() if value.item() else false_fn()
    _check_pred(pred_t, "tf.cond")
    return _traced_branches(tracer, "cond", pred_t, [false_fn, true_fn], "StatelessIf",
                            ("false_fn", "true_fn"))


def _check_pred(pred, op):
    if pred.dtype != _bool or pred.shape.rank != 0:
        raise InvalidArgumentError(
            f"{op}: pred must be a scalar bool tensor, got {pred.dtype.name} of shape "
            f"{list(pred.shape)}; compare it (x > 0) or reduce it (tf.reduce_any) first.")


def _traced_branches(tracer, name, index, fns, op_type, names):
    rebuilt = []

    def check(results):
        flats = []
        first = results[0]
        for k, result in enumerate(results):
            try:
                nest.assert_same_structure(first, result, check_types=False)
            except (TypeError, ValueError) as err:
                raise TypeError(_branch_mismatch(name, names, first, result, k, err)) from None
            leaves, rebuild = _component_leaves(result)  # a TensorArray: its buffer
            rebuilt.append(rebuild)
            flats.append([None if leaf is None else _tensor(leaf, name) for leaf in leaves])
        for k, flat in enumerate(flats[1:], 1):
            for a, b in zip(flats[0], flat):
                if (a is None) != (b is None) or (a is not None and a.dtype != b.dtype):
                    raise TypeError(_branch_mismatch(
                        name, names, first, results[k], k,
                        f"{_describe(a)} and {_describe(b)} have different types"))
        return flats, first

    traced = _control.trace_branches(tracer, name, index, fns, op_type, check)
    if traced is None:  # the trace was given up: run as Python (the function runs eagerly)
        k = int(np.asarray(index._value).view(np.ndarray))
        return fns[k if 0 <= k < len(fns) else -1]()
    flat, _ = traced
    return rebuilt[0](flat)


def _describe(t):
    return "None" if t is None else f"a {t.dtype.name} tensor of shape {list(t.shape)}"


def _branch_mismatch(name, names, first, other, k, detail):
    a, b = names[0], names[k]
    if name == "cond":  # branches (false, true); TensorFlow names true_fn first
        a, b, first, other = b, a, other, first
    return (f"{a} and {b} arguments to tf.{name} must have the same number, type, and overall "
            f"structure of return values.\n\n{a} output: {first!r}\n{b} output: {other!r}\n\n"
            f"Error details:\n{detail}")


def switch_case(branch_index, branch_fns, default=None, name="switch_case"):
    """Runs `branch_fns[branch_index]()`; an index out of range runs `default` (the last
    branch if None), as `tf.switch_case`.

    Args:
        branch_index: a scalar int tensor.
        branch_fns: a list of callables, a list of (int, callable) pairs or a dict {int:
            callable}, whose keys are 0 ... n-1.
        default: callable for an index out of range; None means the last branch.
        name: accepted for TensorFlow compatibility.

    Returns:
        The chosen function's result.

    Raises:
        TypeError: if `branch_index` is not an integer tensor or the functions are not
            callables as described.
        ValueError: if `branch_fns` is empty or its keys are not 0 ... n-1.
    """
    if not isinstance(branch_index, Tensor):
        raise TypeError(f"'branch_index' must be a Tensor, got {type(branch_index)}")
    if not branch_index.dtype.is_integer:
        raise TypeError(f"'branch_index' must be an integer Tensor, got {branch_index.dtype!r}")
    if not branch_fns:
        raise ValueError("Must provide at least one item in 'branch_fns'")
    if not isinstance(branch_fns, (list, tuple, dict)):
        raise TypeError("'branch_fns' must be a list, tuple, or dict")
    pairs = list(branch_fns.items()) if isinstance(branch_fns, dict) else list(branch_fns)
    if all(callable(fn) for fn in pairs):
        pairs = list(enumerate(pairs))
    for pair in pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError(f"Each entry in 'branch_fns' must be a 2-tuple. Received {pair}.")
        key, fn = pair
        if not isinstance(key, int):
            raise TypeError(f"key must be a Python `int`, got {type(key)}")
        if not callable(fn):
            raise TypeError(f"fn for key {key} must be callable.")
    keys = [key for key, _ in pairs]
    if min(keys) < 0 or max(keys) >= len(keys) or len(set(keys)) != len(keys):
        raise ValueError(f"branch indices (keys) must form contiguous range of [0 to "
                         f"{len(keys)}) but found {{{','.join(map(str, sorted(keys)))}}}")
    fns = [fn for _, fn in sorted(pairs, key=lambda pair: pair[0])]
    if default is not None:
        fns.append(default)
    tracer = _control.tracer()
    if tracer is None:
        k = int(np.asarray(branch_index._value).view(np.ndarray))
        return fns[k if 0 <= k < len(fns) else -1]()
    return _traced_branches(tracer, "switch_case", branch_index, fns, "StatelessCase",
                            [f"branch {k}" for k in range(len(fns))])


def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """Runs the function of the first pair whose predicate is true, else `default`, as
    `tf.case` (nested `tf.cond`s).

    Without a default, the last pair's function is the default and one of the predicates
    must hold: otherwise `InvalidArgumentError`, as TensorFlow's assertion raises. With
    `exclusive=True`, a traced call also checks that at most one predicate holds.

    Args:
        pred_fn_pairs: a list of (scalar bool tensor, callable) pairs.
        default: callable run when no predicate holds.
        exclusive: whether at most one predicate may hold.
        strict: accepted for TensorFlow compatibility.
        name: accepted for TensorFlow compatibility.

    Raises:
        TypeError: if the pairs are not (bool tensor, callable) 2-tuples.
        InvalidArgumentError: if no predicate holds and there is no default.
    """
    if not isinstance(pred_fn_pairs, (list, tuple, dict)):
        raise TypeError("'pred_fn_pairs' must be a list, tuple, or dict. "
                        f"Received: {type(pred_fn_pairs)}")
    if isinstance(pred_fn_pairs, dict):
        if not exclusive:
            raise ValueError("Unordered dictionaries are not supported for the "
                             "'pred_fn_pairs' argument when `exclusive=False` and eager "
                             "mode is enabled.")
        pred_fn_pairs = list(pred_fn_pairs.items())
    for pair in pred_fn_pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError(f"Each entry in 'pred_fn_pairs' must be a 2-tuple. Received {pair}.")
        pred, fn = pair
        if not isinstance(pred, Tensor):
            raise TypeError(f"pred must be a Tensor, got: {pred}")
        if pred.dtype != _bool:
            raise TypeError(f"pred must be Tensor of type bool: {pred!r}")
        if not callable(fn):
            raise TypeError(f"fn for pred {pred!r} must be callable.")
    preds = [pred for pred, _ in pred_fn_pairs]
    fns = [fn for _, fn in pred_fn_pairs]
    if default is None:
        last, last_pred = fns[-1], preds[-1]
        preds, fns = preds[:-1], fns[:-1]

        def default():
            Assert(last_pred, ["Input error: None of conditions evaluated as True:",
                               _stack_preds(pred_fn_pairs)])
            return last()

    if exclusive and _control.tracer() is not None:
        count = math_ops.reduce_sum(math_ops.cast(_stack_preds(pred_fn_pairs), "int32"))
        Assert(count <= 1, [("Input error: exclusive=True: more than 1 conditions evaluated "
                             "as True:"), _stack_preds(pred_fn_pairs)])
    fn = default
    for pred, action in reversed(list(zip(preds, fns))):
        fn = _bind_cond(pred, action, fn)
    return fn()


def _stack_preds(pairs):
    return stack([pred for pred, _ in pairs])


def _bind_cond(pred, true_fn, false_fn):
    return lambda: cond(pred, true_fn, false_fn)


# -- while_loop ----------------------------------------------------------------------------

def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10,
               back_prop=True, swap_memory=False, maximum_iterations=None, name=None):
    """Repeats `loop_vars = body(*loop_vars)` while `cond(*loop_vars)` is true.

    `loop_vars` is a list or tuple (of tensors, numbers, TensorArrays or nested structures
    of them); `body` returns the same structure. Eagerly the loop runs as Python (every op
    recorded by the active tapes: gradients of any order, any number of iterations). Inside a
    `tf.function` it is one `While` instruction whose condition and body are traced once;
    a loop variable then keeps its dtype and shape, unless `shape_invariants` (TensorShapes
    in the structure of `loop_vars`, None for an unknown dimension) allows the shape to vary.

    Args:
        cond: callable returning a scalar bool tensor.
        body: callable returning the next loop variables.
        loop_vars: a list or tuple of the initial values.
        shape_invariants: per loop variable, the shapes it may take (traced loops).
        parallel_iterations: accepted (a positive int); iterations run in order.
        back_prop: accepted for TensorFlow compatibility.
        swap_memory: accepted for TensorFlow compatibility.
        maximum_iterations: stop after this many iterations at most.
        name: accepted for TensorFlow compatibility.

    Returns:
        The final loop variables, in the structure of `loop_vars`.

    Raises:
        TypeError: if `cond` or `body` is not callable, or (traced) a loop variable changes
            dtype.
        ValueError: if `loop_vars` is empty, `body` returns another structure, or (traced) a
            loop variable changes shape outside its shape invariant.

    Example:
        >>> i, total = tapegrad.while_loop(lambda i, s: i < 4, lambda i, s: (i + 1, s + i),
        ...                                (0, 0))
        >>> int(total)
        6
    """
    if not callable(cond):
        raise TypeError("'cond' must be callable.")
    if not callable(body):
        raise TypeError("'body' must be callable.")
    if parallel_iterations < 1:
        raise TypeError("'parallel_iterations' must be a positive integer.")
    loop_vars = nest.map_structure(lambda v: v._read() if _is_variable(v) else v, loop_vars)
    if isinstance(loop_vars, Tensor) and loop_vars._value.ndim == 0 or not (
            isinstance(loop_vars, Tensor) or loop_vars):
        raise ValueError("'loop_vars' must be provided.")
    if maximum_iterations is not None:
        maximum_iterations = convert_to_tensor(maximum_iterations)
        if maximum_iterations.shape.rank != 0:
            raise ValueError(f"'maximum_iterations' must be a scalar. Received shape: "
                             f"{maximum_iterations.shape}")
    tracer = _control.tracer()
    if tracer is not None:
        return _traced_while(tracer, cond, body, loop_vars, shape_invariants,
                             maximum_iterations)
    return _eager_while(cond, body, loop_vars, maximum_iterations)


def _eager_while(cond, body, loop_vars, maximum_iterations):
    """TensorFlow's eager while_loop: Python's `while`, the structure checked each time."""
    if maximum_iterations is not None:
        limit = int(np.asarray(maximum_iterations._value).view(np.ndarray))
        orig_cond, orig_body = cond, body
        loop_vars = (0, loop_vars)

        def cond(i, lv):
            return i < limit and bool(orig_cond(*lv))

        def body(i, lv):
            return i + 1, orig_body(*lv)

    structure = list(loop_vars)
    while cond(*loop_vars):
        loop_vars = body(*loop_vars)
        nest.assert_same_structure(structure, list(loop_vars), check_types=False)
    loop_vars = nest.map_structure(
        lambda v: v if hasattr(v, "_loop_tensor") else convert_to_tensor(v), loop_vars)
    return loop_vars[1] if maximum_iterations is not None else loop_vars


def _traced_while(tracer, cond, body, loop_vars, shape_invariants, maximum_iterations):
    """The loop as one While instruction of `tracer`'s program (TensorFlow's while_v2)."""
    leaves, rebuild = _component_leaves(loop_vars)
    tensors = [_tensor(leaf, "tf.while_loop") for leaf in leaves]
    invariants = _invariants(shape_invariants, loop_vars, tensors)
    # a TensorArray's buffer grows (dynamic_size) or gets its element shape in the loop
    invariants = [TensorShape(None) if hasattr(v, "_loop_tensor") else shape
                  for v, shape in zip(nest.flatten(loop_vars), invariants)]
    counted = maximum_iterations is not None
    if counted:  # a counter among the loop variables, as TensorFlow's
        tensors = [convert_to_tensor(np.zeros((), maximum_iterations.dtype._np)), *tensors]
        invariants = [TensorShape([]), *invariants]

    def unpack(flat):
        return rebuild(flat[1:] if counted else flat)

    def traced_cond(flat):
        result = cond(*unpack(flat))
        if counted:
            result = math_ops.logical_and(flat[0] < maximum_iterations, result)
        pred = convert_to_tensor(result)
        _check_pred(pred, "tf.while_loop")
        return pred

    def traced_body(flat):
        result = body(*unpack(flat))
        if not nest.is_nested(result):
            result = [result]
        try:
            nest.assert_same_structure(list(loop_vars), list(result), check_types=False)
        except (TypeError, ValueError) as err:
            raise ValueError(f"tf.while_loop: body returned {result!r}, which does not have "
                             f"the structure of loop_vars {loop_vars!r}: {err}") from None
        out_leaves, _ = _component_leaves(list(result))
        outs = [_tensor(leaf, "tf.while_loop body") for leaf in out_leaves]
        if counted:
            outs = [flat[0] + 1, *outs]
        for k, (before, after, shape) in enumerate(zip(tensors, outs, invariants)):
            _check_loop_var(k - counted, before, after, shape)
        return outs

    results = _control.trace_while(tracer, "while", traced_cond, traced_body, tensors)
    if results is None:  # the trace was given up: run as Python (the function runs eagerly)
        return _eager_while(cond, body, loop_vars, maximum_iterations)
    return unpack(results)


def _invariants(shape_invariants, loop_vars, tensors):
    if shape_invariants is None:
        return [t.shape for t in tensors]
    try:
        shapes = [TensorShape(s) for s in _flatten_up_to(list(loop_vars),
                                                         list(shape_invariants))]
    except (TypeError, ValueError, KeyError) as err:
        raise ValueError(f"tf.while_loop: shape_invariants {shape_invariants!r} must have the "
                         f"structure of loop_vars {loop_vars!r}, with a TensorShape for each "
                         f"loop variable: {err}") from None
    for k, (t, shape) in enumerate(zip(tensors, shapes)):
        if not shape.is_compatible_with(t.shape):
            raise ValueError(f"The shape invariant specified for loop var {k} is not "
                             f"compatible with the initial shape of the loop variable. It enters "
                             f"the loop with shape {t.shape}, but the specified shape invariant "
                             f"is {shape}.")
    return shapes


def _flatten_up_to(shallow, deep):
    """`deep`'s items where `shallow` has leaves (a shape is a sequence, not a structure)."""
    if not nest.is_nested(shallow):
        return [deep]
    if isinstance(shallow, dict):
        return [x for k in sorted(shallow) for x in _flatten_up_to(shallow[k], deep[k])]
    if len(shallow) != len(deep):
        raise ValueError(f"{len(deep)} items where loop_vars has {len(shallow)}")
    return [x for a, b in zip(shallow, deep) for x in _flatten_up_to(a, b)]


def _check_loop_var(k, before, after, shape):
    if after.dtype != before.dtype:
        raise TypeError(f"Loop var {k} enters the loop with type {before.dtype!r} but has type "
                        f"{after.dtype!r} after 1 iteration. Loop var {k} type should remain "
                        "constant.")
    if not shape.is_compatible_with(after.shape):
        raise ValueError(f"Input tensor (loop var {k}) enters the loop with shape "
                         f"{before.shape}, but has shape {after.shape} after one iteration. To "
                         "allow the shape to vary across iterations, use the `shape_invariants` "
                         "argument of tf.while_loop to specify a less-specific shape.")
