"""`tf.saved_model.save`: walks the object graph and writes its variables, functions and
signatures in tapegrad's format (_format.py)."""

import json
import warnings

import numpy as np

from .._core import nest
from .._core.variable import Variable
from .._impl.function import ConcreteFunction, Function, TensorSpec
from .._impl.module import Module
from . import _format, _trace
from ._load import RestoredFunction, SignatureFunction, _UserObject

__all__ = ["save"]

DEFAULT_SIGNATURE = "serving_default"


def _is_trackable(value):
    return isinstance(value, (Variable, Module, Function, RestoredFunction, _UserObject))


def _holds_trackable(value):
    if _is_trackable(value):
        return True
    if type(value) in (list, tuple):
        return any(_holds_trackable(v) for v in value)
    if type(value) is dict:
        return any(_holds_trackable(v) for v in value.values())
    return False


def _empty(value):
    """An empty list, tuple or dict: kept as an attribute (it may be filled with variables, as
    a Keras archive's `non_trainable_variables`)."""
    return type(value) in (list, tuple, dict) and not value


def _class_functions(obj):
    """The tf.functions defined on `obj`'s class, bound to it (attribute name -> Function)."""
    found = {}
    for klass in reversed(type(obj).__mro__):
        for name, attr in vars(klass).items():
            if isinstance(attr, Function):
                found[name] = getattr(obj, name)
            elif name in found:
                del found[name]
    return found


