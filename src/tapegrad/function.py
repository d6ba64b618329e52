"""`tf.function` and `tf.TensorSpec`.

For now `function` runs the Python function eagerly, which gives the same results as a traced
graph; it accepts TensorFlow's options so programs written for graphs run unchanged.
"""

import functools

from ._core import dtypes as _dt
from ._core.tensor import TensorShape, convert_to_tensor

__all__ = ["function", "Function", "TensorSpec"]


class TensorSpec:
    """Describes a tensor by shape (None for an unknown dimension) and dtype, as `tf.TensorSpec`."""

    __slots__ = ("shape", "dtype", "name")

    def __init__(self, shape, dtype=_dt.float32, name=None):
        self.shape = TensorShape(shape)
        self.dtype = _dt.as_dtype(dtype)
        self.name = name

    @classmethod
    def from_tensor(cls, tensor, name=None):
        return cls(tensor.shape, tensor.dtype, name)

    def is_compatible_with(self, value):
        """Whether a tensor (or spec) has a compatible shape and the same dtype."""
        return value.dtype == self.dtype and self.shape.is_compatible_with(value.shape)

    def __eq__(self, other):
        return (isinstance(other, TensorSpec) and self.shape == other.shape
                and self.dtype == other.dtype and self.name == other.name)

    __hash__ = None

    def __repr__(self):
        return f"TensorSpec(shape={self.shape}, dtype={self.dtype!r}, name={self.name!r})"


class Function:
    """A function wrapped by `tf.function`: callable like the original, run eagerly.

    With an `input_signature`, each positional argument is converted to a tensor and checked
    against its TensorSpec, as TensorFlow does.
    """

    def __init__(self, python_function, input_signature=None, **options):
        functools.update_wrapper(self, python_function)
        self._python_function = python_function
        self._input_signature = None if input_signature is None else tuple(input_signature)
        self._options = options

    @property
    def python_function(self):
        return self._python_function

    @property
    def input_signature(self):
        return self._input_signature

    def __call__(self, *args, **kwargs):
        if self._input_signature is not None:
            args = self._check_signature(args)
        return self._python_function(*args, **kwargs)

    def _check_signature(self, args):
        specs = self._input_signature
        if len(args) > len(specs):
            raise TypeError(f"{self.__name__}: got {len(args)} positional arguments but the "
                            f"input_signature has {len(specs)}")
        out = list(args)
        for i, (arg, spec) in enumerate(zip(args, specs)):
            if not isinstance(spec, TensorSpec):
                continue
            t = convert_to_tensor(arg, dtype_hint=spec.dtype)
            if not spec.is_compatible_with(t):
                raise TypeError(f"{self.__name__}: argument {i} ({t.dtype.name}{list(t.shape)}) "
                                f"does not match input_signature {spec}")
            out[i] = arg if hasattr(arg, "_read") else t  # a variable stays assignable
        return tuple(out)

    def __get__(self, instance, owner):
        if instance is None:
            return self
        bound = self._python_function.__get__(instance, owner)
        return Function(bound, self._input_signature, **self._options)

    def get_concrete_function(self, *args, **kwargs):
        """Returns a callable for these argument types (the function itself, run eagerly)."""
        return self

    def __repr__(self):
        return f"<tapegrad.function {self.__qualname__}>"


def function(func=None, input_signature=None, autograph=True, jit_compile=None,
             reduce_retracing=False, experimental_implements=None,
             experimental_autograph_options=None, experimental_attributes=None,
             experimental_relax_shapes=None, experimental_compile=None,
             experimental_follow_type_hints=None):
    """Decorator that compiles a function in TensorFlow; here it runs eagerly, same results.

    Usable as `@tf.function` or `@tf.function(input_signature=..., jit_compile=True, ...)`;
    every TensorFlow option is accepted.

    Example:
        >>> @tapegrad.function
        ... def f(x):
        ...     return x * x
        >>> float(f(tapegrad.constant(3.0)))
        9.0
    """
    options = dict(autograph=autograph, jit_compile=jit_compile,
                   reduce_retracing=reduce_retracing)

    def wrap(fn):
        return Function(fn, input_signature, **options)

    return wrap if func is None else wrap(func)
