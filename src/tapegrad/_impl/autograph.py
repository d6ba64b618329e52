"""AutoGraph (placeholder until the conversion lands)."""


def convert(fn, name):
    return fn
