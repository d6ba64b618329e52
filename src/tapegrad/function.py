"""`tf.function` and `tf.TensorSpec`: trace a Python function into a flat program, replay it.

See `Function` for the semantics and `tapegrad/_core/trace.py` for how tracing works.
"""

import functools
import weakref

import numpy as np

from ._core import dtypes as _dt
from ._core import nest
from ._core.state import state
from ._core.tensor import Tensor, TensorShape, convert_to_tensor
from ._core.trace import Tracer, effect
from ._core.variable import Variable

__all__ = ["function", "Function", "TensorSpec", "effect"]


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


_EAGER = object()  # a cache entry for a signature whose trace cannot be replayed


def _skeleton(structure):
    """A hashable picture of a nested structure's containers (leaves become '.')."""
    if isinstance(structure, (list, tuple)):
        return (type(structure).__name__, tuple(_skeleton(s) for s in structure))
    if isinstance(structure, dict):
        return ("dict", tuple((k, _skeleton(structure[k])) for k in sorted(structure)))
    return "."


def _leaf_key(leaf):
    if isinstance(leaf, Tensor):
        return ("tensor", leaf._value.shape, leaf._value.dtype.str)
    if isinstance(leaf, Variable):
        return ("variable", id(leaf))
    try:
        hash(leaf)
    except TypeError:
        return ("object", id(leaf))
    return ("python", type(leaf), leaf)


class ConcreteFunction:
    """One traced program of a `Function`, for one input signature.

    Calling it replays the program; `str()` gives a readable listing of its ops.
    """

    def __init__(self, function, key, program):
        self._function = function
        self._key = key
        self.program = program

    def __call__(self, *args, **kwargs):
        return self._function(*args, **kwargs)

    @property
    def traced(self):
        """False if the function depends on values in a way a program cannot replay."""
        return self.program is not None

    def __str__(self):
        if self.program is None:
            return (f"ConcreteFunction {self._function.__name__}: not traced (runs eagerly: "
                    f"{self._function._why.get(self._key, 'value-dependent')})")
        return self.program.listing()

    __repr__ = __str__


class Function:
    """A function wrapped by `tf.function`: traced once per input signature, then replayed.

    The first call with a new signature (tensor shapes and dtypes, variables by identity,
    Python values by value, as TensorFlow's retracing rules) runs the Python function as a dry
    run that records a flat program of primitive calls; that call and every later one replay
    the program. Python side effects (print, appending to a list) therefore happen only while
    tracing, as in TensorFlow. A function whose result depends on values in a way a program
    cannot replay (a Python `if` on a tensor, `.numpy()`, random draws, writing a variable other
    than by `assign`) is detected while tracing and runs eagerly for that signature instead,
    with the same results.
    """

    def __init__(self, python_function, input_signature=None, **options):
        functools.update_wrapper(self, python_function)
        self._python_function = python_function
        self._input_signature = None if input_signature is None else tuple(input_signature)
        self._options = options
        self._cache = {}
        self._fast = {}  # (shape, dtype) per argument -> program, for tensor-only calls
        self._why = {}
        self._tracing_count = 0
        self._bound = weakref.WeakKeyDictionary()

    @property
    def python_function(self):
        return self._python_function

    @property
    def input_signature(self):
        return self._input_signature

    def experimental_get_tracing_count(self):
        """How many times the Python function has been traced."""
        return self._tracing_count

    def __call__(self, *args, **kwargs):
        if self._input_signature is not None:
            args = self._check_signature(args)
        elif not kwargs:  # the common case first: tensors only, already traced
            fast = self._fast.get(tuple(
                (a._value.shape, a._value.dtype) if type(a) is Tensor else None for a in args))
            if fast is not None:
                return fast.run(args)
        structure, leaves, key, program = self._program(args, kwargs)
        if not kwargs and all(type(a) is Tensor for a in args) and program is not _EAGER:
            self._fast[tuple((a._value.shape, a._value.dtype) for a in args)] = program
        if program is _EAGER:
            call_args, call_kwargs = nest.pack_sequence_as(structure, leaves)
            return self._python_function(*call_args, **call_kwargs)
        return program.run([leaf for leaf in leaves if isinstance(leaf, Tensor)])

    def _program(self, args, kwargs):
        """The arguments' structure and leaves, their signature key, and its program (traced
        now if this signature is new; _EAGER if it cannot be traced)."""
        structure = [list(args), kwargs]
        leaves = [
            convert_to_tensor(leaf) if isinstance(leaf, np.ndarray) else leaf
            for leaf in nest.flatten(structure)
        ]
        key = (_skeleton(structure), tuple(_leaf_key(leaf) for leaf in leaves))
        program = self._cache.get(key)
        if program is None:
            program = self._trace(key, structure, leaves)
        return structure, leaves, key, program

    def _trace(self, key, structure, leaves):
        self._tracing_count += 1
        saved = state.recording[:], state.accumulators[:]
        state.recording.clear()  # the dry run is not recorded by the caller's tapes
        state.accumulators.clear()
        tracer = Tracer(self.__name__)
        try:
            with tracer:
                placeholders = []
                for leaf in leaves:
                    if isinstance(leaf, Tensor):
                        leaf = Tensor(leaf._value)
                        tracer.add_input(leaf)
                    placeholders.append(leaf)
                call_args, call_kwargs = nest.pack_sequence_as(structure, placeholders)
                result = self._python_function(*call_args, **call_kwargs)
            program = tracer.finish(result)
        finally:
            state.recording[:], state.accumulators[:] = saved
            tracer.release()
        if program is None:
            self._why[key] = tracer.invalid or "a constant was computed from traced values"
            program = _EAGER
        self._cache[key] = program
        return program

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
        # One Function (with its traces) per instance, dropped with the instance.
        try:
            bound = self._bound.get(instance)
        except TypeError:  # unhashable or not weakly referenceable: trace per access
            bound = None
        if bound is None:
            method = self._python_function.__get__(instance, owner)
            bound = Function(method, self._input_signature, **self._options)
            try:
                self._bound[instance] = bound
            except TypeError:
                pass
        return bound

    def get_concrete_function(self, *args, **kwargs):
        """Traces for these arguments (tensors or TensorSpecs) and returns the program.

        With TensorSpecs, the trace runs on zeros of the spec's shape (None dimensions become
        1); tracing is a dry run, so no variable changes.
        """
        args = [_example(a) for a in args]
        kwargs = {k: _example(v) for k, v in kwargs.items()}
        if self._input_signature is not None:
            args = self._check_signature(args)
        _, _, key, program = self._program(args, kwargs)
        return ConcreteFunction(self, key, None if program is _EAGER else program)

    def __repr__(self):
        return f"<tapegrad.function {self.__qualname__}>"


def _example(arg):
    if isinstance(arg, TensorSpec):
        shape = tuple(1 if d is None else d for d in arg.shape)
        return Tensor(np.zeros(shape, dtype=arg.dtype._np))
    return arg


def function(func=None, input_signature=None, autograph=True, jit_compile=None,
             reduce_retracing=False, experimental_implements=None,
             experimental_autograph_options=None, experimental_attributes=None,
             experimental_relax_shapes=None, experimental_compile=None,
             experimental_follow_type_hints=None):
    """Traces `func` into a program per input signature and replays it (see `Function`).

    Usable as `@tf.function` or `@tf.function(input_signature=..., jit_compile=True, ...)`;
    every TensorFlow option is accepted (`jit_compile` and `autograph` have no effect).

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
