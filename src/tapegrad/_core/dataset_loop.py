"""`for element in dataset:` in a traced function: one `DatasetLoop` instruction.

AutoGraph turns a `for` over a `tf.data.Dataset` inside a `tf.function` into a loop op, as
TensorFlow does: the program iterates the dataset at every call and runs the loop body, a
sub-program, on each element and the loop values. A dataset's elements may differ in shape
(a last, smaller batch), and a sub-program holds the sizes it was traced with (a mean's
divisor, a reshape's target), so the body is traced once per signature of its inputs (the
element's and the loop values' shapes and dtypes): at tracing for the elements seen then,
and at a later call for an element of a new shape, its Python running again with its printing
silenced (to the user it is the same trace). A body reads the tensors of the enclosing trace
that its first traces read (captures, from the enclosing program's slots). A `break` is a test
of the loop values, traced the same way and run before each element.

Iterating runs the dataset's own Python (its map functions, say) unseen by the tracer, as
TensorFlow runs a dataset outside the function's graph.
"""

import contextlib

import numpy as np

from . import nest
from .control import (
    SubTracer, _dry_run, _live_run, _outputs, _placeholders, _plain, _run, _truth,
)
from .errors import InvalidArgumentError
from .quiet import quiet_prints
from .state import state
from .tensor import Tensor
from .trace import Tracer

__all__ = ["DatasetLoop", "trace_dataset_loop"]


def _elements(dataset):
    """The dataset's elements, iterated with this thread's interpreters away."""
    saved = state.interpreters
    state.interpreters = ()
    try:
        iterator = iter(dataset)
    finally:
        state.interpreters = saved
    while True:
        state.interpreters = ()
        try:
            element = next(iterator)
        except StopIteration:
            return
        finally:
            state.interpreters = saved
        yield element


def _signature(arrays):
    return tuple((np.shape(a), np.asarray(a).dtype.str) for a in arrays)


class DatasetLoop:
    """Runs a body sub-program on each element of `dataset` and the loop values; the outputs
    are the final loop values."""

    __slots__ = ("bodies", "body", "dataset", "inputs", "kept", "known", "name", "outputs", "test",
                 "tests")
    type = "While"  # TensorFlow's loop over an iterator is a While op

    def __init__(self, dataset, body, test, inputs, name):
        self.dataset = dataset
        self.body = body  # callable(element, flat loop values) -> flat next values
        self.test = test  # None, or callable(flat loop values) -> go on? (a `break`'s flag)
        self.bodies = {}  # signature -> (sub-program, its captures' slots, captured tensors)
        self.tests = {}  # the same for the test, by the loop values' signature
        self.inputs = inputs  # the enclosing program's slots of the initial loop values
        self.outputs = None
        self.known = {}  # id(tensor of the enclosing trace) -> its slot, for later traces
        self.kept = []  # those tensors, alive
        self.name = name

    @property
    def reads(self):
        return [*self.inputs, *self.known.values()]

    def trace(self, parent, key, element, values, at_call=False):
        """Traces the body (for an element) or the test (element None) for one signature
        inside `parent` (the enclosing trace, or, at a later call, one that stands for it);
        returns (program, capture slots, captured tensors), or None if it cannot be traced (at
        a call: if it reads a tensor of the enclosing trace that no earlier trace read)."""
        leaves = [] if element is None else nest.flatten(element)
        sub = SubTracer(f"{self.name}_{'test' if element is None else 'body'}", parent)
        try:
            with sub:
                inputs = _placeholders(sub, [*leaves, *(Tensor(_plain(v)) for v in values)])
                if element is None:
                    outs = [self.test(inputs)]
                else:
                    outs = self.body(nest.pack_sequence_as(element, inputs[:len(leaves)]),
                                     inputs[len(leaves):])
            program = sub.finish_flat(list(outs))
            if program is None:
                return None
            captured = list(sub.captured)
            if at_call and any(id(t) not in self.known for t in captured):
                return None
            slots = []
            for t in captured:
                slot = self.known.get(id(t))
                if slot is None:
                    slot = self.known[id(t)] = parent.slot_of(t)
                    self.kept.append(t)
                slots.append(slot)
            found = (program, slots, captured)
            (self.tests if element is None else self.bodies)[key] = found
            return found
        finally:
            sub.release()

    def _at_call(self, key, element, values):
        """The body (or the test, element None) for a signature first met at a call: traced
        now, with the enclosing trace's tensors that earlier traces captured standing for
        themselves."""
        stand_in = Tracer(self.name)
        for t in self.kept:
            stand_in.slots[id(t)] = self.known[id(t)]
        with quiet_prints():
            found = self.trace(stand_in, key, element, values, at_call=True)
        if found is None:
            raise InvalidArgumentError(
                f"tf.function {self.name}: the body of its loop over a dataset could not be "
                f"traced for an element of new shapes {[s for s, _ in key]}; give the dataset "
                "elements of one shape (drop_remainder=True in batch), or run the function "
                "eagerly (tf.config.run_functions_eagerly(True)).", op="While")
        return found

    def run(self, slots, recorded):
        values = [slots[i] for i in self.inputs]
        for element in _elements(self.dataset):
            loop_arrays = [v._value for v in values] if recorded else values
            if self.test is not None:  # a `break` ends the loop before the next element
                key = _signature(loop_arrays)
                program, captures, _ = self.tests.get(key) or self._at_call(
                    key, None, loop_arrays)
                go = _run(program, [*values, *(slots[i] for i in captures)], recorded)[0]
                if not _truth(go):
                    break
            leaves = nest.flatten(element)
            arrays = [leaf._value for leaf in leaves]
            key = _signature([*arrays, *loop_arrays])
            found = self.bodies.get(key)
            if found is None:
                found = self._at_call(key, element, loop_arrays)
            program, captures, _ = found
            args = leaves if recorded else arrays
            values = _run(program, [*args, *values, *(slots[i] for i in captures)], recorded)
        for slot, value in zip(self.outputs, values):
            slots[slot] = value

    def __str__(self):
        outs = ", ".join(f"%{i}" for i in self.outputs)
        ins = ", ".join(f"%{i}" for i in self.reads)
        parts = [f"    {kind} " + p.listing().replace("\n", "\n    ")
                 for kind, table in (("test", self.tests), ("body", self.bodies))
                 for p, _, _ in table.values()]
        return f"{outs} = {self.type}[dataset]({ins}):\n" + "\n".join(parts)


