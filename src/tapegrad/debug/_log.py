"""The witness: an interpreter that writes down everything that happens to tensors, with the
user's line, while `tapegrad.debug.explaining()` is on.

A tape records only what it needs for gradients: calls whose inputs it tracks. To say why a
gradient is None, tapegrad.debug needs the rest too: the calls a tape did not record (and which
tapes were recording at the time), reads of values into Python and NumPy, variable reads and
assignments, and the line of the user's code each came from. The witness is one more
interpreter (see `_core/state.py`), active only inside `explaining()`, so nothing of this costs
anything outside it. It keeps no tensor alive: it names tensors by their engine id, giving one
to each tensor it sees that has none yet (an id no tape tracks changes nothing).
"""

import contextlib
import sys
import threading
import weakref

from .._core.primitive import NONE
from .._core.state import Interpreter, activate, deactivate, ensure_tid, next_tid, state
from .._impl.function import functions_run_eagerly, run_functions_eagerly
from ._lines import user_line

__all__ = ["Event", "Log", "carries", "current_log", "disable_explaining", "enable_explaining",
           "explaining"]

MAX_EVENTS = 200_000  # past this the oldest half is forgotten (a long run under the mode)

# What read a tensor's value into Python, by the reading method's name.
_HOW_READ = {
    "numpy": "`.numpy()`",
    "__array__": "NumPy (`np.asarray` or an `np.*` function)",
    "__float__": "`float()`",
    "__int__": "`int()`",
    "__format__": "a format string",
}


class Event:
    """One thing that happened, in order (`seq`).

    kind "op": `output = name(*inputs)`; "read": variable `name` read (its id is `output`);
    "value": tensor `inputs[0]` read into Python by `name`; "assign": variable `output`
    changed by method `name` with value `inputs[0]`; "watch": a tape's `watch(inputs)`, its
    `output` a fresh id (so variables made later have larger ids). `recording`, `recorded` and
    `paused` are the serial numbers of the tapes that were recording, that recorded it (track
    its output), and that were inside `stop_recording()`, at the time.
    """

    __slots__ = ("seq", "kind", "name", "prim", "inputs", "output", "line", "recording",
                 "recorded", "paused")

    def __init__(self, seq, kind, name, prim, inputs, output, line, recording, recorded,
                 paused):
        self.seq = seq
        self.kind = kind
        self.name = name
        self.prim = prim
        self.inputs = inputs
        self.output = output
        self.line = line
        self.recording = recording
        self.recorded = recorded
        self.paused = paused


class TensorInfo:
    """What the log knows of one tensor id: shape, dtype, and what it is ("op", "variable",
    "constant"); for a variable its name (the log keeps no variable alive), for a small
    constant its value."""

    __slots__ = ("shape", "dtype", "origin", "value", "name")

    def __init__(self, shape, dtype, origin, value=None, name=None):
        self.shape = shape
        self.dtype = dtype
        self.origin = origin
        self.value = value
        self.name = name


