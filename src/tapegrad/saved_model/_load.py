"""`tf.saved_model.load`: rebuilds the saved objects, variables and functions from data.

A loaded tf.function is a `RestoredFunction` that calls the concrete function whose signature
matches its arguments, as TensorFlow's does; each `RestoredConcreteFunction` replays its
program (tapegrad/_core/trace.py), through `bind` when a tape or accumulator is active, so
gradients flow through it and into the restored variables.
"""

import functools
import json
import os

from .._core import nest
from .._core.tensor import Tensor, convert_to_tensor
from .._core.variable import Variable
from .._impl.function import TensorSpec
from . import _format
from ._trace import PROBE_SIZES, Parameters

__all__ = ["load"]


class _UserObject:
    """A restored tf.Module: its saved attributes (variables, sub-modules, functions, lists
    and dicts of them), and `signatures` on the root."""

    def __call__(self, *args, **kwargs):
        # A saved `__call__` tf.function makes the restored object callable, as TensorFlow's.
        call = vars(self).get("__call__")
        if call is None:
            raise TypeError("this restored object is not callable: the saved object had no "
                            "tf.function __call__")
        return call(*args, **kwargs)

    def __repr__(self):
        names = ", ".join(k for k in vars(self) if not k.startswith("_"))
        return f"<restored object ({names})>"


class RestoredConcreteFunction:
    """One saved program with its input signature; calling it replays the program.

    Attributes:
        structured_input_signature: `(args, kwargs)` with TensorSpecs for the tensors.
        structured_outputs: the result's structure, a TensorSpec per tensor.
    """

    def __init__(self, name, make_program, signature, polymorphic, sized, output_specs):
        self.name = name
        self._make_program = make_program  # the size of the unknown dimensions -> Program
        self._sized = sized  # whether the program holds sizes of the unknown dimensions
        self._programs = {}
        self.program = None if sized else make_program(None)
        args, kwargs = signature
        self.structured_input_signature = (tuple(args), kwargs)
        self.polymorphic = polymorphic
        self.output_specs = output_specs
        # The shapes its program was traced for (an unknown dimension as save's first probe).
        self.traced_shapes = [
            tuple(PROBE_SIZES[0] if d is None else d for d in spec.shape)
            for spec in nest.flatten([list(args), kwargs])
            if isinstance(spec, TensorSpec) and spec.shape.rank is not None]
        self._specs = [s for s in nest.flatten([list(args), kwargs]) if isinstance(s, TensorSpec)]

    def _matches(self, args, kwargs, convert):
        """The flat input tensors if `(args, kwargs)` fits this signature, else None."""
        spec_args, spec_kwargs = self.structured_input_signature
        try:
            nest.assert_same_structure([list(spec_args), spec_kwargs], [list(args), kwargs],
                                       check_types=False)
        except (TypeError, ValueError):
            return None
        tensors = []
        for spec, value in zip(nest.flatten([list(spec_args), spec_kwargs]),
                               nest.flatten([list(args), kwargs])):
            if isinstance(spec, TensorSpec):
                if convert or hasattr(value, "_read") or hasattr(value, "__array__"):
                    try:
                        value = convert_to_tensor(value, dtype_hint=spec.dtype)
                    except (TypeError, ValueError):
                        return None
                if not isinstance(value, Tensor) or not spec.is_compatible_with(value):
                    return None
                tensors.append(value)
            elif isinstance(value, Tensor) or not _equal(spec, value):
                return None
        return tensors

    def _run(self, tensors):
        if not self.polymorphic:
            traced = self.traced_shapes
            for t, shape in zip(tensors, traced):
                if tuple(t.shape) != shape:
                    raise ValueError(
                        f"loaded function {self.name!r}: its program was saved for inputs of "
                        f"shapes {traced} and depends on those sizes (a shape was written into "
                        f"it as a number), so it cannot run on inputs of shapes "
                        f"{[tuple(x.shape) for x in tensors]}. tapegrad replays programs "
                        "without the Python code that made them; save the function with a "
                        "fully known input_signature for each shape you need.")
        if not self._sized:
            return self.program.run(tensors)
        sizes = {d for t, spec in zip(tensors, self._specs)
                 for d, s in zip(t.shape, spec.shape) if s is None}
        if len(sizes) != 1:
            raise ValueError(
                f"loaded function {self.name!r}: its program was saved with the size of its "
                "unknown dimensions written into it (a reshape to the batch size, say), so "
                "they must all have one size in a call; got inputs of shapes "
                f"{[tuple(x.shape) for x in tensors]} for {self._specs}.")
        size = sizes.pop()
        program = self._programs.get(size)
        if program is None:
            program = self._programs[size] = self._make_program(size)
        return program.run(tensors)

    def __call__(self, *args, **kwargs):
        tensors = self._matches(args, kwargs, convert=True)
        if tensors is None:
            raise TypeError(f"concrete function {self.name!r}: the arguments {args!r} "
                            f"{kwargs!r} do not match its signature "
                            f"{self.structured_input_signature}")
        return self._run(tensors)

    @property
    def structured_outputs(self):
        program = self.program
        return program.pack([None if spec is None else TensorSpec(spec[0], spec[1])
                             for spec in self.output_specs])

    def __repr__(self):
        return f"<RestoredConcreteFunction {self.name} {self.structured_input_signature}>"


