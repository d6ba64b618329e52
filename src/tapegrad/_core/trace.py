"""Tracing for `tapegrad.function`: run a function once, record a flat program, replay it.

A `Tracer` is an interpreter (state.py): while it is active on this thread, `bind` hands it
each primitive call, which it appends to its program; variable reads and assignments become
instructions (variables are captured by reference), and functions marked with `effect` (an
optimizer's `apply_gradients`) are recorded as one opaque call. A trace is either live or a dry
run. A live trace is the call itself: it runs beside the caller's tapes, assignments and effects
happen, and its result is the call's result (so Python side effects run once, and a trace that
cannot be replayed still gave the right answer). A dry run (`get_concrete_function`) is alone on
its thread and records assignments and effects without performing them. Every op's result is
named as TensorFlow names graph tensors (`add:0`, `MatMul_1:0`): a traced tensor prints as
`Tensor("add:0", shape=(), dtype=float32)`. Replaying calls the primitives' NumPy
forwards directly: no Tensor objects, no recording, no Python code of the traced function
(with a tape or forward accumulator active, the replay goes through `bind` so that they see it).

A trace is only valid if the program does not depend on *values* in ways it cannot replay. The
tracer watches for that and gives up (the function then runs eagerly, with the same results):
- a traced tensor's value is read (`.numpy()`, `float()`, `bool()`, `np.asarray()`, ...), as a
  Python `if` on a tensor does;
- a tensor is made outside `bind` from traced values (every traced value is held as a
  `_Traced` array, a marker subclass, so anything NumPy computes from it carries the mark);
- a variable is written other than through `assign*` or an `effect`;
- random numbers are drawn in Python from `tapegrad.random.generator()` (tf.random's ops and
  `tapegrad.tracing.draw` are ops of the program instead, drawn at each call).
"""

import collections
import functools

import numpy as np

from . import nest
from .bind import bind
from .errors import InvalidArgumentError
from .indexed_slices import IndexedSlices
from .replay import compile_replay, template
from .state import Interpreter, activate, deactivate, impure, state
from .tensor import Tensor, convert_to_tensor

__all__ = [
    "ASSIGN_OP_TYPES", "UNKNOWN_RANK", "AssignVariable", "CallEffect", "Op", "Program",
    "ReadVariable", "Tracer",
    "as_output", "effect", "run_effect",
]


class _Traced(np.ndarray):
    """Marks an array computed, during tracing, from the traced function's inputs.

    NumPy keeps the subclass through ufuncs, methods and (via `__array_function__`) functions
    such as `np.where`; turning a marked value into a Python number or bool (an `if` on it)
    makes the trace invalid.
    """

    def __array_function__(self, func, types, args, kwargs):
        result = super().__array_function__(func, types, args, kwargs)
        return _mark_all(result)

    def _python_value(self, *args):
        impure("a traced value was turned into a Python number or bool")
        return self.view(np.ndarray)

    def __bool__(self):
        return bool(self._python_value())

    def __float__(self):
        return float(self._python_value())

    def __int__(self):
        return int(self._python_value())

    def __index__(self):
        return self._python_value().__index__()

    def item(self, *args):
        return self._python_value().item(*args)

    def tolist(self):
        return self._python_value().tolist()


def _mark_all(result):
    if isinstance(result, np.ndarray) and not isinstance(result, _Traced):
        return result.view(_Traced)
    if isinstance(result, np.generic):
        return np.asarray(result).view(_Traced)
    if isinstance(result, tuple):
        return type(result)(*map(_mark_all, result)) if hasattr(result, "_fields") else tuple(
            map(_mark_all, result))
    return result