class _Saver:
    def __init__(self):
        self.arrays = _format.Arrays()
        self.objects = []  # JSON per object
        self.object_ids = {}  # id -> index
        self.variables = []  # JSON per variable
        self.variable_ids = {}
        self.functions = []
        self.function_ids = {}
        self.concretes = []
        self.concrete_ids = {}  # (id(function), encoded signature) -> index
        self.keep = []  # objects whose ids are keys, alive until the save ends

    # -- objects --------------------------------------------------------------------------
    def node(self, value):
        """The index of `value`'s object (made on first sight)."""
        index = self.object_ids.get(id(value))
        if index is not None:
            return index
        index = len(self.objects)
        self.object_ids[id(value)] = index
        self.keep.append(value)
        self.objects.append(None)
        if isinstance(value, Variable):
            entry = {"kind": "variable", "variable": self.variable(value)}
        elif isinstance(value, RestoredFunction):
            entry = {"kind": "function", "function": self.restored_function(value)}
        elif isinstance(value, _UserObject):  # a loaded object, saved again
            entry = {"kind": "module", "children": {
                name: self.node(attr) for name, attr in sorted(vars(value).items())
                if name != "signatures" and (_holds_trackable(attr) or _empty(attr))}}
        elif isinstance(value, Function):
            entry = {"kind": "function", "function": self.function(value)}
        elif isinstance(value, Module):
            children = {}
            ignored = getattr(value, "_TF_MODULE_IGNORED_PROPERTIES", frozenset())
            for name, attr in sorted(vars(value).items()):
                if name not in ignored and (_holds_trackable(attr) or _empty(attr)):
                    children[name] = self.node(attr)
            for name, function in sorted(_class_functions(value).items()):
                children[name] = self.node(function)
            entry = {"kind": "module", "children": children}
        elif type(value) is dict:
            entry = {"kind": "dict", "items": [[_format.encode(k, self.arrays), self.node(v)]
                                               for k, v in value.items() if _holds_trackable(v)]}
        else:  # a list or tuple holding trackables
            entry = {"kind": type(value).__name__,
                     "items": [self.node(v) for v in value if _holds_trackable(v)]}
        self.objects[index] = entry
        return index

    def variable(self, v):
        index = self.variable_ids.get(id(v))
        if index is None:
            index = self.variable_ids[id(v)] = len(self.variables)
            self.keep.append(v)
            value = np.asarray(v._value)
            if value.dtype.hasobject:
                raise ValueError(f"tf.saved_model.save: variable {v.name} holds Python "
                                 "objects, which a SavedModel cannot store")
            self.variables.append({"name": getattr(v, "path", v.name), "trainable": bool(v.trainable),
                                   "value": self.arrays.add(value, "v")})
        return index

    # -- functions ------------------------------------------------------------------------
    def function(self, function):
        index = self.function_ids.get(id(function))
        if index is not None:
            return index
        index = self.function_ids[id(function)] = len(self.functions)
        self.keep.append(function)
        self.functions.append(None)
        params = _trace.Parameters.of(function.python_function)
        signatures, skipped = _trace.traced_signatures(function)
        for why in skipped:
            warnings.warn(f"tf.saved_model.save: function {function.__name__!r}: {why}; that "
                          "signature is not saved, so the loaded function does not accept it.",
                          stacklevel=4)
        concretes = []
        for args, kwargs in signatures:
            if function.input_signature is None:
                args, kwargs = params.canonical(args, kwargs, f"tf.function {function.__name__}")
            try:
                concretes.append(self.concrete(function, args, kwargs))
            except _format.Unsaveable as err:
                if function.input_signature is not None:
                    raise
                # A signature the function happened to be called with (a Keras model's
                # training step, say) is left out, as one that runs eagerly is.
                warnings.warn(f"{err} That signature is not saved.", stacklevel=4)
        self.functions[index] = {
            "name": function.__name__,
            "parameters": self.parameters(params),
            "input_signature": function.input_signature is not None,
            "concrete": concretes,
        }
        return index

    def restored_function(self, function):
        """A loaded function saved again: its concrete functions' programs as they were."""
        index = self.function_ids.get(id(function))
        if index is None:
            index = self.function_ids[id(function)] = len(self.functions)
            self.keep.append(function)
            self.functions.append({
                "name": function.__name__,
                "parameters": self.parameters(function._parameters),
                "input_signature": function._input_signature,
                "concrete": [self.restored_concrete(c) for c in function.concrete_functions],
            })
        return index

    def restored_concrete(self, concrete):
        key = id(concrete)
        index = self.concrete_ids.get(key)
        if index is not None:
            return index
        self.keep.append(concrete)
        if concrete._sized:  # rebuilt at the two probe sizes, then merged as when first saved
            data = [_format.serialize_program(concrete._make_program(size), self.variable,
                                              self.arrays) for size in _trace.PROBE_SIZES]
            program = _trace.merge_programs(*data, self.arrays.arrays)
        else:
            program = _format.serialize_program(concrete.program, self.variable, self.arrays)
        args, kwargs = concrete.structured_input_signature
        index = self.concrete_ids[key] = len(self.concretes)
        self.concretes.append({
            "function": concrete.name,
            "signature": _format.encode([list(args), kwargs], self.arrays),
            "polymorphic": concrete.polymorphic,
            "program": program,
            "output_specs": concrete.output_specs,
        })
        return index

    def parameters(self, params):
        if params.params is None:
            return None
        out = []
        for name, kind, has_default, default in params.params:
            try:
                encoded = _format.encode(default, self.arrays) if has_default else None
            except _format.Unencodable:
                has_default, encoded = False, None  # a call must then pass it
            out.append([name, kind, has_default, encoded])
        return out

    def concrete(self, function, args, kwargs):
        """The index of the concrete function of `function` for signature `(args, kwargs)`
        (TensorSpecs for tensors), traced now: at two sizes of its unknown dimensions, to
        tell whether the program depends on them."""
        try:
            signature = _format.encode([list(args), kwargs], self.arrays)
        except _format.Unencodable as err:
            raise _format.Unsaveable(
                f"tf.saved_model.save: function {function.__name__!r} was traced for "
                f"{signature_text(args, kwargs)}, which holds {err}: a SavedModel stores "
                "tensors and plain Python values as arguments.") from None
        key = (id(function), repr(signature))
        index = self.concrete_ids.get(key)
        if index is not None:
            return index
        specs = [s for s in nest.flatten([list(args), kwargs]) if isinstance(s, TensorSpec)]
        unknown = any(s.shape.rank is None or None in tuple(s.shape) for s in specs)
        programs, shapes = [], []
        for k in range(2 if unknown else 1):
            structure = _trace.probe_args(args, kwargs, k)
            program, why, out_shapes = _trace.trace(function, structure)
            if program is None:
                raise _format.Unsaveable(
                    f"tf.saved_model.save: function {function.__name__!r} cannot be traced into "
                    f"a program for {signature_text(args, kwargs)} ({why}), so it cannot be "
                    "saved. Replace the Python reads of tensor values by tensor ops.")
            programs.append(program)
            shapes.append(out_shapes)
        data = [_format.serialize_program(p, self.variable, self.arrays) for p in programs]
        merged = data[0] if len(data) == 1 else _trace.merge_programs(*data, self.arrays.arrays)
        if any(s.shape.rank is None for s in specs) and (
                merged is None or '"$dim"' in json.dumps(merged)):
            raise _format.Unsaveable(
                f"tf.saved_model.save: function {function.__name__!r} depends on the rank of "
                f"its inputs ({signature_text(args, kwargs)} has a TensorSpec of unknown rank): "
                "its program differs between ranks, and tapegrad's programs are traced for one "
                "rank. Give the TensorSpec a shape (None for unknown dimensions).")
        index = self.concrete_ids[key] = len(self.concretes)
        self.concretes.append({
            "function": function.__name__,
            "signature": signature,
            "polymorphic": merged is not None,
            "program": data[0] if merged is None else merged,
            "output_specs": _trace.output_specs(shapes),
        })
        return index

    # -- signatures -----------------------------------------------------------------------
    def signature(self, name, value):
        """A serving signature: a concrete function called with keyword tensors."""
        if isinstance(value, SignatureFunction):  # a loaded object's, saved again
            return {"concrete": self.restored_concrete(value._concrete),
                    "inputs": list(value._input_names)}
        if isinstance(value, ConcreteFunction):
            function = value._function
            if function.input_signature is not None:
                args, kwargs = tuple(function.input_signature), {}
            else:
                args, kwargs = _concrete_signature(value)
        elif isinstance(value, Function):
            function = value
            if function.input_signature is None:
                raise ValueError(
                    f"tf.saved_model.save: signature {name!r} is the tf.function "
                    f"{function.__name__!r}, which has no input_signature. Give it one "
                    "(@tf.function(input_signature=[tf.TensorSpec(...)])) or pass "
                    "f.get_concrete_function(tf.TensorSpec(...)).")
            args, kwargs = tuple(function.input_signature), {}
        else:
            raise ValueError(  # noqa: TRY004 - TensorFlow raises ValueError
                f"tf.saved_model.save: signature {name!r} must be a tf.function with an "
                f"input_signature or a concrete function, got {type(value).__name__}")
        leaves = nest.flatten([list(args), kwargs])
        if not all(isinstance(leaf, TensorSpec) for leaf in leaves):
            raise ValueError(f"tf.saved_model.save: signature {name!r} "
                             f"({signature_text(args, kwargs)}) takes arguments other than "
                             "tensors; a signature's inputs are tensors only.")
        index = self.concrete(function, args, kwargs)
        params = _trace.Parameters.of(function.python_function).names()
        names = _input_names(args, kwargs, params)
        return {"concrete": index, "inputs": names}


