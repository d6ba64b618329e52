"""Control flow in traced programs: `While` and `Branch` instructions with sub-programs.

While a `Tracer` is active, `tf.while_loop`, `tf.cond` and `tf.switch_case` do not run their
Python functions as plain Python (a loop would be unrolled into the program, with its number
of iterations fixed by the traced values): each function is traced once into a sub-program by
a `SubTracer`, and the traced program gets one instruction that runs the sub-programs as often
as the values say, at every call. A tensor of the enclosing function that a sub-function uses
(a capture) becomes an extra input of the sub-program, read from the enclosing program's slot.

Replaying with a tape or a forward accumulator active runs the sub-programs through `bind`,
as the rest of the program does (trace.py), so that every iteration is recorded: reverse and
forward mode, to any order, with the backward walk's loop (no recursion) over the iterations.

The public functions (`_impl/control_flow_ops.py`) ask `tracer()` whether to trace, and call
`trace_while` / `trace_branches` with Python callables; that is the whole interface.
"""

import threading
import weakref

import numpy as np

from .bind import bind
from .forward import ForwardAccumulator
from .primitive import Primitive
from .state import state
from .tape import GradientTape, UnconnectedGradients
from .tensor import Tensor
from .trace import AssignVariable, CallEffect, Op, ReadVariable, Tracer, _Traced

__all__ = [
    "Branch", "Gradient", "SubTracer", "While", "trace_branches", "trace_while", "tracer",
]

# A loop whose condition stays true this long in the trace's dry run stops there: the dry run
# only needs example values (the program itself runs the loop to its end at every call), and
# example inputs (zeros for a TensorSpec) may never meet a condition that real inputs meet.
DRY_RUN_ITERATIONS = 100_000


def tracer():
    """The innermost active tracer if control flow should become instructions, else None.

    A tape opened inside the traced function records each control-flow instruction as one
    call (`record`), differentiated by a `Gradient` instruction. A forward accumulator opened
    inside would not see the iterations: the trace then gives up (the function runs eagerly,
    with the same results) and the control flow runs as Python.
    """
    active = state.interpreters
    if not active or not isinstance(active[-1], Tracer):
        return None
    found = active[-1]
    if any(isinstance(i, ForwardAccumulator) for i in active):
        found.invalidate("control flow (tf.cond, tf.while_loop) under a ForwardAccumulator "
                         "opened inside the traced function")
    return None if found.invalid is not None else found


class SubTracer(Tracer):
    """Traces one function of a control-flow op (a loop's condition or body, a branch) into
    a sub-program, inside the trace of `parent`; tensors of `parent` become captures."""

    def __init__(self, name, parent):
        super().__init__(name)
        self.parent = parent
        self.captured = []  # the parent's tensors this program reads, in input order
        self.capture_slots = []

    def __enter__(self):
        self.outer = state.interpreters
        state.interpreters = (self,)
        return self

    def slot_of(self, t):
        slot = self.slots.get(id(t))
        if slot is not None:
            return slot
        parent = self.parent
        if id(t) in parent.slots or isinstance(t._value, _Traced):
            parent.slot_of(t)  # a grandparent's tensor becomes the parent's capture first
            slot = self._new_slot(t)
            self.captured.append(t)
            self.capture_slots.append(slot)
            return slot
        return super().slot_of(t)

    def read_value(self, tensor):
        if id(tensor) in self.slots and id(tensor) not in self.constants or isinstance(
                tensor._value, _Traced):
            self.invalidate("the value of a traced tensor was read in Python")

    def finish_flat(self, leaves):
        """The sub-program computing the flat `leaves` (tensors, or None), with the captures as
        its last inputs; None (and the parent invalidated) if it cannot be replayed."""
        for leaf in leaves:
            if isinstance(leaf, Tensor):
                self.slot_of(leaf)  # an enclosing tensor returned as it is is a capture
        self.inputs = self.inputs + self.capture_slots
        program = self.finish(list(leaves))
        if program is None:
            self.parent.invalidate(self.invalid or "a constant was computed from traced values")
        return program

    def release(self):
        captured = {id(t) for t in self.captured}
        self.keep = [t for t in self.keep if id(t) not in captured]
        super().release()


