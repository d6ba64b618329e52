"""A differential fuzzer: random small programs through tapegrad, TensorFlow and finite differences.

- `ops.py`: the op table. Each public op once: its call in TensorFlow syntax (the same source runs
  under `import tapegrad as tf` and `import tensorflow as tf`), the shapes and static arguments it
  accepts, where it has a kink or a pole, and which operands a gradient reaches.
- `bad.py`: deliberately invalid calls and the error class TensorFlow raises for them.
- `program.py`: the generator. A seed gives a program of 3-8 ops on 1-3 inputs, either smooth
  (every op away from its kinks and poles, so finite differences decide) or at kinks (exact zeros,
  ties and small integers, settled by TensorFlow only), and its reproduction script.
- `checks.py`: what is computed for a program in one library (values, first and second
  derivatives, JVPs, jacobian, batch_jacobian, tf.function, float32, errors) and the comparisons.
- `reference.py`: the comparison with TensorFlow; `runner.py` runs a seed, shrinks a failure
  and writes its reproduction; `deep.py` runs many seeds outside CI.
- `known.py`: the only accepted differences: TensorFlow's quirks (with the finite-difference
  evidence) and the defects being fixed on other branches (pending, removed once merged).

`tests/test_fuzz.py` runs it in CI without TensorFlow; `tests/test_fuzz_tf.py` against TensorFlow;
`docs/fuzzing.md` describes the runs and lists the known differences.
More programs: `TAPEGRAD_FUZZ_SEEDS=20000 python -m pytest tests/test_fuzz.py`; a deep run that
reports every failure with its reproduction: `python tests/fuzz/deep.py --help`.
"""