class Log:
    """The events of one thread, and indexes over them."""

    def __init__(self):
        self.events = []
        self.producer = {}  # tensor id -> the op event that made it
        self.tensors = {}  # tensor id -> TensorInfo
        self.serials = weakref.WeakKeyDictionary()  # tape -> its serial number
        self.seen = {}  # tape serial -> [seq of first event recorded while it was recording, last]
        self.paused = set()  # serials of the tapes inside stop_recording() now
        self.watches = {}  # tape serial -> its "watch" events
        self.seq = 0

    def serial(self, tape):
        number = self.serials.get(tape)
        if number is None:
            number = self.serials[tape] = next_tid()  # unique, also across logs
        return number

    def _tensor(self, t, origin="constant"):
        tid = ensure_tid(t)
        if tid not in self.tensors:
            value = t._value
            small = value.item() if getattr(value, "size", 2) == 1 and value.dtype.kind in (
                "fciub") else None
            self.tensors[tid] = TensorInfo(value.shape, value.dtype, origin, value=small)
        return tid

    def add(self, kind, name, prim, inputs, output, recorder):
        """Appends an event; `recorder` is the thread's recorder of tapes (or None)."""
        recording = recorded = ()
        if recorder is not None and recorder.tapes:
            recording = tuple(self.serial(tape) for tape in recorder.tapes)
            recorded = tuple(self.serial(tape) for tape in recorder.tapes
                             if output is not None and output in tape._tracked)
        self.seq += 1
        event = Event(self.seq, kind, name, prim, inputs, output, user_line(),
                      recording, recorded, tuple(self.paused))
        for serial in recording:
            span = self.seen.setdefault(serial, [event.seq, event.seq])
            span[1] = event.seq
        self.events.append(event)
        if len(self.events) > MAX_EVENTS:
            self._forget_oldest_half()
        return event

    def _forget_oldest_half(self):
        kept = self.events[len(self.events) // 2:]
        gone = {e.output for e in self.events[: len(self.events) // 2] if e.kind == "op"}
        self.events = kept
        for tid in gone:
            self.producer.pop(tid, None)
            self.tensors.pop(tid, None)

    def tape_serial(self, tape):
        """The serial of `tape`, or None if this log never saw it."""
        return self.serials.get(tape)

    def cones(self, serial, starts):
        """(reach, grad): the ids of every tensor computed from the tensors `starts` by any op,
        and of those the tape `serial` can send a gradient back from to them (through ops it
        recorded, by rules that are not NONE)."""
        reach, grad = set(starts), set(starts)
        for e in self.events:
            if e.kind == "op" and any(i in reach for i in e.inputs):
                reach.add(e.output)
                if serial in e.recorded and _carries(e, grad):
                    grad.add(e.output)
        return reach, grad

    def ancestors(self, tids):
        """Every tensor id the tensors `tids` were computed from (themselves included)."""
        seen, todo = set(), list(tids)
        while todo:
            tid = todo.pop()
            if tid in seen:
                continue
            seen.add(tid)
            event = self.producer.get(tid)
            if event is not None:
                todo.extend(event.inputs)
        return seen


def carries(event, i):
    """Whether op event `event` has a reverse rule for its input #i (not NONE)."""
    vjp = event.prim.vjp
    return (vjp[i] if type(vjp) is tuple else vjp) is not NONE


def _carries(event, grad):
    return any(tid in grad and carries(event, i) for i, tid in enumerate(event.inputs))


class _Witness(Interpreter):
    """Writes every call, read and assignment of its thread into a Log (see the module)."""

    order = 3  # after the tapes' recorder: it sees whether they recorded each call

    def __init__(self, log):
        self.log = log

    @staticmethod
    def _recorder():
        for interpreter in state.interpreters:
            if hasattr(interpreter, "tapes"):
                return interpreter
        return None

    def process_primitive(self, prim, inputs, params, output):
        log = self.log
        ins = tuple(log._tensor(a) for a in inputs)
        if not output._tid:
            output._tid = next_tid()
        tid = output._tid
        value = output._value
        log.tensors[tid] = TensorInfo(value.shape, value.dtype, "op")
        log.producer[tid] = log.add("op", prim.name, prim, ins, tid, self._recorder())

    def read_variable(self, variable, tensor):
        log = self.log
        tid = variable._tid
        value = variable._value
        log.tensors[tid] = TensorInfo(value.shape, value.dtype, "variable",
                                      name=variable.name)
        log.add("read", variable.name, None, (), tid, self._recorder())

    def assign_variable(self, variable, method, value):
        log = self.log
        log.add("assign", method, None, (log._tensor(value),), variable._tid, self._recorder())
        return False

    def read_value(self, tensor):
        log = self.log
        how = _HOW_READ.get(sys._getframe(1).f_code.co_name, "Python")
        log.add("value", how, None, (log._tensor(tensor),), None, self._recorder())

    def tape_watched(self, tape, tensors):
        log = self.log
        tids = tuple(t._tid if hasattr(t, "_read") else log._tensor(t) for t in tensors
                     if hasattr(t, "_read") or hasattr(t, "_value"))
        event = log.add("watch", "watch", None, tids, next_tid(), self._recorder())
        log.watches.setdefault(log.serial(tape), []).append(event)

    def tape_paused(self, tape, paused):
        serial = self.log.serial(tape)
        if paused:
            self.log.paused.add(serial)
        else:
            self.log.paused.discard(serial)


class _Thread(threading.local):
    def __init__(self):
        self.log = None  # the log explain() and graph() read: the latest one of this thread
        self.witness = None  # the active witness of enable_explaining(), if any
        self.eagerly = False  # tf.config.functions_run_eagerly() before enable_explaining()


_thread = _Thread()


def current_log():
    """The log of this thread's latest `explaining()` block (or `enable_explaining()`), or
    None."""
    return _thread.log


@contextlib.contextmanager
def explaining():
    """Within this block, tapegrad writes down what each op, read and assignment did, with the
    user's line, so that `explain` and `graph` can name the line of every step.

    The block starts a fresh log for its thread, which `explain` and `graph` read, also after
    the block ends (until the next block). It costs time inside the block only. Inside it,
    `tf.function`s (and `fit`'s steps) run eagerly, as under
    `tf.config.run_functions_eagerly(True)`, so that every step is seen with its line.

    Example:
        >>> x = tapegrad.constant(3.0)
        >>> with tapegrad.debug.explaining():
        ...     with tapegrad.GradientTape() as tape:
        ...         y = x * x
        >>> print(tapegrad.debug.explain(tape, y, x).reasons[0].kind)
        not_watched
    """
    log = _thread.log = Log()
    witness = _Witness(log)
    eagerly = functions_run_eagerly()
    run_functions_eagerly(True)
    activate(witness)
    try:
        yield log
    finally:
        deactivate(witness)
        run_functions_eagerly(eagerly)


def enable_explaining():
    """Turns the mode of `explaining()` on for this thread until `disable_explaining()`
    (starting a fresh log; calling it again changes nothing)."""
    if _thread.witness is None:
        _thread.log = Log()
        _thread.witness = _Witness(_thread.log)
        _thread.eagerly = functions_run_eagerly()
        run_functions_eagerly(True)  # as in explaining()
        activate(_thread.witness)


def disable_explaining():
    """Turns off what `enable_explaining()` turned on; the log stays readable."""
    if _thread.witness is not None:
        deactivate(_thread.witness)
        _thread.witness = None
        run_functions_eagerly(_thread.eagerly)
