import random

import numpy as np
import pytest

import tapegrad as tf


@pytest.fixture(autouse=True)
def _seed_everything():
    """Every test starts from the same random state."""
    random.seed(0)
    np.random.seed(0)
    tf.random.set_seed(0)
    yield
