"""`ConcreteFunction`: one trace of a `tf.function`, with TensorFlow's inspection API."""

from .._core import nest
from .graph import FuncGraph
from .tensor_spec import TensorSpec

__all__ = ["ConcreteFunction", "Untraced"]


class Untraced:
    """A cache entry for a signature whose trace cannot be replayed: it runs eagerly."""

    __slots__ = ("why",)

    def __init__(self, why):
        self.why = why


class ConcreteFunction:
    """One trace of a `Function`, for one (possibly relaxed) input signature, as TensorFlow's.

    It is callable (with arguments of its signature), and describes its trace:
    `structured_input_signature`, `structured_outputs`, `inputs`, `outputs`, `variables`,
    `graph` (operations with TensorFlow's op types and names), `function_def` and
    `pretty_printed_signature()`. A function that cannot be traced (it reads values in
    Python) has no graph: `traced` is False, and it runs eagerly.
    """

    def __init__(self, function, key, structured_input_signature):
        self._function = function
        self._key = key
        self._programs = {}  # concrete signature -> Program or Untraced (see Function)
        self.structured_input_signature = structured_input_signature
        self._graph = None

    def __call__(self, *args, **kwargs):
        return self._function._call_concrete(self._key, args, kwargs)

    @property
    def name(self):
        return self._function.__name__

    @property
    def _entry(self):
        return next(iter(self._programs.values()), None)

    @property
    def program(self):
        """The traced Program (tapegrad/_core/trace.py), or None if it runs eagerly."""
        entry = self._entry
        return None if entry is None or type(entry) is Untraced else entry

    @property
    def traced(self):
        """False if the function depends on values in a way a program cannot replay."""
        return self.program is not None

    @property
    def graph(self):
        """The trace as a FuncGraph: `get_operations()`, `get_operation_by_name`, ..."""
        if self._graph is None:
            program = self.program
            if program is None:
                why = getattr(self._entry, "why", "it was never traced")
                raise ValueError(
                    f"ConcreteFunction {self.name} has no graph: it runs eagerly because {why}. "
                    "Replace the Python reads of tensor values by tensor ops (tf.cond, "
                    "tf.where, ...) to trace it."
                )
            self._graph = FuncGraph(self.name, program)
        return self._graph

    @property
    def inputs(self):
        """The graph's placeholders: the arguments', then the captured variables'."""
        return list(self.graph.inputs)

    @property
    def outputs(self):
        return list(self.graph.outputs)

    @property
    def variables(self):
        """The variables the function reads or writes (captured by reference)."""
        return tuple(self.graph.variables)

    trainable_variables = property(lambda self: tuple(
        v for v in self.variables if getattr(v, "trainable", True)))

    @property
    def structured_outputs(self):
        """The function's result, its tensors as the graph's output tensors."""
        program = self.program
        if program is None:
            return self.graph  # raises, naming why
        outs = iter(self.graph.outputs)
        leaves = [
            None if slot is None and const is None else next(outs)
            for slot, const in zip(program.outputs, program.output_constants)
        ]
        return program.pack(leaves)

    @property
    def function_def(self):
        """The FunctionDef's signature (`signature.input_arg`, `signature.output_arg`)."""
        return self.graph.as_function_def()

    def pretty_printed_signature(self, verbose=True):
        """The signature as TensorFlow prints it: input parameters, output type, captures."""
        args, kwargs = self.structured_input_signature
        try:
            import inspect  # only for printing

            params = list(inspect.signature(self._function.python_function).parameters.values())
        except (TypeError, ValueError):
            params = []
        lines = ["Input Parameters:"]
        for i, arg in enumerate(args):
            param = params[i] if i < len(params) else None
            name = param.name if param is not None else f"args_{i}"
            kind = param.kind.name if param is not None else "POSITIONAL_ONLY"
            lines.append(f"  {name} ({kind}): {_type_text(arg)}")
        for key, value in kwargs.items():
            lines.append(f"  {key} (KEYWORD_ONLY): {_type_text(value)}")
        lines.append("Output Type:")
        if self.program is None:
            lines.append("  unknown (runs eagerly)")
        else:
            specs = nest.map_structure(_output_spec, self.structured_outputs)
            lines.append(f"  {_type_text(specs)}")
        lines.append("Captures:")
        variables = self.variables if self.program is not None else ()
        if not variables:
            lines.append("  None")
        for v in variables:
            lines.append(f"  {v.name}: TensorSpec(shape=(), dtype=tapegrad.resource, name=None)")
        return "\n".join(lines)

    def __str__(self):
        return f"ConcreteFunction {self.pretty_printed_signature()}"

    def __repr__(self):
        return f"<ConcreteFunction {self.name} at 0x{id(self):X}>"


def _output_spec(t):
    return TensorSpec(t.shape, t.dtype)


def _type_text(value):
    if isinstance(value, TensorSpec):
        return repr(TensorSpec(value.shape, value.dtype))
    if isinstance(value, (list, tuple)):
        inner = ", ".join(_type_text(v) for v in value)
        return f"Tuple[{inner}]" if isinstance(value, tuple) else f"List[{inner}]"
    if isinstance(value, dict):
        return "Dict[" + ", ".join(f"[Literal[{k!r}], {_type_text(v)}]"
                                   for k, v in value.items()) + "]"
    if value is None:
        return "NoneType"
    return f"Literal[{value!r}]"
