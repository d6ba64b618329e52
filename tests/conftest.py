import random

import numpy as np
import pytest

import tapegrad as tf
from tapegrad._core import record

# Tapes keep only what reverse rules declare they read (`saves`), for tensors of at least
# SHELL_MIN_SIZE elements. The tests use small tensors: check every declaration on them too.
record.SHELL_MIN_SIZE = 0


@pytest.fixture(autouse=True)
def _seed_everything():
    """Every test starts from the same random state."""
    random.seed(0)
    np.random.seed(0)
    tf.random.set_seed(0)
    yield


@pytest.fixture(scope="module")
def tf_keras_real():
    """TensorFlow and Keras themselves, for the tests that compare with them (skipped without)."""
    return pytest.importorskip("tensorflow"), pytest.importorskip("keras")


@pytest.fixture
def without_pillow(monkeypatch):
    """Imports of PIL fail, as on a machine without the "image" extra."""
    import builtins

    real_import = builtins.__import__

    def no_pil(name, *args, **kwargs):
        if name == "PIL" or name.startswith("PIL."):
            raise ImportError("No module named 'PIL'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pil)
