"""The program generator: a seed gives a small random program over the op table, as source code.

A program is the body of `def f(x0, x1, ...)`, a few lines `vK = <op call>` in TensorFlow syntax,
returning a list of values. It is built op by op, each candidate evaluated with tapegrad at the
program's inputs, so that shapes fit and, in a smooth program, every op stays `MARGIN` away from
its kinks and poles (see ops.py). A program at kinks draws its inputs from small integers, halves
and zeros (ties everywhere) and skips the margins: only TensorFlow can settle it.
"""

import re

import numpy as np

import tapegrad

from .bad import BAD
from .ops import MARGIN, OPS

SHAPES = [(), (3,), (4,), (2, 3), (3, 2), (2, 2), (3, 3), (2, 3, 2), (2, 1, 3)]
KINK_VALUES = np.array([-2.0, -1.0, -0.5, 0.0, 0.0, 0.0, 0.5, 1.0, 1.0, 2.0])
SMOOTH_LITERALS = ["0.5", "-1.5", "2.0", "0.75", "3.0", "-0.25"]
KINK_LITERALS = ["0.0", "1.0", "-1.0", "2.0", "0.5"]
BOUND = 1e4  # a smooth program keeps its values below this, so that float64 differences work
SIZE = 200  # at most this many elements a value: jacobians stay small (outer products grow)


class Program:
    """A generated program: its inputs, its source lines and what the generator knows of it.

    Attributes:
        seed: the generating seed; `generate(seed)` rebuilds the same program.
        smooth: True if every op is `MARGIN` away from its kinks (finite differences apply).
        inputs: float64 arrays, the arguments x0, x1, ...
        variables: for each input, whether it is passed as a tf.Variable.
        lines: (target name, op, source expression, operand names) per op.
        outputs: the names of the returned values.
        error: the expected error class name if the last line is a deliberately bad call.
        names: the input names.
    """

    def __init__(self, seed, smooth, inputs, variables, lines, outputs, error=None, names=None):
        self.seed, self.smooth, self.inputs, self.variables = seed, smooth, inputs, variables
        self.lines, self.outputs, self.error = lines, outputs, error
        self.names = names or [f"x{i}" for i in range(len(inputs))]

    @property
    def ops(self):
        """The names of the ops the program calls."""
        return {line[1].name for line in self.lines}

    def live(self):
        """The lines the outputs depend on."""
        needed, keep = set(self.outputs), []
        for line in reversed(self.lines):
            if line[0] in needed:
                keep.append(line)
                needed.update(line[3])
        return keep[::-1]

    @property
    def connected(self):
        """The indices of the inputs a reverse gradient of the outputs reaches, by the op table:
        TensorFlow's None for the others."""
        return self.connected_to(self.outputs)

    def connected_to(self, outputs):
        reach = {n: {i} for i, n in enumerate(self.names)}
        for target, op, _, operands in self.lines:
            positions = range(op.arity) if op.connects is None else op.connects
            reach[target] = set().union(*[reach.get(operands[p], set()) for p in positions])
        return set().union(*[reach.get(o, set()) for o in outputs])

    def source(self, nudge=False):
        """The program's source; with `nudge`, each line's value goes through `nudge(value)`."""
        body = "".join(f"    {line[0]} = {f'nudge({line[2]})' if nudge else line[2]}\n"
                       for line in self.lines)
        return f"def f({', '.join(self.names)}):\n{body}    return [{', '.join(self.outputs)}]\n"

    def function(self, m, nudge=None):
        """The program as a Python function over library `m` (tapegrad or tensorflow), each
        line's value passed through `nudge` if given."""
        namespace = {"tf": m, "np": np, "nudge": nudge}
        source = self.source(nudge is not None)
        exec(compile(source, f"<fuzz program {self.seed}>", "exec"), namespace)  # noqa: S102
        return namespace["f"]

    def inputs_source(self):
        out = []
        for name, x, var in zip(self.names, self.inputs, self.variables):
            make = f"tf.constant({x.tolist()!r}, dtype=tf.float64)"
            out.append(f"{name} = {f'tf.Variable({make})' if var else make}\n")
        return "".join(out)

    def with_lines(self, lines, outputs):
        """The same inputs, less those no line uses, with other lines and outputs (shrinking)."""
        text = " ".join([line[2] for line in lines] + list(outputs))
        keep = [i for i, n in enumerate(self.names) if re.search(rf"\b{n}\b", text)] or [0]
        return Program(self.seed, self.smooth, [self.inputs[i] for i in keep],
                       [self.variables[i] for i in keep], lines, outputs, self.error,
                       [self.names[i] for i in keep])

    def __repr__(self):
        kind = "smooth" if self.smooth else "kinks"
        return f"<program {self.seed} ({kind}): {'; '.join(line[2] for line in self.lines)}>"


class Crash(Exception):
    """tapegrad raised while the generator evaluated a valid op: a finding in itself."""

    def __init__(self, program, error):
        super().__init__(f"{type(error).__name__}: {error}")
        self.program, self.error = program, error


