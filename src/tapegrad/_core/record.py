"""Recording: the interpreter through which the recording tapes of a thread hear every call.

`bind` hands each call to the thread's `_Recorder` (an interpreter, state.py), which records
it if one of its tapes tracks an input: once, in one `Record` that every such tape keeps
(nested tapes record the same calls). A record keeps only the values the primitive's reverse
rules read (`saves`); the others become value-less stand-ins, so that intermediates are freed
as early as NumPy frees them.
"""

import numpy as np

from .state import Interpreter, activate, next_tid, state
from .tensor import Tensor

__all__ = ["SHELL_MIN_SIZE", "Record", "recorder"]


# The float and complex dtypes, for the recorder's test of each call's result: a set lookup
# costs half of `dtype.kind in "fc"` (which still decides for any other dtype, a big-endian
# float's say).
_INEXACT = frozenset(np.dtype(code) for code in "efdgFDG")


class Record:
    """One recorded primitive call: `output = prim(*inputs, **params)` (a tuple of tensors for
    a primitive with several results).

    An input or the output the reverse rules do not read may be a value-less stand-in with the
    same id, shape and dtype (see `_saved`).
    """

    __slots__ = ("prim", "inputs", "output", "params")

    def __init__(self, prim, inputs, output, params):
        self.prim = prim
        self.inputs = inputs
        self.output = output
        self.params = params


class _Recorder(Interpreter):
    """The recording tapes of one thread, as one interpreter (its order: see state.py).

    A call is recorded once, and the Record shared by every tape that tracks one of its inputs
    (nested tapes, for higher derivatives, record the same calls); an untracked tensor's id is
    0, which no tape tracks.
    """

    __slots__ = ("tapes",)
    order = 0  # before forward accumulators: see state.Interpreter

    def __init__(self):
        self.tapes = []

    def process_primitive(self, prim, inputs, params, output):
        dtype = output._value.dtype
        if not prim.differentiable or dtype not in _INEXACT and dtype.kind not in "fc":
            return
        record = None
        for tape in self.tapes:
            tracked = tape._tracked
            for a in inputs:
                if a._tid in tracked:
                    break
            else:
                continue
            if record is None:
                output._tid = next_tid()  # output is new and not shared yet: no lock needed
                if prim.saves is None:
                    record = Record(prim, inputs, output, params)
                else:
                    record = _saved(prim, inputs, output, params)
            tracked.add(output._tid)
            tape._records.append(record)

    def process_results(self, prim, inputs, params, outputs):
        """Records a call with several results in one Record whose `output` is their tuple."""
        tapes = [tape for tape in self.tapes if any(a._tid in tape._tracked for a in inputs)]
        if not tapes or not prim.differentiable:
            return
        for out in outputs:
            if out._value.dtype.kind in "fc":
                out._tid = next_tid()
        record = Record(prim, inputs, outputs, params)
        for tape in tapes:
            tape._tracked.update(out._tid for out in outputs if out._tid)
            tape._records.append(record)

    def read_variable(self, variable, tensor):
        """Watches a trainable variable read, for each tape that watches what it accesses."""
        if variable._trainable:
            tid = variable._tid
            for tape in self.tapes:
                if tape._watch_accessed and tid not in tape._tracked:
                    tape._watch_variable(variable)


def recorder():
    """This thread's active recorder, made and activated if there is none."""
    active = state.interpreters
    for interpreter in active:
        if type(interpreter) is _Recorder:
            return interpreter
    made = state.idle_recorder  # the last one this thread made, kept while inactive
    if made is None:
        made = state.idle_recorder = _Recorder()
    if active:
        activate(made)
    else:  # the usual case, a tape in a thread with no interpreter active: one step
        state.interpreters = (made,)
    return made


SHELL_MIN_SIZE = 1024  # smaller values are kept whole: a stand-in would save nothing
_SHELL_BUFFERS = {}


def _shell(t):
    """A stand-in for a tensor a tape need not keep: same id, shape and dtype, no data."""
    v = t._value
    if v.size < SHELL_MIN_SIZE:
        return t
    buf = _SHELL_BUFFERS.get(v.dtype)
    if buf is None:
        buf = _SHELL_BUFFERS[v.dtype] = np.zeros(1, v.dtype)
        buf.flags.writeable = False
    s = Tensor(np.ndarray(v.shape, v.dtype, buffer=buf, strides=(0,) * v.ndim))
    s._tid = t._tid
    return s


def _saved(prim, inputs, output, params):
    """The Record a tape keeps of one call: the values its reverse rules read (`prim.saves`),
    and value-less stand-ins for the others, so that intermediates are freed as early as NumPy
    frees them. Small values are kept whole: a stand-in would save nothing."""
    for a in inputs:
        if a._value.size >= SHELL_MIN_SIZE:
            inputs = _stand_ins(prim, inputs)
            break
    if prim.drops_out and output._value.size >= SHELL_MIN_SIZE:
        output = _shell(output)
    return Record(prim, inputs, output, params)


def _stand_ins(prim, inputs):
    """`inputs` with a stand-in for each large one `prim`'s reverse rules do not read."""
    start = prim.unsaved_from
    return [_shell(a) if i in prim.unsaved or i >= start else a for i, a in enumerate(inputs)]
