"""Memory of the large training step (issue 16): what the tape keeps and how many large
arrays are alive at once, measured with tracemalloc (NumPy reports every array to it).

The step is benchmarks' `large_step`: Dense(256, relu) -> Dense(256, relu) -> Dense(1) at
batch 4096, MSE, SGD, whose hidden activations are 4 MiB blocks. The bounds are counts of
those blocks, what the arithmetic needs: a change that brings back a copy, keeps an
intermediate on the tape or stops writing into buffers the engine owns makes one fail.
"""

import tracemalloc
import warnings

import numpy as np

import tapegrad as tf
from tapegrad import keras

BATCH, WIDTH = 4096, 256
BLOCK = BATCH * WIDTH * 4  # one hidden activation, float32: 4 MiB


def _step_memory():
    """(forward peak, held after the forward, blocks of >= 1 MiB held after it, backward
    peak, optimizer step peak), bytes above what was held before each phase."""
    rng = np.random.default_rng(0)
    x = tf.constant(rng.standard_normal((BATCH, 8)).astype(np.float32))
    y = tf.constant(rng.standard_normal((BATCH, 1)).astype(np.float32))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = keras.Sequential([
            keras.Input((8,)),
            keras.layers.Dense(WIDTH, activation="relu"),
            keras.layers.Dense(WIDTH, activation="relu"),
            keras.layers.Dense(1),
        ])
    optimizer = keras.optimizers.SGD(0.01)

    def step(measure):
        tracemalloc.reset_peak()
        start = tracemalloc.get_traced_memory()[0]
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x) - y))
        held, forward_peak = tracemalloc.get_traced_memory()
        blocks = 0
        if measure:
            snapshot = tracemalloc.take_snapshot()
            blocks = sum(1 for trace in snapshot.traces if trace.size >= 2**20)
        tracemalloc.reset_peak()
        grads = tape.gradient(loss, model.trainable_variables)
        backward_peak = tracemalloc.get_traced_memory()[1]
        del tape, loss
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        update_peak = tracemalloc.get_traced_memory()[1] - before
        return (forward_peak - start, held - start, blocks, backward_peak - start, update_peak)

    step(False)  # builds the model and the optimizer
    tracemalloc.start()
    try:
        step(False)
        return step(True)
    finally:
        tracemalloc.stop()


def test_large_step_allocates_what_the_arithmetic_needs():
    forward_peak, held, blocks, backward_peak, update_peak = _step_memory()
    # forward: a layer's matmul output, its biased sum and its relu output, beside the
    # previous layer's relu output that the tape keeps: 3 blocks at most at once
    assert forward_peak < 3.25 * BLOCK, forward_peak / BLOCK
    # the tape keeps the two relu outputs (relu's gradient reads its output; matmul's read
    # its inputs, which are those), nothing else of that size
    assert blocks == 2 and held < 2.25 * BLOCK, (blocks, held / BLOCK)
    # backward: the two kept outputs, a cotangent and the next matmul's result; relu's mask
    # is applied in the cotangent's own buffer (no third block), masks are bytes (1/4 block)
    assert backward_peak < 3.5 * BLOCK, backward_peak / BLOCK
    # the update writes into the variables: the kernel's `g * lr` (1/16 block) and little
    # else; a copy of each variable per update made it 1/4 block
    assert update_peak < 0.2 * BLOCK, update_peak / BLOCK
