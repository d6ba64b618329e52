"""tapegrad's SavedModel format: a directory holding `saved_model.json` (the manifest: objects,
functions, signatures and programs) and `saved_model.npz` (constants and variable values).

Everything is plain data, so loading runs no code of the saver's: the manifest is JSON, the
arrays are read with `allow_pickle=False`, and a program's parameters use a small tagged
encoding (`encode`/`decode`) for what JSON lacks: tuples, dicts with any keys, NumPy dtypes and
scalars, slices, arrays (kept in the .npz) and tensor specs. A traced program (see
`tapegrad/_core/trace.py`) is written by `serialize_program` as its primitives' names,
parameters, constants and variables by index, and rebuilt by `deserialize_program`.
"""

import collections
import json
import math
import os
import zipfile

import numpy as np

from .._core import dtypes as _dt
from .._core.primitive import PRIMITIVES
from .._core.tensor import Tensor
from .._core.trace import AssignVariable, CallEffect, Op, Program, ReadVariable

__all__ = [
    "ARRAYS",
    "FORMAT",
    "MANIFEST",
    "VERSION",
    "CorruptError",
    "Unencodable",
    "decode",
    "deserialize_program",
    "encode",
    "read",
    "serialize_program",
    "write",
]

FORMAT = "tapegrad.saved_model"
VERSION = 1
MANIFEST = "saved_model.json"
ARRAYS = "saved_model.npz"


class Unencodable(TypeError):
    """A value the format cannot hold (a Python function, an arbitrary object)."""


class Unsaveable(ValueError):
    """A function that cannot be written as data (an effect, a custom gradient, code as a
    parameter, or one that does not trace)."""


class CorruptError(ValueError):
    """The directory holds a manifest or arrays that do not make sense."""


class Arrays:
    """The arrays of one SavedModel while it is written: each gets a key in the .npz."""

    def __init__(self):
        self.arrays = {}

    def add(self, value, prefix="a"):
        value = np.asarray(value)
        if value.dtype.hasobject:
            raise Unencodable(f"an array of Python objects ({value.dtype})")
        key = f"{prefix}{len(self.arrays)}"
        self.arrays[key] = value
        return key


# -- values: JSON with tags ({"$tag": payload}) for what JSON lacks ----------------------------

def _float(x):
    return x if math.isfinite(x) else {"$float": repr(x)}


def encode(value, arrays):
    """`value` as JSON data; arrays go to `arrays` (an Arrays).

    Raises:
        Unencodable: naming the type that cannot be encoded.
    """
    kind = type(value)
    if value is None or kind is bool or kind is int or kind is str:
        return value
    if kind is float:
        return _float(value)
    if kind is complex:
        return {"$complex": [_float(value.real), _float(value.imag)]}
    if kind is list:
        return [encode(v, arrays) for v in value]
    if kind is tuple:
        return {"$tuple": [encode(v, arrays) for v in value]}
    if isinstance(value, tuple) and hasattr(kind, "_fields"):
        return {"$namedtuple": [kind.__name__, list(kind._fields),
                                [encode(v, arrays) for v in value]]}
    if kind is dict:
        return {"$dict": [[encode(k, arrays), encode(v, arrays)] for k, v in value.items()]}
    if kind is slice:
        return {"$slice": [encode(value.start, arrays), encode(value.stop, arrays),
                           encode(value.step, arrays)]}
    if value is Ellipsis:
        return {"$ellipsis": None}
    if kind is bytes:
        return {"$bytes": value.hex()}
    if isinstance(value, _dt.DType):
        return {"$tf_dtype": value.name}
    if isinstance(value, np.dtype) or (isinstance(value, type) and issubclass(value, np.generic)):
        return {"$dtype": np.dtype(value).str}
    if isinstance(value, np.generic):
        return {"$scalar": [value.dtype.str, encode(value.item(), arrays)]}
    if isinstance(value, np.ndarray):
        return {"$array": arrays.add(value)}
    if isinstance(value, Tensor):
        return {"$tensor": arrays.add(value._value)}
    spec = _spec_parts(value)
    if spec is not None:
        return {"$spec": [encode(spec[0], arrays), spec[1], spec[2]]}
    raise Unencodable(f"a value of type {kind.__module__}.{kind.__qualname__}")


def _spec_parts(value):
    from .._impl.function import TensorSpec

    if isinstance(value, TensorSpec):
        dims = None if value.shape.rank is None else list(value.shape)
        return dims, value.dtype.name, value.name
    return None


