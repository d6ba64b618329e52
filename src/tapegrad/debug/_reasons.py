"""The reasons a gradient is None, in words: one `Reason` per cause, each naming the user's
lines of the steps it cites (from the explaining() log, `_log.py`) and what to do."""

from .._core.variable import Variable

__all__ = ["KINDS", "Reason", "describe_source", "generic_reasons", "reason_for_cut",
           "untracked"]

# Every kind of reason, and what it means (docs/debugging.md lists them).
KINDS = {
    "tape_used": "a non-persistent tape was already used by a gradient or jacobian call",
    "integer_source": "the source has an integer or boolean dtype",
    "not_watched": "the source is a tensor the tape does not watch (no tape.watch)",
    "not_trainable": "the source is a non-trainable variable",
    "not_watched_accessed": "the tape has watch_accessed_variables=False and was not told to "
                            "watch the variable",
    "created_after_start": "the variable was created after tape.watch(...) ran (a model "
                           "built by its first call inside the tape)",
    "never_read": "the variable was never read: the target does not use it (its layer was "
                  "never called)",
    "not_read_while_recording": "the variable was not read while the tape recorded (without "
                                "the explaining() log: never read, or read outside the tape)",
    "rebound": "the source is a tensor computed from a variable (`v = v + 1`), not the variable",
    "outside_tape": "a step ran outside the tape's with block",
    "stop_recording": "a step ran inside tape.stop_recording()",
    "before_watch": "the source was used before the tape watched it",
    "stop_gradient": "tf.stop_gradient cut the path",
    "integer": "an op made an integer or boolean tensor (a cast, argmax, a comparison)",
    "not_differentiable": "an op that is not differentiable cut the path",
    "no_gradient": "an op without a gradient (tf.round, tf.floor, ...) is on the path",
    "numpy": "the value was read into NumPy (.numpy(), np.asarray, an np.* function)",
    "python_number": "the value was turned into a Python number (float(), int())",
    "assigned": "the value was written into a variable by assign(), which is not differentiable",
    "read_after_target": "the target was computed before the source was first used",
    "not_used": "the target does not depend on the source",
    "not_connected": "the target is not computed from the source by recorded ops (without the "
                     "explaining() log, which says why)",
}


class Reason:
    """One cause of a None gradient.

    Attributes:
        kind: which cause, one of `KINDS` ("stop_gradient", ...).
        text: the cause in plain words.
        steps: (Line or None, what happened there) for each step cited.
        fix: what to do, or None.
    """

    __slots__ = ("kind", "text", "steps", "fix")

    def __init__(self, kind, text, steps=(), fix=None):
        assert kind in KINDS, kind
        self.kind = kind
        self.text = text
        seen = set()
        self.steps = []
        for line, what in steps:
            if line is not None and (line, what) not in seen:
                seen.add((line, what))
                self.steps.append((line, what))
        self.fix = fix

    def render(self, indent=""):
        lines = [f"{indent}[{self.kind}] {self.text}"]
        lines += [f"{indent}    at {line.quoted()}: {what}" for line, what in self.steps]
        if self.fix:
            lines.append(f"{indent}  What to do: {self.fix}")
        return "\n".join(lines)

    def __repr__(self):
        return f"<Reason {self.kind}: {self.text}>"


def describe_source(s, log=None):
    """'variable 'w:0' (dense/kernel), float32[8, 30]' or 'a tf.Tensor float32[]', with the
    op and line that made a tensor where the log knows them."""
    shape = f"{s.dtype.name}{list(s._value.shape)}"
    if isinstance(s, Variable):
        path = getattr(s, "path", None)
        where = f" ({path})" if path and path != s.name else ""
        return f"variable '{s.name}'{where}, {shape}"
    text = f"a tf.Tensor {shape}"
    producer = log.producer.get(s._tid) if log else None
    if producer is not None and producer.line is not None:
        text += f" (made by `{producer.name}` at {producer.line})"
    return text


