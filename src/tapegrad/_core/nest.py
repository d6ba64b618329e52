"""Nested structures, with TensorFlow's rules: the one place they are flattened and rebuilt
(public as `tf.nest`).

A structure is nested through lists, tuples (namedtuples included), dicts and other mappings,
mapping views and other sequences; everything else is a leaf: None, strings, numbers, NumPy
arrays, sets, tensors. A mapping's values come in sorted key order (keys that do not sort are a
TypeError, as in TensorFlow); rebuilding gives each container back its type and a mapping its
own key order. The same rules serve the engine (a tape's sources and targets, a traced
function's arguments and results) and Keras.
"""

import collections.abc

__all__ = [
    "assert_same_structure", "flatten", "is_nested", "map_structure", "pack_sequence_as",
    "packer", "skeleton", "structure_key",
]

# How each type is walked, found once per type: None for a leaf, else "list", "tuple",
# "namedtuple", "mapping" or "sequence" (a mapping view, a range, another sequence).
_KINDS = {list: "list", tuple: "tuple", dict: "mapping", str: None, bytes: None}


def _kind(kind):
    found = _KINDS.get(kind, False)
    if found is False:
        if issubclass(kind, (str, bytes, bytearray)):
            found = None
        elif issubclass(kind, tuple):
            found = "namedtuple" if hasattr(kind, "_fields") else "tuple"
        elif issubclass(kind, list):
            found = "list"
        elif issubclass(kind, collections.abc.Mapping):
            found = "mapping"
        elif issubclass(kind, (collections.abc.Sequence, collections.abc.MappingView)):
            found = "sequence"
        else:
            found = None
        _KINDS[kind] = found
    return found


def is_nested(seq):
    """Whether `seq` is a container this module walks into (see the module docstring)."""
    found = _KINDS.get(type(seq), False)
    return (_kind(type(seq)) if found is False else found) is not None


def _flat_sequence(s):
    """Whether `s` is a list or tuple of leaves only (the common case: a tape's sources, a
    function's arguments), which flattens and packs without walking."""
    kind = type(s)
    if kind is not list and kind is not tuple:
        return False
    kinds = _KINDS
    for item in s:
        found = kinds.get(type(item), False)
        if found is not None:  # a container, or a type not seen yet
            return False
    return True


def _children(s):
    """The children of a nested `s`, in flattening order."""
    if _kind(type(s)) == "mapping":
        return [s[key] for key in sorted(s)]
    return s


def flatten(structure, expand_composites=False):
    """Returns the leaves of `structure`, left to right, a mapping's in sorted key order.

    Args:
        structure: any structure; a leaf flattens to `[structure]`.
        expand_composites: accepted for TensorFlow compatibility (tapegrad has no composite
            tensors).
    """
    if _KINDS.get(type(structure), False) is None:  # a leaf of a type seen before
        return [structure]
    if _flat_sequence(structure):
        return list(structure)
    if not is_nested(structure):
        return [structure]
    out = []
    _flatten(structure, out)
    return out


def _flatten(s, out):
    for child in _children(s):
        if is_nested(child):
            _flatten(child, out)
        else:
            out.append(child)


def _is_namedtuple(s):
    return _kind(type(s)) == "namedtuple"


def _rebuilder(instance):
    """A function building a container of `instance`'s type (and, for a mapping, its key order)
    from a list of children in flattening order: TensorFlow's rules, in one place."""
    kind = type(instance)
    if kind is list:
        return _same
    how = _kind(kind)
    if how == "tuple" or how == "list":
        return kind
    if how == "namedtuple":
        return lambda args: kind(*args)
    if how != "mapping":
        return list  # a mapping view, a range or another sequence, as TensorFlow
    ordered, keys = sorted(instance), list(instance)
    if kind is dict:
        return lambda args: _reorder(ordered, args, keys, {})
    if kind is collections.defaultdict:
        factory = instance.default_factory
        return lambda args: _reorder(ordered, args, keys, collections.defaultdict(factory))
    try:
        kind()
    except TypeError:  # an immutable mapping: built from its items
        return lambda args: kind(_reorder(ordered, args, keys, {}).items())
    return lambda args: _reorder(ordered, args, keys, kind())


