"""The variables a checkpoint holds, named by where they hang in the object graph.

A `tf.train.Checkpoint`'s children are keyed by their attribute names; below them:

- a Variable is its own entry ("step");
- a Keras layer or model gives an entry per variable of each layer and optimizer it holds,
  by the path Keras's weights files use ("net/layers/dense/vars/0", "net/optimizer/vars/2");
- an optimizer gives "<name>/vars/<i>" in the order of its own variables (iterations and the
  rate first, then the slots as `build` makes them), and its inner optimizer under
  "<name>/inner_optimizer";
- a metric or a `tf.Module` gives "<name>/vars/<i>" in the order of its `variables`;
- a list, tuple or dict gives its items under "<name>/<index or key>"; a nested Checkpoint
  its own children.

Positions, not variable names, identify a variable, so that a new program's model (whose layer
names differ) restores the values of an earlier one, as TensorFlow matches its object graph.
A layer or optimizer that has not made its variables yet is an "owner" whose values wait for
its `build` (see `checkpoint.py`).
"""

import tapegrad as tf

__all__ = ["Owner", "entries", "is_trackable"]


class Owner:
    """An object that holds variables at `prefix/vars/<i>`, some of which may not exist yet."""

    def __init__(self, obj, prefix, variables, can_grow):
        self.obj = obj
        self.prefix = prefix
        self.variables = variables
        self.can_grow = can_grow  # it may still build (a layer or optimizer not built yet)

    def keys(self):
        return [f"{self.prefix}/vars/{i}" for i in range(len(self.variables))]


def _keras():
    from ..keras.layers.layer import Layer
    from ..keras.metric import Metric
    from ..keras.optimizers.base import Optimizer

    return Layer, Optimizer, Metric


def is_trackable(obj):
    """Whether a checkpoint can hold `obj` (a variable, Keras object, module, checkpoint, or a
    list, tuple or dict of them)."""
    trackable = (tf.Variable, tf.Module) + _keras()
    if isinstance(obj, trackable) or hasattr(obj, "_checkpoint_children"):
        return True
    if isinstance(obj, (list, tuple)):
        return all(is_trackable(item) for item in obj)
    if isinstance(obj, dict):
        return all(isinstance(k, str) and is_trackable(v) for k, v in obj.items())
    return False


def entries(children):
    """(variables by key, owners) of a checkpoint's children (a dict name -> object)."""
    variables, owners, seen = {}, [], set()
    for name, child in children.items():
        _visit(child, name, variables, owners, seen)
    return variables, owners


def _visit(obj, prefix, variables, owners, seen):
    layer_cls, optimizer_cls, metric_cls = _keras()
    if isinstance(obj, tf.Variable):
        variables.setdefault(prefix, obj)
        return
    if isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            _visit(item, f"{prefix}/{i}", variables, owners, seen)
        return
    if isinstance(obj, dict):
        for key, item in obj.items():
            _visit(item, f"{prefix}/{key}", variables, owners, seen)
        return
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if hasattr(obj, "_checkpoint_children"):  # a nested tf.train.Checkpoint
        for name, child in obj._checkpoint_children().items():
            _visit(child, f"{prefix}/{name}", variables, owners, seen)
    elif isinstance(obj, layer_cls):
        from ..keras.saving.saving_lib import state_entries

        for path, item in state_entries(obj):
            item_prefix = f"{prefix}/{path}" if path else prefix
            seen.add(id(item))
            if isinstance(item, optimizer_cls):
                _optimizer(item, item_prefix, variables, owners, seen)
            else:
                _owner(
                    Owner(item, item_prefix, item._own_variables(), not item.built),
                    variables,
                    owners,
                )
    elif isinstance(obj, optimizer_cls):
        _optimizer(obj, prefix, variables, owners, seen)
    elif isinstance(obj, (metric_cls, tf.Module)):
        _owner(Owner(obj, prefix, list(obj.variables), False), variables, owners)


def _optimizer(optimizer, prefix, variables, owners, seen):
    _owner(
        Owner(optimizer, prefix, list(optimizer._variables), not optimizer.built), variables, owners
    )
    inner = getattr(optimizer, "inner_optimizer", None)
    if inner is not None and id(inner) not in seen:
        seen.add(id(inner))
        _optimizer(inner, f"{prefix}/inner_optimizer", variables, owners, seen)


def _owner(owner, variables, owners):
    owners.append(owner)
    for key, v in zip(owner.keys(), owner.variables):
        variables.setdefault(key, v)