def _input_names(args, kwargs, params):
    """The keyword under which a signature takes each flat input, as TensorFlow names them:
    the spec's name, else the parameter's (with the position inside it if nested)."""
    names = []
    for i, arg in enumerate(args):
        param = params[i] if i < len(params) else f"args_{i}"
        flat = nest.flatten(arg)
        for k, spec in enumerate(flat):
            names.append(spec.name or (param if len(flat) == 1 else f"{param}_{k}"))
    for key, value in kwargs.items():
        flat = nest.flatten(value)
        for k, spec in enumerate(flat):
            names.append(spec.name or (key if len(flat) == 1 else f"{key}_{k}"))
    if len(set(names)) != len(names):
        raise ValueError(f"tf.saved_model.save: a signature's inputs must have distinct names, "
                         f"got {names}; name the TensorSpecs (tf.TensorSpec(..., name=...)).")
    return names


def _concrete_signature(concrete):
    """The `(args, kwargs)` of a ConcreteFunction of a Function without input_signature."""
    structured = getattr(concrete, "structured_input_signature", None)
    if structured is not None:
        return tuple(structured[0]), dict(structured[1])
    function = concrete._function
    for key, entry in function._cache.items():
        entry = entry[0] if type(entry) is tuple else entry
        if entry is concrete.program:
            structure_key, leaf_keys = key
            leaves = iter(_trace.leaf_spec(k)[1] for k in leaf_keys)
            args, kwargs = _trace.rebuild(structure_key, leaves)
            return tuple(args), kwargs
    raise ValueError(f"tf.saved_model.save: the concrete function of {function.__name__!r} "
                     "is no longer traced; get it again with get_concrete_function.")


def signature_text(args, kwargs):
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"({', '.join(parts)})"


def _default_signature(root):
    """TensorFlow's choice when no signatures are given: the root's `_default_save_signature`
    (a Keras model's), else its only tf.function with an input_signature, else none."""
    maker = getattr(root, "_default_save_signature", None)
    found = maker() if callable(maker) else None
    if found is not None:
        return found
    candidates = [f for _, f in sorted(_class_functions(root).items())]
    candidates += [v for _, v in sorted(vars(root).items()) if isinstance(v, Function)]
    candidates = [f for f in candidates if f.input_signature is not None]
    return candidates[0] if len(candidates) == 1 else None


def save(obj, export_dir, signatures=None, options=None):
    """Writes `obj` (a tf.Module, Keras model or layer) with its variables, tf.functions and
    serving signatures to the directory `export_dir` (see `tapegrad.saved_model`)."""
    if not isinstance(obj, (Module, _UserObject)):
        raise ValueError(  # noqa: TRY004 - TensorFlow raises ValueError
            "Expected an object of type `Trackable`, such as `tf.Module` or a subclass of the "
            f"`Trackable` class, for export. Got {obj!r} with type {type(obj)}.")
    saver = _Saver()
    saver.node(obj)
    if signatures is None and isinstance(obj, _UserObject):
        signatures = dict(getattr(obj, "signatures", {}))  # kept, as TensorFlow keeps them
    if signatures is None:
        found = _default_signature(obj)
        signatures = {} if found is None else {DEFAULT_SIGNATURE: found}
    elif not isinstance(signatures, dict):
        signatures = {DEFAULT_SIGNATURE: signatures}
    saved_signatures = {}
    for name, value in signatures.items():
        if not isinstance(name, str):
            raise ValueError(  # noqa: TRY004 - TensorFlow raises ValueError
                f"tf.saved_model.save: signature names must be strings, got {name!r}")
        saved_signatures[name] = saver.signature(name, value)
    manifest = {
        "root": 0,
        "objects": saver.objects,
        "variables": saver.variables,
        "functions": saver.functions,
        "concrete_functions": saver.concretes,
        "signatures": saved_signatures,
    }
    _format.write(export_dir, manifest, saver.arrays)