def _run(program, values, recorded):
    """Runs a sub-program on its flat inputs (tensors if `recorded`, else arrays); returns its
    flat outputs alike."""
    compiled = _COMPILED.get(program)
    if compiled is None:
        compiled = _COMPILED[program] = (_compile(program, False), _compile(program, True))
    run = compiled[recorded]
    if run is not None:
        return run(*values)
    slots = [None] * program.n_slots
    for slot, value in program.constants:
        slots[slot] = Tensor(value) if recorded else value
    for slot, value in zip(program.inputs, values):
        slots[slot] = value
    for ins in program.instrs:
        ins.run(slots, recorded)
    return [
        slots[i] if i is not None else const if recorded or const is None else const._value
        for i, const in zip(program.outputs, program.output_constants)
    ]


_COMPILED = weakref.WeakKeyDictionary()  # sub-program -> its functions (unrecorded, recorded)


def _compile(program, recorded):
    """A sub-program of primitive calls only as one Python function of its inputs (a loop
    runs it at every iteration: the slot list and the per-instruction calls of `_run` cost
    more than a scalar op itself); None for a program with other instructions."""
    if any(type(ins) is not Op for ins in program.instrs):
        return None
    env = {"bind": bind}
    lines = [f"def run({', '.join(f's{i}' for i in program.inputs)}):"]
    for slot, value in program.constants:
        env[f"c{slot}"] = Tensor(value) if recorded else value
        lines.append(f"    s{slot} = c{slot}")
    for k, ins in enumerate(program.instrs):
        env[f"f{k}"], env[f"p{k}"] = (ins.prim if recorded else ins.prim.forward), ins.params
        args = ", ".join([*(f"s{i}" for i in ins.inputs), *([f"**p{k}"] if ins.params else [])])
        call = f"bind(f{k}, {args})" if recorded else f"f{k}({args})"
        lines.append(f"    s{ins.output} = {call}")
    outs = []
    for j, (i, const) in enumerate(zip(program.outputs, program.output_constants)):
        if i is None:
            env[f"o{j}"] = const if recorded or const is None else const._value
            outs.append(f"o{j}")
        else:
            outs.append(f"s{i}")
    lines.append(f"    return [{', '.join(outs)}]")
    exec("\n".join(lines), env)  # noqa: S102 - the source is built above from slot numbers
    return env["run"]


def _truth(value):
    return bool(np.asarray(value._value if isinstance(value, Tensor) else value))


def _indent(text):
    return "\n".join("    " + line for line in text.splitlines())


def _loop(cond, body, values, cond_captures, body_captures, run, recorded, limit=None):
    """Runs `body` while `cond` holds (at most `limit` times); returns the final values."""
    count = 0
    while (limit is None or count < limit) and _truth(
            run(cond, values + cond_captures, recorded)[0]):
        values = run(body, values + body_captures, recorded)
        count += 1
    return values