def _layer_hint(v):
    path = getattr(v, "path", None) or ""
    if "/" not in path:
        return ""
    return (f" It belongs to the layer at '{path.rsplit('/', 1)[0]}': a layer made (in "
            "__init__, say) but never called in the model's forward pass has variables without "
            "gradients.")


def _reads(log, tid):
    return [e for e in log.events if e.kind == "read" and e.output == tid]


def _when(state, log, event):
    """When `event` ran, relative to the tape's with block."""
    span = log.seen.get(state.serial)
    if span is not None and event.seq < span[0]:
        return "before the tape started recording (outside its with block)"
    if span is not None and event.seq > span[1]:
        return "after the tape's with block ended"
    return "while the tape was not recording (outside its with block)"


def untracked(state, log, s):
    """The reasons for a source the tape does not track."""
    serial = state.serial
    if isinstance(s, Variable):
        reads = _reads(log, s._tid) if log is not None else []
        recording = [(e.line, "read here while the tape was recording")
                     for e in reads if serial in e.recording][:3]
        if not s.trainable:
            return [Reason("not_trainable", (
                "The variable is not trainable (trainable=False), and a tape watches only the "
                "trainable variables it reads."), recording,
                "Call tape.watch(variable) inside the with block before it is read, or create "
                "it with trainable=True.")]
        if not state.watch_accessed:
            return [_not_watched_accessed(state, log, s, reads, recording)]
        if log is None:
            return [Reason("not_read_while_recording", (
                "The variable is trainable, but the tape never saw it read while recording: the "
                "target does not use it, or it was read only outside the tape's with block or "
                "inside tape.stop_recording()." + _layer_hint(s)),
                fix="Compute the target from the variable inside the with block.")]
        paused = [e for e in reads if serial in e.paused]
        if paused:
            return [Reason("stop_recording", (
                "The variable was read only inside tape.stop_recording(), where the tape "
                "records nothing, so it never watched it."),
                [(e.line, "read here, inside stop_recording()") for e in paused[:3]],
                "Compute with it outside the stop_recording() block.")]
        if reads:
            return [Reason("outside_tape", (
                "The variable was read only outside the tape's with block (the tape was not "
                "recording then), so the tape never watched it."),
                [(e.line, f"read here, {_when(state, log, e)}") for e in reads[:3]],
                "Compute the target from the variable inside the with block.")]
        return [Reason("never_read", (
            "The variable was never read while tapegrad.debug.explaining() was on: the target "
            "is not computed from it." + _layer_hint(s)),
            fix="Use the variable (call its layer) in the computation of the target, or leave "
                "it out of the sources.")]
    return [_untracked_tensor(state, log, s)]


def _not_watched_accessed(state, log, s, reads, recording):
    watches = log.watches.get(state.serial, []) if log is not None else []
    # Ids are given in order, so a watch call with a smaller id ran before the variable existed.
    early = [w for w in watches if w.output < s._tid]
    if early:
        first_read = reads[0].line if reads else None
        return Reason("created_after_start", (
            "The variable was created after tape.watch(...) ran: the tape was created with "
            "watch_accessed_variables=False, so it watches only what tape.watch was given, and "
            "this variable did not exist yet (a model makes its variables on its first call, "
            "here inside the tape)."),
            [(early[-1].line, "tape.watch(...) ran here, before the variable existed"),
             (first_read, "the variable, new, is first read here")],
            "Build the model before the tape (model.build(input_shape), or call it once), or "
            "call tape.watch(model.trainable_variables) after its first call, or use "
            "watch_accessed_variables=True.")
    return Reason("not_watched_accessed", (
        "The tape was created with watch_accessed_variables=False, so it watches only what is "
        "passed to tape.watch(...), and this variable was not (if its model was built inside "
        "the tape, its variables did not exist when tape.watch ran)."),
        recording, "Call tape.watch(variable) inside the with block, before it is read.")


