"""`tf.function` and `tf.TensorSpec`: trace a Python function into a flat program, replay it.

See `Function` for the semantics and `tapegrad/_core/trace.py` for how tracing works.
"""

import collections
import functools
import inspect
import warnings
import weakref

import numpy as np

from .._core import dtypes as _dt
from .._core import nest
from .._core.tensor import Tensor, TensorShape, convert_to_tensor
from .._core.trace import Tracer, as_output
from .._core.variable import Variable
from ..types.experimental import CALL_CONTEXT

__all__ = [
    "function", "Function", "TensorSpec", "functions_run_eagerly", "run_functions_eagerly",
]

_RUN_EAGERLY = [False]  # tf.config.run_functions_eagerly's setting, for every thread


def run_functions_eagerly(run_eagerly):
    """Makes every `tf.function` run its Python function eagerly (True) or trace (False), as
    `tf.config.run_functions_eagerly`: a debugging switch."""
    _RUN_EAGERLY[0] = bool(run_eagerly)


def functions_run_eagerly():
    """Whether `run_functions_eagerly(True)` is in effect."""
    return _RUN_EAGERLY[0]


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


CACHE_SIZE = 128  # traces kept per Function; the least recently used one goes first


class _Untraced:
    """A cache entry for a signature whose trace cannot be replayed: it runs eagerly."""

    __slots__ = ("why",)

    def __init__(self, why):
        self.why = why


# TensorFlow's FREQUENT_TRACING_WARNING_MAX_CALL_HISTORY, _THRESHOLD and
# _MAX_WARNING_PER_DETECTOR (polymorphic_function.py), and its message.
_HISTORY, _THRESHOLD, _MAX_WARNINGS = 10, 5, 2
_RETRACING = (
    "{} out of the last {} calls to {} triggered tf.function retracing. Tracing is expensive "
    "and the excessive number of tracings could be due to (1) creating @tf.function repeatedly "
    "in a loop, (2) passing tensors with different shapes, (3) passing Python objects instead "
    "of tensors. For (1), please define your @tf.function outside of the loop. For (2), "
    "@tf.function has reduce_retracing=True option that can avoid unnecessary retracing. For "
    "(3), please refer to https://www.tensorflow.org/guide/function#controlling_retracing and "
    "https://www.tensorflow.org/api_docs/python/tf/function for  more details."
)


class _TracingHistory:
    """Which of the recent calls of one Python function traced (TensorFlow's
    `_FrequentTracingDetector`): warns when 5 of the last 10 or so calls did, twice at most.

    Shared by every Function made from the same code, so that a tf.function created anew in
    a loop is caught too. Calls that replay only bump `untraced` (the hot path); they are
    folded into the window at the next tracing call.
    """

    __slots__ = ("calls", "calls_per_tracing", "untraced", "warned")

    def __init__(self):
        self.calls_per_tracing = []  # per recent tracing call: it and the replays after it
        self.calls = 0
        self.untraced = 0
        self.warned = 0

    def traced(self, function):
        if self.untraced:
            if not self.calls_per_tracing:
                self.calls_per_tracing.append(0)
            self.calls_per_tracing[-1] += self.untraced
            self.calls += self.untraced
            self.untraced = 0
        self.calls += 1
        self.calls_per_tracing.append(1)
        while self.calls_per_tracing and self.calls - self.calls_per_tracing[0] > _HISTORY:
            self.calls -= self.calls_per_tracing.pop(0)
        if self.warned < _MAX_WARNINGS and len(self.calls_per_tracing) >= _THRESHOLD:
            self.warned += 1
            warnings.warn(_RETRACING.format(len(self.calls_per_tracing), self.calls, function),
                          stacklevel=3)


_HISTORIES = weakref.WeakKeyDictionary()  # the Python function's code -> _TracingHistory


def _tracing_history(fn):
    """The history shared by every Function of `fn`'s code (TensorFlow's call-stats key)."""
    target = fn
    while hasattr(target, "__wrapped__"):
        target = target.__wrapped__
    target = getattr(target, "__func__", target)
    key = getattr(target, "__code__", target)
    try:
        history = _HISTORIES.get(key)
        if history is None:
            history = _HISTORIES[key] = _TracingHistory()
    except TypeError:  # neither hashable nor weakly referenceable: a history of its own
        history = _TracingHistory()
    return history