def as_output(leaf, function_name):
    """What a traced function returns for one leaf of its Python result, as TensorFlow: a
    tensor, an IndexedSlices or None as it is, a variable's value, a Python or NumPy value as
    a constant tensor.

    Raises:
        TypeError: for any other object, as TensorFlow.
    """
    if leaf is None or isinstance(leaf, (Tensor, IndexedSlices)):
        return leaf
    read = getattr(leaf, "_read", None)
    if read is not None:
        return read()
    try:
        return convert_to_tensor(leaf)
    except (TypeError, ValueError):
        shown = repr(leaf)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        raise TypeError(
            f"tf.function {function_name}: found a return value of type {type(leaf).__name__} "
            f"({shown}), which is not a Tensor; a tf.function returns tensors, variables, "
            "numbers, NumPy arrays or None (in lists, tuples and dicts). Return a tensor, or "
            "keep the object outside the function."
        ) from None


def effect(fn=None, *, replay=None):
    """Makes `fn`, a function with side effects on variables, one instruction of a traced
    program (public as `tapegrad.tracing.effect`).

    Called outside a trace, `fn` runs as usual. While `tf.function` traces, a call is recorded
    with its arguments (tensors by the program's values, anything else as given) instead of
    running; each run of the program then calls `fn` (untraced inside) with that run's tensors.
    Keras's optimizers mark `apply_gradients` with it, since their updates are NumPy code.

    Args:
        fn: the function; without it, `effect(replay=...)` is a decorator.
        replay: optional. `replay(*args, **kwargs)` is called once per recorded call, while
            tracing, with the call's arguments as traced (tensors are symbolic: look at their
            types, shapes and dtypes, not their values); it returns None, or a function that
            the program's unrecorded runs call instead of `fn`, with the NumPy values of the
            call's tensor arguments, in the order `tf.nest.flatten([args, kwargs])` lists
            them. It is `fn` specialised to what the trace fixed (which arguments are tensors,
            the rest of the arguments): it must do what `fn` would do with those values. A run
            recorded by a tape or an enclosing trace calls `fn`, and so does every run of a
            call given an IndexedSlices (`replay` is not asked).

    Example:
        >>> @tapegrad.tracing.effect
        ... def accumulate(total, value):
        ...     total.assign_add(value.numpy())
    """
    if fn is None:
        return functools.partial(effect, replay=replay)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if not state.interpreters:  # eager and untaped, the usual optimizer step: `fn` itself
            return fn(*args, **kwargs)
        return run_effect(fn, args, kwargs, replay)

    return wrapper


def run_effect(fn, args, kwargs, replay=None):
    """Calls effect `fn` (with its `replay` factory, see `effect`), recorded by the active
    tracers: performed unless a dry run is active, and never traced inside (its program
    instruction is the whole call)."""
    interpreters = state.interpreters
    if not interpreters:  # eager, untaped: the usual optimizer step builds no list
        return fn(*args, **kwargs)
    tracers = [i for i in interpreters if isinstance(i, Tracer)]
    if not tracers:
        return fn(*args, **kwargs)
    args = [list(a) if _is_iterator(a) else a for a in args]
    recorded, recorded_args, recorded_kwargs = fn, args, kwargs
    if _holds_parts([args, kwargs], masks=True):
        recorded, replay = _rebuilding(fn), None
        recorded_args = _expanded(args, masks=True)
        recorded_kwargs = _expanded(kwargs, masks=True)
    for tracer in tracers:
        tracer.call_effect(recorded, recorded_args, recorded_kwargs, replay)
    if not all(tracer.live for tracer in tracers):
        return None
    state.interpreters = tuple(i for i in interpreters if not isinstance(i, Tracer))
    try:
        return fn(*args, **kwargs)
    finally:
        state.interpreters = interpreters


# An IndexedSlices is a leaf of a nested structure (as in TensorFlow's nest without
# expand_composites), so an effect's recorded arguments would keep the traced one, values and
# all: it is recorded as its tensors instead (a namedtuple, which nest walks into), and rebuilt
# from each replay's tensors before the effect runs. So is, for an effect (a Keras metric's
# update), a tensor with the mask a Keras layer attached to it: the tensor and its mask.
class _Parts(collections.namedtuple("_Parts", "kind components")):
    __slots__ = ()