def _same(args):
    return args


def _reorder(ordered, args, keys, out):
    values = dict(zip(ordered, args))
    for key in keys:
        out[key] = values[key]
    return out


def _sequence_like(instance, args):
    """A container of `instance`'s type holding `args` (its children, in flattening order)."""
    return _rebuilder(instance)(args)


def _pack(s, it):
    return _sequence_like(s, [_pack(c, it) if is_nested(c) else next(it) for c in _children(s)])


def _count(s):
    return sum(_count(c) if is_nested(c) else 1 for c in _children(s))


def pack_sequence_as(structure, flat_sequence, expand_composites=False):
    """Returns `flat_sequence`'s items packed into `structure`'s shape (`flatten`'s inverse).

    Raises:
        TypeError: if `flat_sequence` is not a sequence.
        ValueError: if the numbers of leaves differ.
    """
    kinds = _KINDS
    if kinds.get(type(structure), False) is None and kinds.get(type(flat_sequence)) and len(
            flat_sequence) == 1:  # a leaf seen before, and one value: the common case
        return flat_sequence[0]
    if not is_nested(flat_sequence):
        raise TypeError(
            f"Attempted to pack value:\n  {flat_sequence!r}\ninto a structure, but found "
            f"incompatible type `{type(flat_sequence)}` instead.")
    if not is_nested(structure):
        if len(flat_sequence) != 1:
            raise ValueError(
                f"The target structure is of type `{type(structure)}`\n  {structure!r}\nHowever "
                f"the input is a sequence ({type(flat_sequence)}) of length "
                f"{len(flat_sequence)}.\n  {flat_sequence!r}\nnest cannot guarantee that it is "
                "safe to map one to the other.")
        return flat_sequence[0]
    if _flat_sequence(structure) and len(structure) == len(flat_sequence):
        return type(structure)(flat_sequence)
    it = iter(flat_sequence)
    try:
        packed = _pack(structure, it)
    except StopIteration:
        packed = it = None
    if it is None or next(it, it) is not it:
        raise ValueError(
            f"Could not pack sequence. Structure had {_count(structure)} atoms, but "
            f"flat_sequence had {len(flat_sequence)} items.  Structure: {structure!r}, "
            f"flat_sequence: {flat_sequence!r}.")
    return packed


def packer(structure):
    """A function packing a flat list into `structure`'s shape, as `pack_sequence_as` does,
    with the walk over `structure` done once (for a structure rebuilt at every replay); it
    holds no leaf of `structure`."""
    if not is_nested(structure):
        return _first
    build = _compile(structure)
    return lambda flat: build(iter(flat))


def skeleton(structure):
    """`structure`'s containers with None for every leaf: its shape, holding no leaf alive."""
    if not is_nested(structure):
        return None
    return _rebuilder(structure)([skeleton(c) for c in _children(structure)])


def _first(flat):
    return flat[0]


def _compile(s):
    if not is_nested(s):
        return next
    parts = [_compile(c) for c in _children(s)]
    rebuild = _rebuilder(s)
    return lambda it: rebuild([part(it) for part in parts])


def structure_key(structure):
    """A hashable description of `structure`'s containers (their types, a mapping's keys), the
    same for two structures exactly when they have the same containers (a cache key)."""
    if not is_nested(structure):
        return None
    keys = tuple(sorted(structure)) if _kind(type(structure)) == "mapping" else None
    return (type(structure), keys, tuple(structure_key(c) for c in _children(structure)))


def _show(s):
    return f"type={type(s).__name__} str={s!r}"


def _outline(s):
    """`s` with every leaf shown as '.', as TensorFlow prints it in its errors."""
    return repr(_pack(s, iter(_Dot() for _ in range(_count(s))))) if is_nested(s) else "."


