"""What `save` needs from `tf.function`: the call signatures a Function serves, and a dry-run
trace of it for one signature (a Program, see tapegrad/_core/trace.py).

This is the one place that reads a Function's internals (`_cache` keys, the AutoGraph
conversion if there is one), so that tracing can change without touching the format.
"""

import inspect

import numpy as np

from .._core import nest
from .._core.quiet import quiet_prints
from .._core.tensor import Tensor
from .._core.trace import Tracer
from .._impl.function import TensorSpec
from ._format import encode

__all__ = ["Parameters", "leaf_spec", "probe_args", "rebuild", "trace", "traced_signatures"]

# Sizes an unknown dimension takes in the two traces that check a program does not depend on
# it (neither is 1, which broadcasts).
PROBE_SIZES = (2, 3)


class Parameters:
    """A function's parameters as data (names, kinds, encodable defaults), to bind a call to
    (positional args, keyword-only kwargs) the same way at saving and at loading."""

    def __init__(self, params):
        self.params = params  # [name, kind, has_default, default]

    @classmethod
    def of(cls, fn):
        try:
            signature = inspect.signature(fn)
        except (TypeError, ValueError):
            return cls(None)
        return cls([[p.name, p.kind.name, p.default is not p.empty,
                     None if p.default is p.empty else p.default]
                    for p in signature.parameters.values()])

    def canonical(self, args, kwargs, what):
        """`(args, kwargs)` with keyword arguments for positional parameters moved into
        `args` and defaults filled in.

        Raises:
            TypeError: naming `what` and the parameter, for a call that does not bind.
        """
        if self.params is None:
            return tuple(args), dict(kwargs)
        args, kwargs = list(args), dict(kwargs)
        out_args, out_kwargs = [], {}
        for name, kind, has_default, default in self.params:
            if kind in ("POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD"):
                if args:
                    out_args.append(args.pop(0))
                    if name in kwargs:
                        raise TypeError(f"{what} got multiple values for argument {name!r}")
                elif name in kwargs and kind != "POSITIONAL_ONLY":
                    out_args.append(kwargs.pop(name))
                elif has_default:
                    out_args.append(default)
                else:
                    raise TypeError(f"{what} missing required argument {name!r}")
            elif kind == "VAR_POSITIONAL":
                out_args.extend(args)
                args = []
            elif kind == "KEYWORD_ONLY":
                if name in kwargs:
                    out_kwargs[name] = kwargs.pop(name)
                elif has_default:
                    out_kwargs[name] = default
                else:
                    raise TypeError(f"{what} missing required keyword argument {name!r}")
            else:  # VAR_KEYWORD
                out_kwargs.update(kwargs)
                kwargs = {}
        if args:
            raise TypeError(f"{what} takes {len(out_args)} positional arguments but "
                            f"{len(out_args) + len(args)} were given")
        if kwargs:
            raise TypeError(f"{what} got unexpected keyword arguments {sorted(kwargs)}")
        return tuple(out_args), out_kwargs

    def names(self):
        """The positional parameters' names."""
        return [p[0] for p in self.params or () if p[1] in ("POSITIONAL_ONLY",
                                                             "POSITIONAL_OR_KEYWORD")]


def rebuild(key, leaves):
    """The structure described by `nest.structure_key` `key`, filled from iterator `leaves`."""
    if key is None:
        return next(leaves)
    kind, keys, children = key
    items = [rebuild(child, leaves) for child in children]
    if keys is not None:
        return dict(zip(keys, items))
    if hasattr(kind, "_fields"):
        return kind(*items)
    return kind(items) if kind in (list, tuple) else list(items)


def leaf_spec(leaf_key):
    """A TensorSpec or Python value for one leaf of a cache key; None if it cannot be saved
    (a variable or an unhashable object passed as an argument)."""
    if leaf_key[0] == "tensor":
        return True, TensorSpec(leaf_key[1], np.dtype(leaf_key[2]))
    if leaf_key[0] == "python":
        return True, leaf_key[2]
    return False, None


def traced_signatures(function):
    """The `(args, kwargs)` of every signature `function` has traced (TensorSpecs for
    tensors), or of its input_signature; and the reasons some could not be listed."""
    if function.input_signature is not None:
        return [(tuple(function.input_signature), {})], []
    found, skipped = [], []
    for key, entry in list(function._cache.items()):
        entry = entry[0] if type(entry) is tuple else entry
        if getattr(entry, "why", None) is not None:
            skipped.append(f"a signature runs eagerly ({entry.why})")
            continue
        structure_key, leaf_keys = key
        leaves = [leaf_spec(k) for k in leaf_keys]
        if not all(ok for ok, _ in leaves):
            skipped.append("a signature takes a variable or an object as an argument")
            continue
        args, kwargs = rebuild(structure_key, iter(v for _, v in leaves))
        found.append((tuple(args), kwargs))
    return found, skipped