def _masked(obj):
    return type(obj) is Tensor and getattr(obj, "_keras_mask", None) is not None


def _with_mask(tensor, mask):
    tensor._keras_mask = mask
    return tensor


def _holds_parts(obj, masks=False):
    if isinstance(obj, (IndexedSlices, _Parts)) or masks and _masked(obj):
        return True
    if type(obj) in (list, tuple):
        return any(_holds_parts(x, masks) for x in obj)
    if type(obj) is dict:
        return any(_holds_parts(x, masks) for x in obj.values())
    return False


def _expanded(obj, masks=False):
    if isinstance(obj, IndexedSlices):
        return _Parts(type(obj), (obj.values, obj.indices, obj.dense_shape))
    if masks and _masked(obj):
        return _Parts(_with_mask, (obj, obj._keras_mask))
    if type(obj) in (list, tuple):
        return type(obj)(_expanded(x, masks) for x in obj)
    if type(obj) is dict:
        return {k: _expanded(v, masks) for k, v in obj.items()}
    return obj


def _rebuilt(obj):
    if type(obj) is _Parts:
        return obj.kind(*obj.components)
    if type(obj) in (list, tuple):
        return type(obj)(_rebuilt(x) for x in obj)
    if type(obj) is dict:
        return {k: _rebuilt(v) for k, v in obj.items()}
    return obj


def _rebuilt_from(pack, flat):
    return _rebuilt(pack(flat))


def _rebuilding(fn):
    """`fn` called with the IndexedSlices that `_expanded` took apart put back together."""

    @functools.wraps(fn)
    def call(*args, **kwargs):
        return fn(*_rebuilt(args), **_rebuilt(kwargs))

    return call


# A placeholder's static shape when not even its rank is known (a TensorSpec(shape=None)).
UNKNOWN_RANK = "unknown rank"

# What a primitive's NumPy forward raises on bad values (bind's list, less TypeError: the
# types of a replay's values are the traced ones; an effect's TypeError stays one).
_FORWARD_ERRORS = (ValueError, IndexError, np.linalg.LinAlgError)


# -- a program's instructions: each reads and writes numbered slots ----------------------------

def _slot(i):
    return f"%{i}"


class Op:
    """`slots[output] = prim(*slots[inputs], **params)`."""

    __slots__ = ("prim", "inputs", "params", "output")
    kind = "op"  # for replay.py

    def __init__(self, prim, inputs, params, output):
        self.prim = prim
        self.inputs = inputs
        self.params = params
        self.output = output

    @property
    def reads(self):
        return self.inputs

    def run(self, slots, recorded):
        args = [slots[i] for i in self.inputs]
        if recorded:
            slots[self.output] = bind(self.prim, *args, **self.params)
        else:
            slots[self.output] = self.prim.forward(*args, **self.params)

    def __str__(self):
        shown = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return (f"{_slot(self.output)} = {self.prim.name}({', '.join(map(_slot, self.inputs))}"
                f"{'; ' + shown if shown else ''})")


class ReadVariable:
    """`slots[output] = variable`'s value at this point of the program."""

    __slots__ = ("variable", "output")
    kind = "read"  # for replay.py
    reads = ()

    def __init__(self, variable, output):
        self.variable = variable
        self.output = output

    def run(self, slots, recorded):
        slots[self.output] = self.variable._read() if recorded else self.variable._value

    def __str__(self):
        return f"{_slot(self.output)} = read_variable '{self.variable.name}'"


class AssignVariable:
    """`variable.<method>(slots[value])`: assign, assign_add or assign_sub."""

    __slots__ = ("variable", "method", "value")
    kind = "assign"  # for replay.py

    def __init__(self, variable, method, value):
        self.variable = variable
        self.method = method
        self.value = value

    @property
    def reads(self):
        return (self.value,)

    def run(self, slots, recorded):
        if state.dry:  # a computation repeated to differentiate it (control.py)
            return
        value = slots[self.value]
        getattr(self.variable, self.method)(value if recorded else Tensor(value))

    def __str__(self):
        return f"{self.method} '{self.variable.name}', {_slot(self.value)}"