class _Dot:
    def __repr__(self):
        return "."


def _same_type(a, b):
    # As TensorFlow: list subclasses match lists, any two mappings match, and namedtuples match
    # by name and fields.
    if type(a) is type(b) or (isinstance(a, list) and isinstance(b, list)):
        return True
    if _kind(type(a)) == "mapping" and _kind(type(b)) == "mapping":
        return True
    return (_is_namedtuple(a) and _is_namedtuple(b) and type(a).__name__ == type(b).__name__
            and a._fields == b._fields)


def _mismatch(a, b, check_types):
    """(error class, reason) for the first place where `a` and `b` differ, or None."""
    if is_nested(a) != is_nested(b):
        nested, flat = (a, b) if is_nested(a) else (b, a)
        return ValueError, (f'Substructure "{_show(nested)}" is a sequence, while substructure '
                            f'"{_show(flat)}" is not')
    if not is_nested(a):
        return None
    if check_types and not _same_type(a, b):
        return TypeError, (
            f"The two namedtuples don't have the same sequence type. First structure "
            f"{_show(a)} has type {type(a).__name__}, while second structure {_show(b)} has "
            f"type {type(b).__name__}")
    if _kind(type(a)) == "mapping" and _kind(type(b)) == "mapping" and set(a) != set(b):
        return ValueError, (
            "The two dictionaries don't have the same set of keys. First structure has "
            f"keys {_show(sorted(a))}, while second structure has keys {_show(sorted(b))}")
    ca, cb = list(_children(a)), list(_children(b))
    if len(ca) != len(cb):
        return ValueError, ("The two structures don't have the same number of elements. First "
                            f"structure: {_show(a)}. Second structure: {_show(b)}")
    for x, y in zip(ca, cb):
        found = _mismatch(x, y, check_types)
        if found:
            return found
    return None


def assert_same_structure(nest1, nest2, check_types=True, expand_composites=False):
    """Raises unless `nest1` and `nest2` have the same nested structure.

    Args:
        check_types: whether the containers' types must match too (list subclasses match
            lists, any two mappings match, namedtuples match by name and fields).

    Raises:
        ValueError: if the structures differ in nesting, lengths or dict keys.
        TypeError: if `check_types` and two containers' types differ.
    """
    found = _mismatch(nest1, nest2, check_types)
    if found:
        error, reason = found
        raise error(
            "The two structures don't have the same nested structure.\n\n"
            f"First structure: {_show(nest1)}\n\nSecond structure: {_show(nest2)}\n\n"
            f"More specifically: {reason}\nEntire first structure:\n{_outline(nest1)}\n"
            f"Entire second structure:\n{_outline(nest2)}")


def map_structure(func, *structure, **kwargs):
    """Applies `func` to the leaves of the structures, which must have the same structure, and
    returns the results in the first one's structure.

    Args:
        func: called with one leaf of each structure.
        *structure: the structures.
        **kwargs: `check_types` (default True, see `assert_same_structure`) and
            `expand_composites` (accepted for TensorFlow compatibility).

    Raises:
        TypeError: if `func` is not callable, or containers' types differ.
        ValueError: without a structure, for another keyword argument, or if the structures
            differ.
    """
    if not callable(func):
        raise TypeError(f"func must be callable, got: {func}")
    if not structure:
        raise ValueError("Must provide at least one structure")
    check_types = kwargs.pop("check_types", True)
    kwargs.pop("expand_composites", False)
    if kwargs:
        raise ValueError("Only valid keyword arguments are `check_types` and "
                         f"`expand_composites`, not: `{next(iter(kwargs))}`")
    for other in structure[1:]:
        assert_same_structure(structure[0], other, check_types=check_types)
    flats = [flatten(s) for s in structure]
    return pack_sequence_as(structure[0], [func(*leaves) for leaves in zip(*flats)])