# -- generation ------------------------------------------------------------------------------

def _input_shapes(rng, n):
    base = SHAPES[rng.integers(len(SHAPES))]
    shapes = [base]
    for _ in range(n - 1):
        kind = rng.integers(4)
        if kind == 0 or not base:
            shapes.append(base)
        elif kind == 1:
            shapes.append(base[int(rng.integers(len(base) + 1)):])
        elif kind == 2:
            shapes.append(tuple(1 if rng.integers(2) else d for d in base))
        else:
            shapes.append(SHAPES[rng.integers(len(SHAPES))])
    return shapes


def _draw(rng, shape, smooth):
    if not smooth:
        return rng.choice(KINK_VALUES, size=shape)
    if rng.random() < 0.3:
        return rng.uniform(0.2, 2.0, size=shape)
    return rng.uniform(-2.0, 2.0, size=shape)


def _render(op, names, params):
    fields = {k: v if isinstance(v, str) else repr(v) for k, v in params.items()}
    return op.template.format(*names, **fields)


def _margin(op, values, params):
    if op.margin is None:
        return np.inf
    with np.errstate(all="ignore"):
        return op.margin(*values, **{k: v for k, v in params.items() if k not in ("kw", "flags")})


def _choose(rng, op, pool, literals):
    """Operand names and values for `op`: the newest value first, most of the time, and now and
    then a Python number where the op takes one (never for every operand)."""
    numbers = [pos for pos in op.literal if rng.random() < 0.25][: op.arity - 1]
    names, values = [], []
    for pos in range(op.arity):
        if pos in numbers:
            names.append(literals[rng.integers(len(literals))])
            values.append(np.array(float(names[-1])))
            continue
        name, value = pool[-1] if pos == 0 and rng.random() < 0.6 else pool[
            rng.integers(len(pool))]
        names.append(name)
        values.append(value)
    return names, values


def generate(seed, smooth=None, bad=None):
    """The program of `seed`. `smooth` and `bad` (end with a deliberately invalid call) are drawn
    from the seed unless given.

    Raises:
        Crash: if tapegrad raises on a valid op while the program is built.
    """
    rng = np.random.default_rng(seed)
    smooth = bool(rng.random() < 0.6) if smooth is None else smooth
    bad = bool(rng.random() < 0.04) if bad is None else bad
    n_inputs = int(rng.integers(1, 4))
    inputs = [_draw(rng, s, smooth) for s in _input_shapes(rng, n_inputs)]
    variables = [bool(rng.random() < 0.2) for _ in inputs]
    program = Program(seed, smooth, inputs, variables, [], [])
    namespace = {"tf": tapegrad, "np": np}
    pool = []  # (name, numpy value)
    for name, x in zip(program.names, inputs):
        namespace[name] = tapegrad.constant(x, dtype=tapegrad.float64)
        pool.append((name, x))
    literals = SMOOTH_LITERALS if smooth else KINK_LITERALS
    for k in range(int(rng.integers(3, 9))):
        line = _next_line(rng, f"v{k}", pool, namespace, smooth, literals, program)
        if line is None:
            break
        program.lines.append(line[:4])
        pool.append((line[0], line[4]))
    program.outputs = [program.lines[-1][0]] if program.lines else [program.names[0]]
    if len(program.lines) > 1 and rng.random() < 0.3:
        program.outputs.append(program.lines[int(rng.integers(len(program.lines) - 1))][0])
    if bad:
        _add_bad_line(rng, program, pool)
    return program


def _next_line(rng, target, pool, namespace, smooth, literals, program):
    """A random valid op on the pool's values: (target, op, source, operands, value) or None."""
    for _ in range(200):
        op = OPS[rng.integers(len(OPS))]
        if smooth and not op.fd:
            continue
        names, values = _choose(rng, op, pool, literals)
        params = op.params(rng, *[v.shape for v in values])
        if params is None:
            continue
        margin = _margin(op, values, params)
        if np.isnan(margin) or (smooth and margin < MARGIN):
            continue
        src = _render(op, names, params)
        try:
            result = eval(src, namespace)
        except Exception as err:
            program.lines.append((target, op, src, names))
            program.outputs = [target]
            raise Crash(program, err) from err
        value = np.asarray(result)
        if value.dtype.kind != "f" or value.size > SIZE:
            continue
        finite = np.all(np.isfinite(value))
        if smooth and not (finite and np.max(np.abs(value), initial=0) < BOUND):
            continue
        if not finite and rng.random() < 0.7:
            continue
        namespace[target] = result
        return target, op, src, names, value
    return None


def _add_bad_line(rng, program, pool):
    for _ in range(50):
        entry = BAD[rng.integers(len(BAD))]
        name, value = pool[-1] if rng.random() < 0.7 else pool[rng.integers(len(pool))]
        params = entry.params(rng, value.shape)
        if params is not None:
            target = f"v{len(program.lines)}"
            program.lines.append((target, entry, _render(entry, [name], params), [name]))
            program.outputs, program.error = [target], entry.error
            return