def probe_args(args, kwargs, probe):
    """The signature's arguments for probe trace `probe` (0 or 1), each TensorSpec replaced by
    a tensor of ones: an unknown dimension of size PROBE_SIZES[probe], an unknown rank of rank
    `probe + 1`."""
    size = PROBE_SIZES[probe]

    def example(leaf):
        if not isinstance(leaf, TensorSpec):
            return leaf
        if leaf.shape.rank is None:
            shape = (size,) * (probe + 1)
        else:
            shape = tuple(size if d is None else d for d in leaf.shape)
        return Tensor(np.ones(shape, dtype=leaf.dtype._np))

    return nest.map_structure(example, [list(args), kwargs])


def trace(function, structure):
    """A dry-run trace of `function` on `structure` (`[args, kwargs]` of tensors and Python
    values): `(Program, None, [shape, dtype] per output leaf)`, or `(None, why, None)`.

    The function's printing is silenced: to the user the save traces nothing new (TensorFlow
    saves the graphs it traced before).
    """
    fn = getattr(function, "_traced_function", lambda: function.python_function)()
    leaves = nest.flatten(structure)
    tracer = Tracer(function.__name__)
    try:
        with quiet_prints(), np.errstate(all="ignore"), tracer:
            placeholders = []
            for leaf in leaves:
                if isinstance(leaf, Tensor):
                    leaf = Tensor(leaf._value)
                    tracer.add_input(leaf)
                placeholders.append(leaf)
            args, kwargs = nest.pack_sequence_as(structure, placeholders)
            result = fn(*args, **kwargs)
        program = tracer.finish(result)
        shapes = [_leaf_shape(leaf) for leaf in nest.flatten(result)]
    finally:
        tracer.release()
    if program is None:
        return None, tracer.invalid or "a constant was computed from traced values", None
    return program, None, shapes


def _leaf_shape(leaf):
    """`[shape, dtype name]` of one leaf of a traced result, None for None."""
    if leaf is None:
        return None
    value = np.asarray(leaf._value) if hasattr(leaf, "_value") else np.asarray(leaf)
    return [list(value.shape), value.dtype.name]


def output_specs(traces):
    """Per output leaf, `[shape, dtype]` with None where the traces' sizes differ."""
    first = traces[0]
    out = []
    for k, spec in enumerate(first):
        if spec is None:
            out.append(None)
            continue
        if any(len(t[k][0]) != len(spec[0]) for t in traces):
            out.append([None, spec[1]])  # its rank follows an input's unknown rank
            continue
        shape = [d if all(t[k][0][i] == d for t in traces) else None
                 for i, d in enumerate(spec[0])]
        out.append([shape, spec[1]])
    return out


class _Differs(Exception):
    pass


def merge_programs(a, b, arrays):
    """One program for two serialized traces at sizes PROBE_SIZES of the unknown dimensions,
    or None if they differ other than in parameters that are a multiple of that size (a
    reshape to the batch size): those become `{"$dim": k}` (k times the size at the call)."""
    try:
        return _merge(a, b, arrays, False)
    except _Differs:
        return None


def _merge(a, b, arrays, in_params):
    if a == b:
        return a
    kind = type(a)
    if kind is not type(b):
        raise _Differs
    if kind is int and in_params:
        k = b - a
        if k and a == PROBE_SIZES[0] * k and b == PROBE_SIZES[1] * k:
            return {"$dim": k}
        raise _Differs
    if kind is list and len(a) == len(b):
        if len(a) == 5 and a[0] == "op" and b[0] == "op":  # an op: only its parameters vary
            if a[:3] != b[:3] or a[4] != b[4]:
                raise _Differs
            return [*a[:3], _merge(a[3], b[3], arrays, True), a[4]]
        if len(a) == 2 and type(a[1]) is str and a[1] in arrays and b[1] in arrays:
            if a[0] != b[0]:  # a constant: [slot, key]
                raise _Differs
            x, y = arrays[a[1]], arrays[b[1]]
            return a if _same_array(x, y) else [a[0], _filled(x, y)]
        return [_merge(x, y, arrays, in_params) for x, y in zip(a, b)]
    if kind is dict and a.keys() == b.keys():
        if len(a) == 1 and next(iter(a)) in ("$array", "$tensor"):
            (tag, key), = a.items()
            if _same_array(arrays[key], arrays[b[tag]]):
                return a
            raise _Differs
        return {k: _merge(a[k], b[k], arrays, in_params) for k in a}
    raise _Differs


def _filled(x, y):
    """`{"$fill": [shape, value]}` for two constants filled with one value whose shapes differ
    by multiples of the probe sizes (a recurrent layer's zero state, one row per example)."""
    if x.dtype != y.dtype or x.ndim != y.ndim or not x.size or not y.size:
        raise _Differs
    value = x.flat[0]
    if not (_uniform(x, value) and _uniform(y, value)):
        raise _Differs
    shape = [_merge(d, e, None, True) for d, e in zip(x.shape, y.shape)]
    return {"$fill": [shape, encode(value, None)]}


def _uniform(x, value):
    return bool(np.all(x == value)) or bool(np.all(np.isnan(x))) and np.isnan(value)


def _same_array(x, y):
    return (x.shape == y.shape and x.dtype == y.dtype
            and np.array_equal(x, y, equal_nan=x.dtype.kind in "fc"))