def _equal(a, b):
    try:
        return type(a) is type(b) and bool(a == b)
    except (TypeError, ValueError):
        return False


class RestoredFunction:
    """A loaded tf.function: calls the saved concrete function its arguments match.

    Raises (when called):
        ValueError: if no saved signature matches, listing the ones saved (TensorFlow's
            message).
    """

    def __init__(self, name, parameters, input_signature, concrete_functions):
        self.__name__ = name
        self._parameters = parameters
        self._input_signature = input_signature
        self.concrete_functions = concrete_functions

    def __call__(self, *args, **kwargs):
        args, kwargs = self._parameters.canonical(args, kwargs, f"loaded function "
                                                  f"{self.__name__!r}")
        for concrete in self.concrete_functions:
            tensors = concrete._matches(args, kwargs, convert=self._input_signature)
            if tensors is not None:
                return concrete._run(tensors)
        options = "\n\n".join(
            f"Option {i + 1}:\n{_describe(*c.structured_input_signature)}"
            for i, c in enumerate(self.concrete_functions))
        raise ValueError(
            "Could not find matching concrete function to call loaded from the SavedModel. "
            f"Got:\n{_describe(args, kwargs)}\n\n Expected these arguments to match one of the "
            f"following {len(self.concrete_functions)} option(s):\n\n{options}")

    def get_concrete_function(self, *args, **kwargs):
        """The saved concrete function for these arguments (TensorSpecs or tensors); without
        arguments, the only one (a function saved with an input_signature)."""
        if not args and not kwargs and len(self.concrete_functions) == 1:
            return self.concrete_functions[0]
        args, kwargs = self._parameters.canonical(args, kwargs, self.__name__)
        for concrete in self.concrete_functions:
            if _same_signature(concrete.structured_input_signature, (args, kwargs)):
                return concrete
        raise ValueError(f"loaded function {self.__name__!r} has no concrete function for "
                         f"{args!r} {kwargs!r}")

    def __repr__(self):
        return f"<RestoredFunction {self.__name__}>"


def _same_signature(saved, given):
    a = nest.flatten([list(saved[0]), saved[1]])
    b = nest.flatten([list(given[0]), given[1]])
    return len(a) == len(b) and all(
        (x.shape == y.shape and x.dtype == y.dtype) if isinstance(x, TensorSpec)
        and isinstance(y, TensorSpec) else _equal(x, y) for x, y in zip(a, b))


def _describe(args, kwargs):
    lines = [f"  Positional arguments ({len(args)} total):"]
    lines += [f"    * {a!r}" for a in args]
    lines.append(f"  Keyword arguments: {kwargs!r}")
    return "\n".join(lines)