def trace_dataset_loop(parent, name, dataset, body, tensors, test=None):
    """Writes one `DatasetLoop` into `parent`'s program and runs it (a live trace runs every
    element, a dry run the first only, for example values).

    Args:
        parent: the active Tracer (control.tracer()).
        name: the function's name, for messages.
        dataset: the iterable of elements (nested tensors).
        body: callable(element, flat loop tensors) -> the flat next loop values.
        tensors: the flat initial loop values (tensors).
        test: None, or callable(flat loop tensors) -> a bool tensor, False to stop before the
            next element (a `break`).

    Returns:
        The flat final loop values as tensors of the trace, or None if the trace was given up
        (the caller then runs the loop as Python).
    """
    if any(not isinstance(i, Tracer) for i in state.interpreters):
        # a tape or accumulator of the function's own would need the loop's reverse rule
        parent.invalidate("a tape or forward accumulator around a loop over a dataset")
        return None
    ins = DatasetLoop(dataset, body, test, [parent.slot_of(t) for t in tensors], name)
    values = [_plain(t._value) for t in tensors]
    run = ((lambda p, a: _live_run(p, a, False)) if parent.live else
           (lambda p, a: _dry_run(p, a, {})))
    for element in _elements(dataset):
        if test is not None:
            key = _signature(values)
            found = ins.tests.get(key) or ins.trace(parent, key, None, values)
            if found is None:
                return None
            program, _, captured = found
            if not _truth(run(program, [*values, *(_plain(t._value) for t in captured)])[0]):
                break
        leaves = nest.flatten(element)
        if not all(isinstance(leaf, Tensor) for leaf in leaves):
            parent.invalidate("a dataset element that is not made of tensors")
            return None
        arrays = [_plain(leaf._value) for leaf in leaves]
        key = _signature([*arrays, *values])
        found = ins.bodies.get(key)
        if found is None:  # the body's Python runs at every trace, printing at the first only
            quiet = quiet_prints() if ins.bodies else (
                contextlib.nullcontext())
            with quiet:
                found = ins.trace(parent, key, element, values)
        if found is None:
            return None
        program, _, captured = found
        values = [_plain(v) for v in run(program, [*arrays, *values,
                                                   *(_plain(t._value) for t in captured)])]
        if not parent.live:  # a dry run: example values, from the first element
            break
    results, ins.outputs = _outputs(parent, values)
    parent.instrs.append(ins)
    return results