def _untracked_tensor(state, log, s):
    producer = log.producer.get(s._tid) if log is not None else None
    if producer is not None:
        for tid in producer.inputs:
            info = log.tensors.get(tid)
            if info is not None and info.origin == "variable":
                name = f"'{info.name}'"
                return Reason("rebound", (
                    f"The source is not a variable but a tensor: the result of "
                    f"`{producer.name}` on variable {name}. Writing `v = v + 1` gives the name v "
                    "a new tensor and leaves the variable as it was; the tape watches the "
                    "variable, not this tensor."),
                    [(producer.line, "the tensor is made here from the variable")],
                    "Change the variable in place (v.assign_add(1), v.assign(...)) and "
                    "differentiate with respect to the variable.")
    uses = []
    if log is not None:
        uses = [(e.line, "used here, unwatched, while the tape was recording")
                for e in log.events
                if e.kind == "op" and s._tid in e.inputs and state.serial in e.recording][:3]
    hint = "" if log is not None else (
        " (If this name held a variable before, `v = v + 1` made it a new tensor: change a "
        "variable with v.assign_add(1).)")
    return Reason("not_watched", (
        "The source is a tensor (a constant) the tape does not watch: a tape watches the "
        "trainable variables it reads, and a tensor only after tape.watch(tensor)." + hint),
        uses, "Call tape.watch(x) inside the with block before x is used, or make x a "
              "tf.Variable.")


def reason_for_cut(state, log, e, source_tids):
    """The reason op event `e` passes no gradient from the side of the sources (their ids
    `source_tids`) to its output."""
    serial = state.serial
    op = f"`{e.name}`"
    if serial not in e.recording:
        if serial in e.paused:
            return Reason("stop_recording", (
                f"{op} ran inside tape.stop_recording(), where the tape records nothing, so "
                "the path from the source stops there."),
                [(e.line, f"{op} ran here, not recorded")],
                "Move it out of the stop_recording() block.")
        when = _when(state, log, e)
        return Reason("outside_tape", (
            f"{op} ran {when}, so the tape did not record it: the target was computed from "
            "the source before (or without) the tape."),
            [(e.line, f"{op} ran here, {when}")],
            "Compute everything from the source to the target inside the tape's with block.")
    if serial not in e.recorded:
        info = log.tensors.get(e.output)
        if e.name == "stop_gradient":
            return Reason("stop_gradient", (
                "tf.stop_gradient cuts the path: what it returns is a constant to every tape."),
                [(e.line, "tf.stop_gradient here")],
                "Remove tf.stop_gradient where the gradient should flow.")
        if info is not None and info.dtype.kind not in "fc":
            return Reason("integer", (
                f"{op} made a tensor of dtype {info.dtype}: integer and boolean tensors carry no "
                "gradient, so no tape records an op that makes one (a cast to an integer "
                "dtype, argmax, a comparison)."),
                [(e.line, f"{op} makes a tensor of dtype {info.dtype} here")],
                "Keep the path in floating point; for a rounded value with a gradient, use a "
                "straight-through estimator: x + tf.stop_gradient(tf.round(x) - x).")
        if not e.prim.differentiable:
            return Reason("not_differentiable", (
                f"{op} is not differentiable, so no tape records it."),
                [(e.line, f"{op} here")], "Use a differentiable op on the path.")
        watches = [w for w in log.watches.get(serial, ())
                   if w.seq > e.seq and not source_tids.isdisjoint(w.inputs)]
        return Reason("before_watch", (
            f"{op} used the source before the tape watched it, and a tape records an op only "
            "if it already tracks one of its inputs: the target was computed before the source "
            "was watched."),
            [(e.line, f"{op} used the source here, before it was watched")]
            + [(w.line, "tape.watch(...) ran here, too late") for w in watches[:1]],
            "Call tape.watch(...) before the source is used.")
    return Reason("no_gradient", (
        f"{op} has no gradient: TensorFlow defines none for it (the tape records it, and the "
        "gradient through it is None)."),
        [(e.line, f"{op} here")],
        "Use a differentiable op there, or give it a gradient with tf.custom_gradient (a "
        "straight-through estimator, say).")