class CallEffect:
    """`fn(*args, **kwargs)` of an `effect`, its arguments packed by `build` (nest.packer)
    from the leaves: `slots[leaves[k]]` where a leaf was a tensor, `others[k]` (kept as
    traced) elsewhere; or, unrecorded, `fast(*slots[reads])` where the effect's `replay`
    factory gave one (see `effect`)."""

    __slots__ = ("fn", "build", "leaves", "others", "template", "fast")
    kind = "effect"  # for replay.py

    def __init__(self, fn, build, leaves, others, template=None, fast=None):
        self.fn = fn
        self.build = build
        self.leaves = leaves
        self.others = others
        self.template = template  # [args, kwargs] with _SlotRef for tensors, or None
        self.fast = fast  # fn specialised to this call: takes the tensor arguments' arrays

    @property
    def reads(self):
        return [i for i in self.leaves if i is not None]

    def call(self, values):
        """Calls the effect unrecorded, `values` the arrays of its tensor arguments in order."""
        if self.fast is not None:
            self.fast(*values)
            return
        values = iter(values)
        leaves = [other if i is None else Tensor(next(values))
                  for i, other in zip(self.leaves, self.others)]
        call_args, call_kwargs = self.build(leaves)
        self.fn(*call_args, **call_kwargs)

    def run(self, slots, recorded):
        if state.dry:  # a computation repeated to differentiate it (control.py)
            return
        if not recorded and self.fast is not None:
            self.fast(*[slots[i] for i in self.reads])
            return
        leaves = [
            other if i is None else (slots[i] if recorded else Tensor(slots[i]))
            for i, other in zip(self.leaves, self.others)
        ]
        call_args, call_kwargs = self.build(leaves)
        if recorded:
            run_effect(self.fn, call_args, call_kwargs)
        else:
            self.fn(*call_args, **call_kwargs)

    def __str__(self):
        name = getattr(self.fn, "__qualname__", self.fn)
        return f"call {name}({', '.join(map(_slot, self.reads))})"


class Program:
    """A flat list of instructions (Op, ReadVariable, AssignVariable, CallEffect) over numbered
    slots; `run` replays it."""

    def __init__(self, name, n_slots, inputs, constants, instrs, outputs, output_constants,
                 structure, names=None, shapes=None):
        self.name = name
        self.names = names or {}  # slot or id(instruction) -> TensorFlow's op name
        self.shapes = shapes or {}  # slot -> static shape (None for unknown dimensions)
        self.slot_specs = None  # per slot: (NumPy shape, NumPy dtype), for the graph view
        self.n_slots = n_slots
        self.inputs = inputs
        self.constants = constants
        self.instrs = instrs
        self.outputs = outputs  # per output leaf: its slot, or None for a constant
        self.output_constants = output_constants  # per output leaf: the constant, or None
        self.structure = structure  # the traced result's containers (nest.skeleton)
        self.pack = nest.packer(structure)  # packs the output leaves in that structure
        if _holds_parts(structure):  # and puts a returned IndexedSlices back together
            self.pack = functools.partial(_rebuilt_from, self.pack)
        self._compiled = None  # the replay as one Python function, made on first use

    def run(self, args):
        """Replays the program on the flat input tensors `args`; returns the output structure."""
        # With a tape, an accumulator or an enclosing trace active the replay goes through
        # `bind`, so that they see it (an enclosing trace records the inner program inline).
        recorded = bool(state.interpreters)
        if not recorded:
            compiled = self._compiled
            if compiled is None:
                compiled = self._compiled = compile_replay(self)
            if compiled is not False:
                try:
                    return compiled(args)
                except _FORWARD_ERRORS as err:
                    raise self._failed(err) from None
        try:
            return self._run(args, recorded)
        except _FORWARD_ERRORS as err:
            raise self._failed(err) from None

    def _failed(self, err):
        """A NumPy forward's error in a replay as TensorFlow's runtime error of the function
        (bind names the op in an eager call; an InvalidArgumentError says it already)."""
        if isinstance(err, InvalidArgumentError):
            return err
        return InvalidArgumentError(f"tf.function {self.name}: {err}", op=self.name)

    def _run(self, args, recorded):
        slots = [None] * self.n_slots
        for slot, value in self.constants:
            slots[slot] = Tensor(value) if recorded else value
        for slot, a in zip(self.inputs, args):
            slots[slot] = a if recorded else a._value
        for ins in self.instrs:
            ins.run(slots, recorded)
        outs = [
            const if i is None else slots[i] if recorded else Tensor(slots[i])
            for i, const in zip(self.outputs, self.output_constants)
        ]
        return self.pack(outs)

    def listing(self):
        """A readable listing of the program, one instruction per line."""
        lines = [f"program {self.name}({', '.join(map(_slot, self.inputs))}):"]
        for slot, value in self.constants:
            shown = np.array2string(np.asarray(value), threshold=6, precision=4)
            lines.append(f"  {_slot(slot)} = constant {shown}")
        lines += [f"  {ins}" for ins in self.instrs]
        outs = ", ".join("const" if i is None else _slot(i) for i in self.outputs)
        lines.append(f"  return {outs}")
        return "\n".join(lines)


