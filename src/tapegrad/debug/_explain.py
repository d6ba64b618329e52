"""Why a gradient is None: `explain`, `tape.gradient(..., explain=True)`, and the reasons
Keras's optimizers give for a variable that received None.

The reasons come from two places. The tape itself always says whether it was used already,
whether it tracks the source, whether it watches what it reads, and (while it still has its
records) which recorded op has no gradient. What happened outside the tape (a value read into
NumPy or Python, an integer cast, `stop_gradient`, an op outside the `with` block or inside
`stop_recording`, an assignment) and the user's line of each step are known only from the log
of `tapegrad.debug.explaining()` (`_log.py`); without it the explanation lists the possible
causes and says how to see which one.
"""

import threading
import weakref

from .._core import nest
from .._core.primitive import NONE
from .._core.variable import Variable
from . import _log
from ._lines import user_line
from ._reasons import Reason, describe_source, generic_reasons, reason_for_cut, untracked

__all__ = ["Explanation", "NoGradientError", "explain", "no_gradient", "why_none"]


class Explanation:
    """Why a tape has no gradient of a target with respect to one source.

    Attributes:
        source: the source, in words.
        connected: True if the tape does have a path (the gradient is not None).
        reasons: the reasons, as `Reason`s (`kind`, `text`, `steps`: the user's lines, `fix`).
        lines_known: whether the computation ran under `tapegrad.debug.explaining()`, which
            gives the user's line of each step.
    """

    def __init__(self, source, connected, reasons, lines_known):
        self.source = source
        self.connected = connected
        self.reasons = reasons
        self.lines_known = lines_known

    @property
    def kinds(self):
        """The kinds of the reasons, e.g. ["stop_gradient"]."""
        return [reason.kind for reason in self.reasons]

    def __str__(self):
        if self.connected:
            return (f"The target depends on {self.source} through ops the tape recorded: its "
                    "gradient is not None.")
        lines = [f"No gradient with respect to {self.source}:"]
        for reason in self.reasons:
            lines.append(reason.render("  "))
        if not self.lines_known:
            lines.append(
                "  (To see the step that cut the path and its line, run the computation inside "
                "`with tapegrad.debug.explaining():`.)")
        return "\n".join(lines)

    __repr__ = __str__


class NoGradientError(ValueError):
    """Raised by `tape.gradient(..., explain=True)` where a gradient would be None.

    Attributes:
        explanations: one `Explanation` per source without a gradient, with its index among
            the flattened sources as `.index`.
    """

    def __init__(self, explanations, call_line):
        self.explanations = explanations
        where = f" at {call_line}" if call_line else ""
        n = len(explanations)
        head = (f"GradientTape.gradient{where}: {n} source{'s have' if n > 1 else ' has'} no "
                "gradient (it would be None).")
        super().__init__("\n\n".join([head] + [f"Source #{e.index}: {e}" for e in explanations]))


class _TapeState:
    """What explaining needs of a tape, taken when the question is asked: a non-persistent tape
    forgets what it tracked when its gradient call returns (it replaces its set of tracked ids,
    so holding the old set costs nothing)."""

    def __init__(self, tape, records):
        self.spent = tape._spent
        self.persistent = tape._persistent
        self.watch_accessed = tape._watch_accessed
        self.tracked = tape._tracked
        self.watched = tuple(tape._watched)
        self.records = records
        log = _log.current_log()
        self.log = log
        self.serial = None if log is None else log.tape_serial(tape)


def _log_for(state, target_tids, source):
    """The explaining() log if it saw this computation (the tape, a target or the source)."""
    log = state.log
    if log is None:
        return None
    if state.serial is not None or source._tid in log.tensors or any(
            t in log.producer for t in target_tids):
        return log
    return None


def _reasons(state, target_tids, source):
    """(connected, reasons, lines_known) for one source."""
    log = _log_for(state, target_tids, source)
    if state.spent:
        return False, [Reason("tape_used", (
            "The tape was already used: a non-persistent tape computes one set of gradients "
            "(one gradient or jacobian call), then forgets what it recorded."),
            fix="Create it with tf.GradientTape(persistent=True) to call gradient more than "
                "once, or record again on a new tape.")], log is not None
    if source._value.dtype.kind not in "fc":
        return False, [Reason("integer_source", (
            f"The source has dtype {source.dtype.name}: only floating-point (and complex) "
            "tensors and variables have gradients."),
            fix="Cast it to a float dtype before the tape uses it (tf.cast(x, tf.float32)), "
                "and watch the float tensor.")], log is not None
    tid = source._tid
    if not tid or tid not in state.tracked:
        return False, untracked(state, log, source), log is not None
    if log is not None:
        found = _from_log(state, log, target_tids, source)
        if found is not None:
            return found
    return _from_records(state, target_tids, source)


def _from_log(state, log, target_tids, source):
    """(connected, reasons, True) from the explaining() log, or None if the log does not know
    the target."""
    if state.serial is None and not any(t in log.producer for t in target_tids):
        return None  # the log did not see this computation
    reach, grad = log.cones(state.serial, [source._tid])
    if any(t in grad for t in target_tids):
        return True, [], True
    ancestors = log.ancestors(target_tids)
    path = [e for e in log.events if e.kind == "op" and e.output in reach and e.output in ancestors]
    if path:
        # where the path leaves what the tape can differentiate; one reason per distinct cut
        reasons = {}
        for e in path:
            if e.output not in grad and any(i in grad for i in e.inputs):
                reason = reason_for_cut(state, log, e, {source._tid})
                reasons.setdefault((reason.kind, reason.text), reason)
        return False, list(reasons.values())[:3], True
    return False, generic_reasons(state, log, reach, ancestors, source), True


