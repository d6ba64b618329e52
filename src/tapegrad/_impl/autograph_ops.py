"""What AutoGraph's converted code calls (`ag__` in it; see autograph.py): each converted
statement runs as plain Python on Python values, and as tf.cond / tf.while_loop on tensors."""

import tapegrad

from .._core.control import tracer as _tracer
from .._core.dataset_loop import trace_dataset_loop
from .._core.state import impure as _impure
from .._core.tensor import Tensor, convert_to_tensor

__all__ = ["UNDEFINED", "and_", "for_stmt", "if_stmt", "not_", "range_iterable", "state",
           "while_stmt"]


class _Undefined:
    """The value of a variable not yet assigned when a converted statement starts."""

    __slots__ = ()

    def __repr__(self):
        return "<undefined>"


UNDEFINED = _Undefined()


def _is_tensor(x):
    return isinstance(x, Tensor) or hasattr(x, "_read")


def state(local_values, names):
    """The values of `names` among `local_values` (locals()), UNDEFINED where unassigned."""
    return tuple(local_values.get(n, UNDEFINED) for n in names)


def not_(x):
    return tapegrad.logical_not(x) if _is_tensor(x) else not x


def and_(a, b):
    """`a() and b()`: Python's on Python values, tf.logical_and on tensors."""
    first = a()
    if not _is_tensor(first):
        return first and b()
    return tapegrad.logical_and(first, b())


def _control(name):
    """tf.cond or tf.while_loop, looked up when called (a test may stand in for them)."""
    return getattr(tapegrad, name, None)


def _defined(values):
    return tuple(None if v is UNDEFINED else v for v in values)


def if_stmt(pred, true_fn, false_fn, values, returns):
    """A converted `if`: the branch taken on a Python value, tf.cond on a tensor.

    Args:
        values: the values of the variables the branches assign (their parameters).
        returns: True if the branches return the function's result instead.
    """
    if not _is_tensor(pred):
        return (true_fn if pred else false_fn)(*values)
    cond = _control("cond")
    if cond is None:
        return (true_fn if bool(pred) else false_fn)(*values)
    if returns:
        return cond(pred, true_fn, false_fn)
    out = cond(pred, lambda: _defined(true_fn(*values)), lambda: _defined(false_fn(*values)))
    return tuple(v if o is None and v is UNDEFINED else o for o, v in zip(out, values))


def _loop_vars(values):
    """The positions of the defined values, and those values as tensors where they are
    numbers (a tensor loop carries tensors, as TensorFlow's)."""
    index = [i for i, v in enumerate(values) if v is not UNDEFINED]
    carried = []
    for i in index:
        v = values[i]
        carried.append(convert_to_tensor(v) if isinstance(v, (int, float, bool)) else v)
    return index, tuple(carried)


def _merge(values, index, carried):
    out = list(values)
    for i, v in zip(index, carried):
        out[i] = v
    return out


def while_stmt(test_fn, body_fn, values, names):
    """A converted `while`: a Python loop on a Python test, tf.while_loop on a tensor one."""
    test = test_fn(*values)
    while_loop = _control("while_loop")
    if not _is_tensor(test) or while_loop is None:
        while test:
            values = body_fn(*values)
            test = test_fn(*values)
        return values
    index, carried = _loop_vars(values)
    final = while_loop(
        lambda *vs: test_fn(*_merge(values, index, vs)),
        lambda *vs: tuple(body_fn(*_merge(values, index, vs))[i] for i in index),
        carried)
    return tuple(_merge(values, index, final))