class SignatureFunction:
    """A serving signature: takes its tensors by keyword (or in order), returns a dict of
    named tensors (`output_0`, ... unless the function returned a dict), as TensorFlow's."""

    def __init__(self, name, concrete, input_names):
        self.name = name
        self._concrete = concrete
        self._input_names = input_names
        specs = nest.flatten(list(concrete.structured_input_signature))
        self.structured_input_signature = ((), {  # each spec named after its key, as TF's
            name: TensorSpec(spec.shape, spec.dtype, name) for name, spec in zip(input_names,
                                                                                 specs)})

    def __call__(self, *args, **kwargs):
        names = self._input_names
        if len(args) > len(names):
            raise TypeError(f"signature {self.name!r} takes {len(names)} inputs ({names}) but "
                            f"{len(args)} were given")
        given = dict(zip(names, args))
        for key, value in kwargs.items():
            if key in given:
                raise TypeError(f"signature {self.name!r} got multiple values for {key!r}")
            given[key] = value
        missing = [n for n in names if n not in given]
        extra = sorted(set(given) - set(names))
        if missing or extra:
            raise TypeError(f"signature {self.name!r} takes the inputs {names}; missing: "
                            f"{missing}, unexpected: {extra}")
        spec_args, spec_kwargs = self._concrete.structured_input_signature
        flat = [given[n] for n in names]
        args = nest.pack_sequence_as([list(spec_args), spec_kwargs], flat)
        result = self._concrete(*args[0], **args[1])
        return _named_outputs(result)

    @property
    def structured_outputs(self):
        return _named_outputs(self._concrete.structured_outputs)

    def __repr__(self):
        return f"<SignatureFunction {self.name} inputs={self._input_names}>"


def _named_outputs(result):
    """TensorFlow's signature outputs: a dict's own keys, else `output_<i>` per tensor."""
    if isinstance(result, dict) and all(isinstance(k, str) for k in result):
        return dict(result)
    leaves = [t for t in nest.flatten(result) if t is not None]  # a function returning None
    return {f"output_{i}": t for i, t in enumerate(leaves)}


def load(export_dir, tags=None, options=None):
    """Reads a directory written by `save` (see `tapegrad.saved_model`)."""
    export_dir = os.fspath(export_dir)
    manifest, arrays = _format.read(export_dir)
    path = os.path.join(export_dir, _format.MANIFEST)
    try:
        return _build(manifest, arrays)
    except _format.CorruptError as err:
        raise ValueError(f"tf.saved_model.load: {path} is corrupt: {err}") from None
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as err:
        raise ValueError(f"tf.saved_model.load: {path} is corrupt: unexpected content "
                         f"({type(err).__name__}: {err})") from None


def _build(manifest, arrays):
    variables = []
    for entry in manifest["variables"]:
        value = arrays[entry["value"]]
        v = Variable(value, trainable=entry["trainable"])
        name = entry["name"]
        v._name = name.removesuffix(":0")
        variables.append(v)
    concretes = []
    for entry in manifest["concrete_functions"]:
        data = entry["program"]
        make = functools.partial(_format.deserialize_program, data, variables, arrays)
        args, kwargs = _format.decode(entry["signature"], arrays)
        sized = '"$dim"' in json.dumps([data["instrs"], data["constants"]])
        concrete = RestoredConcreteFunction(entry["function"], make, (args, kwargs),
                                            bool(entry["polymorphic"]), sized,
                                            entry["output_specs"])
        if sized:
            make(PROBE_SIZES[0])  # checks the data now, as for the other programs
        concretes.append(concrete)
    functions = []
    for entry in manifest["functions"]:
        params = entry["parameters"]
        if params is not None:
            params = [[n, k, d, _format.decode(v, arrays) if d else None]
                      for n, k, d, v in params]
        functions.append(RestoredFunction(entry["name"], Parameters(params),
                                          bool(entry["input_signature"]),
                                          [concretes[i] for i in entry["concrete"]]))
    objects = manifest["objects"]
    built = [None] * len(objects)
    for i, entry in enumerate(objects):  # modules first, so that cycles resolve
        if entry["kind"] == "module":
            built[i] = _UserObject()
    for i, entry in enumerate(objects):
        kind = entry["kind"]
        if kind == "variable":
            built[i] = variables[entry["variable"]]
        elif kind == "function":
            built[i] = functions[entry["function"]]
    for i in reversed(range(len(objects))):  # containers hold objects made after them
        entry = objects[i]
        kind = entry["kind"]
        if kind == "dict":
            built[i] = {_format.decode(k, arrays): built[j] for k, j in entry["items"]}
        elif kind in ("list", "tuple"):
            items = [built[j] for j in entry["items"]]
            built[i] = items if kind == "list" else tuple(items)
        elif kind not in ("module", "variable", "function"):
            raise _format.CorruptError(f"unknown object kind {kind!r}")
    for i, entry in enumerate(objects):
        if entry["kind"] == "module":
            for name, j in entry["children"].items():
                setattr(built[i], name, built[j])
    root = built[manifest["root"]]
    root.signatures = {
        name: SignatureFunction(name, concretes[entry["concrete"]], entry["inputs"])
        for name, entry in manifest["signatures"].items()
    }
    return root

