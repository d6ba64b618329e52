"""The differential fuzzer in CI, without TensorFlow (see tests/fuzz/__init__.py).

Random programs of 3-8 ops from the whole op table, checked against finite differences in
float64 (smooth programs) and against themselves (all programs): reverse vs forward mode, second
order both ways, jacobian vs JVP, batch_jacobian vs jacobian, tf.function vs eager, float32 vs
float64, None vs tensor by the op table, and the error class of deliberately invalid calls.
A failure prints the shrunken program as a script that runs under tapegrad and TensorFlow.

    TAPEGRAD_FUZZ_SEEDS=20000 python -m pytest tests/test_fuzz.py    # a deeper run
"""

import os
import re

import numpy as np
import pytest
from fuzz import known
from fuzz.bad import BAD
from fuzz.ops import OPS
from fuzz.program import generate
from fuzz.runner import reproduction, run

import tapegrad as tf
from tapegrad._core.primitive import PRIMITIVES

SEEDS = int(os.environ.get("TAPEGRAD_FUZZ_SEEDS", "2000"))
CHUNK = 250


def report(outcomes, total):
    lines = [f"{len(outcomes)} of {total} programs disagree:"]
    lines += [f"  seed {o.program.seed}: {o.failures[0]!r}"[:400] for o in outcomes[:20]]
    return "\n".join(lines) + "\n\nReproduction of the first:\n\n" + reproduction(outcomes[0])


@pytest.mark.parametrize("start", range(0, SEEDS, CHUNK))
def test_random_programs_agree_with_finite_differences_and_themselves(start):
    seeds = range(start, min(start + CHUNK, SEEDS))
    outcomes = [run(seed) for seed in seeds]
    failing = [o for o in outcomes if o.failures]
    assert not failing, report(failing, len(seeds))
    # finite differences that cannot settle a smooth program must stay rare
    assert sum(bool(o.inconclusive) for o in outcomes) <= len(seeds) // 50


def test_a_seed_gives_the_same_program_every_time():
    a, b = generate(12345), generate(12345)
    assert a.source() == b.source() and all(np.array_equal(x, y) for x, y in zip(a.inputs,
                                                                                  b.inputs))


def _public_ops():
    """The registered ops that a TensorFlow name serves (tf, tf.math, tf.nn, tf.linalg)."""
    from tapegrad._core.primitive import COMPOSITES

    modules = (tf, tf.math, tf.nn, tf.linalg)
    names = {n for n in set(PRIMITIVES) | set(COMPOSITES) if any(hasattr(m, n) for m in modules)}
    return names - {"mod"} | {"floormod"}  # tf.math.mod is floormod


def test_the_table_covers_every_public_op():
    called = {op.name for op in OPS} | set(re.findall(r"\.(\w+)\(", " ".join(
        op.template for op in OPS)))
    missing = _public_ops() - called
    assert not missing, f"ops the fuzzer never calls: {sorted(missing)}"


def test_known_differences_name_ops_of_the_table():
    names = {op.name for op in OPS + BAD}
    for entry in known.QUIRKS + known.PENDING:
        assert entry.ops is None or entry.ops <= names, entry.why


def test_the_documented_list_of_known_differences_is_known_py():
    doc = " ".join(open(os.path.join(os.path.dirname(__file__), "..", "docs", "fuzzing.md"),
                        encoding="utf-8").read().split())
    missing = [entry.why for entry in known.QUIRKS if " ".join(entry.why.split()) not in doc]
    assert not missing, f"docs/fuzzing.md lacks: {missing}"


def _programs_using(name, count, smooth=None):
    """Seeds whose program computes its outputs with op `name`."""
    seeds = []
    for seed in range(2000):
        program = generate(seed, smooth=smooth, bad=False)
        if any(line[1].name == name for line in program.live()) and program.connected:
            seeds.append(seed)
            if len(seeds) == count:
                return seeds
    return seeds


# A checker that cannot fail is no checker: break one rule slightly and watch the fuzzer fail.

def test_the_fuzzer_finds_a_wrong_derivative(monkeypatch):
    seeds = _programs_using("cos", 5, smooth=True)
    monkeypatch.setattr(PRIMITIVES["cos"], "vjp", lambda g, out, x: -g * tf.sin(x) * 1.001)
    outcomes = [run(seed, smooth=True, bad=False) for seed in seeds]
    failing = [o for o in outcomes if o.failures]
    # (a program may use cos where its derivative does not matter: cos(x / x))
    assert len(seeds) == 5 and len(failing) >= 3
    script = reproduction(failing[0])
    assert "import tapegrad as tf" in script and "tf.cos" in script
    exec(compile(script, "<reproduction>", "exec"), {})  # noqa: S102 - runs as printed


def test_the_fuzzer_finds_a_wrong_forward_value(monkeypatch):
    seeds = _programs_using("reduce_logsumexp", 8, smooth=True)
    forward = PRIMITIVES["reduce_logsumexp"].forward
    monkeypatch.setattr(PRIMITIVES["reduce_logsumexp"], "forward",
                        lambda x, **k: forward(x, **k) * 1.001)
    assert len(seeds) == 8
    # half of them: a program may use the op where a 1e-3 error stays under the tolerance of
    # what reaches its outputs, and which programs use it moves with the table
    assert sum(bool(run(seed, smooth=True, bad=False, shrink=False).failures)
               for seed in seeds) >= 4


def test_the_fuzzer_finds_a_wrong_second_derivative(monkeypatch):
    seeds = _programs_using("tanh", 8, smooth=True)
    rule = PRIMITIVES["tanh_grad"].vjp
    monkeypatch.setattr(PRIMITIVES["tanh_grad"], "vjp", (rule[0], lambda gg, out, g, y: rule[1](
        gg, out, g, y) * 1.001))
    assert len(seeds) == 8
    # half of them: a program may use the op where a 1e-3 error stays under the tolerance of
    # what reaches its outputs, and which programs use it moves with the table
    assert sum(bool(run(seed, smooth=True, bad=False, shrink=False).failures)
               for seed in seeds) >= 4


def test_the_fuzzer_finds_a_missing_error(monkeypatch):
    monkeypatch.setattr(tf, "reduce_sum", lambda x, axis=None, keepdims=False: x)
    outcomes = [run(seed, bad=True, shrink=False) for seed in range(300)]
    bad_axis = [o for o in outcomes if "tf.reduce_sum" in o.program.lines[-1][2]
                and o.program.error]
    assert bad_axis and all(o.failures for o in bad_axis)
