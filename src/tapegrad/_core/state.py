"""Per-thread state: the interpreters that are active now, and the ids the engine gives tensors.

An interpreter is told what happens to tensors while it is active: `bind` hands it each
primitive call, a variable its reads and assignments, a tensor the reads of its value by
Python. There are three kinds: the recorder of the recording tapes (tape.py: records calls for
the backward pass), each ForwardAccumulator (forward.py: pushes tangents through each call)
and the Tracer of `tf.function` (trace.py: writes a program). Each thread has its own tuple of
them, as each TensorFlow thread has its own tapes; none of the modules that report to them
(bind, Variable, Tensor) knows them by name.
"""

import itertools
import threading

__all__ = ["Interpreter", "state", "activate", "deactivate", "impure", "next_tid", "ensure_tid"]


class Interpreter:
    """What the active interpreters are told. Each method does nothing unless overridden.

    `order` places an interpreter among the active ones: the tapes' recorder (0) before forward
    accumulators (1) before the tracer (2), so that a tape has recorded a call before an
    accumulator computes its tangent with ops the tape then records too (reverse over forward
    mode). Interpreters of one order are told in the order they became active.
    """

    __slots__ = ()
    order = 0

    def process_primitive(self, prim, inputs, params, output):
        """`output` (a new Tensor) is `prim(*inputs, **params)`; `inputs` are Tensors."""

    def process_results(self, prim, inputs, params, outputs):
        """`outputs` (a tuple of new Tensors) are the results of one call with several (a
        traced loop's final values: control.py); `prim.vjp(gs, outputs, *inputs, **params)`
        takes a cotangent or None per output and returns a gradient or None per input."""

    def read_variable(self, variable, tensor):
        """`variable` was read; `tensor` is its value, carrying the variable's id."""

    def variable_created(self, variable):
        """`variable`, a new Variable, was made (not inside tf.init_scope)."""

    def assign_variable(self, variable, method, value):
        """`variable.<method>(value)` (assign, assign_add or assign_sub, `value` a Tensor) is
        about to happen. True takes it over: the variable is then left as it is."""
        return False

    def read_value(self, tensor):
        """Python reads `tensor`'s value (`numpy()`, `float()`, `np.asarray`, a format)."""

    def symbolic(self, tensor):
        """`(name, static shape)` if `tensor` is a symbolic tensor of this interpreter's (a
        tracer's: it prints by name, as TensorFlow's graph tensors), else None."""
        return None

    def impure(self, why):
        """Python did something no recorded program can replay (`why` says what)."""

    def tape_watched(self, tape, tensors):
        """`tape.watch` was called with `tensors` (a flat list)."""

    def tape_paused(self, tape, paused):
        """`tape.stop_recording()` began (`paused` True) or ended (False)."""


class _State(threading.local):
    def __init__(self):
        self.interpreters = ()  # a tuple, replaced on change: a loop over it sees one version
        # None, or what the reverse walk calls in place of each reverse rule (backward.py):
        # tapegrad.debug.check_numerics, which checks the cotangents, sets it.
        self.backward_hook = None
        # True while a traced program's computation is repeated to differentiate it
        # (control.py): its effects (printing, assignments) already happened.
        self.dry = False
        # The tapes' recorder (record.py) of this thread, made once and kept while no tape
        # records: each tape's `with` block reuses it (a third of entering and leaving one).
        self.idle_recorder = None


state = _State()


def impure(why):
    """Tells this thread's active interpreters that Python did something no recorded program
    can replay (`why` says what): a tracer then gives up its trace."""
    for interpreter in state.interpreters:
        interpreter.impure(why)


def activate(interpreter):
    """Makes `interpreter` active in this thread, after the active ones of its order or lower."""
    active = state.interpreters
    at = len(active)
    while at and active[at - 1].order > interpreter.order:
        at -= 1
    if at == len(active):  # the usual case: after all the active ones
        state.interpreters = active + (interpreter,)
    else:
        state.interpreters = active[:at] + (interpreter,) + active[at:]


def deactivate(interpreter):
    """Makes `interpreter` inactive in this thread (nothing happens if it is not active)."""
    active = state.interpreters
    if active and active[-1] is interpreter:  # the usual case: the last one activated
        state.interpreters = active[:-1]
    else:
        state.interpreters = tuple(i for i in active if i is not interpreter)


next_tid = itertools.count(1).__next__
_tid_lock = threading.Lock()


def ensure_tid(t):
    """Gives tensor `t` its id if it has none yet, and returns it.

    Only a tensor that other threads may already hold needs this (one being watched); a fresh
    op output is private to its thread and takes `next_tid()` directly. The lock keeps two
    threads watching the same tensor from giving it two ids, one of them lost.
    """
    if not t._tid:
        with _tid_lock:
            if not t._tid:
                t._tid = next_tid()
    return t._tid
