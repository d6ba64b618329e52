"""`tf.function` and `tf.TensorSpec`: trace a Python function into a flat program, replay it.

See `Function` for the semantics and `tapegrad/_core/trace.py` for how tracing works.
"""

import collections
import contextlib
import functools
import inspect
import warnings
import weakref

import numpy as np

from .._core import dtypes as _dt
from .._core import nest
from .._core.errors import InvalidArgumentError
from .._core.quiet import quiet_prints
from .._core.state import state
from .._core.tensor import Tensor, convert_to_tensor
from .._core.trace import UNKNOWN_RANK, Tracer, as_output
from .._core.variable import Variable
from ..types.experimental import CALL_CONTEXT
from . import graph
from .concrete_function import ConcreteFunction
from .concrete_function import Untraced as _Untraced
from .tensor_spec import TensorSpec
from .tracing_history import NoHistory, tracing_history

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


CACHE_SIZE = 128
_AGAIN = "again"  # `Function._trace`'s second trace after one that made variables  # traces kept per Function; the least recently used one goes first


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


_NUMERIC = frozenset("biufc")  # the kinds of array that convert_to_tensor only copies


def _fast_key(args):
    """For arguments that are tensors, or tuples of tensors and arrays (a Keras step's batch),
    (a key of their shapes and dtypes, the flat tensors); else None. A dict of such keys finds
    a traced program without flattening the arguments in general."""
    key, leaves = [], []
    for a in args:
        kind = type(a)
        if kind is Tensor:
            key.append((a._value.shape, a._value.dtype))
            leaves.append(a)
        elif kind is tuple:
            inner = []
            for b in a:
                if type(b) is np.ndarray:  # a copy, as convert_to_tensor makes of numbers
                    b = Tensor(np.array(b)) if b.dtype.kind in _NUMERIC else convert_to_tensor(b)
                elif type(b) is not Tensor:
                    return None
                inner.append((b._value.shape, b._value.dtype))
                leaves.append(b)
            key.append(tuple(inner))
        else:
            return None
    return tuple(key), leaves


def _compatible(general, key):
    """Whether the leaf keys `key` fall under the (possibly relaxed) leaf keys `general`."""
    if len(general) != len(key):
        return False
    for g, k in zip(general, key):
        if g == k:
            continue
        if g[0] != "tensor" or k[0] != "tensor" or g[2] != k[2]:
            return False
        if g[1] is None:  # a TensorSpec of unknown rank: any shape
            continue
        if len(g[1]) != len(k[1]):
            return False
        if any(a is not None and a != b for a, b in zip(g[1], k[1])):
            return False
    return True


def _generalized(a, b):
    """The leaf keys covering both `a` and `b` (tensors differing in dimensions only), or
    None: a dimension that differs becomes unknown, as reduce_retracing does."""
    if len(a) != len(b):
        return None
    out = []
    for x, y in zip(a, b):
        if x == y:
            out.append(x)
        elif x[0] == y[0] == "tensor" and x[2] == y[2] and len(x[1]) == len(y[1]):
            out.append(("tensor", tuple(d if d == e else None for d, e in zip(x[1], y[1])),
                        x[2]))
        else:
            return None
    return tuple(out)


