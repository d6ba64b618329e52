"""Where a NaN or an infinity was born: `check_numerics()` and `enable_check_numerics()`.

While on, an interpreter (`_Checker`) looks at every op's output and every variable read, and
the reverse walk calls `_Checker.rule` in place of each reverse rule (`state.backward_hook`),
so that a non-finite cotangent is traced to the forward op whose rule made it. The first
non-finite value raises `InvalidArgumentError` naming the op, its inputs (min, max, NaN and
infinity counts) and the user's line. Off, nothing of this runs: the engine reads one `None`
per reverse rule.
"""

import cmath
import contextlib
import math
import threading

import numpy as np

from .._core import record
from .._core.errors import InvalidArgumentError
from .._core.state import Interpreter, activate, deactivate, state
from ._lines import Line, user_lines, user_place

__all__ = ["check_numerics", "disable_check_numerics", "enable_check_numerics", "summarize"]

_MAX_LINES = 100_000  # forward lines kept for the backward messages; past this, the oldest go


def _finite(value):
    """Whether every element of float or complex array (or NumPy scalar) `value` is finite.

    A finite sum of squares proves it in one BLAS pass, the fastest test NumPy has (a NaN or
    an infinity anywhere makes the sum non-finite, and squares cannot cancel); only a
    non-finite sum, which may be an overflow of finite values, needs the element-wise test.
    """
    if value.ndim == 0:
        return cmath.isfinite(value) if value.dtype.kind == "c" else math.isfinite(value)
    flat = value.reshape(-1)
    if cmath.isfinite(np.vdot(flat, flat)):
        return True
    return bool(np.isfinite(value).all())


def _is_stand_in(value):
    """Whether `value` is a value-less stand-in a tape keeps in place of an input (record.py)."""
    return value.base is not None and value.base is record._SHELL_BUFFERS.get(value.dtype)


def summarize(value):
    """'float32[3]: min 0, max 2, 1 NaN, 0 inf' for an array (its dtype, shape, finite range,
    and counts of NaN and infinite elements)."""
    value = np.asarray(value)
    head = f"{value.dtype}{list(value.shape)}"
    if value.dtype.kind not in "fciub":
        return head
    if value.dtype.kind not in "fc":
        return head + (f": min {value.min()}, max {value.max()}" if value.size else ": empty")
    if _is_stand_in(value):
        return head + " (its value was not kept by the tape)"
    nan = int(np.isnan(value).sum())
    inf = int(np.isinf(value).sum())
    finite = value[np.isfinite(value)]
    span = (f"min {finite.real.min():.6g}, max {finite.real.max():.6g}" if finite.size
            else "no finite values")
    signs = ""
    if inf and value.dtype.kind == "f":
        signs = f" ({int((value == np.inf).sum())} +inf, {int((value == -np.inf).sum())} -inf)"
    return f"{head}: {span}, {nan} NaN, {inf} inf{signs}"


def _inputs(tensors, variables):
    """One line per input: its summary, and the variable's name where it is a variable read."""
    return "\n".join(
        f"    input #{i}" + (f" (variable '{variables[t._tid]}')" if t._tid in variables else "")
        + f": {summarize(t._value)}" for i, t in enumerate(tensors))


def _where(line):
    return f" at {line.quoted()}" if line is not None else ""


def _where_now():
    """' at file.py:12 (`...`), called from main.py:30 (`...`)': the user's lines now."""
    lines = user_lines()
    if not lines:
        return ""
    return " at " + ", called from ".join(line.quoted() for line in lines)