class While:
    """Runs the sub-program `body` on the loop values while `cond` holds; the outputs are the
    final loop values (a `maximum_iterations` is a counter among them, as in TensorFlow)."""

    __slots__ = ("body", "body_captures", "cond", "cond_captures", "inputs", "outputs", "taped")
    type = "StatelessWhile"  # TensorFlow's op type

    def __init__(self, cond, body, inputs, cond_captures, body_captures, outputs):
        self.taped = False  # True once a Gradient instruction differentiates it: run_taped
        self.cond = cond
        self.body = body
        self.inputs = inputs
        self.cond_captures = cond_captures
        self.body_captures = body_captures
        self.outputs = outputs

    @property
    def reads(self):
        return [*self.inputs, *self.cond_captures, *self.body_captures]

    def run(self, slots, recorded):
        if self.taped and not recorded:
            run_taped(self, slots)
            return
        values = _loop(self.cond, self.body, [slots[i] for i in self.inputs],
                       [slots[i] for i in self.cond_captures],
                       [slots[i] for i in self.body_captures], _run, recorded)
        for slot, value in zip(self.outputs, values):
            slots[slot] = value

    def dry_run(self, slots, shadow):
        values = _loop(self.cond, self.body, [slots[i] for i in self.inputs],
                       [slots[i] for i in self.cond_captures],
                       [slots[i] for i in self.body_captures],
                       lambda p, v, r: _dry_run(p, v, shadow), False, DRY_RUN_ITERATIONS)
        for slot, value in zip(self.outputs, values):
            slots[slot] = value

    def __str__(self):
        outs = ", ".join(f"%{i}" for i in self.outputs)
        ins = ", ".join(f"%{i}" for i in self.reads)
        return (f"{outs} = {self.type}({ins}):\n"
                f"{_indent('cond ' + self.cond.listing())}\n"
                f"{_indent('body ' + self.body.listing())}")


class Branch:
    """Runs one of `branches` (sub-programs), chosen by the value in slot `index`: a bool for
    `tf.cond` (branches false, true), an int for `tf.switch_case` (out of range: the last).
    The branches' None results (the same in each) have no output slot."""

    __slots__ = ("branches", "captures", "index", "outputs", "taped", "type")

    def __init__(self, branches, index, captures, outputs, op_type):
        self.taped = False  # True once a Gradient instruction differentiates it: run_taped
        self.branches = branches
        self.index = index
        self.captures = captures  # per branch, its captures' slots
        self.outputs = outputs
        self.type = op_type  # TensorFlow's op type: StatelessIf or StatelessCase

    @property
    def reads(self):
        return [self.index, *(i for slots in self.captures for i in slots)]

    def choose(self, value):
        k = int(np.asarray(value._value if isinstance(value, Tensor) else value))
        return k if 0 <= k < len(self.branches) else len(self.branches) - 1

    def _finish(self, slots, values):
        for slot, value in zip(self.outputs, [v for v in values if v is not None]):
            slots[slot] = value

    def run(self, slots, recorded):
        if self.taped and not recorded:
            run_taped(self, slots)
            return
        k = self.choose(slots[self.index])
        self._finish(slots, _run(self.branches[k], [slots[i] for i in self.captures[k]],
                                 recorded))

    def dry_run(self, slots, shadow):
        k = self.choose(slots[self.index])
        self._finish(slots, _dry_run(self.branches[k], [slots[i] for i in self.captures[k]],
                                     shadow))

    def __str__(self):
        outs = ", ".join(f"%{i}" for i in self.outputs)
        parts = [f"{outs} = {self.type}(%{self.index}):"]
        parts += [_indent(f"branch {k} " + b.listing()) for k, b in enumerate(self.branches)]
        return "\n".join(parts)


def _live_run(program, values, recorded):
    """`_run` inside a live trace (the trace is the call): effects happen, unseen by the
    tracers, which record the instruction instead."""
    saved = state.interpreters
    state.interpreters = tuple(i for i in saved if not isinstance(i, Tracer))
    try:
        return _run(program, values, recorded)
    finally:
        state.interpreters = saved


