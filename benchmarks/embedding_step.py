"""Times one training step of an Embedding(1_000_000, 64) model with Adam (issue 14).

    python benchmarks/embedding_step.py [--peer-python PATH] [--repeats N]

The model: ids (32 sequences of 10) -> Embedding(1_000_000, 64) -> mean over the sequence ->
Dense(1), mean squared error, one `GradientTape` step and `apply_gradients`. The table's
gradient is IndexedSlices in both libraries. tapegrad runs in this interpreter; with
`--peer-python`, TensorFlow runs the same step eagerly and in a `tf.function`. Each library
runs in a fresh process, one thread, and prints the median of `--repeats` timed steps (after
3 warm-up steps); ids change every step.
"""

import argparse
import json
import os
import subprocess
import sys

STEP = r'''
import json, statistics, sys, time
import numpy as np
LIB, MODE, REPEATS = sys.argv[1], sys.argv[2], int(sys.argv[3])
if LIB == "tapegrad":
    import tapegrad as tf
    from tapegrad import keras
else:
    import tensorflow as tf
    import keras
rng = np.random.default_rng(0)
emb, dense = keras.layers.Embedding(1_000_000, 64), keras.layers.Dense(1)
opt = keras.optimizers.Adam(1e-3)
y = rng.standard_normal((32, 1)).astype(np.float32)
emb.build((32, 10))
dense.build((32, 64))
variables = emb.trainable_variables + dense.trainable_variables

def step(ids):
    with tf.GradientTape() as tape:
        pred = dense(tf.reduce_mean(emb(ids), axis=1))
        loss = tf.reduce_mean((pred - y) ** 2)
    grads = tape.gradient(loss, variables)
    opt.apply_gradients(zip(grads, variables))
    return grads[0]

if MODE == "function":
    step = tf.function(step)
batches = [rng.integers(0, 1_000_000, size=(32, 10)).astype(np.int32) for _ in range(REPEATS + 3)]
kind = type(step(batches[0])).__name__ if MODE == "eager" else "-"
for ids in batches[1:3]:
    step(ids)
times = []
for ids in batches[3:]:
    t0 = time.perf_counter()
    step(ids)
    float(np.asarray(emb.trainable_variables[0][0, 0]))  # wait for the update
    times.append(time.perf_counter() - t0)
print(json.dumps({"lib": LIB, "mode": MODE, "median_ms": 1e3 * statistics.median(times),
                  "grad": kind}))
'''


def run(python, lib, mode, repeats):
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               TF_NUM_INTRAOP_THREADS="1", TF_NUM_INTEROP_THREADS="1", TF_CPP_MIN_LOG_LEVEL="3")
    out = subprocess.run([python, "-c", STEP, lib, mode, str(repeats)], env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer-python", default=os.environ.get("BENCH_PEER_PYTHON"))
    parser.add_argument("--repeats", type=int, default=15)
    opts = parser.parse_args(argv)
    runs = [(sys.executable, "tapegrad", "eager")]
    if opts.peer_python:
        runs += [(opts.peer_python, "tensorflow", "eager"),
                 (opts.peer_python, "tensorflow", "function")]
    for python, lib, mode in runs:
        print(json.dumps(run(python, lib, mode, opts.repeats)))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