def decode(data, arrays, dim=None):
    """Inverse of `encode`; `arrays` maps .npz keys to arrays, `dim` is the size of the
    unknown dimensions that `{"$dim": k}` (k times it) stands for.

    Raises:
        CorruptError: for anything `encode` does not write.
    """
    kind = type(data)
    if data is None or kind in (bool, int, float, str):
        return data
    if kind is list:
        return [decode(v, arrays, dim) for v in data]
    if kind is not dict or len(data) != 1:
        raise CorruptError(f"unexpected value {_short(data)}")
    (tag, payload), = data.items()
    if tag == "$tuple":
        return tuple(decode(v, arrays, dim) for v in payload)
    if tag == "$dict":
        return {_hashable(decode(k, arrays, dim)): decode(v, arrays, dim) for k, v in payload}
    if tag == "$float":
        return float(payload)
    if tag == "$complex":
        return complex(decode(payload[0], arrays, dim), decode(payload[1], arrays, dim))
    if tag == "$namedtuple":
        name, fields, items = payload
        return collections.namedtuple(name, fields)(*[decode(v, arrays, dim) for v in items])
    if tag == "$slice":
        return slice(*[decode(v, arrays, dim) for v in payload])
    if tag == "$dim":
        if dim is None:
            raise CorruptError("a size of the unknown dimension is used where none is known")
        return int(payload) * dim
    if tag == "$fill":  # a constant filled with one value, its shape maybe with $dim
        value = decode(payload[1], arrays, dim)
        return np.full(decode(payload[0], arrays, dim), value, dtype=np.asarray(value).dtype)
    if tag == "$ellipsis":
        return Ellipsis
    if tag == "$bytes":
        return bytes.fromhex(payload)
    if tag == "$tf_dtype":
        return _dt.as_dtype(payload)
    if tag == "$dtype":
        return np.dtype(payload)
    if tag == "$scalar":
        return np.dtype(payload[0]).type(decode(payload[1], arrays, dim))
    if tag == "$array":
        return _array(arrays, payload)
    if tag == "$tensor":
        return Tensor(_array(arrays, payload))
    if tag == "$spec":
        from .._impl.function import TensorSpec

        return TensorSpec(decode(payload[0], arrays, dim), payload[1], payload[2])
    raise CorruptError(f"unknown tag {tag!r}")


def _hashable(key):
    return tuple(key) if type(key) is list else key


def _array(arrays, key):
    if key not in arrays:
        raise CorruptError(f"array {key!r} is missing from {ARRAYS}")
    return arrays[key]


def _short(value):
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


# -- programs ------------------------------------------------------------------------------

def serialize_program(program, variable_index, arrays):
    """`program` (a traced Program) as JSON data.

    Args:
        program: the Program.
        variable_index: maps a Variable to its index among the saved variables.
        arrays: where constants go (an Arrays).

    Raises:
        ValueError: for an effect, a primitive outside tapegrad's table (a custom_gradient) or
            a parameter the format cannot hold, naming the function, primitive and parameter.
    """
    where = f"tf.saved_model.save: function {program.name!r}"
    instrs = []
    for ins in program.instrs:
        kind = type(ins)
        if kind is Op:
            name = ins.prim.name
            if PRIMITIVES.get(name) is not ins.prim:
                raise Unsaveable(
                    f"{where} calls {name}, which is not a primitive of tapegrad's table (a "
                    "custom_gradient or a Python function called inside), so it cannot be "
                    "written as data. Save a function built from tapegrad ops only.")
            params = {}
            for key, value in ins.params.items():
                try:
                    params[key] = encode(value, arrays)
                except Unencodable as err:
                    raise Unsaveable(
                        f"{where}: primitive {name}'s parameter {key}={_short(value)} is {err}, "
                        "which a SavedModel cannot hold (it stores data, never code)."
                    ) from None
            instrs.append(["op", name, list(ins.inputs), params, ins.output])
        elif kind is ReadVariable:
            instrs.append(["read", variable_index(ins.variable), ins.output])
        elif kind is AssignVariable:
            instrs.append(["assign", variable_index(ins.variable), ins.method, ins.value])
        elif kind is CallEffect:
            effect = getattr(ins.fn, "__qualname__", repr(ins.fn))
            raise Unsaveable(
                f"{where} calls {effect}, an effect (Python code such as an optimizer's "
                "apply_gradients, replayed as a whole), which a SavedModel cannot hold: it "
                "stores primitives and variables, not Python code. Save the functions that "
                "compute results (the model's call); run the training step in Python.")
        else:
            raise Unsaveable(f"{where}: cannot save instruction {ins}")
    try:
        outputs = [
            slot if slot is not None else None if const is None else {
                "$tensor": arrays.add(const._value)}
            for slot, const in zip(program.outputs, program.output_constants)
        ]
        constants = [[slot, arrays.add(value, "c")] for slot, value in program.constants]
        structure = encode(program.structure, arrays)
    except Unencodable as err:
        raise Unsaveable(f"{where} holds or returns {err}, which a SavedModel cannot "
                         "hold (it stores numbers, strings and tensors of them).") from None
    return {
        "name": program.name,
        "n_slots": program.n_slots,
        "inputs": list(program.inputs),
        "constants": constants,
        "instrs": instrs,
        "outputs": outputs,
        "structure": structure,
    }


