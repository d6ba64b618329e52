"""`tf.saved_model`: save a tf.Module (or Keras model) with its variables and tf.functions, and
load it back without the Python code that made it.

A traced tf.function is a flat program of tapegrad primitives (tapegrad/_core/trace.py), so it
is written as data: the primitives' names and parameters, the constants, and the variables by
reference. `load` rebuilds the objects: variables (assignable, watched by tapes), sub-modules,
tf.functions (one concrete function per saved signature) and `signatures`, the serving
functions that take keyword tensors and return a dict, as TensorFlow's.

The format is tapegrad's own, not TensorFlow's protocol buffers: a directory holding
`saved_model.json` (a manifest) and `saved_model.npz` (constants and variable values). Loading
runs no pickled code. Where it differs from TensorFlow:

- A program is traced for concrete shapes. A signature with unknown dimensions is traced at
  two sizes when saved: if the programs agree, it serves every size; if a size was written into
  the program (a reshape to the batch size, say), the loaded function accepts that traced size
  only and says so.
- Functions must be built from tapegrad's primitives: a `custom_gradient`, a `py_function` or
  an effect (an optimizer's `apply_gradients` inside the function) cannot be saved, and saving
  says which.
- Variables that functions read but no attribute holds are saved too (TensorFlow refuses them).
"""

import os

from . import _format
from ._load import load as _load
from ._save import save as _save

__all__ = ["LoadOptions", "SaveOptions", "contains_saved_model", "load", "save"]

SAVED_MODEL_FILENAME = _format.MANIFEST


class SaveOptions:
    """Accepted for compatibility; tapegrad's format has no options."""

    def __init__(self, **kwargs):
        self.options = kwargs


class LoadOptions(SaveOptions):
    """Accepted for compatibility; tapegrad's format has no options."""


def save(obj, export_dir, signatures=None, options=None):
    """Saves `obj` and what it holds to the directory `export_dir`.

    Saved: the variables, sub-modules, lists and dicts reachable from its attributes, and its
    tf.functions: each traced signature (or its input_signature) as a concrete function.

    Args:
        obj: a `tf.Module` (a Keras layer or model is one).
        export_dir: the directory to write (created if needed; files there are replaced).
        signatures: serving functions: a tf.function with an input_signature, a concrete
            function, or a dict of them by name. Default: the object's only tf.function with
            an input_signature, as "serving_default".
        options: accepted for compatibility.

    Raises:
        ValueError: for an object that is not a Module, a function that cannot be saved (an
            effect, a custom gradient, a parameter that is code), naming what and why.

    Example:
        >>> class Scale(tapegrad.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.w = tapegrad.Variable(2.0)
        ...     @tapegrad.function(input_signature=[tapegrad.TensorSpec([None])])
        ...     def __call__(self, x):
        ...         return x * self.w
        >>> import tempfile
        >>> path = tempfile.mkdtemp()
        >>> tapegrad.saved_model.save(Scale(), path)
        >>> loaded = tapegrad.saved_model.load(path)
        >>> loaded.signatures["serving_default"](x=tapegrad.constant([1.0, 2.0]))["output_0"]
        <tf.Tensor: shape=(2,), dtype=float32, numpy=array([2., 4.], dtype=float32)>
    """
    _save(obj, os.fspath(export_dir), signatures, options)


def load(export_dir, tags=None, options=None):
    """Loads a SavedModel written by `save` (or by Keras's `model.export`).

    Args:
        export_dir: the directory.
        tags, options: accepted for compatibility.

    Returns:
        The restored root object: its saved attributes (variables, sub-modules, functions)
        and `signatures`, a dict of serving functions.

    Raises:
        OSError: if there is no tapegrad SavedModel in `export_dir`.
        ValueError: for another format version or a corrupt file, naming the path and what
            is wrong.
    """
    return _load(export_dir, tags, options)


def contains_saved_model(export_dir):
    """Whether `export_dir` is a directory holding a SavedModel (tapegrad's)."""
    return os.path.isfile(os.path.join(os.fspath(export_dir), _format.MANIFEST))
