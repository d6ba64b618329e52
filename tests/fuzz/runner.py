"""Runs one seed: generate, compute, check, explain, and shrink a failure to a reproduction."""

import warnings

import numpy as np

import tapegrad

from .checks import Data, Err, Finding, Library, compute, output_shapes, self_check
from .known import confirmed, explain
from .program import Crash, Program, generate
from .reference import against


class Outcome:
    """What one program gave: unexplained findings (failures), explained ones, and findings
    neither finite differences nor the comparison can settle (inconclusive: finite differences
    disagree among themselves, or a last-bit rounding decides at a kink)."""

    def __init__(self, program, failures=(), explained=(), inconclusive=(), data=None):
        self.program, self.data = program, data
        self.failures, self.explained = list(failures), list(explained)
        self.inconclusive = list(inconclusive)


def _values(m, program):
    try:
        return output_shapes(m, program), None
    except Exception as err:  # noqa: BLE001 - an error is a result to compare
        return None, Err(err)


def examine(program, tf=None, tf_forward=True):
    """The findings for one program: tapegrad against itself and finite differences, and
    against TensorFlow if `tf` is given (with its forward mode unless `tf_forward` is False)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        shapes, err = _values(tapegrad, program)
        if program.error is None and err is not None:
            their = _values(tf, program)[1] if tf is not None else None
            if their is not None and their.name in err.bases:
                finding = Finding("value", "generator", f"both raise: {err!r} and {their!r}")
            else:
                finding = Finding("value", "crash", f"{err!r}; TensorFlow: {their!r}")
            return _sort(program, [finding], None)
        data = Data(program, shapes or [])
        mine = compute(tapegrad, program, data)
        fd = {}
        found = self_check(tapegrad, program, data, mine, fd)
        if tf is not None:
            theirs = compute(tf, program, data, forward=tf_forward)
            found += against(program, data, mine, theirs, fd, Library(tapegrad, program))
    return _sort(program, found, data)


def _sort(program, found, data):
    out = Outcome(program, data=data)
    sure = confirmed(program, found)
    for finding in found:
        entry = explain(program, finding, sure)
        if finding.symptom in ("inconclusive", "rounding"):
            out.inconclusive.append(finding)
        elif entry is not None:
            out.explained.append((finding, entry))
        else:
            out.failures.append(finding)
    return out


def run(seed, tf=None, shrink=True, tf_forward=True, **kinds):
    """The outcome of seed `seed`; failures come with a shrunken program. `kinds` (smooth, bad)
    are passed to `generate`; `tf_forward=False` skips TensorFlow's (slow) forward mode."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            program = generate(seed, **kinds)
    except Crash as crash:
        program = crash.program
    outcome = examine(program, tf, tf_forward)
    if outcome.failures and shrink:
        first = outcome.failures[0]
        small = minimize(program, lambda p: any(
            f.part == first.part and f.symptom == first.symptom
            for f in examine(p, tf, tf_forward).failures))
        if small is not program:
            again = examine(small, tf, tf_forward)
            if again.failures:
                return again
    return outcome


# -- shrinking ------------------------------------------------------------------------------

def _error(lines):
    return next((line[1].error for line in lines if hasattr(line[1], "error")), None)


def _variant(program, lines, outputs):
    small = program.with_lines(lines, outputs)
    small.error = _error(lines)
    return small


def minimize(program, fails):
    """A smaller program that still `fails`: fewer outputs, a prefix, no dead lines."""
    best = program
    while True:
        candidates = []
        live = best.live()
        if len(live) < len(best.lines):
            candidates.append(_variant(best, live, best.outputs))
        if len(best.outputs) > 1:
            candidates += [_variant(best, best.lines, [o]) for o in best.outputs]
        candidates += [_variant(best, best.lines[:k + 1], [best.lines[k][0]])
                       for k in range(len(best.lines) - 1)]
        for candidate in candidates:
            if fails(candidate):
                best = candidate
                break
        else:
            return best


# -- reproductions ------------------------------------------------------------------------------

