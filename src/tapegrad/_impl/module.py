"""`tf.Module` and `tf.name_scope`: named containers of variables and submodules.

A Module finds the Variables and Modules assigned to its attributes (inside lists, tuples and
dicts too) by walking them, as TensorFlow's does: `variables` lists the module's own first, in
attribute-name order, then its submodules', breadth first. `keras.layers.Layer` is a Module.
"""

import functools
import re

from .._core.scope import current_scope, pop_scope, push_scope
from .._core.variable import Variable

__all__ = ["Module", "name_scope"]


_VALID_NAME = re.compile(r"^[A-Za-z0-9_.\\/>-]*$")


class name_scope:
    """A context manager that prefixes the names of variables created inside it.

    Args:
        name: the scope's name; nested scopes join with "/". A name ending in "/" is taken as
            a complete scope name (how a Module re-enters its own scope).

    Example:
        >>> with tf.name_scope("block") as scope:
        ...     v = tf.Variable(1.0, name="w")
        >>> scope, v.name
        ('block/', 'block/w:0')
    """

    def __init__(self, name):
        if not isinstance(name, str) or not _VALID_NAME.match(name):
            raise ValueError(f"'{name}' is not a valid scope name")
        self._name = name

    @property
    def name(self):
        return self._name

    def __enter__(self):
        if not self._name:
            scope = ""
        elif self._name.endswith("/"):
            scope = self._name
        else:
            scope = f"{current_scope()}{self._name}/"
        push_scope(scope)
        return scope

    def __exit__(self, *exc):
        pop_scope()
        return False


def _camel_to_snake(value):
    return re.sub(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))", r"_\1", value).lower()


def _is_module(x):
    return isinstance(x, Module)


def _leaves(value, path):
    """(path, leaf) pairs of nested lists, tuples and dicts (dicts in sorted key order)."""
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _leaves(item, (*path, i))
    elif isinstance(value, dict):
        for key in sorted(value, key=str):
            yield from _leaves(value[key], (*path, key))
    else:
        yield path, value


class Module:
    """A named container of Variables and other Modules.

    Args:
        name: the module's name, a Python identifier (default: the class name in snake case).

    Raises:
        ValueError: if `name` is not a valid identifier.

    Example:
        >>> class Dense(tf.Module):
        ...     def __init__(self, n_in, n_out, name=None):
        ...         super().__init__(name=name)
        ...         self.w = tf.Variable(tf.random.normal([n_in, n_out]), name="w")
        ...         self.b = tf.Variable(tf.zeros([n_out]), name="b")
        ...     def __call__(self, x):
        ...         return tf.nn.relu(x @ self.w + self.b)
        >>> [v.name for v in Dense(3, 2).trainable_variables]
        ['b:0', 'w:0']
    """

    # Attributes the walk skips (a subclass may add to it).
    _TF_MODULE_IGNORED_PROPERTIES = frozenset()

    def __init__(self, name=None):
        if name is None:
            name = _camel_to_snake(type(self).__name__)
        elif not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name):
            raise ValueError(
                f"{name!r} is not a valid module name. Module names must be valid Python "
                "identifiers (e.g. a valid class name)."
            )
        self._name = name
        with name_scope(name) as scope:
            self._scope_name = scope

    @property
    def name(self):
        """The name given (or made from the class name)."""
        return self._name

    @property
    def name_scope(self):
        """A `tf.name_scope` that re-enters this module's scope (its name under the scopes
        in effect when it was created)."""
        return name_scope(self._scope_name)

    @property
    def variables(self):
        """Every Variable of the module and its submodules (each once), as a tuple."""
        return tuple(self._flatten(predicate=lambda x: isinstance(x, Variable)))

    @property
    def trainable_variables(self):
        """The trainable Variables, as a tuple."""
        return tuple(self._flatten(predicate=lambda x: isinstance(x, Variable) and x.trainable))

    @property
    def non_trainable_variables(self):
        """The non-trainable Variables, as a tuple."""
        return tuple(self._flatten(predicate=lambda x: isinstance(x, Variable) and not x.trainable))

    @property
    def submodules(self):
        """Every Module reachable from this one's attributes, breadth first, as a tuple."""
        return tuple(self._flatten(predicate=_is_module))

    def _flatten(
        self,
        recursive=True,
        predicate=None,
        attribute_traversal_key=None,
        with_path=False,
        expand_composites=False,
    ):
        """The leaves of the attributes (sorted by name), then of the submodules', breadth
        first; each leaf once unless `with_path` (then with its attribute path)."""
        predicate = predicate or (lambda _: True)
        seen = {id(self)}
        queue = [((), self)]
        visited = {id(self)}
        while queue:
            prefix, module = queue.pop(0)
            ignored = getattr(module, "_TF_MODULE_IGNORED_PROPERTIES", frozenset())
            attrs = vars(module)
            for key in sorted(attrs, key=attribute_traversal_key):
                if key in ignored:
                    continue
                for path, leaf in _leaves(attrs[key], (*prefix, key)):
                    if not with_path:
                        if id(leaf) in seen:
                            continue
                        seen.add(id(leaf))
                    if predicate(leaf):
                        yield (path, leaf) if with_path else leaf
                    if recursive and _is_module(leaf) and id(leaf) not in visited:
                        visited.add(id(leaf))
                        queue.append((path, leaf))

    @classmethod
    def with_name_scope(cls, method):
        """Decorates a method to run inside the module's name scope."""

        @functools.wraps(method)
        def method_with_name_scope(self, *args, **kwargs):
            with self.name_scope:
                return method(self, *args, **kwargs)

        return method_with_name_scope

    def __repr__(self):
        return f"<{type(self).__module__}.{type(self).__name__} name={self._name}>"
