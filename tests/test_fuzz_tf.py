"""The differential fuzzer against TensorFlow itself: skipped unless `import tensorflow` works.

The programs of tests/test_fuzz.py, run in both libraries: values, first and second
derivatives, JVPs, jacobian and batch_jacobian, tf.function, float32, None versus tensor and
error classes must agree; where they do not, finite differences decide, and only the entries of
tests/fuzz/known.py are accepted.

    TAPEGRAD_FUZZ_TF_SEEDS=2000 PYTHONPATH=src python -m pytest tests/test_fuzz_tf.py
"""

import os

import pytest
from fuzz.runner import run
from test_fuzz import _programs_using, report

from tapegrad._core.primitive import PRIMITIVES

tf = pytest.importorskip("tensorflow")

SEEDS = int(os.environ.get("TAPEGRAD_FUZZ_TF_SEEDS", "60"))
CHUNK = 20


@pytest.mark.parametrize("start", range(0, SEEDS, CHUNK))
def test_random_programs_agree_with_tensorflow(start):
    seeds = range(start, min(start + CHUNK, SEEDS))
    failing = [o for o in (run(seed, tf) for seed in seeds) if o.failures]
    assert not failing, report(failing, len(seeds))


def test_tensorflow_catches_a_wrong_value(monkeypatch):
    # values have no other oracle: an offset the derivatives cannot see must still be caught
    seeds = _programs_using("reduce_logsumexp", 3, smooth=True)
    forward = PRIMITIVES["reduce_logsumexp"].forward
    monkeypatch.setattr(PRIMITIVES["reduce_logsumexp"], "forward",
                        lambda x, **k: forward(x, **k) + 1e-3)
    outcomes = [run(seed, tf, shrink=False, smooth=True, bad=False) for seed in seeds]
    assert sum(any(f.part == "value" for f in o.failures) for o in outcomes) >= 2
