"""Flattening and re-packing of nested lists, tuples, namedtuples and dicts (as `tf.nest`)."""

__all__ = ["flatten", "pack_sequence_as", "map_structure"]


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(x, "_fields")


def flatten(structure):
    """Returns the leaves of `structure` in order; dicts are visited in sorted key order."""
    if not isinstance(structure, (list, tuple, dict)):
        return [structure]
    out = []
    _flatten(structure, out)
    return out


def _flatten(s, out):
    if isinstance(s, (list, tuple)):
        for item in s:
            _flatten(item, out)
    elif isinstance(s, dict):
        for key in sorted(s):
            _flatten(s[key], out)
    else:
        out.append(s)


def pack_sequence_as(structure, flat):
    """Builds `structure`'s shape again from the leaves in `flat`."""
    if not isinstance(structure, (list, tuple, dict)):
        return flat[0]
    return _pack(structure, iter(flat))


def _pack(s, it):
    if _is_namedtuple(s):
        return type(s)(*(_pack(item, it) for item in s))
    if isinstance(s, (list, tuple)):
        return type(s)(_pack(item, it) for item in s)
    if isinstance(s, dict):
        packed = {key: _pack(s[key], it) for key in sorted(s)}
        return type(s)((key, packed[key]) for key in s)
    return next(it)


def map_structure(fn, *structures):
    """Applies `fn` to the leaves of the structures and packs the results like the first."""
    flats = [flatten(s) for s in structures]
    return pack_sequence_as(structures[0], [fn(*leaves) for leaves in zip(*flats)])