def _dry_run(program, values, shadow):
    """`_run` for the trace's dry run: no effect happens (variables are written to `shadow`,
    {variable: value}, and read from it; effects are skipped), as the trace records them."""
    slots = [None] * program.n_slots
    for slot, value in program.constants:
        slots[slot] = value
    for slot, value in zip(program.inputs, values):
        slots[slot] = value
    for ins in program.instrs:
        kind = type(ins)
        if kind is ReadVariable:
            variable = ins.variable
            slots[ins.output] = shadow.get(id(variable), variable._value)
        elif kind is AssignVariable:
            variable = ins.variable
            old = shadow.get(id(variable), variable._value)
            new = np.asarray(slots[ins.value], dtype=old.dtype)
            if ins.method == "assign_add":
                new = old + new
            elif ins.method == "assign_sub":
                new = old - new
            shadow[id(variable)] = np.asarray(new, dtype=old.dtype)
        elif kind is CallEffect:
            continue
        elif hasattr(ins, "dry_run"):  # While, Branch: effects inside are dry too
            ins.dry_run(slots, shadow)
        else:
            ins.run(slots, False)
    return [
        slots[i] if i is not None else None if const is None else const._value
        for i, const in zip(program.outputs, program.output_constants)
    ]


def _placeholders(sub, tensors):
    """Fresh inputs of `sub`, one per tensor, holding the same (example) values."""
    out = []
    for t in tensors:
        p = Tensor(t._value)
        sub.add_input(p)
        out.append(p)
    return out


def _plain(value):
    return np.asarray(value).view(np.ndarray)


def _outputs(parent, values):
    """New tensors of the parent trace holding `values` (the dry run's) and their slots."""
    tensors, slots = [], []
    for value in values:
        t = Tensor(_plain(value))
        parent._mark(t)
        tensors.append(t)
        slots.append(parent._new_slot(t))
    return tensors, slots


def trace_while(parent, name, cond, body, tensors):
    """Writes one `While` instruction into `parent`'s program.

    Args:
        parent: the active Tracer (`tracer()`).
        name: the loop's name, for listings.
        cond: callable(flat tensors) -> a scalar bool tensor (or a Python bool).
        body: callable(flat tensors) -> the flat next values, as tensors (the caller checks
            and converts them).
        tensors: the flat initial loop values (tensors).

    Returns:
        The flat final loop values as tensors of the trace, or None if the trace was given up
        (the caller then runs the loop as Python).
    """
    c = SubTracer(f"{name}_cond", parent)
    b = SubTracer(f"{name}_body", parent)
    try:
        with c:
            pred = cond(_placeholders(c, tensors))
        cond_program = c.finish_flat([pred])
        with b:
            outs = body(_placeholders(b, tensors))
        body_program = b.finish_flat(outs)
        if cond_program is None or body_program is None:
            return None
        ins = While(cond_program, body_program, [parent.slot_of(t) for t in tensors],
                    [parent.slot_of(t) for t in c.captured],
                    [parent.slot_of(t) for t in b.captured], None)
        # The dry run's values of the outputs (examples, as the rest of the trace's).
        values = _loop(cond_program, body_program, [_plain(t._value) for t in tensors],
                       [_plain(t._value) for t in c.captured],
                       [_plain(t._value) for t in b.captured],
                       _live_run if parent.live else lambda p, v, r: _dry_run(p, v, {}), False,
                       None if parent.live else DRY_RUN_ITERATIONS)
        results, ins.outputs = _outputs(parent, values)
        parent.instrs.append(ins)
        _record(_WHILE, [*tensors, *c.captured, *b.captured], ins, results)
        return results
    finally:
        c.release()
        b.release()