class Tracer(Interpreter):
    """Records what one call of a function does; `finish` turns it into a Program.

    A live tracer (`live=True`) joins the thread's active interpreters: the call happens as an
    eager call would (the caller's tapes record it), and is recorded besides. A dry run is the
    only interpreter of its thread: it is not recorded by the caller's tapes and accumulators,
    and assignments and effects are recorded only (a tape opened inside the traced function
    records as usual).

    Args:
        name: the traced function's name.
        live: whether the trace is the call itself (see above).
        op_name: maps a primitive's name to the name TensorFlow gives its op in a graph
            ("multiply" -> "mul"); None keeps the primitive's name.
    """

    order = 2  # after tapes and accumulators: see state.Interpreter

    def __init__(self, name, live=False, op_name=None):
        self.name = name
        self.live = live
        self.op_name = op_name or (lambda prim_name: prim_name)
        self.slots = {}  # id(tensor) -> slot
        self.keep = []  # the tensors behind the ids, alive until the trace ends
        self.constants = {}  # id(tensor) -> slot, for tensors made outside the program
        self.constant_values = []
        self.inputs = []
        self.instrs = []
        self.invalid = None
        self.names = {}  # slot or id(instruction) -> op name, unique as TensorFlow's
        self.taken = {}  # lower-cased name -> times given (TensorFlow's unique_name)
        self.shapes = {}  # slot -> static shape, where it has unknown dimensions
        self.created = 0  # Variables made during the trace (outside tf.init_scope)

    # -- lifetime -------------------------------------------------------------------------
    def __enter__(self):
        if self.live:
            activate(self)
            return self
        self.outer = state.interpreters
        if any(isinstance(interpreter, Tracer) for interpreter in self.outer):
            self.invalidate("a traced function called inside another trace runs eagerly")
        state.interpreters = (self,)
        return self

    def __exit__(self, *exc):
        if self.live:
            deactivate(self)
        else:
            state.interpreters = self.outer
        return False

    def invalidate(self, why):
        if self.invalid is None:
            self.invalid = why

    # -- names ----------------------------------------------------------------------------
    def unique_name(self, name):
        """`name`, or `name_<n>` if taken, compared without case (TensorFlow's graph rule)."""
        key = name.lower()
        n = self.taken.get(key, 0)
        self.taken[key] = n + 1
        if not n:
            return name
        candidate = f"{name}_{n}"
        while candidate.lower() in self.taken:
            n += 1
            candidate = f"{name}_{n}"
        self.taken[candidate.lower()] = 1
        return candidate

    def alias(self, t, original):
        """Tensor `t` stands for `original` (an inner trace's placeholder for its argument)."""
        slot = self.slot_of(original)
        self.slots[id(t)] = slot
        self.keep.append(t)  # alive while its id is a key

    def symbolic(self, tensor):
        """`(name, static shape)` of a tensor this trace computed, else None."""
        slot = self.slots.get(id(tensor))
        if slot is None or id(tensor) in self.constants:
            return None
        name = self.names.get(slot)
        if name is None:
            return None
        return f"{name}:0", self.shapes.get(slot, tensor._value.shape)

    # -- slots ----------------------------------------------------------------------------
    def _new_slot(self, t):
        slot = len(self.keep)
        self.slots[id(t)] = slot
        self.keep.append(t)
        return slot

    def slot_of(self, t):
        """The slot of tensor `t`; a tensor the program did not make becomes a constant."""
        slot = self.slots.get(id(t))
        if slot is None:
            if isinstance(t._value, _Traced):
                self.invalidate("a tensor was made outside tapegrad's ops from traced values")
            slot = self._new_slot(t)
            self.constants[id(t)] = slot
            self.constant_values.append((slot, np.asarray(t._value)))
        return slot

    def _mark(self, t):
        """Holds t's value as a _Traced view, so NumPy results computed from it are marked."""
        value = t._value
        if not isinstance(value, _Traced):
            t._value = np.asarray(value).view(_Traced)

    def add_input(self, t, name="input", shape=None):
        """Makes tensor `t` the next input (a placeholder named `name`; `shape` is its static
        shape if it has unknown dimensions, UNKNOWN_RANK if even its rank is unknown)."""
        self._mark(t)
        slot = self._new_slot(t)
        self.inputs.append(slot)
        self.names[slot] = self.unique_name(name)
        if shape is UNKNOWN_RANK:
            self.shapes[slot] = None  # (None in `shapes`: the rank is unknown)
        elif shape is not None and None in shape:
            self.shapes[slot] = tuple(shape)

    # -- the interpreter ------------------------------------------------------------------
    def process_primitive(self, prim, inputs, params, output):
        in_slots = [self.slot_of(a) for a in inputs]
        self._mark(output)
        slot = self._new_slot(output)
        name = self.names[slot] = self.unique_name(self.op_name(prim.name))
        for i, s in enumerate(in_slots):  # a Python number's constant: "mul/y", as TensorFlow
            if s not in self.names:
                self.names[s] = f"{name}/{'xy'[i]}" if i < 2 else self.unique_name("Const")
        if self.shapes:
            self._static_shape(slot, output, in_slots, inputs)
        self.instrs.append(Op(prim, in_slots, params, slot))

    def _static_shape(self, slot, output, in_slots, inputs):
        """A result's dimension is unknown where an input of the same rank has an unknown
        dimension of the same size at the same position (elementwise ops, matmul's rows)."""
        dims = list(output._value.shape)
        for s, a in zip(in_slots, inputs):  # an input of unknown rank: so is a like result
            if s in self.shapes and self.shapes[s] is None and a._value.ndim == len(dims):
                self.shapes[slot] = None
                return
        for s, a in zip(in_slots, inputs):
            known = self.shapes.get(s)
            if known is not None and len(known) == len(dims):
                for i, (d, k) in enumerate(zip(a._value.shape, known)):
                    if k is None and dims[i] == d:
                        dims[i] = None
        if None in dims:
            self.shapes[slot] = tuple(dims)

    def variable_created(self, variable):
        self.created += 1

    def read_variable(self, variable, tensor):
        self._mark(tensor)
        slot = self._new_slot(tensor)
        self.names[slot] = self.unique_name("ReadVariableOp")
        self.instrs.append(ReadVariable(variable, slot))

    def assign_variable(self, variable, method, value):
        """Records the assignment; a live trace lets it happen, a dry run leaves it to the
        replay."""
        ins = AssignVariable(variable, method, self.slot_of(value))
        self.names[id(ins)] = self.unique_name(ASSIGN_OP_TYPES[method])
        self.instrs.append(ins)
        return not self.live

    def read_value(self, tensor):
        """A traced value read in Python makes the trace invalid."""
        if id(tensor) in self.slots and id(tensor) not in self.constants:
            self.invalidate("the value of a traced tensor was read in Python")

    def impure(self, why):
        self.invalidate(why)

    def call_effect(self, fn, args, kwargs, replay=None):
        """Records an effect (`run_effect` performs it, or not in a dry run), with the form
        that `replay` (see `effect`) makes of it for this call, if any."""
        structure = [args, kwargs]
        leaves = nest.flatten(structure)
        slots = [self.slot_of(leaf) if isinstance(leaf, Tensor) else None for leaf in leaves]
        others = [None if isinstance(leaf, Tensor) else leaf for leaf in leaves]
        fast = None if replay is None else replay(*args, **kwargs)
        ins = CallEffect(fn, nest.packer(structure), slots, others,
                         template(structure, self.slot_of), fast)
        self.names[id(ins)] = self.unique_name("StatefulPartitionedCall")
        self.instrs.append(ins)

    def finish(self, result):
        """The Program for this trace, or None if the trace cannot be replayed.

        Outputs that the program does not compute are constants (`as_output`); a variable
        returned is read after the program's assignments, as TensorFlow reads it.
        """
        if self.invalid is not None:
            return None
        result = _expanded(result)  # an IndexedSlices returned: its tensors
        flat = nest.flatten(result)
        outputs, consts = [], []
        for leaf in flat:
            if isinstance(leaf, Tensor) and id(leaf) in self.slots and id(leaf) not in (
                    self.constants):
                outputs.append(self.slots[id(leaf)])
                consts.append(None)
            elif leaf is IndexedSlices:  # the kind of an expanded one
                outputs.append(None)
                consts.append(leaf)
            elif hasattr(leaf, "_read"):
                slot = self._new_slot(Tensor(leaf._value))
                self.names[slot] = self.unique_name("ReadVariableOp")
                self.instrs.append(ReadVariable(leaf, slot))
                outputs.append(slot)
                consts.append(None)
            else:
                outputs.append(None)
                consts.append(as_output(leaf, self.name))
        constants = [(slot, np.array(value)) for slot, value in self.constant_values]
        instrs, folded = [], {slot for slot, _ in constants}
        for ins in self.instrs:  # an op of constants only is a constant: keep its value
            if type(ins) is Op and not ins.prim.stateful and all(i in folded for i in ins.inputs):
                folded.add(ins.output)
                constants.append((ins.output, np.array(self.keep[ins.output]._value)))
            else:
                instrs.append(ins)
        used = set(outputs)
        for ins in instrs:
            used.update(ins.reads)
        constants = [(slot, value) for slot, value in constants if slot in used]
        for slot, _ in constants:
            if slot not in self.names:
                self.names[slot] = self.unique_name("Const")
        program = Program(self.name, len(self.keep), self.inputs, constants, instrs,
                          outputs, consts, nest.skeleton(result), self.names, self.shapes)
        program.slot_specs = [(t._value.shape, t._value.dtype) for t in self.keep]
        return program

    def release(self):
        """Hands back plain arrays (the marker class must not leak out); call it last. A live
        trace inside another leaves them to the outer one, which recorded the same tensors."""
        if self.live and any(isinstance(i, Tracer) for i in state.interpreters):
            self.keep = []
            return
        for t in self.keep:
            if isinstance(t._value, _Traced):
                t._value = t._value.view(np.ndarray)
        self.keep = []


# an assignment's op type (and name) in TensorFlow's graphs
ASSIGN_OP_TYPES = {"assign": "AssignVariableOp", "assign_add": "AssignAddVariableOp",
                   "assign_sub": "AssignSubVariableOp"}


def _is_iterator(x):
    return hasattr(x, "__next__") and hasattr(x, "__iter__")