class Function:
    """A function wrapped by `tf.function`: traced once per input signature, then replayed.

    The first call with a new signature (tensor shapes and dtypes, variables by identity,
    Python values by value, as TensorFlow's retracing rules) is traced: the Python function
    runs once (after AutoGraph's conversion of its `if`, `while` and `for` on tensors, see
    autograph.py), its tensors print as TensorFlow's symbolic ones (`Tensor("add:0",
    shape=(), dtype=float32)`), and a flat program of its primitive calls is recorded; later
    calls replay the program without running any Python (under a tape or accumulator of the
    caller's the trace is a dry run, which the first call replays too). Python side effects
    (print, appending to a list) therefore happen once per trace, as in TensorFlow. A function whose
    result depends on values in a way a program cannot replay (`.numpy()`, random draws,
    writing a variable other than by `assign`) is detected while tracing and runs eagerly for
    that signature instead, with the same results and a warning (once per function).

    An `input_signature` (with None for unknown dimensions) or `reduce_retracing=True` (after
    a second shape) makes one trace serve many shapes: it counts once and prints once.
    tapegrad's programs are specialised to shapes, so a new shape under such a trace is
    recorded again with the function's printed output silenced (other Python side effects,
    such as appending to a list, do happen again).

    Results follow TensorFlow: tensors and None as returned, a variable as its value after
    the call, Python and NumPy values as constant tensors. Like TensorFlow, a warning says when
    5 of the last calls (of the same Python function, at most 10 back) traced. Traces are kept
    in a bounded cache: past `CACHE_SIZE` (128) signatures, the least recently used one is
    dropped (and traced again if it comes back).

    Args:
        python_function: the function (or bound method) to trace.
        input_signature: a list of tf.TensorSpec (nested as the arguments), or None.
        autograph: convert Python control flow on tensors (see autograph.py).
        reduce_retracing: generalise shapes after a retrace.
        warn_on_retracing: False for functions that tapegrad itself traces per shape (a
            dataset's functions): no warning about retracing or running eagerly.
        **options: TensorFlow's other options, accepted without effect (jit_compile, ...).
    """

    def __init__(self, python_function, input_signature=None, autograph=True,
                 reduce_retracing=False, warn_on_retracing=True, **options):
        if not callable(python_function):
            raise TypeError(f"tf.function: {python_function!r} is not a callable object; "
                            "decorate a function or a method.")
        functools.update_wrapper(self, python_function)
        self._python_function = python_function
        self._input_signature = _signature(input_signature, self.__name__)
        self._autograph = autograph
        self._reduce_retracing = bool(reduce_retracing or options.get(
            "experimental_relax_shapes"))
        self._warn_on_retracing = warn_on_retracing
        self._options = options
        self._cache = collections.OrderedDict()  # signature -> (Program or _Untraced, concrete)
        self._concrete = {}  # relaxed signature -> ConcreteFunction
        self._fast = {}  # _fast_key -> program, for calls with tensors and tuples of them
        self._tracing_count = 0
        self._history = tracing_history(python_function) if warn_on_retracing else (
            NoHistory())
        self._bound = weakref.WeakKeyDictionary()
        self._converted = None  # the AutoGraph-converted Python function, made on first trace
        self._warned_eager = False

    @property
    def python_function(self):
        return self._python_function

    @property
    def input_signature(self):
        return self._input_signature

    def experimental_get_tracing_count(self):
        """How many times the Python function has been traced (once per concrete function)."""
        return self._tracing_count

    # -- calls ----------------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        if _RUN_EAGERLY[0]:
            result = self._python_function(*args, **kwargs)
            return nest.map_structure(lambda leaf: as_output(leaf, self.__name__), result)
        if self._input_signature is not None:
            args, kwargs = self._check_signature(args, kwargs), {}
        elif not kwargs:  # the common case first: tensors (or tuples of them), already traced
            fast = _fast_key(args)
            if fast is not None:
                program = self._fast.get(fast[0])
                if program is not None:
                    self._history.untraced += 1
                    return program.run(fast[1])
        structure, leaves, key = self._flatten(args, kwargs)
        cached = self._cache.get(key)
        if cached is None:
            result = self._trace_call(structure, leaves, key)
            program = self._cache[key][0]
        else:
            self._cache.move_to_end(key)
            self._history.untraced += 1
            program = cached[0]
            if type(program) is _Untraced:
                return self._run_eagerly(structure, leaves)
            result = None
        if type(program) is not _Untraced and not kwargs and self._input_signature is None:
            fast = _fast_key(args)
            if fast is not None:
                self._fast[fast[0]] = program
        if cached is None:
            return result
        return program.run([leaf for leaf in leaves if isinstance(leaf, Tensor)])

    def _flatten(self, args, kwargs):
        structure = [list(args), kwargs]
        leaves = [
            convert_to_tensor(leaf) if isinstance(leaf, np.ndarray) else leaf
            for leaf in nest.flatten(structure)
        ]
        return structure, leaves, (nest.structure_key(structure),
                                   tuple(_leaf_key(leaf) for leaf in leaves))

    def _relaxed(self, key, specs=None):
        """The key of the concrete function that serves signature `key`: the input_signature's,
        a traced one it is compatible with, a generalisation (reduce_retracing), or its own."""
        if self._input_signature is not None:
            return ("input_signature",)
        structure, leaf_keys = key
        if specs is not None:  # get_concrete_function with TensorSpecs: their shapes
            leaf_keys = tuple(
                ("tensor", _static(spec.shape), k[2]) if isinstance(spec, TensorSpec) else k
                for spec, k in zip(specs, leaf_keys))
            return structure, leaf_keys
        for other in self._concrete:
            if other[0] == structure and _compatible(other[1], leaf_keys):
                return other
        if self._reduce_retracing:
            for other in self._concrete:
                if other[0] == structure:
                    general = _generalized(other[1], leaf_keys)
                    if general is not None:
                        return structure, general
        return structure, leaf_keys

    def _static_shapes(self, rkey, leaves):
        """Per leaf, the static shape of its placeholder (with None dimensions), or None."""
        if rkey == ("input_signature",):
            flat = iter(nest.flatten(list(self._input_signature)))
            return [_static(next(flat).shape) if isinstance(leaf, Tensor) else None
                    for leaf in leaves]
        return [(UNKNOWN_RANK if k[1] is None else k[1]) if k[0] == "tensor" else None
                for k in rkey[1]]

    def _trace_call(self, structure, leaves, key):
        """Traces a call with a new signature (the trace is the call) and returns its result."""
        rkey = self._relaxed(key)
        concrete = self._concrete.get(rkey)
        new = concrete is None
        if new:
            concrete = self._new_concrete(rkey, structure, leaves)
            self._history.traced(self._python_function)
        else:
            self._history.untraced += 1
        # A new shape under a relaxed trace is recorded again, its printing silenced: to the
        # user it is the same trace (see the class docstring).
        quiet = contextlib.nullcontext() if new else quiet_prints()
        # Under a tape or an accumulator of the caller's, the trace is a dry run and the call
        # replays it, as every later call does: they then see the replay, whose loops and
        # branches they differentiate as instructions (a live trace would show them the
        # trace's own run of each loop).
        live = not any(not isinstance(i, Tracer) for i in state.interpreters)
        with quiet:
            entry, result = self._trace(structure, leaves, self._static_shapes(rkey, leaves),
                                        live=live, once=True)
        self._remember(key, entry, concrete)
        if not live:
            if type(entry) is _Untraced:
                return self._run_eagerly(structure, leaves)
            return entry.run([leaf for leaf in leaves if isinstance(leaf, Tensor)])
        return nest.map_structure(lambda leaf: as_output(leaf, self.__name__), result)

    def _new_concrete(self, rkey, structure, leaves):
        self._tracing_count += 1
        concrete = ConcreteFunction(self, rkey, self._structured_signature(
            rkey, structure, leaves))
        self._concrete[rkey] = concrete
        return concrete

    def _remember(self, key, entry, concrete):
        concrete._programs[key] = entry
        self._cache[key] = (entry, concrete)
        if len(self._cache) > CACHE_SIZE:
            old, (_, owner) = self._cache.popitem(last=False)
            owner._programs.pop(old, None)
            if not owner._programs:
                self._concrete.pop(owner._key, None)
            self._fast.clear()  # it may hold the dropped program; it refills as calls come

    def _run_eagerly(self, structure, leaves):
        call_args, call_kwargs = nest.pack_sequence_as(structure, leaves)
        result = self._traced_function()(*call_args, **call_kwargs)
        return nest.map_structure(lambda leaf: as_output(leaf, self.__name__), result)

    def _traced_function(self):
        """The Python function as traced: AutoGraph's conversion of it, unless turned off."""
        if self._converted is None:
            self._converted = self._python_function
            if self._autograph:
                from . import autograph  # loaded with the first trace

                self._converted = autograph.convert(self._python_function, self.__name__)
        return self._converted

    def _trace(self, structure, leaves, shapes, live, once=False):
        """Runs the Python function under a Tracer; returns (Program or _Untraced, result).

        With `once` (a call's trace), a trace that made variables is followed by another, as
        in TensorFlow (its Python runs twice), which must make none: a function may create
        variables at its first call only (`if self.v is None: self.v = tf.Variable(...)`);
        the second trace's program serves.

        Raises:
            ValueError: TensorFlow's, if the second trace makes variables too.
        """
        call_args, call_kwargs = nest.pack_sequence_as(structure, leaves)
        self._bind(call_args, call_kwargs)
        names = _input_names(self._python_function, structure, leaves)
        fn = self._traced_function()
        outer = [i for i in state.interpreters if isinstance(i, Tracer)] if live else []
        tracer = Tracer(self.__name__, live=live, op_name=graph.op_name)
        try:
            with tracer:
                placeholders = []
                for leaf, name, shape in zip(leaves, names, shapes):
                    if isinstance(leaf, Tensor):
                        # A fresh tensor per input (one passed twice is two inputs), with the
                        # argument's id, so that the caller's tapes see the call as it is.
                        placeholder = Tensor(leaf._value)
                        if live:
                            placeholder._tid = leaf._tid
                            for other in outer:
                                other.alias(placeholder, leaf)
                        tracer.add_input(placeholder, name, shape)
                        leaf = placeholder
                    placeholders.append(leaf)
                call_args, call_kwargs = nest.pack_sequence_as(structure, placeholders)
                result = fn(*call_args, **call_kwargs)
            program = tracer.finish(result)
        finally:
            tracer.release()
        if program is None:
            why = tracer.invalid or "a constant was computed from traced values"
            self._warn_eager(why)
            return _Untraced(why), result
        if once and tracer.created:  # (once: True for a call's trace, _AGAIN for its second)
            if once is _AGAIN:
                raise ValueError(
                    f"tf.function {self.__name__}: tf.function only supports singleton "
                    "tf.Variables created on the first call. Make sure the tf.Variable is only "
                    "created once or created outside tf.function. See "
                    "https://www.tensorflow.org/guide/function#creating_tfvariables for more "
                    "information.")
            self._tracing_count += 1
            program, _ = self._trace(structure, leaves, shapes, live=False, once=_AGAIN)
        return program, result

    def _warn_eager(self, why):
        if not self._warned_eager and self._warn_on_retracing:
            self._warned_eager = True
            warnings.warn(f"tf.function {self.__name__}: cannot be traced into a program "
                          f"({why}); it runs eagerly for this input signature, with the same "
                          "results, and its Python code runs at every call.", stacklevel=5)

    def _structured_signature(self, rkey, structure, leaves):
        """TensorFlow's structured_input_signature: the arguments with a TensorSpec (named
        after its parameter) for each tensor."""
        shapes = self._static_shapes(rkey, leaves)
        names = _input_names(self._python_function, structure, leaves)
        specs = [
            TensorSpec(None if shape is UNKNOWN_RANK else shape, leaf.dtype, name)
            if isinstance(leaf, Tensor) else leaf
            for leaf, shape, name in zip(leaves, shapes, names)
        ]
        args, kwargs = nest.pack_sequence_as(structure, specs)
        return tuple(args), kwargs

    def _check_signature(self, args, kwargs):
        """The arguments as positional ones conforming to the input_signature (converted to
        tensors of the spec's dtype; a variable stays a variable, so it can be assigned).

        Raises:
            TypeError: as TensorFlow's, "Binding inputs to tf.function failed due to ...".
        """
        specs = self._input_signature
        given = args, kwargs
        if kwargs or len(args) != len(specs):
            bound = self._bind(args, kwargs)
            args = args if bound is None else bound.args
        if len(args) > len(specs):
            raise TypeError(f"tf.function {self.__name__}: got {len(args)} arguments but the "
                            f"input_signature describes {len(specs)}: {list(specs)}")
        try:
            return tuple(_conform(arg, spec) for arg, spec in zip(args, specs))
        except _Mismatch as err:
            try:
                params = list(inspect.signature(self._python_function).parameters)
            except (TypeError, ValueError):
                params = [f"arg{i}" for i in range(len(specs))]
            shown = ", ".join(f"{p}: {s}" for p, s in zip(params, specs))
            raise TypeError(
                f"Binding inputs to tf.function failed due to `{err}`. Received args: "
                f"{_short(given[0])} and kwargs: {_short(given[1])} for signature: ({shown}). "
                f"(tf.function {self.__name__}: its input_signature fixes the arguments' "
                "structure, dtypes and shapes; pass values that match it.)"
            ) from None

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
            bound = Function(method, self._input_signature, self._autograph,
                             self._reduce_retracing, self._warn_on_retracing, **self._options)
            try:
                self._bound[instance] = bound
            except TypeError:
                pass
        return bound

    def _call_concrete(self, rkey, args, kwargs):
        """A call of the concrete function of `rkey`: with arguments of its signature only, as
        TensorFlow's (the function itself traces anew for others).

        Raises:
            InvalidArgumentError: for a tensor of another dtype than its input's.
            TypeError: for arguments of another structure, or a tensor of another shape.
        """
        if rkey != ("input_signature",):
            _, _, key = self._flatten(list(args), kwargs)
            if key[0] != rkey[0] or not _compatible(rkey[1], key[1]):
                raise _mismatch(self.__name__, rkey, key)
        return self(*args, **kwargs)

    def get_concrete_function(self, *args, **kwargs):
        """The ConcreteFunction for these arguments (tensors, TensorSpecs or Python values),
        traced now if it is new; the same object for the same signature.

        Without arguments, the input_signature's. With TensorSpecs the trace runs on zeros of
        the spec's shape (None dimensions become 1); tracing here is a dry run, so no variable
        changes.
        """
        if not args and not kwargs and self._input_signature is not None:
            args = self._input_signature
        given = nest.flatten([list(args), kwargs])
        specs = given if any(isinstance(s, TensorSpec) for s in given) else None
        args = [nest.map_structure(_example, a) for a in args]
        kwargs = {k: nest.map_structure(_example, v) for k, v in kwargs.items()}
        if self._input_signature is not None:
            args, kwargs = self._check_signature(args, kwargs), {}
            specs = None
        structure, leaves, key = self._flatten(args, kwargs)
        if specs is not None and len(specs) != len(leaves):
            specs = None
        rkey = self._relaxed(key, specs)
        concrete = self._concrete.get(rkey)
        new = concrete is None
        if new:
            concrete = self._new_concrete(rkey, structure, leaves)
        if new or key not in self._cache:
            # an existing concrete function traced again at these sizes is, to the user, the
            # same trace: its printing silenced, as in _trace_call
            quiet = contextlib.nullcontext() if new else quiet_prints()
            with quiet:
                entry, _ = self._trace(structure, leaves, self._static_shapes(rkey, leaves),
                                       live=False)
            self._remember(key, entry, concrete)
        return concrete

    def __repr__(self):
        return f"<tapegrad.function {self.__qualname__}>"