_NOT_CONNECTED = (
    "The tape tracks the source, but the target is not computed from it by ops the tape "
    "recorded. Its value may have left tapegrad (`.numpy()`, an `np.*` function, `float()`), "
    "become an integer or boolean tensor (a cast, argmax, a comparison), gone through "
    "tf.stop_gradient, been computed outside the tape's with block or inside "
    "tape.stop_recording(), or been copied into a variable by assign(); or the target does "
    "not use it at all.")


def generic_reasons(state, log, reach, ancestors, s):
    """The reasons when the target does not depend on the source in any op the log (or, with
    `log` None, the tape) knows: the value left tapegrad, went into a variable, or is unused."""
    if log is None:
        return [Reason("not_connected", _NOT_CONNECTED)]
    target = _target_line(log, ancestors)
    reasons = []
    for e in _while_recording(state, log, "value", reach)[:2]:
        python = e.name in ("`float()`", "`int()`")
        what = "the source" if e.inputs[0] == s._tid else _tensor_words(log, e.inputs[0])
        reasons.append(Reason("python_number" if python else "numpy", (
            f"The value of {what} left tapegrad through {e.name}"
            f"{', becoming a Python number' if python else ''}: what "
            f"{'Python' if python else 'NumPy'} computes from it is not recorded, so the "
            "target is computed from a new constant."),
            [(e.line, f"read by {e.name} here"), (target, "the target is made here")],
            "Compute with tapegrad ops (tf.math.*, tf.square, ...) on the tensor itself instead "
            "of NumPy or Python arithmetic."))
    for e in _while_recording(state, log, "assign", reach)[:2]:
        info = log.tensors.get(e.output)
        name = f"'{info.name}'" if info is not None and info.name else "a variable"
        used = " The target is computed from that variable." if e.output in ancestors else ""
        reasons.append(Reason("assigned", (
            f"A value computed from the source was written into variable {name} by "
            f"{e.name}(): an assignment copies the value and is not differentiable, so reading "
            f"the variable afterwards starts a new path.{used}"),
            [(e.line, f"{e.name}() copies the value here"), (target, "the target is made here")],
            "Compute the target from the tensor itself (keep it in a Python name), not from "
            "the variable it was assigned to."))
    if reasons:
        return reasons
    used = [e for e in log.events if e.kind == "op" and s._tid in e.inputs]
    uses = [(e.line, "the source is used here") for e in used[:3]]
    made = _target_event(log, ancestors)
    if used and made is not None and made.seq < used[0].seq:
        return [Reason("read_after_target", (
            "The target was computed before the source was first used: the ops that use the "
            "source came later, so the target cannot depend on it."),
            [(made.line, "the target is made here"),
             (used[0].line, "the source is first used here, later")],
            "Compute the target after (and from) the computation that uses the source.")]
    constant = "" if target is not None else (
        " The target was made by no op tapegrad saw: it is a constant (made from Python or "
        "NumPy values), or was computed before tapegrad.debug.explaining() began.")
    return [Reason("not_used", (
        "The target does not depend on the source: "
        + ("none of the ops that use the source leads to the target." if uses else
           "no op used the source.") + constant),
        uses + [(target, "the target is made here")],
        "Check that the target is computed from the source (the right variable, the right "
        "layer).")]


def _while_recording(state, log, kind, reach):
    """The events of `kind` on a tensor in `reach`: those while the tape recorded, if any (a
    value read in an earlier step is not this step's cause), else all of them."""
    found = [e for e in log.events if e.kind == kind and e.inputs[0] in reach]
    recording = [e for e in found if state.serial in e.recording]
    return recording or found


def _target_event(log, ancestors):
    """The last op the target was computed by (the target's own), or None."""
    made = [log.producer[t] for t in ancestors if t in log.producer]
    return max(made, key=lambda e: e.seq) if made else None


def _target_line(log, ancestors):
    """The line of the target's own op, or None."""
    made = _target_event(log, ancestors)
    return None if made is None else made.line


def _tensor_words(log, tid):
    producer = log.producer.get(tid)
    if producer is None:
        return "a tensor computed from the source"
    return f"`{producer.name}`" + (f" (at {producer.line})" if producer.line else "")