def trace_branches(parent, name, index, branches, op_type, check):
    """Writes one `Branch` instruction into `parent`'s program.

    Args:
        parent: the active Tracer (`tracer()`).
        name: the op's name, for listings.
        index: the tensor choosing the branch (bool for `tf.cond`, int for `switch_case`).
        branches: callables taking no argument, each returning a structure.
        op_type: "StatelessIf" or "StatelessCase".
        check: callable(list of each branch's result) -> (flat tensors or None per branch,
            the structure to pack them in); raises TypeError or ValueError as TensorFlow
            does when the branches disagree.

    Returns:
        (the flat results as tensors of the trace or None, their structure), or None if the
        trace was given up (the caller then runs the chosen branch as Python).
    """
    subs, results = [], []
    try:
        for k, fn in enumerate(branches):
            sub = SubTracer(f"{name}_branch{k}", parent)
            subs.append(sub)
            with sub:
                results.append(fn())
        flats, structure = check(results)
        programs = [sub.finish_flat(flat) for sub, flat in zip(subs, flats)]
        if any(p is None for p in programs):
            return None
        ins = Branch(programs, parent.slot_of(index),
                     [[parent.slot_of(t) for t in sub.captured] for sub in subs], None, op_type)
        k = ins.choose(_plain(index._value))
        chosen = flats[k]
        values = [v._value for v in chosen if v is not None]
        if parent.live:  # the trace is the call: the chosen branch's effects happen
            values = _live_run(programs[k], [_plain(t._value) for t in subs[k].captured], False)
        tensors, ins.outputs = _outputs(parent, values)
        it = iter(tensors)
        parent.instrs.append(ins)
        _record(_BRANCH, [index, *(t for sub in subs for t in sub.captured)], ins, tensors)
        return [None if v is None else next(it) for v in chosen], structure
    finally:
        for sub in subs:
            sub.release()


# -- differentiating an instruction for a tape opened inside the traced function -------------

def _record(prim, inputs, ins, outputs):
    """Tells the recording tapes of the traced function (if any) about one instruction, as
    one call with several results whose reverse rule is a `Gradient` instruction."""
    for interpreter in state.interpreters:
        if not isinstance(interpreter, Tracer):
            interpreter.process_results(prim, inputs, {"ins": ins}, tuple(outputs))


def _taped(ins, inputs):
    """Runs `ins` recorded on the tensors `inputs` (its reads) under a tape of its own that
    watches its float inputs; returns (tape, watched positions, float positions, outputs)."""
    floats = [i for i, t in enumerate(inputs) if t._value.dtype.kind in "fc"]
    if type(ins) is While:
        n, nc = len(ins.inputs), len(ins.cond_captures)
        watched = [i for i in floats if not n <= i < n + nc]  # the condition's: no gradient
    else:
        k = ins.choose(inputs[0])
        start = 1 + sum(len(c) for c in ins.captures[:k])
        watched = [i for i in floats if start <= i < start + len(ins.captures[k])]
    with GradientTape() as tape:
        for i in watched:
            tape.watch(inputs[i])
        if type(ins) is While:
            outs = _loop(ins.cond, ins.body, list(inputs[:n]), list(inputs[n:n + nc]),
                         list(inputs[n + nc:]), _run, True)
        else:
            outs = [v for v in _run(ins.branches[k], list(inputs[start:start + len(
                ins.captures[k])]), True) if v is not None]
    return tape, watched, floats, outs


def _gradients(ins, inputs, taped, cts):
    """A gradient or None per input of `ins`, given its taped run and cotangents `cts` (a
    tensor or None per output)."""
    tape, watched, floats, outs = taped
    pairs = [(o, g) for o, g in zip(outs, cts) if g is not None]
    grads = tape.gradient([o for o, _ in pairs], [inputs[i] for i in watched],
                          output_gradients=[g for _, g in pairs],
                          unconnected_gradients=UnconnectedGradients.ZERO)
    # A gradient (zeros where unconnected) for every float input of every branch, so that the
    # traced Gradient instruction fills the same slots whatever the values choose.
    out = [None] * len(inputs)
    for i in floats:
        out[i] = Tensor(np.zeros_like(_plain(inputs[i]._value)))
    for i, g in zip(watched, grads):
        out[i] = g
    if type(ins) is While:
        for i in range(len(ins.inputs), len(ins.inputs) + len(ins.cond_captures)):
            out[i] = None
    return out


def _instruction_gradient(ins, inputs, cts):
    """The gradients of `ins`'s outputs, with cotangents `cts`, with respect to its inputs
    (tensors): the instruction is run again, recorded, without its effects (they happened)."""
    dry, state.dry = state.dry, True
    try:
        taped = _taped(ins, inputs)
    finally:
        state.dry = dry
    return _gradients(ins, inputs, taped, cts)