def deserialize_program(data, variables, arrays, dim=None):
    """The Program written by `serialize_program`, its variables taken from `variables`, for
    inputs whose unknown dimensions have size `dim` (see `decode`).

    Raises:
        CorruptError: for data `serialize_program` does not write, or an unknown primitive.
    """
    import tapegrad.ops  # noqa: F401  (registers every primitive)

    instrs = []
    for item in data["instrs"]:
        kind = item[0]
        if kind == "op":
            _, name, inputs, params, output = item
            prim = PRIMITIVES.get(name)
            if prim is None:
                raise CorruptError(
                    f"function {data['name']!r} uses primitive {name!r}, which this version of "
                    "tapegrad does not have")
            params = {key: decode(value, arrays, dim) for key, value in params.items()}
            instrs.append(Op(prim, [int(i) for i in inputs], params, int(output)))
        elif kind == "read":
            instrs.append(ReadVariable(variables[item[1]], int(item[2])))
        elif kind == "assign":
            if item[2] not in ("assign", "assign_add", "assign_sub"):
                raise CorruptError(f"unknown assignment {item[2]!r}")
            instrs.append(AssignVariable(variables[item[1]], item[2], int(item[3])))
        else:
            raise CorruptError(f"unknown instruction {_short(item)}")
    constants = [(int(slot), _array(arrays, key) if type(key) is str else decode(key, arrays, dim))
                 for slot, key in data["constants"]]
    outputs, output_constants = [], []
    for out in data["outputs"]:
        if out is None or type(out) is dict:
            outputs.append(None)
            output_constants.append(None if out is None else decode(out, arrays))
        else:
            outputs.append(int(out))
            output_constants.append(None)
    return Program(data["name"], int(data["n_slots"]), [int(i) for i in data["inputs"]],
                   constants, instrs, outputs, output_constants,
                   decode(data["structure"], arrays))


# -- files ---------------------------------------------------------------------------------

def write(export_dir, manifest, arrays):
    """Writes the two files, each under a temporary name first, so that a failed save leaves
    no half-written file under the final names."""
    if os.path.exists(export_dir) and not os.path.isdir(export_dir):
        raise FileExistsError(f"tf.saved_model.save: {export_dir} is a file; a SavedModel is "
                              "written into a directory: give a directory's path.")
    os.makedirs(export_dir, exist_ok=True)
    manifest = {"format": FORMAT, "version": VERSION, **manifest}
    paths = [os.path.join(export_dir, name) for name in (ARRAYS, MANIFEST)]
    temps = [path + ".tmp" for path in paths]
    with open(temps[0], "wb") as f:
        np.savez(f, **arrays.arrays)
    with open(temps[1], "w", encoding="utf-8") as f:
        json.dump(manifest, f, allow_nan=False, separators=(",", ":"))
    for temp, path in zip(temps, paths):
        os.replace(temp, path)


def read(export_dir):
    """The manifest and arrays of the SavedModel in `export_dir`, checked.

    Raises:
        OSError: if there is no tapegrad SavedModel there (TensorFlow's own is named as such).
        ValueError: for a manifest of another format or version, or a corrupt file.
    """
    export_dir = os.fspath(export_dir)
    path = os.path.join(export_dir, MANIFEST)
    if not os.path.isfile(path):
        if any(os.path.isfile(os.path.join(export_dir, n))
               for n in ("saved_model.pb", "saved_model.pbtxt")):
            raise OSError(
                f"tf.saved_model.load: {export_dir} holds a TensorFlow SavedModel (protocol "
                "buffers), which tapegrad cannot read: save the model with tapegrad "
                "(tf.saved_model.save or model.export).")
        raise OSError(f"SavedModel file does not exist at: {path} (tapegrad's SavedModel is a "
                      f"directory holding {MANIFEST} and {ARRAYS})")
    try:
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(f"tf.saved_model.load: {path} is corrupt: not valid JSON ({err})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else type(manifest).__name__
        raise ValueError(f"tf.saved_model.load: {path} is not a tapegrad SavedModel manifest "
                         f"(its format is {found!r}, expected {FORMAT!r})")
    if manifest.get("version") != VERSION:
        raise ValueError(
            f"tf.saved_model.load: {path} was written in format version "
            f"{manifest.get('version')!r}; this tapegrad reads version {VERSION}. Save it "
            "again with this version of tapegrad.")
    array_path = os.path.join(export_dir, ARRAYS)
    try:
        with np.load(array_path, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
    except FileNotFoundError:
        raise OSError(f"tf.saved_model.load: {array_path} is missing (it holds the variables' "
                      "values and the constants)") from None
    except (ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile) as err:
        why = ("it holds pickled Python objects, which loading never runs"
               if "pickle" in str(err) else f"{type(err).__name__}: {err}")
        raise ValueError(f"tf.saved_model.load: {array_path} is corrupt ({why})") from None
    return manifest, arrays