class _Checker(Interpreter):
    """Checks each op's output and each variable read of its thread (see the module)."""

    order = 3  # after the tapes' recorder: an op a tape records has its id, for `lines`

    def __init__(self, backward):
        self.backward = backward
        self.lines = {}  # forward op output id -> its user_place, for the backward messages
        self.variables = {}  # variable id -> name, for messages about the inputs
        self.in_rule = None  # (record, input index, cotangent) while a reverse rule runs
        self.checked = None  # the latest op output checked

    def process_primitive(self, prim, inputs, params, output):
        value = output._value
        if value.dtype.kind in "fc" and not _finite(value):
            raise self._error(prim, inputs, params, value)
        self.checked = output
        if self.backward and output._tid and self.in_rule is None:
            lines = self.lines
            if len(lines) >= _MAX_LINES:
                for tid in list(lines)[: _MAX_LINES // 2]:
                    del lines[tid]
            lines[output._tid] = user_place(2)  # above this and bind

    def read_variable(self, variable, tensor):
        value = variable._value
        name = self.variables[variable._tid] = getattr(variable, "path", None) or variable.name
        if value.dtype.kind in "fc" and not _finite(value):
            raise InvalidArgumentError(
                f"check_numerics: variable '{name}' holds NaN or infinite values when "
                f"read{_where_now()}: {summarize(value)}. An earlier update made them "
                "(an optimizer step: a learning rate too large, or a gradient that exploded; or "
                "an assign).", op="ReadVariableOp")

    def _error(self, prim, inputs, params, value):
        ins = _inputs(inputs, self.variables)
        shown = f" with {params}" if params else ""
        made = f"`{prim.name}`{shown} made {summarize(value)}"
        if self.in_rule is None:
            # without the backward hook an op of the backward pass is not told apart
            when = ", in the forward pass" if self.backward else ""
            return InvalidArgumentError(
                f"check_numerics: {made}{when}{_where_now()}.\n"
                f"  Its inputs:\n{ins}", op=prim.name)
        rec, i, g = self.in_rule
        return InvalidArgumentError(
            f"check_numerics: {made}, in the backward pass: inside the reverse rule of "
            f"`{rec.prim.name}` for its input #{i}.\n  Its inputs:\n{ins}\n"
            + self._forward_op(rec, i, g), op=prim.name)

    def _forward_op(self, rec, i, g):
        """What the backward messages say of the forward op whose rule ran, and its inputs."""
        line = Line.at(self.lines.get(rec.output._tid))
        return (f"  The forward op `{rec.prim.name}` ran{_where(line)}; its inputs:\n"
                f"{_inputs(rec.inputs, self.variables)}\n"
                f"  The cotangent it received: {summarize(g._value)}")

    def rule(self, rule, rec, i, g):
        """The reverse walk's hook: runs reverse rule `rule` of record `rec` for input #i on
        cotangent `g`, with the ops inside it checked as the rule's, then checks its result."""
        outer = self.in_rule
        self.in_rule = (rec, i, g)
        try:
            gi = rule(g, rec.output, *rec.inputs, **rec.params)
        finally:
            self.in_rule = outer
        if gi is None or gi is self.checked:  # the output of an op in the rule: checked
            return gi
        if gi._value.dtype.kind in "fc" and not _finite(gi._value):
            raise InvalidArgumentError(
                f"check_numerics: the gradient of `{rec.prim.name}` for its input #{i} is "
                f"{summarize(gi._value)}, in the backward pass.\n" + self._forward_op(rec, i, g),
                op=rec.prim.name)
        return gi


class _Thread(threading.local):
    def __init__(self):
        self.checker = None  # the checker of enable_check_numerics(), if on


_thread = _Thread()


def _start(backward):
    checker = _Checker(backward)
    activate(checker)
    previous = state.backward_hook
    if backward:
        state.backward_hook = checker.rule
    return checker, previous


def _stop(checker, previous):
    deactivate(checker)
    if checker.backward:
        state.backward_hook = previous


@contextlib.contextmanager
def check_numerics(backward=True):
    """Within this block, the first NaN or infinity an op makes raises an error saying where.

    tapegrad's own addition beside TensorFlow's API. Every op's output and every variable read
    is checked in the forward pass, and with `backward` every cotangent of a
    `GradientTape.gradient` (or `jacobian`) call too. The error (an `InvalidArgumentError`)
    names the op, its inputs' summaries (dtype, shape, min, max, NaN and infinity counts) and
    the user's line that called it; in the backward pass, the forward op whose reverse rule
    made the value, for which input, its line, its inputs and the cotangent it received.
    Checks cost time inside the block only (about 1.5x a small training step; nothing
    outside).

    Args:
        backward: check the backward pass's cotangents too (default True).

    Example:
        >>> x = tapegrad.constant([1.0, 0.0])
        >>> with tapegrad.debug.check_numerics():
        ...     y = tapegrad.math.log(x)   # raises: `log` made float32[2]: ... 1 inf
    """
    checker, previous = _start(backward)
    try:
        yield
    finally:
        _stop(checker, previous)


def enable_check_numerics(backward=True):
    """Turns `check_numerics()` on for this thread until `disable_check_numerics()` (calling
    it again changes nothing). `tf.debugging.enable_check_numerics()` calls it with
    `backward=False`: TensorFlow's checks the ops' outputs."""
    if _thread.checker is None:
        _thread.checker = _start(backward)


def disable_check_numerics():
    """Turns off what `enable_check_numerics()` turned on (nothing happens if it is off)."""
    if _thread.checker is not None:
        _stop(*_thread.checker)
        _thread.checker = None