_STASH = threading.local()  # id(instruction) -> its last taped run in this thread (`run_taped`)


def run_taped(ins, slots):
    """Runs a While or Branch whose gradient the program computes later (`ins.taped`) under a
    tape, keeping it for its Gradient instruction: the loop then runs once, not twice."""
    arrays = [slots[i] for i in ins.reads]
    inputs = [Tensor(a) for a in arrays]
    taped = _taped(ins, inputs)
    for slot, value in zip(ins.outputs, taped[3]):
        slots[slot] = value._value
    stash = _STASH.__dict__.setdefault("runs", {})
    stash[id(ins)] = (arrays, inputs, taped)


class Gradient:
    """The reverse rule of a While or Branch instruction as an instruction: its outputs are
    the gradients of `ins`'s inputs given cotangents of its outputs (`cts`: a slot or None
    each); `outputs` has a slot or None per input of `ins`."""

    __slots__ = ("cts", "inputs", "ins", "outputs")
    type = "SymbolicGradient"  # TensorFlow's op type for a function's gradient

    def __init__(self, ins, inputs, cts, outputs):
        self.ins = ins
        self.inputs = inputs
        self.cts = cts
        self.outputs = outputs

    @property
    def reads(self):
        return [*self.inputs, *(c for c in self.cts if c is not None)]

    def run(self, slots, recorded):
        def tensor(i):
            return slots[i] if recorded else Tensor(slots[i])

        cts = [None if c is None else tensor(c) for c in self.cts]
        kept = _STASH.__dict__.get("runs", {}).pop(id(self.ins), None)
        if kept is not None and not recorded and all(
                a is slots[i] for a, i in zip(kept[0], self.inputs)):
            grads = _gradients(self.ins, kept[1], kept[2], cts)
        else:
            grads = _instruction_gradient(self.ins, [tensor(i) for i in self.inputs], cts)
        for slot, g in zip(self.outputs, grads):
            if slot is not None:
                slots[slot] = g if recorded or g is None else g._value

    def __str__(self):
        outs = ", ".join("_" if i is None else f"%{i}" for i in self.outputs)
        ins = ", ".join(f"%{i}" for i in self.reads)
        return f"{outs} = {self.type}[{self.ins.type}]({ins})"


def _vjp(gs, outs, *inputs, ins):
    """The reverse rule of a recorded While or Branch (see `_record`)."""
    active = state.interpreters
    parent = active[-1] if active and isinstance(active[-1], Tracer) else None
    if parent is not None and len(active) > 1:  # another tape would not see the gradient
        parent.invalidate("a gradient through traced control flow inside another "
                          "GradientTape in the traced function")
    if parent is None or parent.invalid is not None:
        return _instruction_gradient(ins, list(inputs), list(gs))
    saved, state.interpreters = state.interpreters, ()
    try:  # the dry run's values, computed outside the trace
        values = _instruction_gradient(ins, [Tensor(_plain(t._value)) for t in inputs],
                                       [None if g is None else Tensor(_plain(g._value))
                                        for g in gs])
    finally:
        state.interpreters = saved
    ins.taped = True
    grad = Gradient(ins, [parent.slot_of(t) for t in inputs],
                    [None if g is None else parent.slot_of(g) for g in gs], [])
    made = _outputs(parent, [g._value for g in values if g is not None])
    it = iter(zip(*made))
    result = []
    for g in values:
        if g is None:
            grad.outputs.append(None)
            result.append(None)
        else:
            t, slot = next(it)
            grad.outputs.append(slot)
            result.append(t)
    parent.instrs.append(grad)
    return result


_WHILE = Primitive("while_loop", None, vjp=_vjp, batchable=False)
_BRANCH = Primitive("cond", None, vjp=_vjp, batchable=False)
