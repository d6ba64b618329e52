"""Nested structures of lists, tuples and dicts: their leaves, and rebuilding them."""

__all__ = ["flatten", "pack_like"]


def flatten(structure):
    """The leaves of nested lists, tuples and dicts (dicts in sorted key order)."""
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in flatten(structure[key])]
    return [structure]


def pack_like(structure, leaves):
    """Rebuilds `structure` with `leaves` (an iterator or list) in flatten's order."""
    it = iter(leaves)

    def build(s):
        if isinstance(s, (list, tuple)):
            return type(s)(build(item) for item in s)
        if isinstance(s, dict):
            return {k: build(s[k]) for k in sorted(s)}
        return next(it)

    return build(structure)