def _leaf_key(leaf):
    if isinstance(leaf, Tensor):
        return ("tensor", leaf._value.shape, leaf._value.dtype.str)
    if isinstance(leaf, Variable):
        return ("variable", id(leaf))
    tracing_type = getattr(type(leaf), "__tf_tracing_type__", None)
    if tracing_type is not None:  # the object's own TraceType (tf.types.experimental)
        return ("trace type", tracing_type(leaf, CALL_CONTEXT))
    try:
        hash(leaf)
    except TypeError:
        return ("object", id(leaf))
    return ("python", type(leaf), leaf)


class ConcreteFunction:
    """One traced program of a `Function`, for one input signature.

    Calling it replays the program; `str()` gives a readable listing of its ops.
    """

    def __init__(self, function, entry):
        self._function = function
        self.program = None if type(entry) is _Untraced else entry
        self._why = entry.why if type(entry) is _Untraced else None

    def __call__(self, *args, **kwargs):
        return self._function(*args, **kwargs)

    @property
    def traced(self):
        """False if the function depends on values in a way a program cannot replay."""
        return self.program is not None

    def __str__(self):
        if self.program is None:
            return (f"ConcreteFunction {self._function.__name__}: not traced (runs eagerly: "
                    f"{self._why})")
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

    Results follow TensorFlow: tensors and None as returned, a variable as its value after
    the call, Python and NumPy values as constant tensors. Each call with new Python values
    traces again, as TensorFlow; like TensorFlow, a warning says when 5 of the last calls (of
    the same Python function, at most 10 back) traced. The traces are kept in a bounded cache:
    past `CACHE_SIZE` (128) signatures, the least recently used one is dropped (and traced
    again if it comes back).
    """

    def __init__(self, python_function, input_signature=None, **options):
        if not callable(python_function):
            raise TypeError(f"tf.function: {python_function!r} is not a callable object; "
                            "decorate a function or a method.")
        functools.update_wrapper(self, python_function)
        self._python_function = python_function
        self._input_signature = _signature(input_signature, self.__name__)
        self._options = options
        self._cache = collections.OrderedDict()  # signature key -> Program or _Untraced (LRU)
        self._fast = {}  # (shape, dtype) per argument -> program, for tensor-only calls
        self._tracing_count = 0
        self._history = _tracing_history(python_function)
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
        if _RUN_EAGERLY[0]:
            result = self._python_function(*args, **kwargs)
            return nest.map_structure(lambda leaf: as_output(leaf, self.__name__), result)
        if self._input_signature is not None:
            args, kwargs = self._check_signature(args, kwargs), {}
        elif not kwargs:  # the common case first: tensors only, already traced
            fast = self._fast.get(tuple(
                (a._value.shape, a._value.dtype) if type(a) is Tensor else None for a in args))
            if fast is not None:
                self._history.untraced += 1
                return fast.run(args)
        count = self._tracing_count
        structure, leaves, program = self._program(args, kwargs)
        if self._tracing_count == count:
            self._history.untraced += 1
        else:
            self._history.traced(self._python_function)
        if type(program) is _Untraced:
            call_args, call_kwargs = nest.pack_sequence_as(structure, leaves)
            result = self._python_function(*call_args, **call_kwargs)
            return nest.map_structure(lambda leaf: as_output(leaf, self.__name__), result)
        if not kwargs and all(type(a) is Tensor for a in args):
            self._fast[tuple((a._value.shape, a._value.dtype) for a in args)] = program
        return program.run([leaf for leaf in leaves if isinstance(leaf, Tensor)])

    def _program(self, args, kwargs):
        """The arguments' structure and leaves, and the cache entry of their signature: a
        Program, or _Untraced if it cannot be traced (traced now if the signature is new)."""
        structure = [list(args), kwargs]
        leaves = [
            convert_to_tensor(leaf) if isinstance(leaf, np.ndarray) else leaf
            for leaf in nest.flatten(structure)
        ]
        key = (nest.structure_key(structure), tuple(_leaf_key(leaf) for leaf in leaves))
        entry = self._cache.get(key)
        if entry is None:
            entry = self._trace(structure, leaves)
            self._cache[key] = entry
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
                self._fast.clear()  # it may hold the dropped program; it refills as calls come
        else:
            self._cache.move_to_end(key)
        return structure, leaves, entry

    def _trace(self, structure, leaves):
        call_args, call_kwargs = nest.pack_sequence_as(structure, leaves)
        self._bind(call_args, call_kwargs)
        self._tracing_count += 1
        tracer = Tracer(self.__name__)  # the dry run is not recorded by the caller's tapes
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
            tracer.release()
        if program is None:
            return _Untraced(tracer.invalid or "a constant was computed from traced values")
        return program

    def _check_signature(self, args, kwargs):
        """The arguments as positional ones conforming to the input_signature (converted to
        tensors of the spec's dtype; a variable stays a variable, so it can be assigned)."""
        specs = self._input_signature
        if kwargs or len(args) != len(specs):
            bound = self._bind(args, kwargs)
            args = args if bound is None else bound.args
        if len(args) > len(specs):
            raise TypeError(f"tf.function {self.__name__}: got {len(args)} arguments but the "
                            f"input_signature describes {len(specs)}: {list(specs)}")
        return tuple(_conform(arg, spec, f"tf.function {self.__name__}: argument {i}")
                     for i, (arg, spec) in enumerate(zip(args, specs)))

    def _bind(self, args, kwargs):
        """Binds the arguments to the Python function's parameters, as TensorFlow checks them
        before tracing; a mismatch is a TypeError naming both. None if the function has no
        signature to check against (some builtins)."""
        try:
            signature = inspect.signature(self._python_function)
        except (TypeError, ValueError):
            return None
        try:
            return signature.bind(*args, **kwargs)
        except TypeError as err:
            reason = str(err)
            if reason == "too many positional arguments":
                reason = f"{len(args)} arguments given in order, more than it takes"
            shown = f"args: {_short(args)} and kwargs: {_short(kwargs)}"
            raise TypeError(f"tf.function {self.__name__}: binding the inputs failed due to "
                            f"`{reason}`. Received {shown} for signature {signature}.") from None

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
            args, kwargs = self._check_signature(args, kwargs), {}
        _, _, entry = self._program(args, kwargs)
        return ConcreteFunction(self, entry)

    def __repr__(self):
        return f"<tapegrad.function {self.__qualname__}>"


def _short(value):
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


def _signature(specs, name):
    """The input_signature as a tuple, checked as TensorFlow checks it."""
    if specs is None:
        return None
    if not isinstance(specs, (list, tuple)):
        raise TypeError(f"tf.function {name}: input_signature must be a list or tuple of "
                        f"tf.TensorSpec, got {type(specs).__name__} ({specs!r}); wrap a single "
                        "spec as [spec].")
    for spec in nest.flatten(list(specs)):
        if not isinstance(spec, TensorSpec):
            raise TypeError(f"tf.function {name}: input_signature must be a (possibly nested) "
                            f"sequence of tf.TensorSpec, got {spec!r} of type "
                            f"{type(spec).__name__}.")
    return tuple(specs)


def _conform(arg, spec, what):
    """`arg` checked against `spec` (a TensorSpec or a structure of them) and converted."""
    if not isinstance(spec, TensorSpec):
        if isinstance(spec, dict):
            same = isinstance(arg, dict) and sorted(arg) == sorted(spec)
        else:
            same = isinstance(arg, (list, tuple)) and len(arg) == len(spec)
        if not same:
            raise TypeError(f"{what} ({_short(arg)}) does not have the structure of its "
                            f"input_signature {spec!r}")
        if isinstance(spec, dict):
            return {k: _conform(arg[k], spec[k], what) for k in arg}
        items = [_conform(a, s, what) for a, s in zip(arg, spec)]
        return type(arg)(*items) if hasattr(arg, "_fields") else type(arg)(items)
    try:
        t = convert_to_tensor(arg, dtype_hint=spec.dtype)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{what} ({_short(arg)}) cannot be converted to match input_signature "
                        f"{spec}: {err}") from None
    if not spec.is_compatible_with(t):
        raise TypeError(f"{what} ({t.dtype.name}{list(t.shape)}) does not match "
                        f"input_signature {spec}")
    return arg if hasattr(arg, "_read") else t  # a variable stays assignable


def _example(arg):
    if isinstance(arg, TensorSpec):
        if arg.shape.rank is None:
            raise ValueError(
                f"get_concrete_function: {arg} has an unknown rank; tapegrad traces for tensors "
                "of a known rank: give the spec a shape (None for unknown dimensions), or call "
                "get_concrete_function with a tensor."
            )
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