_CODE = {
    "reverse": '''with tf.GradientTape() as outer:
    outer.watch(xs)
    with tf.GradientTape() as inner:
        inner.watch(xs)
        ys = f(*xs)
    grads = inner.gradient(ys, xs, output_gradients=u)
    terms = [tf.reduce_sum(g * wi) for g, wi in zip(grads, w) if g is not None]
    total = tf.add_n(terms) if terms else None
print("values", ys)
print("gradient of <u, f>", grads)
print("gradient of <gradient, w>", None if total is None else outer.gradient(total, xs))
''',
    "forward": '''with tf.autodiff.ForwardAccumulator(xs, v) as acc:
    ys = f(*xs)
print("values", ys)
print("JVPs along v", acc.jvp(ys))
''',
    "forward_over_reverse": '''with tf.autodiff.ForwardAccumulator(xs, w) as acc:
    with tf.GradientTape() as outer:
        outer.watch(xs)
        with tf.GradientTape() as inner:
            inner.watch(xs)
            ys = f(*xs)
        grads = inner.gradient(ys, xs, output_gradients=u)
        total = tf.add_n([tf.reduce_sum(g * wi) for g, wi in zip(grads, w) if g is not None])
print("gradient of <u, f>", grads)
print("its JVP along w", [None if g is None else acc.jvp(g) for g in grads])
print("gradient of <gradient, w>", outer.gradient(total, xs))
''',
    "jacobian": '''with tf.GradientTape(persistent=True) as tape:
    tape.watch(xs)
    ys = f(*xs)
print("jacobian of output 0", tape.jacobian(ys[0], xs))
print("batch_jacobian", [tape.batch_jacobian(ys[0], x) for x in xs
                         if x.shape.rank >= 2 and ys[0].shape.rank >= 2 and x.shape[0] == ys[0].shape[0]])
''',
    "function": '''g = tf.function(f)
print("traced at xs", g(*xs))
with tf.GradientTape() as tape:
    tape.watch(xs2)
    ys = g(*xs2)
print("at xs2 through tf.function", ys, tape.gradient(ys, xs2, output_gradients=u))
with tf.GradientTape() as tape:
    tape.watch(xs2)
    ys = f(*xs2)
print("at xs2 eagerly", ys, tape.gradient(ys, xs2, output_gradients=u))
''',
    "float32": '''xs32 = [tf.cast(x, tf.float32) for x in xs]
with tf.GradientTape() as tape:
    tape.watch(xs32)
    ys = f(*xs32)
print("float32 values", ys)
print("float32 gradient", tape.gradient(ys, xs32, output_gradients=[tf.cast(ui, tf.float32) for ui in u]))
print("float64 values", f(*xs))
''',
    "value": '''print(f(*xs))
''',
}

_PART = {"gradient": "reverse", "second order": "forward_over_reverse",
         "forward over reverse": "forward_over_reverse", "batch_jacobian": "jacobian"}


def _constants(name, arrays):
    items = ", ".join(f"tf.constant({a.tolist()!r}, dtype=tf.float64)" for a in arrays)
    return f"{name} = [{items}]\n"


def reproduction(outcome):
    """A self-contained script for the first failure, runnable with either library."""
    program, data = outcome.program, outcome.data
    finding = outcome.failures[0] if outcome.failures else None
    kind = "smooth" if program.smooth else "at kinks"
    head = (f"# tapegrad fuzz program, seed {program.seed} ({kind}): {finding}\n"
            "# Runs as it is with tapegrad; for TensorFlow, import tensorflow as tf instead.\n"
            "import numpy as np\nimport tapegrad as tf  # or: import tensorflow as tf\n\n\n")
    text = head + program.source() + "\n\n" + program.inputs_source()
    text += f"xs = [{', '.join(program.names)}]\n"
    if data is not None and data.us:
        text += _constants("u", data.us) + _constants("v", data.vs) + _constants("w", data.ws)
        text += _constants("xs2", data.xs2)
    part = "value" if finding is None or data is None or program.error else _PART.get(
        finding.part, finding.part)
    return text + _CODE.get(part, _CODE["reverse"])


__all__ = ["Outcome", "Program", "examine", "minimize", "reproduction", "run"]