def _static(shape):
    return None if shape.rank is None else tuple(shape)


def _input_names(fn, structure, leaves):
    """Per leaf, the name TensorFlow gives its placeholder: the parameter's name (its
    elements share it; the tracer makes names unique as TensorFlow: `xs`, `xs_1`, ...)."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        params = []
    args, kwargs = structure
    names = []
    for i, arg in enumerate(args):
        if i < len(params) and params[i].kind in (params[i].POSITIONAL_ONLY,
                                                  params[i].POSITIONAL_OR_KEYWORD):
            name = params[i].name
        elif params and params[-1].kind is params[-1].VAR_POSITIONAL:
            name = params[-1].name
        else:
            name = f"args_{i}"
        names += [name] * len(nest.flatten(arg))
    for key, value in kwargs.items():
        names += [str(key)] * len(nest.flatten(value))
    return names if len(names) == len(leaves) else ["input"] * len(leaves)


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


class _Mismatch(Exception):
    """An argument that does not fit the input_signature (the message: TensorFlow's reason)."""


def _conform(arg, spec):
    """`arg` checked against `spec` (a TensorSpec or a structure of them) and converted."""
    if not isinstance(spec, TensorSpec):
        if isinstance(spec, dict):
            same = isinstance(arg, dict) and sorted(arg) == sorted(spec)
        else:
            same = isinstance(arg, (list, tuple)) and len(arg) == len(spec)
        if not same:
            raise _Mismatch(f"{_short(arg)} does not have the structure of its "
                            f"input_signature {spec!r}")
        if isinstance(spec, dict):
            return {k: _conform(arg[k], spec[k]) for k in arg}
        items = [_conform(a, s) for a, s in zip(arg, spec)]
        return type(arg)(*items) if hasattr(arg, "_fields") else type(arg)(items)
    try:
        t = convert_to_tensor(arg, dtype_hint=spec.dtype)
    except (TypeError, ValueError) as err:
        raise _Mismatch(f"Can not cast {_short(arg)} to {spec}: {err}") from None
    if not spec.is_compatible_with(t):
        raise _Mismatch(f"Can not cast {TensorSpec(t.shape, t.dtype)} to {spec}")
    return arg if hasattr(arg, "_read") else t  # a variable stays assignable


def _mismatch(name, rkey, key):
    """The error for a concrete function's call whose arguments do not fit its signature."""
    if key[0] == rkey[0] and len(key[1]) == len(rkey[1]):
        for k, (want, got) in enumerate(zip(rkey[1], key[1])):
            if want[0] == got[0] == "tensor" and want[2] != got[2]:
                return InvalidArgumentError(
                    f"cannot compute {name} as input #{k}(zero-based) was expected to be a "
                    f"{_dt.as_dtype(np.dtype(want[2])).name} tensor but is a "
                    f"{_dt.as_dtype(np.dtype(got[2])).name} tensor", op=name)
    return TypeError(
        f"ConcreteFunction {name}: the arguments do not match its input signature; call the "
        "tf.function itself (it traces for new arguments), or get_concrete_function for these.")


def _example(arg):
    if isinstance(arg, TensorSpec):
        # example values: size 1 for an unknown dimension, a scalar for an unknown rank (a
        # call with another shape traces that shape again, silently: the same trace to the user)
        shape = () if arg.shape.rank is None else tuple(1 if d is None else d for d in arg.shape)
        return Tensor(np.zeros(shape, dtype=arg.dtype._np))
    return arg


def function(func=None, input_signature=None, autograph=True, jit_compile=None,
             reduce_retracing=False, experimental_implements=None,
             experimental_autograph_options=None, experimental_attributes=None,
             experimental_relax_shapes=None, experimental_compile=None,
             experimental_follow_type_hints=None):
    """Traces `func` into a program per input signature and replays it (see `Function`).

    Usable as `@tf.function` or `@tf.function(input_signature=..., jit_compile=True, ...)`;
    every TensorFlow option is accepted (`jit_compile` has no effect; `autograph=False` turns
    off the conversion of Python control flow on tensors).

    Example:
        >>> @tapegrad.function
        ... def f(x):
        ...     return x * x
        >>> float(f(tapegrad.constant(3.0)))
        9.0
    """
    options = dict(autograph=autograph, jit_compile=jit_compile,
                   reduce_retracing=reduce_retracing or bool(experimental_relax_shapes))

    def wrap(fn):
        return Function(fn, input_signature, **options)

    return wrap if func is None else wrap(func)