class _Range:
    """`tf.range(*args, **kwargs)` as a `for` loop's iterable, not made: with a bound that a
    traced function computes, the loop runs as tf.while_loop on a counter (as TensorFlow's
    AutoGraph does), the range never made (its size is a value the trace cannot know)."""

    __slots__ = ("args", "fn", "kwargs")

    def __init__(self, fn, args, kwargs):
        self.fn, self.args, self.kwargs = fn, args, kwargs

    def bounds(self):
        """(start, limit, delta) as tensors of the range's dtype (the given one, else the
        widest of the arguments', floating point first, as TensorFlow infers it)."""
        args = dict(zip(("start", "limit", "delta"), self.args))
        if len(self.args) == 1 and "limit" not in self.kwargs:
            args = {"limit": self.args[0]}
        args.update((k, v) for k, v in self.kwargs.items() if k in ("start", "limit", "delta"))
        bounds = [convert_to_tensor(args.get(k, d)) for k, d in
                  (("start", 0), ("limit", None), ("delta", 1))]
        dtype = self.kwargs.get("dtype")
        if dtype is None:
            floats = [b.dtype for b in bounds if b.dtype.is_floating]
            dtype = max(floats or [b.dtype for b in bounds], key=lambda d: d.size)
        return tuple(tapegrad.cast(b, dtype) for b in bounds)


def range_iterable(fn, *args, **kwargs):
    """A converted `for` over `tf.range(...)`: the range, or a `_Range` where a traced
    function gives it a tensor bound."""
    if _tracer() is not None and any(
            isinstance(v, Tensor) for v in (*args, *kwargs.values())):
        return _Range(fn, args, kwargs)
    return fn(*args, **kwargs)


def _range_loop(iterable, body_fn, values, extra_test):
    start, limit, delta = iterable.bounds()
    index, carried = _loop_vars(values)

    def test(i, *vs):
        more = tapegrad.where(delta > 0, i < limit, i > limit)
        if extra_test is None:
            return more
        return tapegrad.logical_and(more, extra_test(*_merge(values, index, vs)))

    def body(i, *vs):
        out = body_fn(i, *_merge(values, index, vs))
        return (i + delta, *(out[j] for j in index))

    final = _control("while_loop")(test, body, (start, *carried))
    return tuple(_merge(values, index, final[1:]))


def for_stmt(iterable, body_fn, values, names, extra_test):
    """A converted `for`: a Python loop over Python iterables, tf.while_loop over the rows
    of a tensor (tf.range included); `extra_test` (or None) stops it after a `break`."""
    if isinstance(iterable, _Range):
        return _range_loop(iterable, body_fn, values, extra_test)
    while_loop = _control("while_loop")
    if _is_tensor(iterable) and while_loop is not None and iterable.shape.rank:
        n = iterable.shape[0]
        index, carried = _loop_vars(values)

        def test(i, *vs):
            more = tapegrad.less(i, n)
            if extra_test is None:
                return more
            return tapegrad.logical_and(more, extra_test(*_merge(values, index, vs)))

        # its rows as a TensorArray, whose read takes a traced index (tf.gather reads it)
        rows = tapegrad.TensorArray(iterable.dtype, size=n).unstack(iterable)

        def body(i, *vs):
            out = body_fn(rows.read(i), *_merge(values, index, vs))
            return (i + 1, *(out[j] for j in index))

        final = while_loop(test, body, (tapegrad.constant(0), *carried))
        return tuple(_merge(values, index, final[1:]))
    if isinstance(iterable, tapegrad.data.Dataset):
        found = _tracer()
        if found is not None:  # one DatasetLoop instruction
            index, carried = _loop_vars(values)
            if all(isinstance(v, Tensor) for v in carried):
                test = None if extra_test is None else (
                    lambda vs: convert_to_tensor(extra_test(*_merge(values, index, vs))))
                final = trace_dataset_loop(
                    found, found.name, iterable,
                    lambda element, vs: tuple(
                        body_fn(element, *_merge(values, index, vs))[i] for i in index),
                    list(carried), test)
                if final is not None:
                    return tuple(_merge(values, index, final))
        # else a traced program cannot replay Python's iteration over its elements
        _impure("a tf.data.Dataset was iterated in Python (with loop values that are not "
                "tensors)")
    for item in iterable:
        if extra_test is not None and not extra_test(*values):
            break
        values = body_fn(item, *values)
    return values
