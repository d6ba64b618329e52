"""`tf.types.experimental`: `TraceType`, how `tf.function` tells the arguments of two calls
apart.

A class whose objects are `tf.function` arguments may say how calls differ by defining
`__tf_tracing_type__(self, context)`, returning a `TraceType`: two calls whose arguments' trace
types are equal (`==`, with equal hashes) share one trace; otherwise the function traces
again. Without it, an object is told apart by its hash (by identity, unless its class defines
`__hash__`), as in TensorFlow. tapegrad keys its traces by equality only: `is_subtype_of` and
`most_specific_common_supertype` are part of the interface but do not widen a trace.
"""

import abc

__all__ = ["TraceType", "TracingContext"]


class TracingContext(metaclass=abc.ABCMeta):  # noqa: B024 - TensorFlow's interface has no method
    """What `__tf_tracing_type__` receives: the context of the call being traced."""


class TraceType(metaclass=abc.ABCMeta):
    """The type of a `tf.function` argument for tracing, as `tf.types.experimental.TraceType`.

    Example (the tf.function guide's):
        >>> class FruitTraceType(TraceType):
        ...     def __init__(self, fruit):
        ...         self.fruit_type = type(fruit)
        ...         self.fruit_value = fruit
        ...     def is_subtype_of(self, other):
        ...         return type(other) is FruitTraceType and self.fruit_type is other.fruit_type
        ...     def most_specific_common_supertype(self, others):
        ...         return self if all(self == other for other in others) else None
        ...     def placeholder_value(self, placeholder_context=None):
        ...         return self.fruit_value
        ...     def __eq__(self, other):
        ...         return type(other) is FruitTraceType and self.fruit_type == other.fruit_type
        ...     def __hash__(self):
        ...         return hash(self.fruit_type)
    """

    @abc.abstractmethod
    def is_subtype_of(self, other):
        """Whether every value of this type is a value of `other`."""

    @abc.abstractmethod
    def most_specific_common_supertype(self, others):
        """The narrowest type of which this and every one of `others` are subtypes, or None."""

    @abc.abstractmethod
    def placeholder_value(self, placeholder_context):
        """A value of this type to trace with."""

    def to_tensors(self, value):
        """The tensors of `value` that a trace takes as inputs (none by default)."""
        return []

    def from_tensors(self, tensors):
        """A value of this type rebuilt from `to_tensors`'s tensors."""
        return self.placeholder_value(None)

    def flatten(self):
        """The trace types of `to_tensors`'s tensors."""
        return []

    def cast(self, value, cast_context):
        """`value` converted to this type (as it is by default)."""
        return value

    @abc.abstractmethod
    def __eq__(self, other):
        """Whether two calls with these types may share a trace."""

    @abc.abstractmethod
    def __hash__(self):
        """Consistent with `__eq__`."""


class _CallContext(TracingContext):
    """The context `tf.function` passes to `__tf_tracing_type__`."""


CALL_CONTEXT = _CallContext()