def _from_records(state, target_tids, source):
    """(connected, reasons, False) from the tape's own records."""
    records = state.records
    if records:
        reach, grad = {source._tid}, {source._tid}
        cuts = []
        for rec in records:
            ids = [a._tid for a in rec.inputs]
            if any(i in reach for i in ids):
                reach.add(rec.output._tid)
                rules = rec.prim.vjp
                rules = rules if type(rules) is tuple else (rules,) * len(ids)
                if any(i in grad and r is not NONE for i, r in zip(ids, rules)):
                    grad.add(rec.output._tid)
                elif any(i in grad for i in ids):
                    cuts.append(rec.prim.name)
        if any(t in grad for t in target_tids):
            return True, [], False
        if cuts and any(t in reach for t in target_tids):
            names = ", ".join(f"`{n}`" for n in dict.fromkeys(cuts))
            return False, [Reason("no_gradient", (
                f"The path from the source to the target passes through {names}, which has no "
                "gradient: TensorFlow defines none for it (the tape records it, and the "
                "gradient through it is None)."),
                fix="Use a differentiable op there, or wrap it in tf.custom_gradient to give "
                    "it the gradient you want (a straight-through estimator, say).")], False
    return False, generic_reasons(state, None, None, None, source), False


def explain(tape, target, source):
    """Says why `tape.gradient(target, source)` is (or would be) None.

    tapegrad's own addition beside TensorFlow's API. It recognises: a source never watched (a
    constant without `tape.watch`, a non-trainable variable, `watch_accessed_variables=False`,
    a model built inside the tape after `tape.watch(model.trainable_variables)`, a layer never
    called); a value that left the tape (`.numpy()`, `np.*`, `float()`), became an integer or
    boolean (`tf.cast`, `argmax`, comparisons) or went through an op without a gradient
    (`tf.round`) or `tf.stop_gradient`; ops outside the tape's `with` block or inside
    `stop_recording()`; a variable replaced (`v = v + 1`) or written by `assign`; a target
    computed before the source was watched; and a tape already used.

    The user's line of each step is named when the computation ran inside
    `with tapegrad.debug.explaining():`; otherwise the explanation says what the tape alone
    shows, and lists the possible causes. Call it before `tape.gradient` on a non-persistent
    tape, whose records that call frees.

    Args:
        tape: the GradientTape.
        target: the target (a Tensor, Variable, or a structure of them).
        source: one source (a Tensor or Variable).

    Returns:
        An `Explanation` (print it; `.reasons` holds each reason's `kind`, `text` and lines).
    """
    targets = [t for t in nest.flatten(target) if hasattr(t, "_value")]
    state = _TapeState(tape, tape._records)
    connected, reasons, known = _reasons(state, [t._tid for t in targets], source)
    return Explanation(describe_source(source, known and state.log), connected, reasons, known)


# -- the tape's gradient call ---------------------------------------------------------------

class _Notes(threading.local):
    def __init__(self):
        self.by_variable = {}  # id(variable) -> (weakref, tape state, target ids, call line)


_notes = _Notes()
_MAX_NOTES = 1024


def no_gradient(tape, targets, sources, grads, records, explain):
    """Called by `GradientTape.gradient` when a source gets no gradient: with `explain`,
    returns the NoGradientError to raise; otherwise notes why, for each variable, for `why_none`
    (Keras's messages), and returns None."""
    missing = [(i, s) for i, s in enumerate(sources) if not s._tid or s._tid not in grads]
    if not missing:
        return None
    state = _TapeState(tape, records)
    target_tids = [t._tid for t in targets]
    line = user_line()
    if explain:
        explanations = []
        for i, s in missing:
            connected, reasons, known = _reasons(state, target_tids, s)
            e = Explanation(describe_source(s, known and state.log), connected, reasons, known)
            e.index = i
            explanations.append(e)
        return NoGradientError(explanations, line)
    notes = _notes.by_variable
    if len(notes) > _MAX_NOTES:
        notes.clear()
    for _, s in missing:
        if isinstance(s, Variable):
            notes[id(s)] = (weakref.ref(s), state, target_tids, line)
    return None


def why_none(variables):
    """For each variable, why the latest `tape.gradient` of this thread that returned None for
    it did so (a paragraph of text), or None where no such call is known.

    Keras's optimizers add these to "No gradients provided for any variable" and to the
    warning about variables without gradients.
    """
    out = []
    notes = _notes.by_variable
    for v in variables:
        note = notes.get(id(v))
        if note is None or note[0]() is not v:
            out.append(None)
            continue
        _, state, target_tids, line = note
        _, reasons, known = _reasons(state, target_tids, v)
        where = f"tape.gradient at {line}" if line else "tape.gradient"
        text = " ".join(reason.text for reason in reasons) or "(no reason found)"
        steps = "; ".join(f"{step_line.quoted()}: {what}" for reason in reasons
                          for step_line, what in reason.steps if step_line)
        hint = "" if known else (" Run the step inside `with tapegrad.debug.explaining():` to "
                                 "see which step cut the path, and its line.")
        out.append(f"{where} returned None for it. {text}" + (f" [{steps}]" if steps else "")
                   + hint)
    return out
