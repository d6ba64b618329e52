"""Programs written in the style of TensorFlow 2.21's guides and tutorials, run unchanged.

Each program in tests/guides/ is a TensorFlow program (`import tensorflow as tf`, `import
keras`) on small deterministic data, with fixed initial weights so that every library starts
from the same numbers. The test runs it with tapegrad in place of TensorFlow and Keras and
checks that it prints what TensorFlow 2.21 (Keras 3) printed, recorded in `<name>.expected`.
Where TensorFlow imports, `test_expected_output_is_tensorflows` reruns each program on it
(in its own interpreter, as the program would run; about 3 minutes on 2 cores, so only when
TAPEGRAD_GUIDES_TF=1 is set).

The guides: autodiff, advanced_autodiff, tensor, variable, basic_training_loops,
customization basics + custom layers, basic regression (pandas), basic classification,
overfit_and_underfit, writing a training loop from scratch, tf.data, the Keras optimizers,
schedules, callbacks and losses, and tf.function (tracing, retracing, concrete functions and
their graphs, side effects, variables, AutoGraph's loops over tf.range and datasets), and
TensorBoard (Keras's callback and tf.summary in a custom loop), and simple audio recognition
(audio_dataset_from_directory, tf.signal.stft spectrograms, a small Conv2D model).
"""

import contextlib
import io
import os
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

import tapegrad
from tapegrad import keras as tg_keras

GUIDES = pathlib.Path(__file__).parent / "guides"
PROGRAMS = sorted(p.stem for p in GUIDES.glob("*.py"))
IMPORTS = re.compile(r"^(import tensorflow as tf|import keras)$", re.MULTILINE)


def _run(name, tf, keras):
    """What the program prints, with `tf` and `keras` bound to the given modules."""
    source = (GUIDES / f"{name}.py").read_text(encoding="utf-8")
    if "import pandas" in source:
        pytest.importorskip("pandas")
    code = compile(IMPORTS.sub("", source), str(GUIDES / f"{name}.py"), "exec")
    out = io.StringIO()
    with contextlib.redirect_stdout(out), np.printoptions():  # a program may set them
        exec(code, {"__name__": "__guide__", "tf": tf, "keras": keras})
    # tapegrad's tensors, variables and dtypes print as "tapegrad.Tensor(...)",
    # "dtype=tapegrad.int32"; TensorFlow's as "tf.Tensor", "dtype=tf.int32".
    text = re.sub(r"\btapegrad\.(Tensor|Variable)\b", r"tf.\1", out.getvalue())
    return text.replace("dtype=tapegrad.", "dtype=tf.")


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("name", PROGRAMS)
def test_guide_program_prints_what_tensorflow_printed(name):
    expected = (GUIDES / f"{name}.expected").read_text(encoding="utf-8")
    assert _run(name, tapegrad, tg_keras) == expected


@pytest.mark.parametrize("name", PROGRAMS)
def test_expected_output_is_tensorflows(name):
    # Each program runs in a fresh interpreter: TensorFlow's state left by one program (its
    # traced functions, Keras's trackers) changed what a later one printed in the same process.
    if not os.environ.get("TAPEGRAD_GUIDES_TF"):
        pytest.skip("set TAPEGRAD_GUIDES_TF=1 to rerun the guides on TensorFlow (3 minutes)")
    pytest.importorskip("tensorflow")
    source = (GUIDES / f"{name}.py").read_text(encoding="utf-8")
    if "import pandas" in source:
        pytest.importorskip("pandas")
    if "tf.summary" in source:  # TensorFlow's summary ops are TensorBoard's package
        pytest.importorskip("tensorboard")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run([sys.executable, str(GUIDES / f"{name}.py")], capture_output=True,
                          text=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout == (GUIDES / f"{name}.expected").read_text(encoding="utf-8")
